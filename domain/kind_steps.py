"""The steps only some kinds of item have (domain.kinds; domain.actions lets each kind take only its own): a
proposal's three-level review before it is filed (立案审查), the year's selection of exemplary handled ones
(优秀提案办理), a deliberation opinion's satisfaction vote (满意度测评), a livelihood project's vote
at the session (票决). docs/process.md "Other kinds of item"."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.clocks import finish_duty, record
from domain.enums import DeadlineKind, Role, Stage, Verdict
from domain.guards import (
    Conflict,
    Invalid,
    Refusal,
    missing_levels,
    pick_track,
    require_assigned,
    require_filing_reviews,
    require_role,
    stage_zh,
)
from domain.kinds import FILING_LEVEL_LABELS, KINDS, FilingLevel
from domain.models import FilingReview, ProjectVote, SatisfactionVote, SuggestionState
from domain.process import settle


def record_filing_review(state: SuggestionState, cmd: c.RecordFilingReview, now: datetime) -> None:
    require_role(cmd.actor, "recording a filing review", Role.coordinator)
    rules = KINDS[state.kind]
    if state.stage != Stage.registered or state.accepted_at:
        filed = "已票决入选" if rules.deputies_vote else "已立案"
        done = filed if state.accepted_at else "不在待审查状态"
        raise Conflict("a filing review is recorded only before the item is filed",
                       f"审查意见只在{rules.after_reviews}前记录；本件{done}", "filing.closed")
    missing = missing_levels(state)
    if not missing:
        raise Conflict("every level of review is recorded: file it (accept)",
                       f"三级审查均已记录，请{rules.after_reviews}", "filing.levels_done")
    level = cmd.level or FilingLevel(missing[0])
    if level not in rules.filing_levels:
        names = "、".join(FILING_LEVEL_LABELS[each] for each in rules.filing_levels)
        raise Invalid(f"a {state.kind.value} is not reviewed at the {level.value} level",
                      f"{rules.label}的三级审查是{names}，没有{FILING_LEVEL_LABELS[level]}", "filing.no_such_level")
    if level.value not in missing:
        raise Conflict(f"the {level.value} review is already recorded", f"{FILING_LEVEL_LABELS[level]}已记录",
                       "filing.level_done")
    if level.value != missing[0]:
        first = FILING_LEVEL_LABELS[missing[0]]
        raise Conflict(f"the reviews go in order: {missing[0]} comes first",
                       f"三级审查依次进行：请先记录{first}，再记录{FILING_LEVEL_LABELS[level]}", "filing.out_of_order")
    state.filing_reviews.append(FilingReview(level=level, opinion=cmd.opinion, by=cmd.actor.user, at=now))
    record(state, now, cmd.actor, "filing_reviewed", level=level.value, opinion=cmd.opinion)


def exemplary_refusal(state: SuggestionState, year: int) -> Refusal | None:
    """Why the item cannot be selected as one of `year`'s exemplary handled items (优秀提案办理), or None. The
    selection comes after the handling, when the item's workflow may have ended: it is kept in the ledger."""
    rules = KINDS[state.kind]
    if not rules.exemplary:
        return Conflict(f"a {state.kind.value} is not selected as exemplary", f"{rules.label}没有优秀办理评选这一环节",
                        "kind.no_such_step")
    if state.stage != Stage.closed:
        return Conflict("only a closed item, its handling done, can be selected as exemplary",
                        f"只有已办结的{rules.label}可以评为优秀提案办理；本件目前为{stage_zh(state.stage)}", "exemplary.not_closed")
    if not state.origin_year <= year <= state.handling_year:
        return Invalid(f"the item was handled in {state.origin_year}–{state.handling_year}, not in {year}",
                       f"本件在{state.origin_year}至{state.handling_year}年办理，不能评为{year}年度的优秀提案办理",
                       "exemplary.year")
    return None


def vote_verdict(satisfied: int, basically: int, unsatisfied: int) -> Verdict:
    """What a satisfaction vote (满意度测评) says: satisfied with more than half the votes satisfied; else basically
    satisfied with more than half satisfied or basically satisfied; else unsatisfied."""
    total = satisfied + basically + unsatisfied
    if satisfied * 2 > total:
        return Verdict.satisfied
    return Verdict.basically_satisfied if (satisfied + basically) * 2 > total else Verdict.unsatisfied


def record_satisfaction_vote(state: SuggestionState, cmd: c.RecordSatisfactionVote, now: datetime) -> None:
    """满意度测评: the committee members vote on a unit's rectification report; the result moves the item on as a
    deputy's rating would (domain.process.settle): closed, followed up, or rectified again (继续整改)."""
    require_role(cmd.actor, "recording a satisfaction vote", Role.coordinator)
    require_assigned(state, "recording a satisfaction vote")
    waiting = [a for a in state.tracks() if a.stage == Stage.awaiting_feedback]
    assignment = pick_track(state, waiting, cmd.unit, "no rectification report awaits a vote")
    if cmd.satisfied + cmd.basically_satisfied + cmd.unsatisfied == 0:
        raise Invalid("a vote has at least one vote", "测评票数不能都为0，请填写满意、基本满意、不满意各多少票", "vote.empty")
    verdict = vote_verdict(cmd.satisfied, cmd.basically_satisfied, cmd.unsatisfied)
    state.votes.append(SatisfactionVote(unit=assignment.unit, round=assignment.round, satisfied=cmd.satisfied,
                                        basically_satisfied=cmd.basically_satisfied, unsatisfied=cmd.unsatisfied,
                                        verdict=verdict, at=now))
    record(state, now, cmd.actor, "satisfaction_vote", assignment.unit, round=assignment.round, verdict=verdict.value,
           satisfied=cmd.satisfied, basically_satisfied=cmd.basically_satisfied, unsatisfied=cmd.unsatisfied)
    finish_duty(state, DeadlineKind.feedback, assignment.unit, now)
    settle(state, assignment, verdict, now)


def record_project_vote(state: SuggestionState, cmd: c.RecordProjectVote, now: datetime) -> None:
    """票决: the deputies vote at the session on a candidate project that passed its three reviews (三审). Chosen
    with more than half of the votes cast for it, it is accepted for assignment; otherwise it ends, not chosen."""
    require_role(cmd.actor, "recording the deputies' vote", Role.coordinator)
    if state.stage != Stage.registered or state.accepted_at:
        done = "已票决入选" if state.accepted_at else f"目前为{stage_zh(state.stage)}"
        raise Conflict("the deputies vote once, on a registered candidate project",
                       f"代表票决只对已登记、尚未票决的候选项目记录一次；本项目{done}", "vote.closed")
    require_filing_reviews(state)
    total = cmd.votes_for + cmd.votes_against + cmd.abstentions
    if total == 0:
        raise Invalid("a vote has at least one vote", "票数不能都为0，请填写赞成、反对、弃权各多少票", "vote.empty")
    chosen = cmd.votes_for * 2 > total
    state.project_vote = ProjectVote(votes_for=cmd.votes_for, votes_against=cmd.votes_against,
                                     abstentions=cmd.abstentions, chosen=chosen, at=now)
    record(state, now, cmd.actor, "project_voted", chosen=chosen, votes_for=cmd.votes_for,
           votes_against=cmd.votes_against, abstentions=cmd.abstentions)
    if chosen:
        state.accepted_at = now
    else:  # not chosen: the candidate ends here, as a converted suggestion does
        state.stage = Stage.converted
        state.end_reason = f"代表票决未入选（赞成{cmd.votes_for}票，未过所投票数的半数）"
