"""Ledger writes as an activity (sync: SQLAlchemy sessions run in the worker's thread pool)."""

from __future__ import annotations

import contextlib
import threading

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.models import ItemChanges
from ledger.writes import record_changes


class LedgerActivities:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions
        # SQLite takes one writer at a time, and a writer that finds it busy sleeps up to 100 ms
        # between tries: the worker's threads take turns here instead, so none sleeps idle.
        sqlite = sessions.kw["bind"].dialect.name == "sqlite"
        self.turn = threading.Lock() if sqlite else contextlib.nullcontext()

    @activity.defn(name="record_changes")
    def record_changes(self, changes: ItemChanges) -> int:
        with self.turn, self.sessions() as session:
            return record_changes(session, changes)
