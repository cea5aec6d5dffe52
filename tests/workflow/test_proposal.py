"""A CPPCC proposal (政协提案) on the time-skipping server: reviewed at three levels in order before it is
filed (立案), answered within three months, handled again after an "unsatisfied", followed up and carried over."""

from __future__ import annotations

from datetime import timedelta

from domain import commands as c
from domain.calendar import local_date
from domain.enums import DeadlineKind, ResultClass, Stage, Verdict
from domain.follow_up import year_end
from domain.kinds import KINDS, FilingLevel, Kind
from domain.models import Commitment
from ledger.rows import EventRow, SuggestionRow
from tests.helpers import COMMITTEE, COORDINATOR, LEAD_DEPUTY, MEMBER, Item, file_proposal, new_proposal, new_suggestion
from workflows import search_attributes as sa


def review(level: FilingLevel) -> c.RecordFilingReview:
    return c.RecordFilingReview(actor=COMMITTEE, level=level, opinion="内容具体，建议可行，同意立案")


async def test_proposal_reviewed_at_three_levels_then_filed_answered_and_closed(time_env, worker, settings, sessions, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_proposal(number))
    assert item.handle.id.startswith("proposal-") and (await item.state()).kind == Kind.proposal
    await item.refused(c.Accept(actor=COMMITTEE), "conflict", "still missing: plenary, after_session, joint")
    await item.refused(review(FilingLevel.joint), "conflict", "plenary comes first")
    await item.do(review(FilingLevel.plenary))
    await item.refused(review(FilingLevel.plenary), "conflict", "already recorded")
    await item.do(review(FilingLevel.after_session))
    await item.refused(c.Accept(actor=COMMITTEE), "conflict", "still missing: joint")
    state = await item.do(c.RecordFilingReview(actor=COMMITTEE, opinion="联审无异议"))  # the next level: joint
    assert [r.level for r in state.filing_reviews] == list(KINDS[Kind.proposal].filing_levels)
    await item.refused(c.RecordFilingReview(actor=COMMITTEE, opinion="再审"), "conflict", "every level of review is recorded")
    state = await item.do(c.Accept(actor=COMMITTEE))  # 立案
    assert state.accepted_at is not None
    await item.refused(review(FilingLevel.joint), "conflict", "only before the item is filed")

    state = await item.do(c.Assign(actor=COMMITTEE, lead_unit="U01"))
    reply = state.pending_deadline(DeadlineKind.reply, "U01")
    assert reply.rule == "3 months" and reply.policy == "proposal@2026.1"
    await item.prepare_reply("U01")
    await item.reply("U01", ResultClass.A)
    state = await item.rate(Verdict.satisfied)
    assert state.stage == Stage.closed
    description = await item.handle.describe()
    assert description.workflow_type == "ProposalWorkflow"
    assert description.typed_search_attributes.get(sa.KIND) == "proposal"
    with sessions() as session:
        assert session.get(SuggestionRow, item.handle.id).kind == "proposal"
        levels = [e.payload["level"] for e in session.query(EventRow).filter_by(
            workflow_id=item.handle.id, action="filing_reviewed").order_by(EventRow.seq)]
    assert levels == ["plenary", "after_session", "joint"]


async def test_unsatisfied_member_gets_second_handling_then_carried_over(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_proposal(number))
    await file_proposal(item)
    await item.do(c.Assign(actor=COMMITTEE, lead_unit="U02"))
    await item.prepare_reply("U02")
    await item.reply("U02", ResultClass.B)
    state = await item.rate(Verdict.unsatisfied, reasons="承诺事项没有时间表")
    assert state.stage == Stage.rehandling
    await item.do(c.OrderRehandling(actor=COMMITTEE, reason="委员不满意", leader_in_charge="分管副局长"))
    target = local_date(await item.now()) + timedelta(days=400)
    await item.reply("U02", ResultClass.B, commitments=[Commitment(what="建成10个服务站", due_on=target)])
    state = await item.rate(Verdict.basically_satisfied)
    assert state.stage == Stage.follow_up
    year = state.handling_year
    state = await item.pass_until(year_end(state))
    assert state.handling_year == year + 1 and state.kind == Kind.proposal and state.carry_over_count == 1
    await item.handle.terminate("test over")


async def test_a_suggestion_has_no_filing_review(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(number))
    await item.refused(c.RecordFilingReview(actor=COORDINATOR, level=FilingLevel.plenary, opinion="同意"), "conflict",
                       "has no step record-filing-review")
    await item.handle.terminate("test over")


async def test_a_proposal_is_the_proposals_committees_and_its_members(time_env, worker, settings, number):
    """政协提案委员会 files and oversees proposals, members raise and rate them: the congress's coordinators and
    deputies do not act on them, nor the committee and members on the congress's items."""
    proposal = await Item.start(time_env, settings.temporal_task_queue, new_proposal(number))
    await proposal.refused(review(FilingLevel.plenary).model_copy(update={"actor": COORDINATOR}), "forbidden",
                           "handled by the proposal_committee and member")
    await file_proposal(proposal)
    await proposal.do(c.Assign(actor=COMMITTEE, lead_unit="U01"))
    await proposal.prepare_reply("U01")
    await proposal.reply("U01", ResultClass.A)
    await proposal.refused(c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied), "forbidden", "proposal_committee")
    state = await proposal.rate(Verdict.satisfied)  # by the member
    assert state.stage == Stage.closed and state.feedback[-1].deputy == MEMBER.deputy
    suggestion = await Item.start(time_env, settings.temporal_task_queue, new_suggestion(f"{number}S"[:12]))
    await suggestion.refused(c.Accept(actor=COMMITTEE), "forbidden", "handled by the coordinator and deputy")
    await suggestion.handle.terminate("test over")
