"""The carry-over ledger (跨年度跟踪督办台账): items carried into a handling year, and how many
carried B/C items became A during it — computed from the event log."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from itertools import groupby
from operator import attrgetter

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from domain.figures import CarriedItem, CarryOverLedger, Rate, year_end
from domain.item_facts import CLASS_EVENTS, class_as_of
from domain.models import Actor
from ledger.history import RAW_EVENT_COLUMNS, collector_paused, logged_event
from ledger.queries import scoped
from ledger.rows import EventRow, SuggestionRow


def carried_into(actor: Actor, year: int) -> Select:
    """The ids of the items `actor` sees that were carried over into `year` (tracked or not)."""
    moved = select(EventRow.workflow_id).where(
        EventRow.action == "carried_over", EventRow.payload["to_year"].as_integer() == year
    )
    return scoped(select(SuggestionRow.workflow_id), actor).where(SuggestionRow.workflow_id.in_(moved))


def carry_over_ledger(session: Session, actor: Actor, year: int, now: datetime | None = None) -> CarryOverLedger:
    with collector_paused():
        return _carry_over_ledger(session, actor, year, now)


def _carry_over_ledger(session: Session, actor: Actor, year: int, now: datetime | None) -> CarryOverLedger:
    now = now or datetime.now(timezone.utc)
    as_of = min(now, year_end(year))
    # One read, in item order: each carried item's row with its carry-overs and the class events up to
    # as_of, plain rows of the columns needed on the session's connection (tens of thousands of items).
    rows = session.connection().execute(
        select(*RAW_EVENT_COLUMNS, SuggestionRow.number, SuggestionRow.title, SuggestionRow.origin_year,
               SuggestionRow.field, SuggestionRow.stage, SuggestionRow.kind)
        .join(EventRow, EventRow.workflow_id == SuggestionRow.workflow_id)
        .where(SuggestionRow.workflow_id.in_(carried_into(actor, year)),
               or_(EventRow.action == "carried_over", and_(EventRow.action.in_(CLASS_EVENTS), EventRow.at <= as_of)))
        .order_by(SuggestionRow.workflow_id, EventRow.seq)
    )
    items = []
    for _, item_rows in groupby(rows, key=attrgetter("workflow_id")):
        item_rows = list(item_rows)
        events = [logged_event(r[:len(RAW_EVENT_COLUMNS)]) for r in item_rows]
        moves = [e for e in events if e.action == "carried_over" and e.payload.get("to_year") == year
                 and e.payload.get("tracked")]
        if not moves:
            continue
        row, move = item_rows[0], moves[-1]
        before, now_class = move.payload.get("result_class"), class_as_of(events, as_of)
        items.append(CarriedItem(
            id=row.workflow_id, number=row.number, title=row.title, origin_year=row.origin_year, field=row.field,
            unit=move.unit, class_at_carry_over=before, class_now=now_class,
            overdue_at_carry_over=bool(move.payload.get("overdue")), converted=before in ("B", "C") and now_class == "A",
            stage=row.stage, kind=row.kind,
        ))
    items.sort(key=lambda i: (i.origin_year, i.number))
    open_bc = [i for i in items if i.class_at_carry_over in ("B", "C")]
    return CarryOverLedger(
        year=year,
        as_of=as_of,
        items=items,
        by_origin_year=dict(Counter(i.origin_year for i in items)),
        by_unit=dict(Counter(i.unit or "-" for i in items)),
        by_class_at_carry_over=dict(Counter(i.class_at_carry_over or "none" for i in items)),
        conversion=Rate.of(sum(i.converted for i in open_bc), len(open_bc)),
    )
