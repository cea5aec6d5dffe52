"""The signed-in user's notification inbox (站内通知): list, mark read, mark all read."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from api.deps import SessionDep, UserDep
from api.params import PageNo, PageSize, RowId
from api.schemas import Page
from core.errors import not_found
from ledger import inbox

router = APIRouter(prefix="/me/notifications", tags=["notifications"])


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
    rows, total = inbox.notifications_page(session, user.id, unread, page, page_size)
    return {"items": [NotificationOut.model_validate(r) for r in rows], "total": total, "page": page,
            "page_size": page_size}


@router.post("/read-all", response_model=ReadAll)
def read_all(session: SessionDep, user: UserDep) -> ReadAll:
    """Mark every unread notification of mine read; returns how many changed."""
    return ReadAll(updated=inbox.mark_all_read(session, user.id, datetime.now(timezone.utc)))


@router.post("/{notification_id}/read", response_model=NotificationOut)
def read_one(notification_id: RowId, session: SessionDep, user: UserDep) -> NotificationOut:
    """Mark one of my notifications read (it keeps the time it was first read)."""
    row = inbox.mark_read(session, user.id, notification_id, datetime.now(timezone.utc))
    if row is None:
        raise not_found(f"notification {notification_id}", f"通知{notification_id}")
    return NotificationOut.model_validate(row)
