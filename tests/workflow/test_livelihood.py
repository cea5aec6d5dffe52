"""Livelihood projects chosen by the deputies' vote (民生实事项目票决) on the time-skipping server: a candidate
reviewed three times (三审) and voted on at the session (票决) — not chosen, it ends; chosen, it is assigned and
tracked monthly as a key item (挂图作战), inspected mid-year, reports its completion, is rated by the deputies'
vote (满意度测评), and an unfinished project is followed up and carried into the next year."""

from __future__ import annotations

from datetime import timedelta

from domain import commands as c
from domain.calendar import local_date
from domain.enums import DeadlineKind, DeadlineStatus, KeyStatus, ResultClass, Stage, SupervisionActionKind, Verdict
from domain.follow_up import year_end
from domain.kinds import FilingLevel, Kind
from domain.models import Commitment
from tests.helpers import COORDINATOR, LEAD_DEPUTY, SUPERVISOR, Item, choose_project, handler, new_livelihood
from workflows import search_attributes as sa


def review(level: FilingLevel) -> c.RecordFilingReview:
    return c.RecordFilingReview(actor=COORDINATOR, level=level, opinion="同意列为候选项目")


def rating(satisfied: int, basically: int, unsatisfied: int) -> c.RecordSatisfactionVote:
    return c.RecordSatisfactionVote(actor=COORDINATOR, satisfied=satisfied, basically_satisfied=basically,
                                    unsatisfied=unsatisfied)


async def test_three_reviews_then_the_vote_chooses_it(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_livelihood(number))
    assert item.handle.id.startswith("livelihood-") and (await item.state()).accepted_at is None
    # Chosen by the deputies' vote, not accepted by the coordinator; voted on only after the three reviews.
    await item.refused(c.Accept(actor=COORDINATOR), "conflict", "has no step accept")
    await item.refused(c.RecordProjectVote(actor=COORDINATOR, votes_for=150, votes_against=0, abstentions=0),
                       "conflict", "still missing: council, party_committee, standing_committee")
    await item.refused(review(FilingLevel.plenary), "invalid", "not reviewed at the plenary level")
    await item.refused(review(FilingLevel.standing_committee), "conflict", "council comes first")
    await item.do(review(FilingLevel.council))
    await item.do(review(FilingLevel.party_committee))
    await item.refused(c.Assign(actor=COORDINATOR, lead_unit="U01"), "conflict", "accept the suggestion before")
    await item.do(review(FilingLevel.standing_committee))
    await item.refused(c.RecordProjectVote(actor=COORDINATOR, votes_for=0, votes_against=0, abstentions=0),
                       "invalid", "at least one vote")
    await item.refused(c.RecordProjectVote(actor=handler("U01"), votes_for=150, votes_against=0, abstentions=0),
                       "forbidden", "coordinator")
    state = await item.do(c.RecordProjectVote(actor=COORDINATOR, votes_for=150, votes_against=40, abstentions=10))
    assert state.project_vote.chosen and state.accepted_at is not None and state.stage == Stage.registered
    await item.refused(c.RecordProjectVote(actor=COORDINATOR, votes_for=150, votes_against=0, abstentions=0),
                       "conflict", "vote once")
    description = await item.handle.describe()
    assert description.workflow_type == "LivelihoodWorkflow"
    assert description.typed_search_attributes.get(sa.KIND) == "livelihood"
    await item.handle.terminate("test over")


async def test_a_candidate_without_half_the_votes_is_not_chosen(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_livelihood(number))
    state = await choose_project(item, votes_for=20)  # 20 of 40 cast: exactly half is not more than half
    assert state.stage == Stage.converted and state.ended and not state.project_vote.chosen
    assert "未入选" in state.end_reason
    assert (await item.handle.result()).stage == Stage.converted  # the candidate's workflow ends


async def test_chosen_project_reports_monthly_is_inspected_rated_and_closed(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_livelihood(number))
    await choose_project(item)
    state = await item.do(c.Assign(actor=COORDINATOR, lead_unit="U01"))
    # A key item from its assignment: the vote chose it, no council decision; its unit reports monthly.
    assert state.key_supervision and state.key.status == KeyStatus.designated and state.key.source == "deputies_vote"
    monthly = state.pending_deadline(DeadlineKind.key_report, "U01")
    assert monthly.rule == "1 month" and monthly.policy == "livelihood@2026.1"
    assert state.pending_deadline(DeadlineKind.reply, "U01").rule == "9 months"
    await item.do(c.SignForReceipt(actor=handler("U01")))
    state = await item.do(c.ReportKeyProgress(actor=handler("U01"), text="完成选址3处，开工2处"))
    assert not state.key.reports[-1].late
    # A month without a report is missed; the next month's clock starts anyway.
    state = await item.pass_until(state.pending_deadline(DeadlineKind.key_report, "U01").due_at)
    missed = [d for d in state.deadlines if d.kind == DeadlineKind.key_report and d.status == DeadlineStatus.missed]
    assert len(missed) == 1 and state.pending_deadline(DeadlineKind.key_report, "U01") is not None
    state = await item.do(c.ReportKeyProgress(actor=handler("U01"), text="10所幼儿园全部开工"))
    assert state.key.reports[-1].late
    # The mid-year inspection (年中视察) by the supervisors.
    state = await item.do(c.RecordSupervisionAction(actor=SUPERVISOR, kind=SupervisionActionKind.field_inspection,
                                                    when=await item.now(), summary="年中视察：进度符合计划"))
    assert state.key.actions[-1].summary.startswith("年中视察")
    await item.contact("U01")
    await item.reply("U01", ResultClass.A)
    await item.refused(c.GiveFeedback(actor=LEAD_DEPUTY, verdict=Verdict.satisfied), "conflict", "has no step give-feedback")
    state = await item.do(rating(160, 30, 10))
    assert state.stage == Stage.closed and state.votes[-1].verdict == Verdict.satisfied
    assert state.pending_deadline(DeadlineKind.key_report, "U01") is None  # no monthly report after the close


async def test_an_unfinished_project_is_followed_up_and_carried_over(time_env, worker, settings, number):
    item = await Item.start(time_env, settings.temporal_task_queue, new_livelihood(number))
    await choose_project(item)
    await item.do(c.Assign(actor=COORDINATOR, lead_unit="U02"))
    await item.prepare_reply("U02")
    target = local_date(await item.now()) + timedelta(days=400)
    await item.reply("U02", ResultClass.B, commitments=[Commitment(what="剩余4所幼儿园竣工", due_on=target)])
    state = await item.do(rating(90, 60, 50))  # 150 of 200 satisfied or basically: basically satisfied
    assert state.stage == Stage.follow_up and state.votes[-1].verdict == Verdict.basically_satisfied
    assert state.pending_deadline(DeadlineKind.follow_up_report, "U02").rule == "3 months"
    year = state.handling_year
    state = await item.pass_until(year_end(state))
    assert state.handling_year == year + 1 and state.kind == Kind.livelihood and state.carry_over_count == 1
    assert state.key_supervision  # still tracked as a key item in its new year
    await item.handle.terminate("test over")


async def test_candidates_merged_into_one_end_with_it_when_it_is_not_chosen(time_env, worker, settings, number):
    """并案 of candidate projects: the merged one goes along with the one put to the vote; not chosen, both end."""
    main = await Item.start(time_env, settings.temporal_task_queue, new_livelihood(number))
    other = await Item.start(time_env, settings.temporal_task_queue, new_livelihood(f"{number}B"[:12]))
    merged = await other.state()
    await main.do(c.AbsorbItem(actor=COORDINATOR, item=other.handle.id, number=merged.number, lead_deputy="D003"))
    await other.do(c.MergeInto(actor=COORDINATOR, into=main.handle.id, into_number=(await main.state()).number))
    state = await choose_project(main, votes_for=20)  # not chosen
    assert state.stage == Stage.converted
    ended = await other.handle.result()
    assert ended.stage == Stage.merged and ended.merge_settled and ended.merged_into == main.handle.id
