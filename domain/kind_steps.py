"""The steps only some kinds of item have (domain.kinds): a proposal's three-level review before it is filed
(立案审查), and the year's selection of exemplary handled ones (优秀提案办理). docs/process.md "Other kinds of item"."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.clocks import record
from domain.enums import Role, Stage
from domain.guards import Conflict, Invalid, Refusal, require_role, stage_zh
from domain.kinds import FILING_LEVEL_LABELS, KINDS, FilingLevel
from domain.models import FilingReview, SuggestionState


def _kind_does(state: SuggestionState, what: str, what_zh: str, has: bool) -> None:
    if not has:
        rules = KINDS[state.kind]
        raise Conflict(f"a {state.kind.value} has no {what}", f"{rules.label}没有{what_zh}这一环节", "kind.no_such_step")


def missing_levels(state: SuggestionState) -> list[str]:
    """The review levels (in order) still to be recorded before the item can be filed (accepted)."""
    done = {r.level for r in state.filing_reviews}
    return [level.value for level in KINDS[state.kind].filing_levels if level not in done]


def require_filing_reviews(state: SuggestionState) -> None:
    """立案 only after every level of review (a kind without levels has nothing to wait for)."""
    if missing := missing_levels(state):
        names = "、".join(FILING_LEVEL_LABELS[m] for m in missing)
        raise Conflict(f"a {state.kind.value} is filed only after its review levels; still missing: {', '.join(missing)}",
                       f"{KINDS[state.kind].label}须经全会初审、会后再审、各部门联审三级审查后方可立案；尚缺：{names}",
                       "filing.levels_missing")


def record_filing_review(state: SuggestionState, cmd: c.RecordFilingReview, now: datetime) -> None:
    require_role(cmd.actor, "recording a filing review", Role.coordinator)
    _kind_does(state, "filing review", "立案审查", bool(KINDS[state.kind].filing_levels))
    if state.stage != Stage.registered or state.accepted_at:
        raise Conflict("a filing review is recorded only before the item is filed",
                       f"立案审查只在立案前记录；本件已{'立案' if state.accepted_at else '不在待审查状态'}", "filing.closed")
    missing = missing_levels(state)
    if not missing:
        raise Conflict("every level of review is recorded: file it (accept)", "三级审查均已记录，请立案", "filing.levels_done")
    level = cmd.level or FilingLevel(missing[0])
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
