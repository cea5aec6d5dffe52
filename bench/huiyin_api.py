"""Driving suggestions through the HTTP API in-process (httpx over ASGI), as staff and deputies do.

The app is the real `api.app.create_app(settings, temporal=client)`; the worker is a separate
`worker.py` process writing the same ledger file.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import httpx
from sqlalchemy import select

from api.app import create_app
from bench.common import Tally, huiyin_worker, ledger_url, started
from core.settings import Settings
from domain.enums import Role
from ledger.db import session_factory
from ledger.rows import DeputyRow, UnitRow, UserRow
from ledger.schema import upgrade_database
from services.users import new_user

PASSWORD = "bench-password-not-secret"
UNITS = {"U01": "市住房和城乡建设局", "U02": "市财政局"}
DEPUTIES = {"D001": "张伟", "D002": "李娜"}
# username: (role, unit, deputy)
USERS = {
    "coord": (Role.coordinator, None, None),
    "h-u01": (Role.unit_handler, "U01", None),
    "head-u01": (Role.unit_head, "U01", None),
    "dep1": (Role.deputy, None, "D001"),
}

# The lifecycle: registration, then the staff's and the deputy's actions until closure.
ACTIONS = ["accept", "assign", "sign-for-receipt", "log-contact", "draft-reply", "sign-off-reply", "check-reply",
           "give-feedback"]


def seed(database_url: str, users: dict = USERS, emails: dict[str, str] | None = None) -> None:
    """Units, deputies and the users, straight into a fresh ledger."""
    upgrade_database(database_url)
    sessions = session_factory(database_url)
    with sessions() as session:
        if session.get(UnitRow, "U01") is None:
            session.add_all(UnitRow(code=code, name=name, head_name="局长") for code, name in UNITS.items())
            session.add_all(DeputyRow(code=code, name=name, delegation="城区代表团") for code, name in DEPUTIES.items())
            session.flush()
        known = set(session.scalars(select(UserRow.username)))
        session.add_all(
            new_user(u, PASSWORD, role, unit, deputy, email=(emails or {}).get(u, ""))
            for u, (role, unit, deputy) in users.items() if u not in known
        )
        session.commit()


def api_settings(database_url: str, task_queue: str, address: str) -> Settings:
    return Settings(
        temporal_address=address, temporal_task_queue=task_queue, huiyin_database_url=database_url,
        huiyin_secret_key="bench-secret-" + "x" * 32, huiyin_admin_username="root", huiyin_admin_password=PASSWORD,
        huiyin_log_level="WARNING", huiyin_log_format="text",
    )


class Refused(RuntimeError):
    pass


class Http:
    """Requests as each user; every action's round trip is timed (seconds, per action name)."""

    def __init__(self, client: httpx.AsyncClient, tokens: dict[str, dict[str, str]], year: int):
        self.client, self.tokens, self.year = client, tokens, year
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.retries = 0

    async def post(self, user: str, path: str, body: dict | None = None, expect: int = 200) -> dict:
        for _ in range(20):
            began = time.perf_counter()
            response = await self.client.post(f"/api/v1{path}", json=body, headers=self.tokens[user])
            elapsed = time.perf_counter() - began
            if response.status_code == 503:  # "try again" (busy item): counted, retried
                self.retries += 1
                continue
            if response.status_code != expect:
                raise Refused(f"POST {path} as {user}: {response.status_code} {response.text[:500]}")
            self.timings[path.rsplit("/", 1)[-1] if path.count("/") > 1 else "register"].append(elapsed)
            return response.json()
        raise Refused(f"POST {path}: still 503 after 20 tries")

    async def register(self, number: str) -> str:
        body = {
            "year": self.year, "period": "session", "number": number,
            "title": "关于规范校外培训机构收费的建议", "body": "建议建立预收费资金监管制度，明确退费规则。",
            "field": "education", "lead_deputy": "D001", "co_signers": ["D002"], "received_on": f"{self.year}-01-06",
        }
        return (await self.post("coord", "/suggestions", body, expect=201))["id"]

    async def act(self, sid: str, action: str) -> dict:
        user, body = _request(action)
        return await self.post(user, f"/suggestions/{sid}/{action}", body)

    async def lifecycle(self, number: str) -> str:
        """Register, then every action until the item is closed; returns the final stage."""
        sid = await self.register(number)
        state = None
        for action in ACTIONS:
            state = await self.act(sid, action)
        return state["stage"]


def _request(action: str) -> tuple[str, dict | None]:
    if action in ("accept",):
        return "coord", None
    if action == "assign":
        return "coord", {"lead_unit": "U01"}
    if action == "sign-for-receipt":
        return "h-u01", None
    if action == "log-contact":
        when = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
        return "h-u01", {"when": when, "way": "phone", "summary": "电话沟通办理思路"}
    if action == "draft-reply":
        return "h-u01", {"text": "已建立资金监管平台，覆盖全市培训机构。", "result_class": "A", "face_to_face": True,
                         "replied_by": "局长", "publish": True, "public_text": "已建立资金监管平台。"}
    if action == "sign-off-reply":
        return "head-u01", None
    if action == "check-reply":
        return "coord", {"accept": True}
    if action == "give-feedback":
        return "dep1", {"verdict": "satisfied"}
    raise ValueError(action)


@contextlib.asynccontextmanager
async def running_api(settings: Settings, temporal, year: int | None = None):
    """The app's lifespan, an httpx client over ASGI and a token per user."""
    app = create_app(settings, temporal=temporal)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
            tokens = {}
            for username in USERS:
                response = await client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
                response.raise_for_status()
                tokens[username] = {"Authorization": f"Bearer {response.json()['access_token']}"}
            yield Http(client, tokens, year or date.today().year)


class ApiRun:
    """One side of an interleaved benchmark: a seeded ledger, the real worker process, the in-process API
    (`http`) and what they and the server use (`tally`). Subclasses add the rounds."""

    def __init__(self, server, client, directory, task_queue: str):
        self.server, self.client, self.task_queue = server, client, task_queue
        self.url = ledger_url(directory)
        self.api = contextlib.AsyncExitStack()

    async def __aenter__(self):
        seed(self.url)
        self.worker = await started(self.client, huiyin_worker(self.server, self.task_queue, self.url))
        settings = api_settings(self.url, self.task_queue, self.server.address)
        self.http = await self.api.enter_async_context(running_api(settings, self.client))
        self.tally = Tally({"server": self.server.proc.pid, "worker": self.worker.pid, "driver": os.getpid()})
        return self

    async def __aexit__(self, *exc) -> None:
        self.retries = self.http.retries
        await self.api.aclose()
        self.worker.check()
        self.worker.stop()
