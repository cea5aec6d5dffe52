"""The ledger is written idempotently and completely."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from temporalio import activity
from temporalio.worker import Worker

from activities.recording import RecordingActivities
from activities.scheduling import SchedulingActivities
from domain.enums import DeadlineKind, ResultClass, Verdict
from domain.models import ItemChanges
from ledger.rows import EventRow, SuggestionRow
from ledger.writes import LedgerWriter
from tests.helpers import Item, new_suggestion
from workflows.suggestion import SuggestionWorkflow


def _event_rows(sessions, workflow_id: str) -> list[EventRow]:
    with sessions() as session:
        return list(session.scalars(select(EventRow).where(EventRow.workflow_id == workflow_id).order_by(EventRow.seq)))


class CrashAfterCommit(RecordingActivities):
    """Writes, then fails the first attempt of every call, as if the worker died before reporting success."""

    attempts: list[int] = []

    @activity.defn(name="record_changes")
    def record_changes(self, changes: ItemChanges) -> int:
        written = super().record_changes(changes)
        self.attempts.append(activity.info().attempt)
        if activity.info().attempt == 1:
            raise RuntimeError("lost the connection after commit")
        return written


async def test_retried_ledger_activity_never_writes_twice(time_env, sessions, settings, number):
    task_queue = f"crash-{uuid.uuid4().hex[:6]}"
    flaky = CrashAfterCommit(LedgerWriter(sessions))
    with ThreadPoolExecutor(4) as executor:
        async with Worker(
            time_env.client, task_queue=task_queue, workflows=[SuggestionWorkflow],
            activities=[SchedulingActivities(settings.huiyin_config_dir).compute_schedules, flaky.record_changes], activity_executor=executor,
        ):
            item = await Item.start(time_env, task_queue, new_suggestion(number))
            state = await item.accept_and_assign(lead="U01")
            # Nobody polls this queue afterwards: end the item so its timers do not stall time skipping.
            await item.handle.terminate("test over")
    assert 1 in flaky.attempts and 2 in flaky.attempts  # every write was retried once
    rows = _event_rows(sessions, item.handle.id)
    assert [r.seq for r in rows] == list(range(1, state.last_event_seq + 1))
    assert [r.action for r in rows] == [e.action for e in state.events]


def test_recording_the_same_changes_twice_is_a_no_op(sessions, number):
    from datetime import datetime, timezone

    from domain import process

    state = process.register(new_suggestion(number), f"suggestion-2026-{number}", datetime.now(timezone.utc))
    changes = ItemChanges(state=state.model_copy(update={"events": []}), events=state.events)
    write = LedgerWriter(sessions)
    assert write(changes) == 1
    assert write(changes) == 0
    with sessions() as session:
        count = session.scalar(select(func.count()).select_from(EventRow).where(EventRow.workflow_id == state.workflow_id))
        assert count == 1 and session.get(SuggestionRow, state.workflow_id).stage == "registered"


async def test_event_log_has_every_action_and_timer_outcome_once_in_order(time_env, worker, sessions, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.accept_and_assign(lead="U01", co=["U02"])
    await item.prepare_reply("U01")
    await item.pass_days(100)  # adjustment windows close, co-opinion late, reply overdue
    await item.reply("U01", ResultClass.B)
    rated = await item.rate(Verdict.unsatisfied, reasons="进度太慢")
    # Until the order's deadline (working days: how many calendar days depends on the holidays ahead).
    order_due = next(d.due_at for d in rated.deadlines if d.kind == DeadlineKind.rehandling_order)
    state = await item.pass_until(order_due)  # re-handling order late
    rows = _event_rows(sessions, item.handle.id)
    assert [(r.seq, r.action, r.unit) for r in rows] == [(e.seq, e.action, e.unit) for e in state.events]
    actions = [r.action for r in rows]
    for outcome in ("adjustment_window_closed", "co_opinion_late", "reply_overdue", "rehandling_order_late"):
        assert actions.count(outcome) >= 1, outcome
    assert actions.count("adjustment_window_closed") == 2  # one per unit
    row = rows[actions.index("reply_overdue")]
    assert row.actor_role == "system" and row.payload["deadline"] == "reply:U01:1"
    with sessions() as session:
        projection = session.get(SuggestionRow, item.handle.id)
        assert projection.stage == "rehandling" and projection.last_event_seq == state.last_event_seq


def test_events_that_never_became_history_are_replaced_and_dropped(sessions, number):
    """A workflow task the server rejected ran its ledger write; the retried task numbers differently."""
    from datetime import datetime, timedelta, timezone

    from domain import process
    from domain.models import SYSTEM

    now = datetime.now(timezone.utc)
    base = process.register(new_suggestion(number), f"suggestion-2026-{number}", now)
    write = LedgerWriter(sessions)
    write(ItemChanges(state=base.model_copy(update={"events": []}), events=base.events))

    rejected = base.model_copy(deep=True)  # the rejected attempt: a carry-over as seq 2 and 3
    process.record(rejected, now, SYSTEM, "carried_over")
    process.record(rejected, now, SYSTEM, "deadline_set")
    write(ItemChanges(state=rejected.model_copy(update={"events": []}), events=rejected.events[1:]))

    history = base.model_copy(deep=True)  # what the retried task made history: an acceptance as seq 2
    process.record(history, now + timedelta(seconds=1), SYSTEM, "accepted")
    write(ItemChanges(state=history.model_copy(update={"events": []}), events=history.events[1:]))

    rows = _event_rows(sessions, history.workflow_id)
    assert [(r.seq, r.action) for r in rows] == [(1, "registered"), (2, "accepted")]
    with sessions() as session:
        assert session.get(SuggestionRow, history.workflow_id).last_event_seq == 2
