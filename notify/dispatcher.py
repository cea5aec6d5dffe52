"""The dispatcher: drains the `deliveries` outbox over email and the SMS webhook.

    python -m notify.dispatcher     # alone; the worker also runs it as a background task

Every HUIYIN_NOTIFY_INTERVAL seconds it

1. takes back claims older than HUIYIN_NOTIFY_LEASE (a dispatcher that died mid-send);
2. claims due deliveries atomically: UPDATE … SET status='sending', claim_token=<new token>
   WHERE status='pending' AND next_attempt_at <= now − HUIYIN_NOTIFY_DIGEST_WINDOW (on at most
   HUIYIN_NOTIFY_BATCH rows; the window lets items that reach a rung together be gathered),
   then reads them back by token — on SQLite and PostgreSQL alike, so several dispatchers
   never take the same row;
3. groups them per recipient, channel, address and digest key: many items at the same rung
   for the same person go out as ONE digest message listing them;
4. gives each group a Message-ID derived from its delivery ids, stored on the rows before
   sending, so a resend after a crash carries the same id (and the same grouping) and the
   receiver can drop it;
5. sends, then marks the rows sent — only while it still holds the claim. On failure the rows
   go back to pending with exponential backoff, and to failed after HUIYIN_NOTIFY_MAX_ATTEMPTS
   (at once on a permanent refusal). A channel that is not configured marks its deliveries
   undeliverable. A row marked sent is never claimed again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import signal
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parseaddr

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from core.logs import configure_logging
from core.settings import Settings, get_settings
from domain import notices
from domain.kinds import KINDS, Kind
from ledger.db import session_factory
from ledger.rows import DeliveryRow, NotificationRow, UserRow
from ledger.schema import upgrade_database
from notify.channels import Channel, Outgoing, PermanentError
from notify.email import EmailChannel
from notify.webhook import WebhookChannel

log = logging.getLogger("huiyin.notify")

MAX_BACKOFF = timedelta(hours=6)


@dataclass
class Report:
    """What one pass did (counts of deliveries, and of messages sent)."""

    claimed: int = 0
    sent: int = 0
    messages: int = 0
    retried: int = 0
    failed: int = 0
    undeliverable: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int, base: float) -> timedelta:
    """Wait before the next attempt after `attempts` failed ones: base, 2×base, 4×base, … (≤ 6 h)."""
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def message_id(channel: str, delivery_ids: list[int], domain: str) -> str:
    digest = hashlib.sha256(f"{channel}:{','.join(map(str, sorted(delivery_ids)))}".encode()).hexdigest()[:32]
    return f"<huiyin.{channel}.{digest}@{domain}>"


class Dispatcher:
    def __init__(self, sessions: sessionmaker[Session], settings: Settings,
                 channels: dict[str, Channel] | None = None):
        self.sessions, self.settings = sessions, settings
        if channels is None:
            channels = {"email": EmailChannel.from_settings(settings), "sms": WebhookChannel.from_settings(settings)}
        self.channels = channels
        self.domain = (parseaddr(settings.huiyin_smtp_from)[1].rpartition("@")[2] or "huiyin.local").strip() or "huiyin.local"

    @classmethod
    def from_settings(cls, settings: Settings) -> "Dispatcher":
        return cls(session_factory(settings.huiyin_database_url), settings)

    # --- one pass ----------------------------------------------------------------------------------

    def run_once(self, now: datetime | None = None) -> Report:
        """Claim what is due and send it; returns what happened. Safe to run in several processes."""
        now = now or datetime.now(timezone.utc)
        report = Report()
        with self.sessions() as session:
            self._take_back_stale_claims(session, now)
            token = self._claim(session, now)
            rows = session.execute(
                select(DeliveryRow, NotificationRow, UserRow)
                .join(NotificationRow, NotificationRow.id == DeliveryRow.notification_id)
                .join(UserRow, UserRow.id == DeliveryRow.recipient_id)
                .where(DeliveryRow.claim_token == token)
                .order_by(DeliveryRow.id)
            ).all()
            report.claimed = len(rows)
            for group in self._groups(rows):
                self._send_group(session, token, group, now, report)
        return report

    def _take_back_stale_claims(self, session: Session, now: datetime) -> None:
        stale = now - timedelta(seconds=self.settings.huiyin_notify_lease)
        taken = session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.status == "sending", DeliveryRow.claimed_at < stale)
            .values(status="pending", claim_token=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        if taken:
            log.warning("took back %d deliveries claimed before %s (a dispatcher stopped mid-send)", taken, stale)

    def _claim(self, session: Session, now: datetime) -> str:
        token = uuid.uuid4().hex
        # Deliveries wait out the digest window: the workflows of many items reaching the same
        # rung write within moments of each other, and their notices should share one message.
        now = now - timedelta(seconds=self.settings.huiyin_notify_digest_window)
        due = (
            select(DeliveryRow.id)
            .where(DeliveryRow.status == "pending", DeliveryRow.next_attempt_at <= now)
            .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
            .limit(self.settings.huiyin_notify_batch)
        )
        # The status test is repeated on the row itself: a row another dispatcher claimed
        # meanwhile (PostgreSQL re-checks it after the lock wait) is skipped, not taken twice.
        session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(due.scalar_subquery()), DeliveryRow.status == "pending",
                   DeliveryRow.next_attempt_at <= now)
            .values(status="sending", claim_token=token, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return token

    @staticmethod
    def _groups(rows) -> list[list[tuple[DeliveryRow, NotificationRow, UserRow]]]:
        """Rows that already went out together (same Message-ID) stay together; the others are
        grouped per recipient, channel, address and digest key."""
        groups: dict[tuple, list] = defaultdict(list)
        for delivery, notification, user in rows:
            key = ("mid", delivery.message_id) if delivery.message_id else (
                "new", delivery.recipient_id, delivery.channel, delivery.address, delivery.digest_key)
            groups[key].append((delivery, notification, user))
        return list(groups.values())

    def _send_group(self, session: Session, token: str, group, now: datetime, report: Report) -> None:
        deliveries = [d for d, _, _ in group]
        ids = [d.id for d in deliveries]
        name = deliveries[0].channel
        channel = self.channels.get(name)
        reason = f"channel not configured: no channel {name!r}" if channel is None else channel.not_configured()
        if reason:
            self._finish(session, token, ids, now, status="undeliverable", last_error=reason)
            report.undeliverable += len(ids)
            return
        mid = deliveries[0].message_id
        if not mid:
            mid = message_id(name, ids, self.domain)
            self._update(session, token, ids, message_id=mid)  # stored before sending: a resend reuses it
        outgoing = self._compose(group, mid)
        try:
            channel.send(outgoing)
        except PermanentError as error:
            log.warning("%s to %s refused for good (%s): %s", name, outgoing.to, mid, error)
            self._finish(session, token, ids, now, status="failed", last_error=str(error)[:2000], attempt=True)
            report.failed += len(ids)
            report.errors.append(str(error))
        except Exception as error:  # noqa: BLE001 - any other failure is retried later
            text = f"{type(error).__name__}: {error}"[:2000]
            log.warning("%s to %s failed (%s): %s", name, outgoing.to, mid, text)
            report.errors.append(text)
            for delivery in deliveries:
                attempts = delivery.attempts + 1
                if attempts >= self.settings.huiyin_notify_max_attempts:
                    self._finish(session, token, [delivery.id], now, status="failed", last_error=text, attempt=True)
                    report.failed += 1
                else:
                    self._finish(session, token, [delivery.id], now, status="pending", last_error=text, attempt=True,
                                 next_attempt_at=now + backoff(attempts, self.settings.huiyin_notify_backoff))
                    report.retried += 1
        else:
            self._finish(session, token, ids, now, status="sent", last_error="", attempt=True, sent_at=now)
            report.sent += len(ids)
            report.messages += 1
            log.info("%s sent to %s: %s (%d item(s), %s)", name, outgoing.to, outgoing.subject, len(ids), mid)

    def _compose(self, group, mid: str) -> Outgoing:
        delivery, first, user = group[0]
        notifications = sorted({n.id: n for _, n, _ in group}.values(), key=lambda n: n.id)
        items = [notices.ItemRef(n.year, n.number, n.title, n.due_at, KINDS[Kind(n.workflow_id.split("-", 1)[0])].label)
                 for n in notifications]
        if len(notifications) == 1:
            subject, body = first.subject, first.body
            short = notices.short_text(subject, body)
        else:
            digest = notices.render_digest(first.action, items, role=user.role, kind=first.kind, level=first.level)
            subject, body, short = digest.subject, digest.body, digest.short
        return Outgoing(to=delivery.address, subject=subject, body=body, short=short, message_id=mid, items=items)

    def _update(self, session: Session, token: str, ids: list[int], **values) -> int:
        """Change rows only while this pass still holds their claim."""
        count = session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(ids), DeliveryRow.claim_token == token)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        return count

    def _finish(self, session: Session, token: str, ids: list[int], now: datetime, *, status: str,
                last_error: str, attempt: bool = False, **values) -> None:
        if attempt:
            values["attempts"] = DeliveryRow.attempts + 1
        count = self._update(session, token, ids, status=status, last_error=last_error, claim_token=None,
                             claimed_at=None, **values)
        if count != len(ids):
            log.warning("%d of deliveries %s were taken back before they were marked %s", len(ids) - count, ids, status)

    def describe(self) -> str:
        return "; ".join(f"{name}: {channel.not_configured() or 'on'}" for name, channel in self.channels.items())

    # --- the loop --------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; a pass in progress finishes first."""
        interval = self.settings.huiyin_notify_interval
        log.info("notification dispatcher polling every %ss; %s", interval, self.describe())
        while not stop.is_set():
            try:
                report = await asyncio.to_thread(self.run_once)
                if report.claimed:
                    log.info("notifications: %s", {k: v for k, v in vars(report).items() if k != "errors"})
            except Exception:  # noqa: BLE001 - the loop outlives a bad pass (database down, …)
                log.exception("notification dispatch pass failed; trying again in %ss", interval)
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass
        log.info("notification dispatcher stopped")


async def main() -> None:
    settings = get_settings()
    configure_logging(settings.huiyin_log_level, settings.huiyin_log_format)
    upgrade_database(settings.huiyin_database_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await Dispatcher.from_settings(settings).run(stop)


if __name__ == "__main__":
    asyncio.run(main())
