"""The annual handling report (办理工作报告) from the ledger: the SQL that feeds domain.figures.

Reads the year's items the reader sees and their events (only those the walk reads, domain.item_facts
REPORT_ACTIONS), walks each item as its events arrive, and hands the walks, the units and the
carry-over ledger to domain.figures.annual_report_of. What each figure counts: domain.figures.DEFINITIONS.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timezone
from itertools import groupby
from operator import attrgetter

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.enums import UNIT_ROLES
from domain.figures import AnnualReport, UnitInfo, annual_report_of, marks_for, month_ends, year_start
from domain.item_facts import REPORT_ACTIONS, ItemFacts, item_facts
from domain.models import Actor
from ledger import exemplary
from ledger.carry_over import carry_over_ledger
from ledger.history import RAW_EVENT_COLUMNS, collector_paused, logged_event
from ledger.queries import scoped
from ledger.rows import EventRow, ReplyRow, SuggestionRow, UnitRow


def annual_report(
    session: Session, actor: Actor, year: int, as_of: datetime | None = None, with_items: bool = False,
    movement_from: datetime | None = None,
) -> AnnualReport:
    """The year's report at `as_of` (default now) as `actor` may see it (a unit role: its own unit's tracks only);
    the class movement runs from `movement_from` (default: the start of the year) to `as_of`."""
    instant = as_of or datetime.now(timezone.utc)
    only_unit = actor.unit if actor.role in UNIT_ROLES else None
    start = min(movement_from or year_start(year), instant)
    with collector_paused():
        units = {u.code: UnitInfo(u.name, u.head_name) for u in session.scalars(select(UnitRow))}
        marks = marks_for(month_ends(year, instant), start)
        heads = {code: unit.head_name for code, unit in units.items()}
        facts = _year_facts(session, actor, year, instant, heads, marks.instants, only_unit)
        carried = carry_over_ledger(session, actor, year, now=instant).items
        chosen = frozenset(row.workflow_id for row, _ in exemplary.selected(session, year, instant))
        return annual_report_of(year, instant, only_unit, facts, units, carried, marks, with_items, chosen)


def _year_facts(
    session: Session, actor: Actor, year: int, instant: datetime, heads: dict[str, str], marks: Sequence[datetime],
    only_unit: str | None,
) -> list[ItemFacts]:
    """What happened to each of the year's items that `actor` sees, in number order (item_facts).

    Plain rows of the columns needed (ORM objects, the state JSON and the events the report ignores were
    most of the time at 200,000 items), and the events read on the session's connection as a stream in
    item order, each item walked as its events arrive: one item's events are held at a time."""
    seen = scoped(select(SuggestionRow.workflow_id), actor).where(SuggestionRow.year == year)
    rows = {r.workflow_id: r for r in session.execute(
        scoped(select(SuggestionRow.workflow_id, SuggestionRow.number, SuggestionRow.title, SuggestionRow.field,
                      SuggestionRow.stage, SuggestionRow.lead_deputy, SuggestionRow.delegation, SuggestionRow.kind), actor)
        .where(SuggestionRow.year == year).order_by(SuggestionRow.number)
    )}
    # The first accepted reply per unit and round, as the state's reply list has them (same order).
    replied_by: dict[str, dict[tuple[str, int], str]] = defaultdict(dict)
    for r in session.execute(
        select(ReplyRow.workflow_id, ReplyRow.unit, ReplyRow.round, ReplyRow.replied_by)
        .where(ReplyRow.workflow_id.in_(seen), ReplyRow.status == "accepted").order_by(ReplyRow.id)
    ):
        replied_by[r.workflow_id].setdefault((r.unit, r.round), r.replied_by)
    events = session.connection().execute(
        select(*RAW_EVENT_COLUMNS)
        .where(EventRow.workflow_id.in_(seen), EventRow.action.in_(REPORT_ACTIONS))
        .order_by(EventRow.workflow_id, EventRow.seq)
    )
    facts = {}
    for wid, item_events in groupby(events, key=attrgetter("workflow_id")):
        if wid in rows:
            walked = [logged_event(e) for e in item_events]
            facts[wid] = item_facts(rows[wid], walked, instant, heads, replied_by[wid], marks, only_unit)
    return [facts.get(wid) or item_facts(row, [], instant, heads, {}, marks, only_unit) for wid, row in rows.items()]
