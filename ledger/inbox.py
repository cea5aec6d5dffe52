"""The in-app inbox (站内通知): a user's notifications, newest first, and marking them read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ledger.directory import page_of
from ledger.rows import NotificationRow


def notifications_page(
    session: Session, user_id: int, unread: bool | None, page: int, page_size: int
) -> tuple[list[NotificationRow], int]:
    stmt = select(NotificationRow).where(NotificationRow.recipient_id == user_id)
    if unread is not None:
        stmt = stmt.where(NotificationRow.read_at.is_(None) if unread else NotificationRow.read_at.is_not(None))
    return page_of(session, stmt.order_by(NotificationRow.created_at.desc(), NotificationRow.id.desc()), page, page_size)


def mark_all_read(session: Session, user_id: int, now: datetime) -> int:
    """Marks every unread notification of the user read; returns how many changed."""
    updated = session.execute(
        update(NotificationRow)
        .where(NotificationRow.recipient_id == user_id, NotificationRow.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return updated


def mark_read(session: Session, user_id: int, notification_id: int, now: datetime) -> NotificationRow | None:
    """Marks one of the user's notifications read (keeping the time it was first read); None if not theirs."""
    row = session.get(NotificationRow, notification_id)
    if row is None or row.recipient_id != user_id:
        return None
    if row.read_at is None:
        row.read_at = now
        session.commit()
    return row
