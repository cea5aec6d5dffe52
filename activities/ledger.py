"""Ledger writes as an activity (sync: SQLAlchemy sessions run in the worker's thread pool)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from domain.models import ItemChanges
from ledger.writes import record_changes


class LedgerActivities:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    @activity.defn(name="record_changes")
    def record_changes(self, changes: ItemChanges) -> int:
        with self.sessions() as session:
            return record_changes(session, changes)
