"""Events that ask for notifications fill the inbox and the outbox in the same transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from domain.enums import DeadlineKind, UnitRole
from domain.models import Assignment, Deadline
from ledger.outbox import resolve_recipients
from ledger.rows import DeliveryRow, EventRow, NotificationRow, UserRow
from tests.notify.conftest import BLUE_AT, DUE, emit, new_item, notify_units


def _names(sessions, notify) -> set[str]:
    with sessions() as session:
        return {r.user.username for r in resolve_recipients(session, notify)}


def test_recipients(nsessions):
    assert _names(nsessions, notify_units("N01")) == {"n-h01", "n-head01", "n-mute01"}  # not the inactive one
    assert _names(nsessions, notify_units("N01", roles=["unit_head"])) == {"n-head01"}
    assert _names(nsessions, notify_units("N01", "N02", roles=["unit_handler"])) == {"n-h01", "n-mute01", "n-h02"}
    assert _names(nsessions, {"roles": ["coordinator"], "units": [], "deputies": []}) == {"n-coord", "n-coord2"}
    assert _names(nsessions, {"roles": ["supervisor", "coordinator"]}) == {"n-coord", "n-coord2", "n-sup"}
    assert _names(nsessions, {"roles": [], "units": ["N01"], "deputies": ["ND2", "D404"]}) == {"n-dep2"}
    assert _names(nsessions, {"roles": ["unit_handler"], "units": [], "deputies": []}) == set()  # no unit: nobody
    assert _names(nsessions, {"roles": "coordinator", "deputies": None}) == {"n-coord", "n-coord2"}  # lenient


def _rows(sessions, workflow_id):
    with sessions() as session:
        notes = session.execute(
            select(NotificationRow, UserRow.username).join(UserRow, UserRow.id == NotificationRow.recipient_id)
            .where(NotificationRow.workflow_id == workflow_id)
        ).all()
        deliveries = session.execute(
            select(DeliveryRow, UserRow.username).join(UserRow, UserRow.id == DeliveryRow.recipient_id)
            .join(NotificationRow, NotificationRow.id == DeliveryRow.notification_id)
            .where(NotificationRow.workflow_id == workflow_id)
        ).all()
    return {u: n for n, u in notes}, [(u, d.channel, d.address, d.status, d.last_error) for d, u in deliveries]


def test_event_with_notify_writes_notifications_and_deliveries_once(nsessions):
    state = new_item(number="0123")
    notify = {"roles": ["unit_handler", "unit_head", "coordinator"], "units": ["N01"], "deputies": ["ND1", "ND2"]}
    assert emit(nsessions, state, "reminder_blue", "N01", at=BLUE_AT, deadline="reply:N01:1", kind="reply",
                level="blue", due_at=DUE.isoformat(), notify=notify) == 2  # registered + the reminder
    notes, deliveries = _rows(nsessions, state.workflow_id)
    assert set(notes) == {"n-h01", "n-head01", "n-mute01", "n-coord", "n-coord2", "n-dep1", "n-dep2"}
    handler = notes["n-h01"]
    assert handler.event_id == f"{state.workflow_id}:2" and handler.action == "reminder_blue" and handler.read_at is None
    assert (handler.kind, handler.level, handler.number, handler.due_at) == ("reply", "blue", "0123", DUE)
    assert handler.subject == "【回音】2026年第0123号建议答复期限提醒"
    assert "2026-06-05 23:59（北京时间）" in handler.body and "还有15天" in handler.body and state.title in handler.body
    assert "请督促承办单位" in notes["n-coord"].body
    assert sorted(deliveries) == sorted([
        ("n-h01", "email", "h01@units.example", "pending", ""),
        ("n-head01", "email", "head01@units.example", "pending", ""),
        ("n-coord", "email", "coord@office.example", "pending", ""),
        ("n-coord2", "email", "coord2@office.example", "pending", ""),
        ("n-dep1", "email", "nd1@people.example", "pending", ""),  # the register's email
        ("n-dep1", "sms", "13900000001", "pending", ""),
        ("n-dep2", "email", "dep2@people.example", "pending", ""),
        ("n-mute01", "none", "", "undeliverable",
         "user n-mute01 (unit_handler) has no email address and no phone number"),
    ])
    # The workflow's activity retried with the same changes: nothing new anywhere.
    again = state.model_copy(deep=True)
    from domain.models import ItemChanges
    from ledger.writes import record_changes

    with nsessions() as session:
        assert record_changes(session, ItemChanges(state=again.model_copy(update={"events": []}), events=again.events)) == 0
        assert session.scalar(select(func.count()).select_from(NotificationRow)) == 7
        assert session.scalar(select(func.count()).select_from(DeliveryRow)) == 8


def test_events_without_notify_or_without_anyone_to_tell(nsessions):
    state = new_item()
    emit(nsessions, state, "contact_logged", "N01")
    emit(nsessions, state, "reminder_blue", "N09", notify=notify_units("N09"))  # a unit with no users
    with nsessions() as session:
        assert session.scalar(select(func.count()).select_from(EventRow).where(EventRow.workflow_id == state.workflow_id)) == 3
        assert session.scalar(select(func.count()).select_from(NotificationRow)) == 0


def test_assignment_names_the_deadline_from_the_items_clocks(nsessions):
    """"assigned" carries no instant; each unit is told its own clock (reply for the lead, co-opinion for a co-handler)."""
    state = new_item()
    now = BLUE_AT - timedelta(days=60)
    state.assignments = [Assignment(unit="N01", role=UnitRole.lead, assigned_at=now),
                         Assignment(unit="N02", role=UnitRole.co_handling, assigned_at=now)]
    state.deadlines = [
        Deadline(key="reply:N01:1", kind=DeadlineKind.reply, unit="N01", start=now, rule="3 months", policy="national", due_at=DUE),
        Deadline(key="co_opinion:N02:1", kind=DeadlineKind.co_opinion, unit="N02", start=now, rule="1 month",
                 policy="national", due_at=DUE - timedelta(days=30)),
    ]
    emit(nsessions, state, "assigned", at=now, lead_unit="N01", co_units=["N02"],
         notify={"roles": ["unit_handler"], "units": ["N01", "N02"], "deputies": ["ND2"]})
    notes, _ = _rows(nsessions, state.workflow_id)
    assert notes["n-h01"].kind == "reply" and notes["n-h01"].due_at == DUE
    assert "请于2026-06-05 23:59（北京时间）前签收并答复" in notes["n-h01"].body
    assert notes["n-h02"].kind == "co_opinion" and "2026-05-06 23:59（北京时间）前向主办单位提交协办意见" in notes["n-h02"].body
    assert notes["n-dep2"].due_at == DUE and "答复期限为2026-06-05 23:59（北京时间）" in notes["n-dep2"].body


def test_a_fresh_database_is_migrated_to_head_with_the_outbox(db_url):
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, inspect

    from ledger.schema import alembic_config

    engine = create_engine(db_url)
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert {"notifications", "deliveries", "events", "users"} <= tables
    assert version == ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    with engine.begin() as connection:  # and 0002 comes off cleanly (on this connection, whatever the env says)
        config = alembic_config(db_url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    with engine.connect() as connection:
        assert not {"notifications", "deliveries"} & set(inspect(connection).get_table_names())
    engine.dispose()
