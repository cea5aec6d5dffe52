"""An inquiry letter (问政交办函) on the time-skipping server: put to its unit at the hearing (no review),
answered within one month, rated, followed through and carried over like a suggestion between sessions."""

from __future__ import annotations

from datetime import timedelta

from domain import commands as c
from domain.calendar import local_date
from domain.enums import DeadlineKind, DeadlineStatus, ResultClass, Stage, Verdict
from domain.follow_up import year_end
from domain.kinds import Kind
from domain.models import Commitment
from ledger.rows import EventRow, SuggestionRow
from tests.helpers import COORDINATOR, Item, new_inquiry
from workflows import search_attributes as sa


async def test_inquiry_letter_from_hearing_to_close(time_env, worker, settings, sessions, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_inquiry(number))
    assert item.handle.id.startswith("inquiry-")
    state = await item.state()
    assert state.kind == Kind.inquiry and state.accepted_at is not None and state.stage == Stage.registered
    # The hearing put the question to a unit: no review, so none of its steps is taken.
    for cmd in (c.Accept(actor=COORDINATOR), c.ReturnForRevision(actor=COORDINATOR, reason="不够具体"),
                c.Convert(actor=COORDINATOR, reason="转来信")):
        await item.refused(cmd, "conflict", "is not reviewed")
    state = await item.do(c.Assign(actor=COORDINATOR, lead_unit="U02"))
    reply = state.pending_deadline(DeadlineKind.reply, "U02")
    assert reply.rule == "1 month" and reply.policy == "inquiry@2026.1"
    assert local_date(reply.due_at) - local_date(await item.now()) <= timedelta(days=33)

    await item.prepare_reply("U02")
    await item.reply("U02", ResultClass.A)
    state = await item.rate(Verdict.satisfied)
    assert state.stage == Stage.closed and all(d.status != DeadlineStatus.pending for d in state.deadlines)

    description = await item.handle.describe()
    assert description.workflow_type == "InquiryWorkflow"
    assert description.typed_search_attributes.get(sa.KIND) == "inquiry"
    with sessions() as session:
        row = session.get(SuggestionRow, item.handle.id)
        assert row.kind == "inquiry" and row.stage == "closed"
        registered = session.query(EventRow).filter_by(workflow_id=item.handle.id, action="registered").one()
        assert registered.payload["hearing"] == "2026年第二期“阳光问政”"


async def test_inquiry_overdue_then_b_result_carried_over(time_env, worker, settings, sessions, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_inquiry(number))
    state = await item.do(c.Assign(actor=COORDINATOR, lead_unit="U03"))
    due = state.pending_deadline(DeadlineKind.reply, "U03").due_at
    state = await item.pass_until(due)
    assert state.overdue  # the month ran out: red, as for a suggestion
    await item.prepare_reply("U03")
    target = local_date(await item.now()) + timedelta(days=400)
    await item.reply("U03", ResultClass.B, commitments=[Commitment(what="完成路灯线路改造", due_on=target)])
    state = await item.rate(Verdict.basically_satisfied)
    assert state.stage == Stage.follow_up
    year = state.handling_year
    state = await item.pass_until(year_end(state))
    assert state.handling_year == year + 1 and state.kind == Kind.inquiry and state.carry_over_count == 1
    assert (await item.handle.describe()).workflow_type == "InquiryWorkflow"  # the same letter, carried on
    await item.handle.terminate("test over")
