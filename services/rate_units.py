"""Rating a unit's year (单位评议): who may rate which unit (domain.evaluation), kept in the ledger (ledger.ratings)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from core.errors import conflict, forbidden, not_found
from domain.enums import Role
from domain.evaluation import EvaluationOut, rater_of
from domain.guards import Refusal
from domain.models import Actor
from ledger import ratings
from ledger.queries import unknown_units


def _rater(actor: Actor) -> tuple[str, str]:
    try:
        return rater_of(actor)
    except Refusal as refusal:
        raise forbidden(refusal.message, refusal.zh, refusal.code) from None


def rateable_units(session: Session, actor: Actor, year: int) -> list[str]:
    """The units this rater may rate for `year` (sorted codes)."""
    _rater(actor)
    if actor.role == Role.supervisor:
        return ratings.all_units(session)
    return ratings.units_of_deputy(session, actor.deputy, year)


def my_ratings(session: Session, actor: Actor, year: int) -> dict:
    rater, _ = _rater(actor)
    return ratings.ratings_by(session, rater, year)


def rate_unit(session: Session, actor: Actor, unit: str, year: int, grade: str, comment: str,
              now: datetime | None = None) -> EvaluationOut:
    """Record a rating; a second one by the same rater replaces the first (kept as history)."""
    now = now or datetime.now(timezone.utc)
    rater, group = _rater(actor)
    if unknown_units(session, [unit]):
        raise not_found(f"unit {unit}", f"单位{unit}")
    if unit not in rateable_units(session, actor, year):
        raise forbidden(f"a deputy rates only the units that handled their own suggestions of {year}; "
                        f"unit {unit} handled none of yours",
                        f"代表只评议办理过本人{year}年建议的单位；单位{unit}没有办理您的建议", "evaluation.not_your_unit")
    try:
        row, previous = ratings.record_rating(session, year, unit, rater, group, actor.user, grade, comment, now)
    except ratings.RatedMeanwhile:
        raise conflict(f"unit {unit} was being rated by you at the same time; try again",
                       f"您对单位{unit}的评议正在另一处同时提交，请稍后重试", "evaluation.meanwhile") from None
    return EvaluationOut(id=row.id, year=year, unit=unit, rater_group=group, grade=grade, comment=comment,
                         created_at=now, replaces=previous.id if previous else None)
