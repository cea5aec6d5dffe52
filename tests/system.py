"""The whole system for tests that use it from outside (the fuzz pass, the browser tests): the real Temporal
dev server, a worker and the API under uvicorn, in a thread of their own, on a SQLite ledger with registers."""

from __future__ import annotations

import asyncio
import base64
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from api.app import create_app
from core.settings import Settings
from core.temporal import converter_for
from domain.enums import Role
from ledger.db import session_factory
from ledger.rows import DeputyRow, UnitRow
from ledger.schema import upgrade_database
from services.users import new_user
from tests.devserver import connect_when_ready, dev_server, free_port

PASSWORD = "system-password-123"
UNITS = {"U01": ("市教育局", "王慧敏"), "U02": ("市财政局", "李明远"), "U03": ("市交通运输局", "刘振华")}
DEPUTIES = {"D001": ("张伟", "城区代表团"), "D002": ("李娜", "东湖区代表团"), "D003": ("王芳", "城区代表团")}
USERS = {
    "admin": (Role.admin, None, None),
    "coord": (Role.coordinator, None, None),
    "sup": (Role.supervisor, None, None),
    "h-u01": (Role.unit_handler, "U01", None),
    "head-u01": (Role.unit_head, "U01", None),
    "h-u02": (Role.unit_handler, "U02", None),
    "dep1": (Role.deputy, None, "D001"),
    "dep2": (Role.deputy, None, "D002"),
    "committee": (Role.proposal_committee, None, None),  # 政协提案委员会
    "mem1": (Role.member, None, "D001"),  # 政协委员
}


CODEC_KEYS = "s1:" + base64.b64encode(b"system-test-key-" * 2).decode()  # 32 bytes


class System:
    """With `ui`, as `make run` runs it: the dev server's UI under /temporal, passed on behind the console's login,
    decoding through the API's codec endpoint, and payloads encrypted."""

    def __init__(self, var: Path, ui: bool = False):
        self.temporal_port, self.port = free_port(), free_port()
        self.ui_port = free_port() if ui else None
        self.base = f"http://127.0.0.1:{self.port}"
        self.settings = Settings(
            huiyin_database_url=f"sqlite:///{var / 'ledger.db'}", temporal_address=f"127.0.0.1:{self.temporal_port}",
            temporal_task_queue="system", huiyin_secret_key="system-secret-" + "x" * 32,
            huiyin_admin_username="root", huiyin_admin_password=PASSWORD, huiyin_notify_enabled=False,
            huiyin_log_level="WARNING",
            **({"huiyin_codec_keys": CODEC_KEYS, "huiyin_temporal_ui_url": f"http://127.0.0.1:{self.ui_port}/temporal"}
               if ui else {}),
        )
        self.var = var
        self.server: uvicorn.Server | None = None
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def seed(self) -> None:
        upgrade_database(self.settings.huiyin_database_url)
        with session_factory(self.settings.huiyin_database_url)() as session:
            session.add_all(UnitRow(code=c, name=n, head_name=h) for c, (n, h) in UNITS.items())
            session.add_all(DeputyRow(code=c, name=n, delegation=d) for c, (n, d) in DEPUTIES.items())
            session.flush()
            session.add_all(new_user(u, PASSWORD, role, unit, deputy) for u, (role, unit, deputy) in USERS.items())
            session.commit()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # noqa: BLE001 - reported to the test
            self.failure = error

    async def _serve(self) -> None:
        from worker import build_worker

        client = await connect_when_ready(self.temporal_port, data_converter=converter_for(self.settings))
        app = create_app(self.settings, temporal=client)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None))
        with ThreadPoolExecutor(4) as executor:
            async with build_worker(client, self.settings, executor):
                await self.server.serve()

    def wait_until_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.failure:
                raise self.failure
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError("the API did not become ready")

    def token(self, username: str) -> str:
        response = httpx.post(f"{self.base}/api/v1/auth/token", data={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return response.json()["access_token"]


@contextmanager
def running_system(var: Path, ui: bool = False) -> Iterator[System]:
    system = System(var, ui)
    system.seed()
    with dev_server(var / "temporal.db", system.temporal_port, system.ui_port, f"{system.base}/codec"):
        system.thread.start()
        system.wait_until_ready()
        try:
            yield system
        finally:
            system.server.should_exit = True
            system.thread.join(30)
