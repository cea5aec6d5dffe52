"""What the public may read (答复公开): published replies and aggregate statistics, nothing else.

A reply is public from its `reply_published` event (the workflow's publication timer, or at once
when the item ends) until a later `publication_withdrawn` of the same item and unit; a reply
marked not for publication never has such an event (domain/disclosure.py). Every
text is passed through domain.masking first, and searching (q) looks only at the masked text, so
a hidden number cannot be probed for. Only the fields in PUBLIC_REPLY_FIELDS and the aggregate
figures in PUBLIC_STATISTICS leave this module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from domain.enums import Role
from domain.fields import FIELDS
from domain.labels import CLASS_LABELS
from domain.masking import mask_contacts
from domain.models import Actor
from ledger.annual_report import annual_report
from ledger.rows import EventRow, SuggestionRow, UnitRow

PUBLIC = Actor(user="public", role=Role.coordinator)  # reads every item, for aggregates only


class PublicReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    year: int
    number: str
    title: str
    field: str
    field_label: str
    unit: str
    unit_name: str
    round: int
    result_class: str | None
    result_class_label: str
    text: str
    published_at: datetime


PUBLIC_REPLY_FIELDS = frozenset(PublicReply.model_fields)


def _withdrawn_later():
    later = aliased(EventRow)
    return exists().where(and_(
        later.workflow_id == EventRow.workflow_id, later.unit == EventRow.unit,
        later.action == "publication_withdrawn", later.seq > EventRow.seq,
    ))


def public_replies(
    session: Session, year: int | None = None, unit: str | None = None, field: str | None = None,
    q: str | None = None, page: int = 1, page_size: int = 20,
) -> tuple[list[PublicReply], int]:
    """Published replies not withdrawn since, newest first, with the total matching."""
    stmt = (
        select(EventRow.unit, EventRow.at, EventRow.payload, SuggestionRow.year, SuggestionRow.number,
               SuggestionRow.title, SuggestionRow.field)
        .join(SuggestionRow, SuggestionRow.workflow_id == EventRow.workflow_id)
        .where(EventRow.action == "reply_published", ~_withdrawn_later())
    )
    if year is not None:
        stmt = stmt.where(SuggestionRow.year == year)
    if field:
        stmt = stmt.where(SuggestionRow.field == field)
    if unit:
        stmt = stmt.where(EventRow.unit == unit)
    stmt = stmt.order_by(EventRow.at.desc(), EventRow.id)
    names = dict(session.execute(select(UnitRow.code, UnitRow.name)).all())
    if q:  # searched in the masked text only, so matching is done here
        replies = [r for r in map(lambda row: _public(row, names), session.execute(stmt))
                   if any(q in value for value in (r.title, r.text, r.number, r.unit_name))]
        return replies[(page - 1) * page_size: page * page_size], len(replies)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.execute(stmt.offset((page - 1) * page_size).limit(page_size))
    return [_public(row, names) for row in rows], total


def _public(row, names: dict[str, str]) -> PublicReply:
    p = row.payload or {}
    round_ = int(p.get("round") or 1)
    cls = p.get("result_class")
    return PublicReply(
        id=f"{row.year}-{row.number}-{row.unit}-{round_}", year=row.year, number=row.number,
        title=mask_contacts(row.title), field=row.field, field_label=FIELDS.get(row.field, row.field),
        unit=row.unit or "", unit_name=names.get(row.unit, row.unit or ""), round=round_,
        result_class=cls, result_class_label=CLASS_LABELS.get(cls, ""),
        text=mask_contacts(p.get("public_text", "")), published_at=row.at,
    )


# --- aggregate statistics ---------------------------------------------------------------------------

PUBLIC_STATISTICS = ("year", "as_of", "totals", "rates", "units", "fields", "classes_over_time",
                     "principal_head_rule", "definitions")


def public_statistics(session: Session, year: int, now: datetime | None = None) -> dict[str, Any]:
    """The annual report's figures: counts and rates only (no items, no names of people)."""
    report = annual_report(session, PUBLIC, year, as_of=now).model_dump(mode="json")
    out = {key: report[key] for key in PUBLIC_STATISTICS}
    for line in out["units"]:
        line["principal_head"].pop("head_name", None)
    return out
