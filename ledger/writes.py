"""Writing an item's changes into the ledger, idempotently.

Events are keyed by workflow id + sequence and inserted only if absent; the
projection rows are replaced by the state they describe, and never by an
older state than the one already stored. So a retried activity writes nothing
twice and a late retry cannot move the ledger backwards.

One exception keeps the log true to the workflow's history: the write runs as a
local activity inside a workflow task, and when the server rejects that task (an
update or signal arrived meanwhile, e.g. during the year-end switch) the task runs
again and may number its events differently. Events so written that never became
history ("phantoms") are replaced by the ones that did, and dropped when their
sequence is beyond the item's own.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from datetime import datetime, timezone

from sqlalchemy import Row, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from domain.models import ItemChanges, SuggestionState
from ledger.outbox import notifications_for_event
from ledger.rows import (
    AssignmentRow,
    ContactRow,
    DeadlineRow,
    DeliveryRow,
    EventRow,
    FeedbackRow,
    NotificationRow,
    ReplyRow,
    SignerRow,
    SuggestionRow,
)
from ledger.search import reindex, uses_index

log = logging.getLogger("huiyin.ledger")
# Rows rewritten from the state, each table from these fields of it; contacts only grow, so only new ones are added.
PROJECTION_SOURCES = {
    SignerRow: ("lead_deputy", "co_signers"),
    AssignmentRow: ("assignments",),
    DeadlineRow: ("deadlines",),
    ReplyRow: ("replies",),
    FeedbackRow: ("feedback",),
}
SEARCH_SOURCES = ("year", "number", "title", "body")  # what the text search index holds (ledger.search)
# Plain SQL statements, built once and executed on the session's connection: this runs after every
# change of every item, and building statements and the ORM's execution cost more than the writes.
SUGGESTIONS = SuggestionRow.__table__
STORED_ITEM = select(SuggestionRow.last_event_seq, SuggestionRow.state).where(SuggestionRow.workflow_id == bindparam("wid"))
STORED_EVENTS = select(EventRow.id, EventRow.seq, EventRow.action, EventRow.at).where(
    EventRow.workflow_id == bindparam("wid"), EventRow.seq >= bindparam("first_seq"))
INSERT_EVENTS = insert(EventRow.__table__)
INSERT_ITEM = insert(SUGGESTIONS)
UPDATE_ITEM = update(SUGGESTIONS).where(SUGGESTIONS.c.workflow_id == bindparam("wid"))
DELETE_ROWS = {t: delete(t.__table__).where(t.__table__.c.workflow_id == bindparam("wid")) for t in PROJECTION_SOURCES}
INSERT_ROWS = {t: insert(t.__table__) for t in (*PROJECTION_SOURCES, ContactRow)}
CONTACT_COUNT = select(func.count()).select_from(ContactRow).where(ContactRow.workflow_id == bindparam("wid"))


def record_changes(session: Session, changes: ItemChanges) -> int:
    """Store new events and the item's projection; returns how many events were new."""
    state = changes.state
    now = datetime.now(timezone.utc)
    stored = session.connection().execute(STORED_ITEM, {"wid": state.workflow_id}).first()
    new_events, rewound = _insert_missing_events(session, changes, now)
    if stored is None or stored.last_event_seq <= state.last_event_seq or rewound:
        _write_projection(session, state, stored, now)
    _add_contacts(session, changes)
    session.commit()
    return new_events


def _drop_events(session: Session, event_ids: list[str]) -> None:
    """Remove events that never became history, with their notifications."""
    notifications = select(NotificationRow.id).where(NotificationRow.event_id.in_(event_ids))
    session.execute(delete(DeliveryRow).where(DeliveryRow.notification_id.in_(notifications)))
    session.execute(delete(NotificationRow).where(NotificationRow.event_id.in_(event_ids)))
    session.execute(delete(EventRow).where(EventRow.id.in_(event_ids)))


def _insert_missing_events(session: Session, changes: ItemChanges, now: datetime) -> tuple[int, bool]:
    """Insert the events not yet stored; returns how many, and whether phantoms were replaced or dropped."""
    state = changes.state
    wid = state.workflow_id
    first_seq = min([e.seq for e in changes.events] + [state.last_event_seq + 1])
    # One read finds both the events already stored and those beyond the item's own sequence.
    stored = {r.seq: r for r in session.connection().execute(STORED_EVENTS, {"wid": wid, "first_seq": first_seq})}
    ghosts = [r.id for seq, r in stored.items() if seq > state.last_event_seq]
    if ghosts:
        log.warning("dropping %d ledger events of %s that never became workflow history", len(ghosts), wid)
    phantoms = [
        stored[e.seq].id for e in changes.events
        if e.seq in stored and (stored[e.seq].action, stored[e.seq].at) != (e.action, e.at)
    ]
    if phantoms:
        log.warning("replacing ledger events %s of %s that never became workflow history", phantoms, wid)
    if ghosts or phantoms:
        _drop_events(session, ghosts + phantoms)
    kept = {stored[seq].id for seq in stored} - set(ghosts) - set(phantoms)
    rows = [_event_values(wid, e, now) for e in changes.events if f"{wid}:{e.seq}" not in kept]
    if rows:
        session.connection().execute(INSERT_EVENTS, rows)
    for row in rows:
        notifications_for_event(session, EventRow(**row), state)  # the outbox commits with the event
    return len(rows), bool(ghosts or phantoms)


def _event_values(wid: str, event, now: datetime) -> dict:
    return dict(
        id=f"{wid}:{event.seq}",
        workflow_id=wid,
        seq=event.seq,
        at=event.at,
        action=event.action,
        actor_user=event.actor.user,
        actor_role=event.actor.role.value,
        actor_unit=event.actor.unit,
        actor_deputy=event.actor.deputy,
        unit=event.unit,
        payload=event.detail,
        recorded_at=now,
    )


def _write_projection(session: Session, state: SuggestionState, stored: Row | None, now: datetime) -> None:
    dumped = state.model_dump(mode="json", exclude={"events", "contacts"})  # contacts: their own table
    values = dict(
        kind=state.kind.value,
        year=state.year,
        number=state.number,
        period=state.period.value,
        title=state.title,
        body=state.body,
        field=state.field,
        lead_deputy=state.lead_deputy,
        co_signers=state.co_signers,
        delegation=state.delegation,
        received_on=state.received_on,
        policy=state.policy.ref,
        stage=state.stage.value,
        result_class=state.result_class().value if state.result_class() else None,
        lead_unit=state.lead_unit(),
        co_units=[a.unit for a in state.active_assignments() if a.role.value == "co_handling"],
        overdue=state.overdue,
        key_supervision=state.key_supervision,
        warning_level=state.warning_level.value,
        next_due_at=state.next_due_at(),
        reply_due_at=state.reply_due_at(),
        origin_year=state.origin_year,
        handling_year=state.handling_year,
        carry_over_count=state.carry_over_count,
        key_status=state.key.status.value if state.key else None,
        key_theme=state.key.theme if state.key else "",
        interview_due=state.interview_due,
        consultation_due=state.consultation_due,
        last_event_seq=state.last_event_seq,
        state=dumped,
        updated_at=now,
    )
    wid = state.workflow_id
    connection = session.connection()
    if stored is None:
        connection.execute(INSERT_ITEM, {"workflow_id": wid, **values})
    else:
        connection.execute(UPDATE_ITEM, {"wid": wid, **values})
    # A table is rewritten only when the fields it comes from changed since the stored state.
    before = stored.state if stored is not None else {}
    if uses_index(session) and (stored is None or any(before.get(f) != dumped.get(f) for f in SEARCH_SOURCES)):
        reindex(session, dumped, before if stored is not None else None)
    rows = _projection_rows(state)
    for table, fields in PROJECTION_SOURCES.items():
        if stored is not None and all(before.get(name) == dumped.get(name) for name in fields):
            continue
        if stored is not None:
            connection.execute(DELETE_ROWS[table], {"wid": wid})
        if rows[table]:
            connection.execute(INSERT_ROWS[table], [{"workflow_id": wid, **row} for row in rows[table]])


def _projection_rows(state: SuggestionState) -> dict[type, list[dict]]:
    co_signers = [d for d in dict.fromkeys(state.co_signers) if d != state.lead_deputy]
    return {
        SignerRow: [{"deputy": state.lead_deputy, "lead": True}] + [{"deputy": d, "lead": False} for d in co_signers],
        AssignmentRow: [
            dict(unit=a.unit, role=a.role.value, status=a.status.value, assigned_at=a.assigned_at, signed_at=a.signed_at,
                 stage=a.stage.value if a.stage else None, round=a.round, overdue=a.overdue)
            for a in state.assignments
        ],
        DeadlineRow: [
            dict(key=d.key, kind=d.kind.value, unit=d.unit, start=d.start, rule=d.rule, policy=d.policy, due_at=d.due_at,
                 status=d.status.value, closed_at=d.closed_at, replaces=d.replaces)
            for d in state.deadlines
        ],
        ReplyRow: [
            dict(unit=r.unit, round=r.round, result_class=r.result_class.value, status=r.status.value,
                 face_to_face=r.face_to_face, replied_by=r.replied_by, publish=r.publish, text=r.text,
                 public_text=r.public_text, no_publish_reason=r.no_publish_reason, drafted_at=r.drafted_at,
                 signed_off_at=r.signed_off_at, checked_at=r.checked_at, late=r.late)
            for r in state.replies
        ],
        FeedbackRow: [
            dict(unit=f.unit, round=f.round, deputy=f.deputy, verdict=f.verdict.value if f.verdict else None,
                 reasons=f.reasons, at=f.at)
            for f in state.feedback
        ],
    }


def _add_contacts(session: Session, changes: ItemChanges) -> None:
    """Contacts only grow: add those beyond what is stored (all of state.contacts, or the new ones)."""
    wid = changes.state.workflow_id
    if changes.new_contacts is None:
        contacts, total = changes.state.contacts, len(changes.state.contacts)
    else:
        contacts, total = changes.new_contacts, changes.contact_count
    first = total - len(contacts)  # index of the first contact given
    stored = session.connection().execute(CONTACT_COUNT, {"wid": wid}).scalar_one()
    if stored > total:  # a rewound (phantom) write had added more: start again from what is given
        session.execute(delete(ContactRow).where(ContactRow.workflow_id == wid, ContactRow.id.in_(
            select(ContactRow.id).where(ContactRow.workflow_id == wid).order_by(ContactRow.id.desc()).limit(stored - total)
        )))
        stored = total
    new = [
        dict(workflow_id=wid, unit=x.unit, when=x.when, way=x.way.value, summary=x.summary, logged_by=x.logged_by,
             phase=x.phase.value if x.phase else None)
        for x in contacts[max(stored - first, 0):]
    ]
    if new:
        session.connection().execute(INSERT_ROWS[ContactRow], new)


class LedgerWriter:
    """Records items' changes, one transaction each (what the worker's `record_changes` activity does).

    SQLite takes one writer at a time, and a writer that finds it busy sleeps up to 100 ms between tries:
    the worker's threads take turns here instead, so none sleeps idle."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions
        sqlite = sessions.kw["bind"].dialect.name == "sqlite"
        self.turn = threading.Lock() if sqlite else contextlib.nullcontext()

    def __call__(self, changes: ItemChanges) -> int:
        with self.turn, self.sessions() as session:
            return record_changes(session, changes)
