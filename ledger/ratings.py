"""Unit evaluations (单位评议) in the ledger: the ratings, kept with their history (a replaced rating keeps
its row: current_key cleared, replaced_at / replaced_by set). The rules: domain.evaluation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.evaluation import EvaluationReport, rule_text, unit_evaluation
from domain.policy import EvaluationRule
from ledger.rows import AssignmentRow, EvaluationRow, SignerRow, SuggestionRow, UnitRow


class RatedMeanwhile(Exception):
    """The same rater rated the same unit at the same moment (the unique current rating held)."""


def all_units(session: Session) -> list[str]:
    return list(session.scalars(select(UnitRow.code).order_by(UnitRow.code)))


def units_of_deputy(session: Session, deputy: str, year: int) -> list[str]:
    """The units assigned (active) to the suggestions of `year` the deputy signed, lead or co-signer (sorted)."""
    mine = select(SignerRow.workflow_id).join(SuggestionRow, SuggestionRow.workflow_id == SignerRow.workflow_id).where(
        SignerRow.deputy == deputy, SuggestionRow.year == year
    )
    return sorted(set(session.scalars(
        select(AssignmentRow.unit).where(AssignmentRow.workflow_id.in_(mine), AssignmentRow.status == "active")
    )))


def record_rating(session: Session, year: int, unit: str, rater: str, group: str, user: str, grade: str, comment: str,
                  now: datetime) -> tuple[EvaluationRow, EvaluationRow | None]:
    """Store a rating as the rater's current one for the unit and year; the one it replaces (if any) is kept.
    Raises RatedMeanwhile when another rating by the same rater won the race."""
    key = f"{year}:{unit}:{rater}"
    previous = session.scalar(select(EvaluationRow).where(EvaluationRow.current_key == key))
    if previous is not None:
        previous.current_key, previous.replaced_at = None, now
        session.flush()
    row = EvaluationRow(year=year, unit=unit, rater=rater, rater_group=group, rated_by=user, grade=grade,
                        comment=comment, created_at=now, current_key=key)
    session.add(row)
    try:
        session.flush()
        if previous is not None:
            previous.replaced_by = row.id
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise RatedMeanwhile(unit) from exc
    return row, previous


def ratings_by(session: Session, rater: str, year: int) -> dict[str, EvaluationRow]:
    """A rater's current ratings of `year`, by unit."""
    rows = session.scalars(select(EvaluationRow).where(
        EvaluationRow.year == year, EvaluationRow.rater == rater, EvaluationRow.current_key.is_not(None)))
    return {r.unit: r for r in rows}


def evaluation_report(session: Session, year: int, rule: EvaluationRule, policy: str,
                      only_unit: str | None = None) -> EvaluationReport:
    """Each unit's current ratings of `year`, graded by the rule (a unit's staff: their own unit only)."""
    units_stmt = select(UnitRow).order_by(UnitRow.code)
    if only_unit is not None:
        units_stmt = units_stmt.where(UnitRow.code == only_unit)
    current = list(session.scalars(select(EvaluationRow).where(
        EvaluationRow.year == year, EvaluationRow.current_key.is_not(None)).order_by(EvaluationRow.id)))
    lines = []
    for unit in session.scalars(units_stmt):
        ratings = [(r.rater_group, r.grade, r.comment) for r in current if r.unit == unit.code]
        lines.append(unit_evaluation(unit.code, unit.name, ratings, rule))
    return EvaluationReport(year=year, policy=policy, rule=rule, rule_text=rule_text(rule), units=lines)
