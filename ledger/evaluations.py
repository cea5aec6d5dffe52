"""Unit evaluation (单位评议): deputies and supervisors rate the units excellent / good / average
(优秀/良好/一般) once a year, and the grade each unit gets from those ratings.

- A deputy rates the units assigned (any role, still active) to the suggestions they signed
  (lead or co-signer) in that year of registration; a supervisor rates any unit.
- One rating counts per rater, unit and year: a second one replaces the first, which is kept
  (evaluations.current_key cleared, replaced_at / replaced_by set).
- A unit's grade per rater group, and overall, follows the policy profile's [evaluation] rule
  (domain.policy.EvaluationRule).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import conflict, forbidden, not_found
from domain.enums import Role
from domain.models import Actor
from domain.policy import RATER_GROUPS, EvaluationRule
from ledger.carry_over import Rate
from ledger.models import AssignmentRow, EvaluationRow, SignerRow, SuggestionRow, UnitRow

Grade = Literal["excellent", "good", "average"]
GRADES: tuple[str, ...] = ("excellent", "good", "average")
GRADE_LABELS = {"excellent": "优秀", "good": "良好", "average": "一般"}
GROUP_LABELS = {"deputies": "代表评议", "supervisors": "督办评议"}
RATERS = (Role.deputy, Role.supervisor)
_EPSILON = 1e-9


def rater_of(actor: Actor) -> tuple[str, str]:
    """The rater's identity (one rating per rater) and group; 403 for roles that do not rate units."""
    if actor.role == Role.deputy and actor.deputy:
        return f"deputy:{actor.deputy}", "deputies"
    if actor.role == Role.supervisor:
        return f"user:{actor.user}", "supervisors"
    raise forbidden(f"units are rated by deputies and supervisors; you are {actor.role.value}")


def rateable_units(session: Session, actor: Actor, year: int) -> list[str]:
    """The units this rater may rate for `year` (sorted codes)."""
    rater_of(actor)
    if actor.role == Role.supervisor:
        return list(session.scalars(select(UnitRow.code).order_by(UnitRow.code)))
    mine = select(SignerRow.workflow_id).join(SuggestionRow, SuggestionRow.workflow_id == SignerRow.workflow_id).where(
        SignerRow.deputy == actor.deputy, SuggestionRow.year == year
    )
    return sorted(set(session.scalars(
        select(AssignmentRow.unit).where(AssignmentRow.workflow_id.in_(mine), AssignmentRow.status == "active")
    )))


class EvaluationOut(BaseModel):
    id: int
    year: int
    unit: str
    rater_group: str
    grade: str
    comment: str
    created_at: datetime
    replaces: int | None = None  # the rating this one replaced


def _current(session: Session, year: int, unit: str, rater: str) -> EvaluationRow | None:
    return session.scalar(select(EvaluationRow).where(EvaluationRow.current_key == f"{year}:{unit}:{rater}"))


def rate_unit(session: Session, actor: Actor, unit: str, year: int, grade: str, comment: str,
              now: datetime | None = None) -> EvaluationOut:
    """Record a rating; a second one by the same rater replaces the first (kept as history)."""
    now = now or datetime.now(timezone.utc)
    rater, group = rater_of(actor)
    if session.get(UnitRow, unit) is None:
        raise not_found(f"unit {unit}")
    if unit not in rateable_units(session, actor, year):
        raise forbidden(f"a deputy rates only the units that handled their own suggestions of {year}; "
                        f"unit {unit} handled none of yours")
    key = f"{year}:{unit}:{rater}"
    previous = _current(session, year, unit, rater)
    if previous is not None:
        previous.current_key, previous.replaced_at = None, now
        session.flush()
    row = EvaluationRow(year=year, unit=unit, rater=rater, rater_group=group, rated_by=actor.user, grade=grade,
                        comment=comment, created_at=now, current_key=key)
    session.add(row)
    try:
        session.flush()
        if previous is not None:
            previous.replaced_by = row.id
        session.commit()
    except IntegrityError as exc:  # the same rater rating the same unit at the same moment
        session.rollback()
        raise conflict(f"unit {unit} was being rated by you at the same time; try again") from exc
    return EvaluationOut(id=row.id, year=year, unit=unit, rater_group=group, grade=grade, comment=comment,
                         created_at=now, replaces=previous.id if previous else None)


def my_ratings(session: Session, actor: Actor, year: int) -> dict[str, EvaluationRow]:
    rater, _ = rater_of(actor)
    rows = session.scalars(select(EvaluationRow).where(
        EvaluationRow.year == year, EvaluationRow.rater == rater, EvaluationRow.current_key.is_not(None)))
    return {r.unit: r for r in rows}


def rating_history(session: Session, year: int, unit: str, rater: str) -> list[EvaluationRow]:
    """Every rating this rater gave this unit for the year, oldest first."""
    return list(session.scalars(select(EvaluationRow).where(
        EvaluationRow.year == year, EvaluationRow.unit == unit, EvaluationRow.rater == rater).order_by(EvaluationRow.id)))


# --- the grades ---------------------------------------------------------------------------------------


def grade_of(shares: dict[str, float], rule: EvaluationRule) -> str:
    """excellent / good / average from the shares of each grade among the ratings."""
    if (shares["excellent"] + _EPSILON >= rule.excellent_min_excellent
            and shares["average"] <= rule.excellent_max_average + _EPSILON):
        return "excellent"
    if shares["excellent"] + shares["good"] + _EPSILON >= rule.good_min_good_or_better:
        return "good"
    return "average"


class GroupResult(BaseModel):
    ratings: int
    counts: dict[str, int]
    shares: dict[str, Rate]
    grade: str | None  # None: fewer ratings than the rule's min_ratings
    grade_label: str | None


class OverallResult(BaseModel):
    weights: dict[str, float]  # the weights used (groups without a grade left out, rescaled)
    shares: dict[str, float | None]
    grade: str | None
    grade_label: str | None


class UnitEvaluation(BaseModel):
    unit: str
    name: str
    groups: dict[str, GroupResult]
    overall: OverallResult
    comments: list[str]  # the comments of the ratings counted, without who gave them


class EvaluationReport(BaseModel):
    year: int
    policy: str
    rule: EvaluationRule
    rule_text: str
    units: list[UnitEvaluation]


def rule_text(rule: EvaluationRule) -> str:
    weights = ", ".join(f"{g} {w:g}" for g, w in rule.weights.items())
    return (f"excellent (优秀): ≥ {rule.excellent_min_excellent:.0%} of ratings excellent and ≤ "
            f"{rule.excellent_max_average:.0%} average; good (良好): otherwise ≥ {rule.good_min_good_or_better:.0%} "
            f"excellent or good; average (一般): otherwise. A group needs ≥ {rule.min_ratings} rating(s) for a grade. "
            f"Overall: the groups' shares weighted ({weights}), groups without a grade left out.")


def _group(rows: list[EvaluationRow], rule: EvaluationRule) -> GroupResult:
    counts = {g: sum(1 for r in rows if r.grade == g) for g in GRADES}
    total = len(rows)
    shares = {g: Rate.of(counts[g], total) for g in GRADES}
    grade = grade_of({g: counts[g] / total for g in GRADES}, rule) if total >= rule.min_ratings else None
    return GroupResult(ratings=total, counts=counts, shares=shares, grade=grade,
                       grade_label=GRADE_LABELS.get(grade) if grade else None)


def _overall(groups: dict[str, GroupResult], rule: EvaluationRule) -> OverallResult:
    used = {g: w for g, w in rule.weights.items() if w > 0 and groups[g].grade is not None}
    total = sum(used.values())
    if not total:
        return OverallResult(weights={}, shares={g: None for g in GRADES}, grade=None, grade_label=None)
    weights = {g: w / total for g, w in used.items()}
    shares = {x: sum(w * groups[g].counts[x] / groups[g].ratings for g, w in weights.items()) for x in GRADES}
    grade = grade_of(shares, rule)
    return OverallResult(weights={g: round(w, 4) for g, w in weights.items()},
                         shares={x: round(v, 4) for x, v in shares.items()}, grade=grade, grade_label=GRADE_LABELS[grade])


def evaluation_report(session: Session, year: int, rule: EvaluationRule, policy: str,
                      only_unit: str | None = None) -> EvaluationReport:
    units_stmt = select(UnitRow).order_by(UnitRow.code)
    if only_unit is not None:
        units_stmt = units_stmt.where(UnitRow.code == only_unit)
    current = list(session.scalars(select(EvaluationRow).where(
        EvaluationRow.year == year, EvaluationRow.current_key.is_not(None)).order_by(EvaluationRow.id)))
    lines = []
    for unit in session.scalars(units_stmt):
        rows = [r for r in current if r.unit == unit.code]
        groups = {g: _group([r for r in rows if r.rater_group == g], rule) for g in RATER_GROUPS}
        lines.append(UnitEvaluation(
            unit=unit.code, name=unit.name, groups=groups, overall=_overall(groups, rule),
            comments=[r.comment for r in rows if r.comment.strip()],
        ))
    return EvaluationReport(year=year, policy=policy, rule=rule, rule_text=rule_text(rule), units=lines)
