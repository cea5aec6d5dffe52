"""Console imports in the ledger (批量导入记录): started, advanced, finished, read back by their owner."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.rows import ImportRow

# A running import whose progress has not moved for this long was cut off (its API process stopped).
STALLED_AFTER = timedelta(minutes=5)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def start(session: Session, username: str, filename: str, year: int, period: str) -> ImportRow:
    now = _now()
    row = ImportRow(id=secrets.token_hex(16), username=username, filename=filename[:255], year=year, period=period,
                    status="running", total=0, done=0, result={}, problem="", started_at=now, updated_at=now)
    session.add(row)
    session.commit()
    return row


def advance(session: Session, import_id: str, done: int, total: int) -> None:
    row = session.get(ImportRow, import_id)
    row.done, row.total, row.updated_at = done, total, _now()
    session.commit()


def finish(session: Session, import_id: str, result: dict[str, Any]) -> None:
    row = session.get(ImportRow, import_id)
    row.status, row.result, row.done = "done", result, row.total
    row.updated_at = row.finished_at = _now()
    session.commit()


def fail(session: Session, import_id: str, problem: str) -> None:
    row = session.get(ImportRow, import_id)
    row.status, row.problem = "failed", problem
    row.updated_at = row.finished_at = _now()
    session.commit()


def owned(session: Session, import_id: str, username: str) -> ImportRow | None:
    """An import, if this user started it."""
    row = session.get(ImportRow, import_id)
    return row if row is not None and row.username == username else None


def recent(session: Session, username: str, limit: int = 10) -> list[ImportRow]:
    stmt = select(ImportRow).where(ImportRow.username == username).order_by(ImportRow.started_at.desc()).limit(limit)
    return list(session.scalars(stmt))


def stalled(row: ImportRow, now: datetime | None = None) -> bool:
    return row.status == "running" and (now or _now()) - row.updated_at > STALLED_AFTER
