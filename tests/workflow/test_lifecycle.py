"""Every path of one suggestion through stages 1–8, on the time-skipping server."""

from __future__ import annotations

from sqlalchemy import select

from domain import commands as c
from domain.enums import DeadlineKind, DeadlineStatus, ResultClass, Stage, Verdict
from ledger.models import EventRow, SuggestionRow
from tests.helpers import COORDINATOR, Item, new_suggestion
from workflows.suggestion import SuggestionWorkflow


async def test_accept_assign_reply_a_satisfied_closes(time_env, worker, settings, sessions, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    state = await item.accept_and_assign(lead="U01")
    assert state.stage == Stage.handling
    reply_deadline = state.pending_deadline(DeadlineKind.reply, "U01")
    assert reply_deadline.rule == "3 months" and reply_deadline.policy == "national@2025.1"
    assert reply_deadline.due_at is not None

    await item.prepare_reply("U01")
    state = await item.reply("U01", ResultClass.A)
    assert state.stage == Stage.awaiting_feedback
    assert state.pending_deadline(DeadlineKind.feedback, "U01").rule == "15 working_days"

    state = await item.rate(Verdict.satisfied)
    assert state.stage == Stage.closed
    assert state.assignments[0].outcome == "satisfied"
    assert all(d.status != DeadlineStatus.pending for d in state.deadlines)
    final = await item.handle.result()
    assert final.stage == Stage.closed

    with sessions() as session:
        row = session.get(SuggestionRow, item.handle.id)
        assert row.stage == "closed" and row.result_class == "A" and row.lead_unit == "U01"
        actions = session.scalars(
            select(EventRow.action).where(EventRow.workflow_id == item.handle.id).order_by(EventRow.seq)
        ).all()
    assert actions == [e.action for e in final.events]
    assert [a for a in actions if a != "deadline_set"] == [
        "registered", "accepted", "assigned", "signed_for_receipt", "contact_logged",
        "reply_drafted", "reply_signed_off", "reply_accepted", "feedback_given",
    ]
