"""The dispatcher over a real SMTP server and a real HTTP gateway: digests, retries, no duplicates."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from ledger.rows import DeliveryRow, UserRow
from notify.dispatcher import Dispatcher, backoff
from notify.email import EmailChannel
from tests.notify.conftest import BLUE_AT, DUE, emit, free_port, new_item, notify_units, settings_for

DUE_TEXT = "2026-06-05 23:59（北京时间）"


def _blue(sessions, unit: str, n: int = 1, due=DUE, **extra) -> list:
    items = []
    for i in range(n):
        state = new_item(title=f"关于第{i + 1}项民生工程的建议")
        emit(sessions, state, "reminder_blue", unit, at=BLUE_AT, deadline=f"reply:{unit}:1", kind="reply",
             level="blue", due_at=(due + timedelta(days=i % 3)).isoformat(), notify=extra.get("notify") or notify_units(unit))
        items.append(state)
    return items


def _deliveries(sessions, username: str | None = None) -> list[DeliveryRow]:
    with sessions() as session:
        stmt = select(DeliveryRow).order_by(DeliveryRow.id)
        if username:
            stmt = stmt.join(UserRow, UserRow.id == DeliveryRow.recipient_id).where(UserRow.username == username)
        return list(session.scalars(stmt))


def test_email_digest_and_single_over_real_smtp(nsessions, db_url, smtp_server):
    twelve = _blue(nsessions, "N01", 12)
    single = _blue(nsessions, "N02", 1)
    settings = settings_for(db_url, huiyin_smtp_host="127.0.0.1", huiyin_smtp_port=smtp_server.port,
                            huiyin_smtp_from="回音系统 <huiyin@renda.example>")
    dispatcher = Dispatcher(nsessions, settings)
    report = dispatcher.run_once()
    # 12 items for each of N01's handler and head: one digest each; one single for N02's handler.
    assert (report.sent, report.messages, report.retried, report.failed) == (25, 3, 0, 0)

    [digest] = smtp_server.to("h01@units.example")
    assert digest["Subject"] == "【回音】12件建议答复期限提醒"
    assert digest["From"].addresses[0].display_name == "回音系统"
    text = digest.get_content()
    for state in twelve:
        assert f"2026年第{state.number}号建议《{state.title}》" in text
    assert DUE_TEXT in text and "请抓紧办理" in text
    [one] = smtp_server.to("h02@units.example")
    assert one["Subject"] == f"【回音】2026年第{single[0].number}号建议答复期限提醒"
    body = one.get_content()
    assert single[0].title in body and DUE_TEXT in body and "还有15天" in body

    rows = _deliveries(nsessions, "n-h01")
    assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {1}
    assert {r.message_id for r in rows} == {digest["Message-ID"]}  # one stable id for the whole digest
    assert digest["Message-ID"].endswith("@renda.example>")
    # The recipient with no address was recorded, never sent, and nothing crashed.
    mute = _deliveries(nsessions, "n-mute01")
    assert len(mute) == 12 and {(r.status, r.channel) for r in mute} == {("undeliverable", "none")}
    assert "no email address and no phone number" in mute[0].last_error

    # Nothing is ever sent twice.
    assert dispatcher.run_once(datetime.now(timezone.utc) + timedelta(days=1)).claimed == 0
    assert len(smtp_server.messages) == 3 and len(smtp_server.to("head01@units.example")) == 1


def test_deliveries_wait_out_the_digest_window_then_go_as_one(nsessions, db_url):
    first = _blue(nsessions, "N02")
    recorder = Recorder()
    dispatcher = Dispatcher(nsessions, settings_for(db_url, huiyin_notify_digest_window=60), {"email": recorder})
    now = datetime.now(timezone.utc)
    assert dispatcher.run_once(now).claimed == 0  # the first one waits: more may come
    second = _blue(nsessions, "N02")  # another item reaches the same rung a little later
    assert dispatcher.run_once(now + timedelta(seconds=61)).claimed == 2
    [subject] = recorder.subjects
    assert subject == "【回音】2件建议答复期限提醒"
    assert len(first + second) == 2


def test_smtp_down_is_retried_with_backoff_then_failed(nsessions, db_url, smtp_server):
    _blue(nsessions, "N02")
    down = settings_for(db_url, huiyin_smtp_host="127.0.0.1", huiyin_smtp_port=free_port(), huiyin_smtp_timeout=2)
    dispatcher = Dispatcher(nsessions, down)
    now = datetime.now(timezone.utc)
    assert dispatcher.run_once(now).retried == 1
    [row] = _deliveries(nsessions, "n-h02")
    assert (row.status, row.attempts, row.claim_token) == ("pending", 1, None)
    assert row.next_attempt_at == now + timedelta(seconds=30) and "ConnectionRefused" in row.last_error
    assert dispatcher.run_once(now + timedelta(seconds=10)).claimed == 0  # not due yet
    assert dispatcher.run_once(now + timedelta(seconds=31)).retried == 1
    [row] = _deliveries(nsessions, "n-h02")
    assert row.attempts == 2 and row.next_attempt_at == now + timedelta(seconds=31 + 60)
    assert dispatcher.run_once(now + timedelta(seconds=200)).failed == 1  # max 3 attempts in these settings
    [row] = _deliveries(nsessions, "n-h02")
    assert (row.status, row.attempts) == ("failed", 3)
    assert dispatcher.run_once(now + timedelta(days=30)).claimed == 0
    assert backoff(1, 30) == timedelta(seconds=30) and backoff(4, 30) == timedelta(seconds=240)
    assert backoff(30, 30) == timedelta(hours=6)


def test_sms_webhook_fails_once_then_delivers_exactly_once(nsessions, db_url, gateway):
    gateway.statuses = [500]
    [state] = _blue(nsessions, "N01", notify={"roles": [], "units": [], "deputies": ["ND1"]})
    settings = settings_for(db_url, huiyin_webhook_url=gateway.url, huiyin_webhook_token="gw-secret")
    dispatcher = Dispatcher(nsessions, settings)  # email not configured here
    now = datetime.now(timezone.utc)
    report = dispatcher.run_once(now)
    assert (report.retried, report.undeliverable) == (1, 1)
    email, sms = sorted(_deliveries(nsessions, "n-dep1"), key=lambda d: d.channel)
    assert (email.status, email.last_error) == ("undeliverable", "channel not configured: HUIYIN_SMTP_HOST is not set")
    assert (sms.status, sms.attempts) == ("pending", 1) and "HTTP 500" in sms.last_error

    assert dispatcher.run_once(now + timedelta(minutes=1)).sent == 1
    assert dispatcher.run_once(now + timedelta(days=1)).claimed == 0
    assert [r["status"] for r in gateway.requests] == [500, 200]
    [delivered] = gateway.delivered
    assert delivered["headers"]["Authorization"] == "Bearer gw-secret"
    first, second = (r["headers"]["Idempotency-Key"] for r in gateway.requests)
    assert first == second == sms.message_id  # the retry carries the same id
    payload = delivered["json"]
    assert payload["to"] == "13900000001"
    assert payload["items"] == [{"year": 2026, "number": state.number, "title": state.title, "due_at": DUE.isoformat()}]
    assert payload["text"].startswith("【回音】") and state.number in payload["text"] and DUE_TEXT in payload["text"]
    [sms] = [d for d in _deliveries(nsessions, "n-dep1") if d.channel == "sms"]
    assert (sms.status, sms.attempts, sms.last_error) == ("sent", 2, "")


def test_webhook_refusal_is_permanent(nsessions, db_url, gateway):
    gateway.statuses = [400]
    _blue(nsessions, "N01", notify={"roles": [], "units": [], "deputies": ["ND1"]})
    dispatcher = Dispatcher(nsessions, settings_for(db_url, huiyin_webhook_url=gateway.url))
    assert dispatcher.run_once().failed == 1
    [sms] = [d for d in _deliveries(nsessions, "n-dep1") if d.channel == "sms"]
    assert sms.status == "failed" and "HTTP 400" in sms.last_error and len(gateway.requests) == 1


class Recorder:
    """A channel that counts what it is asked to send (slowly, so passes overlap)."""

    name = "email"

    def __init__(self):
        self.sent: list[str] = []
        self.subjects: list[str] = []
        self.lock = threading.Lock()

    def not_configured(self):
        return None

    def send(self, message):
        threading.Event().wait(0.01)
        with self.lock:
            self.sent.append(message.to)
            self.subjects.append(message.subject)


def test_concurrent_dispatchers_never_send_a_delivery_twice(nsessions, db_url):
    for unit in ("N01", "N02"):
        _blue(nsessions, unit, 15, notify={"roles": ["coordinator", "unit_handler"], "units": [unit], "deputies": []})
    with nsessions() as session:  # a digest key per delivery, so no digests: 90 separate messages
        pending = list(session.scalars(select(DeliveryRow).where(DeliveryRow.status == "pending")))
        for i, row in enumerate(pending):
            row.digest_key = f"k{i}"
        session.commit()
    assert len(pending) == 90  # 30 items x (2 coordinators + 1 handler with email)
    recorder = Recorder()
    settings = settings_for(db_url, huiyin_notify_batch=7)
    dispatchers = [Dispatcher(nsessions, settings, {"email": recorder}) for _ in range(4)]

    def drain(d: Dispatcher):
        while d.run_once().claimed:
            pass

    threads = [threading.Thread(target=drain, args=(d,)) for d in dispatchers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(recorder.sent) == 90
    rows = _deliveries(nsessions)
    assert {r.status for r in rows if r.channel == "email"} == {"sent"}
    assert {r.attempts for r in rows if r.channel == "email"} == {1}


def test_a_claim_left_by_a_dead_dispatcher_is_taken_back(nsessions, db_url):
    _blue(nsessions, "N02")
    recorder = Recorder()
    dispatcher = Dispatcher(nsessions, settings_for(db_url, huiyin_notify_lease=600), {"email": recorder})
    now = datetime.now(timezone.utc)
    with nsessions() as session:  # claimed by a dispatcher that died mid-send, with its message id stored
        session.execute(update(DeliveryRow).values(status="sending", claim_token="dead", claimed_at=now,
                                                   message_id="<huiyin.email.x@huiyin.local>"))
        session.commit()
    assert dispatcher.run_once(now + timedelta(seconds=60)).claimed == 0  # still within its lease
    assert dispatcher.run_once(now + timedelta(seconds=601)).sent == 1
    [row] = _deliveries(nsessions, "n-h02")
    assert row.status == "sent" and row.message_id == "<huiyin.email.x@huiyin.local>" and recorder.sent == ["h02@units.example"]


async def test_the_loop_sends_and_stops_cleanly(nsessions, db_url, smtp_server):
    _blue(nsessions, "N02")
    settings = settings_for(db_url, huiyin_smtp_host="127.0.0.1", huiyin_smtp_port=smtp_server.port,
                            huiyin_notify_interval=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(Dispatcher(nsessions, settings).run(stop))
    for _ in range(200):
        if smtp_server.messages:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert len(smtp_server.to("h02@units.example")) == 1


def test_email_message_is_utf8():
    from notify.channels import Outgoing

    mail = EmailChannel("localhost", sender="回音 <a@b.example>").build(
        Outgoing(to="x@y.example", subject="【回音】测试", body="正文：答复期限", short="", message_id="<m@b.example>"))
    raw = mail.as_bytes()
    assert b"=?utf-8?" in raw and "正文".encode() not in raw  # headers encoded, body transfer-encoded
    assert mail["Message-ID"] == "<m@b.example>"
