"""Unit evaluation (单位评议): who rates which units, and the grade a unit gets from its ratings.

Deputies and supervisors rate the units excellent / good / average (优秀/良好/一般) once a year:
- a deputy rates the units assigned (any role, still active) to the suggestions they signed (lead or
  co-signer) in that year of registration; a supervisor rates any unit;
- one rating counts per rater, unit and year: a second one replaces the first, which is kept;
- a unit's grade per rater group, and overall, follows the policy profile's [evaluation] rule
  (domain.policy.EvaluationRule). Pure: the ledger keeps the ratings (ledger.ratings).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from domain.enums import Role
from domain.figures import Rate
from domain.guards import Forbidden, role_zh
from domain.models import Actor
from domain.policy import RATER_GROUPS, EvaluationRule

Grade = Literal["excellent", "good", "average"]
GRADES: tuple[str, ...] = ("excellent", "good", "average")
GRADE_LABELS = {"excellent": "优秀", "good": "良好", "average": "一般"}
RATERS = (Role.deputy, Role.supervisor)
_EPSILON = 1e-9


def rater_of(actor: Actor) -> tuple[str, str]:
    """The rater's identity (one rating per rater) and group; Forbidden for roles that do not rate units."""
    if actor.role == Role.deputy and actor.deputy:
        return f"deputy:{actor.deputy}", "deputies"
    if actor.role == Role.supervisor:
        return f"user:{actor.user}", "supervisors"
    raise Forbidden(f"units are rated by deputies and supervisors; you are {actor.role.value}", f"单位评议由人大代表和督办人进行，您的身份是{role_zh(actor.role)}", "evaluation.not_a_rater")


class EvaluationOut(BaseModel):
    id: int
    year: int
    unit: str
    rater_group: str
    grade: str
    comment: str
    created_at: datetime
    replaces: int | None = None  # the rating this one replaced


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


def group_result(grades: list[str], rule: EvaluationRule) -> GroupResult:
    """One rater group's ratings of a unit (their grades), counted and graded."""
    counts = {g: sum(1 for x in grades if x == g) for g in GRADES}
    total = len(grades)
    shares = {g: Rate.of(counts[g], total) for g in GRADES}
    grade = grade_of({g: counts[g] / total for g in GRADES}, rule) if total >= rule.min_ratings else None
    return GroupResult(ratings=total, counts=counts, shares=shares, grade=grade,
                       grade_label=GRADE_LABELS.get(grade) if grade else None)


def overall_result(groups: dict[str, GroupResult], rule: EvaluationRule) -> OverallResult:
    """The groups' shares weighted by the rule (groups without a grade left out), graded."""
    used = {g: w for g, w in rule.weights.items() if w > 0 and groups[g].grade is not None}
    total = sum(used.values())
    if not total:
        return OverallResult(weights={}, shares={g: None for g in GRADES}, grade=None, grade_label=None)
    weights = {g: w / total for g, w in used.items()}
    shares = {x: sum(w * groups[g].counts[x] / groups[g].ratings for g, w in weights.items()) for x in GRADES}
    grade = grade_of(shares, rule)
    return OverallResult(weights={g: round(w, 4) for g, w in weights.items()},
                         shares={x: round(v, 4) for x, v in shares.items()}, grade=grade, grade_label=GRADE_LABELS[grade])


def unit_evaluation(unit: str, name: str, ratings: list[tuple[str, str, str]], rule: EvaluationRule) -> UnitEvaluation:
    """A unit's line from its current ratings: (rater group, grade, comment) each."""
    groups = {g: group_result([grade for group, grade, _ in ratings if group == g], rule) for g in RATER_GROUPS}
    return UnitEvaluation(unit=unit, name=name, groups=groups, overall=overall_result(groups, rule),
                          comments=[comment for _, _, comment in ratings if comment.strip()])
