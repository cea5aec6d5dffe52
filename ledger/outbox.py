"""Notifications from events, written in the same transaction as the event (transactional outbox).

An event whose detail has a "notify" key asks for notifications:

    detail["notify"] = {"roles": [...], "units": [...], "deputies": [...]}

Recipients: active unit users (unit_handler, unit_head) whose role is in roles and whose
unit is in units; every active coordinator / supervisor when that role is in roles; every
active deputy user whose deputy code is in deputies. Each recipient gets one
`notifications` row (the in-app inbox; unique per event and recipient) and one
`deliveries` row per outward channel they have an address for: email (the user's email,
or for a deputy the deputies register's email) and sms (a deputy's phone). A recipient
with neither gets one delivery marked undeliverable, saying why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import notices
from domain.enums import UNIT_ROLES
from domain.kinds import KINDS
from domain.models import SuggestionState
from ledger.rows import DeliveryRow, DeputyRow, EventRow, NotificationRow, UserRow

log = logging.getLogger("huiyin.notify")

ALL_OF_ROLE = ("coordinator", "supervisor", "proposal_committee")
NO_ADDRESS = "none"  # channel of the delivery that records a recipient nobody can reach


@dataclass(frozen=True)
class Recipient:
    user: UserRow
    email: str
    phone: str


def _codes(value: Any) -> list[str]:
    """A list of codes from whatever the event holds (a list, one string, or nothing)."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value if isinstance(v, (str, int)) and str(v)]
    return []


def resolve_recipients(session: Session, notify: dict[str, Any]) -> list[Recipient]:
    """The active users a notify request reaches, each once, with their addresses."""
    roles = set(_codes(notify.get("roles")))
    units = _codes(notify.get("units"))
    deputies = _codes(notify.get("deputies"))
    found: dict[int, Recipient] = {}
    unit_roles = sorted(roles & {role.value for role in UNIT_ROLES})
    if unit_roles and units:
        for user in session.scalars(
            select(UserRow).where(UserRow.active, UserRow.role.in_(unit_roles), UserRow.unit_code.in_(units))
        ):
            found.setdefault(user.id, Recipient(user, (user.email or "").strip(), ""))
    watch_roles = sorted(roles & set(ALL_OF_ROLE))
    if watch_roles:
        for user in session.scalars(select(UserRow).where(UserRow.active, UserRow.role.in_(watch_roles))):
            found.setdefault(user.id, Recipient(user, (user.email or "").strip(), ""))
    if deputies:
        rows = session.execute(
            select(UserRow, DeputyRow)
            .outerjoin(DeputyRow, DeputyRow.code == UserRow.deputy_code)
            .where(UserRow.active, UserRow.role.in_(("deputy", "member")), UserRow.deputy_code.in_(deputies))
        )
        for user, deputy in rows:
            email = (user.email or "").strip() or ((deputy.email or "").strip() if deputy else "")
            phone = (deputy.phone or "").strip() if deputy else ""
            found.setdefault(user.id, Recipient(user, email, phone))
    return sorted(found.values(), key=lambda r: r.user.id)


def _due_at(detail: dict[str, Any]) -> datetime | None:
    value = detail.get("due_at")
    if isinstance(value, datetime):
        due = value
    elif isinstance(value, str) and value:
        try:
            due = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return due if due.tzinfo else due.replace(tzinfo=timezone.utc)


def notifications_for_event(session: Session, event_row: EventRow, state: SuggestionState) -> list[NotificationRow]:
    """Add the notifications and deliveries an event asks for to the session (not committed:
    they go in with the event). Returns the notifications added; [] when none are asked for."""
    detail = event_row.payload if isinstance(event_row.payload, dict) else {}
    notify = detail.get("notify")
    if not isinstance(notify, dict):
        return []
    staff = KINDS[state.kind].office[0].value  # the office of its kind: a proposal's is the proposals committee
    if staff != "coordinator" and "coordinator" in (notify.get("roles") or []):
        notify = {**notify, "roles": [staff if r == "coordinator" else r for r in notify["roles"]]}
    recipients = resolve_recipients(session, notify)
    if not recipients:
        log.warning("event %s asks for notifications but reaches nobody: %s", event_row.id, notify)
        return []
    session.flush()  # the event row goes in before the rows that refer to it
    now = datetime.now(timezone.utc)
    action = event_row.action
    level = notices.level_for(action, detail.get("level"))
    notifications = []
    for recipient in recipients:
        kind, due_at = _deadline_for(state, event_row, detail, recipient.user)
        item = notices.ItemRef(year=state.year, number=state.number, title=state.title, due_at=due_at,
                               label=KINDS[state.kind].label)
        message = _render(event_row, item, recipient.user, kind, level, detail)
        notification = NotificationRow(
            event_id=event_row.id,
            workflow_id=event_row.workflow_id,
            recipient_id=recipient.user.id,
            action=action,
            kind=kind,
            level=level,
            year=item.year,
            number=item.number,
            title=item.title[:500],
            due_at=due_at,
            subject=message.subject[:300],
            body=message.body,
            created_at=now,
        )
        notifications.append(notification)
    session.add_all(notifications)
    session.flush()
    for recipient, notification in zip(recipients, notifications):
        key = notices.digest_key(action, notification.kind, level)
        session.add_all(_deliveries(recipient, notification, key, now))
    return notifications


def _deadline_for(state: SuggestionState, event_row: EventRow, detail: dict[str, Any],
                  user: UserRow) -> tuple[str | None, datetime | None]:
    """The deadline the recipient should see: the event's own, else the one of the item it implies
    (an assignment names no instant, but the unit's reply or co-opinion clock is already computed)."""
    action = event_row.action
    kind = notices.kind_for(action, detail.get("kind"), detail.get("deadline"))
    due_at = _due_at(detail)
    if due_at is not None:
        return kind, due_at
    try:
        deadlines = list(state.deadlines)
        key = detail.get("deadline")
        if key:
            found = next((d for d in deadlines if d.key == key), None)
            return kind, found.due_at if found else None
        unit = event_row.unit
        if action in ("assigned", "reassigned"):
            unit = detail.get("new_unit") if action == "reassigned" else None
            if user.role in UNIT_ROLES:
                assignment = state.assignment(user.unit_code)
                if assignment is None:
                    return kind, None
                unit = assignment.unit
                kind = "co_opinion" if assignment.role.value == "co_handling" else "reply"
        pending = [
            d for d in deadlines
            if d.kind.value == kind and d.status.value == "pending" and d.due_at is not None
            and (unit is None or d.unit == unit)
        ]
        return kind, min((d.due_at for d in pending), default=None)
    except Exception:  # noqa: BLE001 - the state's shape is the workflow's; a mismatch only loses the instant
        log.exception("no deadline found for %s in the state of %s", action, event_row.workflow_id)
        return kind, None


def _render(event_row: EventRow, item: notices.ItemRef, user: UserRow, kind: str | None, level: str | None,
            detail: dict[str, Any]) -> notices.Message:
    """The message; a template bug must not stop the ledger, so it falls back to a plain one."""
    try:
        return notices.render(event_row.action, item, role=user.role, kind=kind, level=level, now=event_row.at,
                               detail=detail, unit=event_row.unit, recipient_unit=user.unit_code)
    except Exception:  # noqa: BLE001 - the event must be recorded whatever the template does
        log.exception("notification template failed for %s (%s); sending the generic message",
                      event_row.id, event_row.action)
        return notices.render("_fallback", item, role=user.role)


def _deliveries(recipient: Recipient, notification: NotificationRow, key: str, now: datetime) -> list[DeliveryRow]:
    common = dict(notification_id=notification.id, recipient_id=recipient.user.id, digest_key=key,
                  next_attempt_at=now, created_at=now)
    rows = []
    if recipient.email:
        rows.append(DeliveryRow(channel="email", address=recipient.email[:200], status="pending", **common))
    if recipient.phone:
        rows.append(DeliveryRow(channel="sms", address=recipient.phone[:200], status="pending", **common))
    if not rows:
        why = f"user {recipient.user.username} ({recipient.user.role}) has no email address and no phone number"
        rows.append(DeliveryRow(channel=NO_ADDRESS, address="", status="undeliverable", last_error=why, **common))
    return rows
