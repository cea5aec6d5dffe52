"""Deliberation opinions (审议意见) on the time-skipping server: handed to the government as adopted at the
meeting (no review), a rectification report within three months, the committee members' satisfaction vote
(满意度测评) instead of a deputy's rating — an unsatisfied vote orders the rectification again — and what is
still open followed up and carried over."""

from __future__ import annotations

from datetime import timedelta

from domain import commands as c
from domain.calendar import local_date
from domain.enums import DeadlineKind, ResultClass, Stage, Verdict
from domain.follow_up import year_end
from domain.kind_steps import vote_verdict
from domain.kinds import Kind
from domain.models import Commitment
from ledger.rows import EventRow
from tests.helpers import COORDINATOR, LEAD_DEPUTY, Item, new_deliberation
from workflows import search_attributes as sa


def vote(satisfied: int, basically: int, unsatisfied: int) -> c.RecordSatisfactionVote:
    return c.RecordSatisfactionVote(actor=COORDINATOR, satisfied=satisfied, basically_satisfied=basically,
                                    unsatisfied=unsatisfied)


def test_what_a_vote_says():
    assert vote_verdict(30, 10, 5) == Verdict.satisfied  # more than half satisfied
    assert vote_verdict(20, 10, 15) == Verdict.basically_satisfied  # more than half satisfied or basically
    assert vote_verdict(10, 12, 23) == Verdict.unsatisfied  # not more than half: 22 of 45
    assert vote_verdict(10, 10, 20) == Verdict.unsatisfied  # exactly half is not more than half


async def test_opinions_rectified_voted_unsatisfied_then_satisfied(time_env, worker, settings, sessions, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_deliberation(number))
    assert item.handle.id.startswith("deliberation-") and (await item.state()).accepted_at is not None
    await item.refused(c.Accept(actor=COORDINATOR), "conflict", "is not reviewed")
    state = await item.do(c.Assign(actor=COORDINATOR, lead_unit="U01"))
    reply = state.pending_deadline(DeadlineKind.reply, "U01")
    assert reply.rule == "3 months" and reply.policy == "deliberation@2026.1"
    await item.prepare_reply("U01")
    state = await item.reply("U01", ResultClass.A)
    assert state.stage == Stage.awaiting_feedback
    assert state.pending_deadline(DeadlineKind.feedback, "U01").rule == "2 months"
    # Rated by the committee members' vote, not by a deputy.
    await item.refused(c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied), "conflict", "has no step give-feedback")
    await item.refused(vote(0, 0, 0), "invalid", "at least one vote")
    state = await item.do(vote(10, 12, 23))  # not more than half: rectify again
    assert state.stage == Stage.rehandling and state.votes[-1].verdict == Verdict.unsatisfied
    await item.do(c.OrderRehandling(actor=COORDINATOR, reason="整改不到位", leader_in_charge="分管副市长"))
    await item.reply("U01", ResultClass.A)
    state = await item.do(vote(31, 12, 2))
    assert state.stage == Stage.closed and [v.verdict for v in state.votes] == [Verdict.unsatisfied, Verdict.satisfied]
    description = await item.handle.describe()
    assert description.workflow_type == "DeliberationWorkflow"
    assert description.typed_search_attributes.get(sa.KIND) == "deliberation"
    with sessions() as session:
        votes = [(e.payload["verdict"], e.payload["satisfied"]) for e in session.query(EventRow).filter_by(
            workflow_id=item.handle.id, action="satisfaction_vote").order_by(EventRow.seq)]
    assert votes == [("unsatisfied", 10), ("satisfied", 31)]


async def test_what_is_still_open_is_followed_up_and_carried_over(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_deliberation(number))
    await item.do(c.Assign(actor=COORDINATOR, lead_unit="U02"))
    await item.prepare_reply("U02")
    target = local_date(await item.now()) + timedelta(days=500)
    await item.reply("U02", ResultClass.B, commitments=[Commitment(what="建成全市分类收运体系", due_on=target)])
    state = await item.do(vote(20, 10, 15))
    assert state.stage == Stage.follow_up and state.votes[-1].verdict == Verdict.basically_satisfied
    report = state.pending_deadline(DeadlineKind.follow_up_report, "U02")
    assert report.rule == "6 months"
    year = state.handling_year
    state = await item.pass_until(year_end(state))
    assert state.handling_year == year + 1 and state.kind == Kind.deliberation and state.carry_over_count == 1
    await item.handle.terminate("test over")
