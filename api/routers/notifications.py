"""The signed-in user's notification inbox (站内通知): list, mark read, mark all read."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select, update

from api.deps import SessionDep, UserDep
from api.schemas import Page
from core.errors import not_found
from ledger.rows import NotificationRow

router = APIRouter(prefix="/me/notifications", tags=["notifications"])
PageNo = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=500)]


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    workflow_id: str
    event_id: str
    action: str
    kind: str | None
    level: str | None
    year: int
    number: str
    title: str
    due_at: datetime | None
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None


class ReadAll(BaseModel):
    updated: int


@router.get("", response_model=Page[NotificationOut])
def list_notifications(
    session: SessionDep,
    user: UserDep,
    unread: Annotated[bool | None, Query(description="true: only unread; false: only read")] = None,
    page: PageNo = 1,
    page_size: PageSize = 50,
):
    """My notifications, newest first."""
    stmt = select(NotificationRow).where(NotificationRow.recipient_id == user.id)
    if unread is not None:
        stmt = stmt.where(NotificationRow.read_at.is_(None) if unread else NotificationRow.read_at.is_not(None))
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.scalars(
        stmt.order_by(NotificationRow.created_at.desc(), NotificationRow.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return {"items": [NotificationOut.model_validate(r) for r in rows], "total": total, "page": page,
            "page_size": page_size}


@router.post("/read-all", response_model=ReadAll)
def read_all(session: SessionDep, user: UserDep) -> ReadAll:
    """Mark every unread notification of mine read; returns how many changed."""
    updated = session.execute(
        update(NotificationRow)
        .where(NotificationRow.recipient_id == user.id, NotificationRow.read_at.is_(None))
        .values(read_at=datetime.now(timezone.utc))
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return ReadAll(updated=updated)


@router.post("/{notification_id}/read", response_model=NotificationOut)
def read_one(notification_id: int, session: SessionDep, user: UserDep) -> NotificationOut:
    """Mark one of my notifications read (it keeps the time it was first read)."""
    row = session.get(NotificationRow, notification_id)
    if row is None or row.recipient_id != user.id:
        raise not_found(f"notification {notification_id}")
    if row.read_at is None:
        row.read_at = datetime.now(timezone.utc)
        session.commit()
    return NotificationOut.model_validate(row)
