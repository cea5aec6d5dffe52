"""Reading the past from the event log: an item's result class at any instant.

Figures are computed from events, never from hand-kept counters: the class a unit's
result had at an instant is the one the last class-setting event before it gave.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, NamedTuple

from sqlalchemy import Text, cast, type_coerce

from domain.calendar import SHANGHAI
from ledger.models import EventRow

# Events that set a unit's result class, and where the class is in their payload.
CLASS_EVENTS = ("reply_accepted", "progress_reported", "reclassification_disputed")
CLASS_ORDER = ["A", "B", "C", "D"]


def year_start(year: int) -> datetime:
    """00:00 Beijing time on 1 January, as a UTC instant."""
    return datetime.combine(date(year, 1, 1), time(0), SHANGHAI).astimezone(timezone.utc)


def year_end(year: int) -> datetime:
    return year_start(year + 1) - timedelta(microseconds=1)


def class_as_of(events: Iterable, instant: datetime) -> str | None:
    """The item's class at `instant` (its least solved unit's), from its events in order."""
    by_unit: dict[str | None, str] = {}
    for event in events:
        if event.at > instant:
            break
        if event.action in CLASS_EVENTS and event.payload.get("result_class"):
            by_unit[event.unit] = event.payload["result_class"]
    return max(by_unit.values(), key=CLASS_ORDER.index) if by_unit else None


class LoggedEvent(NamedTuple):
    """One event as the report and the carry-over ledger read it (RAW_EVENT_COLUMNS, logged_event)."""

    workflow_id: str
    at: datetime
    action: str
    unit: str | None
    actor_deputy: str | None
    payload: dict[str, Any]


# The columns of LoggedEvent as the database holds them: the instant and the payload untouched by the
# ORM's types, whose per-value layers cost more than the decoding itself over hundreds of thousands of rows.
RAW_EVENT_COLUMNS = (
    EventRow.workflow_id, type_coerce(EventRow.at, Text).label("at"), EventRow.action, EventRow.unit,
    EventRow.actor_deputy, cast(EventRow.payload, Text).label("payload"),
)


def logged_event(row: Any) -> LoggedEvent:
    """A row of RAW_EVENT_COLUMNS decoded: SQLite gives the instant as its stored UTC text,
    PostgreSQL as a datetime (ledger.models.UtcDateTime does the same for single values)."""
    workflow_id, at, action, unit, actor_deputy, payload = row
    at = datetime.fromisoformat(at).replace(tzinfo=timezone.utc) if isinstance(at, str) else at.astimezone(timezone.utc)
    return LoggedEvent(workflow_id, at, action, unit, actor_deputy, json.loads(payload) if payload else {})


@contextmanager
def collector_paused() -> Iterator[None]:
    """For a read of tens of thousands of items: the cycle collector walked all the objects such a read
    keeps until it returns, again and again (a third of a report's time), and could free none of them
    (they hold no cycles: reference counting frees them at the end). The pause is process-wide, for the
    seconds the read takes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
