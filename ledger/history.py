"""Reading the event log for the walks over the past (domain.item_facts): many rows, fast."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import orjson
from sqlalchemy import Text, cast, type_coerce

from domain.item_facts import LoggedEvent
from ledger.rows import EventRow

# The columns of LoggedEvent as the database holds them: the instant and the payload untouched by the
# ORM's types, whose per-value layers cost more than the decoding itself over hundreds of thousands of rows.
RAW_EVENT_COLUMNS = (
    EventRow.workflow_id, type_coerce(EventRow.at, Text).label("at"), EventRow.action, EventRow.unit,
    EventRow.actor_deputy, cast(EventRow.payload, Text).label("payload"),
)


def logged_event(row: Any) -> LoggedEvent:
    """A row of RAW_EVENT_COLUMNS decoded: SQLite gives the instant as its stored UTC text,
    PostgreSQL as a datetime (ledger.rows.UtcDateTime does the same for single values). The payload is
    decoded with orjson: a third of the standard library's time, over the report's 350,000 events."""
    workflow_id, at, action, unit, actor_deputy, payload = row
    at = datetime.fromisoformat(at).replace(tzinfo=timezone.utc) if isinstance(at, str) else at.astimezone(timezone.utc)
    return LoggedEvent(workflow_id, at, action, unit, actor_deputy, orjson.loads(payload) if payload else {})


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
