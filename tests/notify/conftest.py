"""Notification tests: a private ledger database per test (so the outbox holds only what the
test put there), real SMTP and HTTP receivers on free local ports, and the API fixtures."""

from __future__ import annotations

import email
import email.policy
import json
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from core.settings import Settings
from domain import process
from domain.enums import Role
from domain.models import SYSTEM, ItemChanges, SuggestionState
from ledger.db import session_factory
from ledger.rows import DeputyRow, UnitRow, UserRow
from ledger.schema import upgrade_database
from ledger.writes import record_changes
from tests.api.conftest import api, api_settings, registers, tokens  # noqa: F401  (the API fixtures)
from tests.helpers import new_suggestion

# username: (role, unit, deputy, email)
PEOPLE = {
    "n-h01": (Role.unit_handler, "N01", None, "h01@units.example"),
    "n-head01": (Role.unit_head, "N01", None, "head01@units.example"),
    "n-h02": (Role.unit_handler, "N02", None, "h02@units.example"),
    "n-mute01": (Role.unit_handler, "N01", None, ""),  # no email, unit users have no phone: undeliverable
    "n-gone01": (Role.unit_handler, "N01", None, "gone@units.example"),  # inactive
    "n-coord": (Role.coordinator, None, None, "coord@office.example"),
    "n-coord2": (Role.coordinator, None, None, "coord2@office.example"),
    "n-sup": (Role.supervisor, None, None, "sup@council.example"),
    "n-dep1": (Role.deputy, None, "ND1", ""),  # phone and email from the deputies register
    "n-dep2": (Role.deputy, None, "ND2", "dep2@people.example"),  # email only
}
DEPUTIES = {"ND1": ("13900000001", "nd1@people.example"), "ND2": ("", "")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def db_url(tmp_path) -> str:
    """A ledger of this test's own: a SQLite file, or with PostgreSQL (CI's second pass) a
    database beside the shared one, emptied for each test."""
    if os.environ.get("HUIYIN_TEST_POSTGRES_URL"):
        url = _private_postgres(os.environ["HUIYIN_TEST_POSTGRES_URL"])
    else:
        url = f"sqlite:///{tmp_path / 'notify.db'}"
    upgrade_database(url)
    return url


def _private_postgres(shared: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(shared)
    url = base.set(database=f"{base.database}_notify")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": url.database}).scalar():
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    rendered = url.render_as_string(hide_password=False)
    engine = create_engine(rendered)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return rendered


@pytest.fixture
def nsessions(db_url):
    """Sessions on a private ledger with units N01, N02, deputies ND1, ND2 and the PEOPLE."""
    sessions = session_factory(db_url)
    with sessions() as session:
        session.add_all([UnitRow(code="N01", name="市住建局"), UnitRow(code="N02", name="市财政局")])
        session.add_all(DeputyRow(code=c, name=c, phone=p, email=e) for c, (p, e) in DEPUTIES.items())
        session.flush()
        for username, (role, unit, deputy, address) in PEOPLE.items():
            session.add(UserRow(  # nobody logs in here: no password to hash
                username=username, password_hash="!", role=role.value, unit_code=unit, deputy_code=deputy,
                email=address, active=username != "n-gone01", created_at=datetime.now(timezone.utc),
            ))
        session.commit()
    return sessions


@pytest.fixture
def users(nsessions) -> dict[str, int]:
    with nsessions() as session:
        return {u.username: u.id for u in session.query(UserRow)}


def new_item(number: str | None = None, title: str | None = None) -> SuggestionState:
    number = number or f"N{uuid.uuid4().hex[:8]}"
    now = datetime.now(timezone.utc)
    state = process.register(new_suggestion(number), f"suggestion-2026-{number}", now)
    if title:
        state.title = title
    return state


def emit(sessions, state: SuggestionState, action: str, unit: str | None = None, at: datetime | None = None,
         **detail) -> int:
    """Append one event to the item and write the item's changes as the workflow's activity would;
    returns how many events were new."""
    process.record(state, at or datetime.now(timezone.utc), SYSTEM, action, unit, **detail)
    # Every event each time: the ledger stores only the ones it lacks (what a retried activity relies on).
    changes = ItemChanges(state=state.model_copy(update={"events": []}), events=state.events)
    with sessions() as session:
        return record_changes(session, changes)


def notify_units(*units: str, roles=("unit_handler", "unit_head")) -> dict:
    return {"roles": list(roles), "units": list(units), "deputies": []}


def settings_for(db_url: str, **extra) -> Settings:
    values = dict(huiyin_database_url=db_url, huiyin_notify_backoff=30, huiyin_notify_max_attempts=3,
                  huiyin_notify_digest_window=0)
    return Settings(**{**values, **extra})


DUE = datetime(2026, 6, 5, 15, 59, 59, tzinfo=timezone.utc)  # 2026-06-05 23:59:59 in Beijing
BLUE_AT = DUE - timedelta(days=15)


# --- a real SMTP server ----------------------------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpts, m in self.messages if address in rcpts]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


# --- a real HTTP receiver (the SMS gateway) -----------------------------------------------------------


class Gateway:
    """Answers with the queued statuses, then 200; records every request."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        self.lock = threading.Lock()

        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with gateway.lock:
                    status = gateway.statuses.pop(0) if gateway.statuses else 200
                    gateway.requests.append({"status": status, "headers": dict(self.headers),
                                             "json": json.loads(body.decode("utf-8"))})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if status == 200 else b'{"error": "busy"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def delivered(self) -> list[dict]:
        return [r for r in self.requests if r["status"] == 200]


@pytest.fixture
def gateway():
    gw = Gateway()
    gw.thread.start()
    yield gw
    gw.server.shutdown()
    gw.server.server_close()
