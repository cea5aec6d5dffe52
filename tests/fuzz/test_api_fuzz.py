"""The whole API fuzzed (schemathesis, from the app's own OpenAPI document) as an admin, a coordinator, a unit
handler and a deputy, against the real system: the API under uvicorn, a worker and the real Temporal dev
server, a SQLite ledger. Checks: no server error ever, every status documented, every content type and body
as documented. Inputs as the schema allows them and as it does not (both generation modes). Bounded: a few
examples per operation and mode (FUZZ_EXAMPLES, default 10), derandomized."""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from api.app import create_app
from core.settings import Settings
from domain.enums import Role
from ledger.db import session_factory
from ledger.rows import DeputyRow, UnitRow
from ledger.schema import upgrade_database
from services.users import new_user
from tests.devserver import connect_when_ready, dev_server, free_port

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
PASSWORD = "fuzz-password-123"
USERS = {
    "fz-admin": (Role.admin, None, None),
    "fz-coord": (Role.coordinator, None, None),
    "fz-handler": (Role.unit_handler, "U01", None),
    "fz-deputy": (Role.deputy, None, "D001"),
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(create_app(Settings(huiyin_secret_key="schema-only-" + "x" * 20)).openapi())
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True, database="none",
                                modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


class System:
    """The API on uvicorn and a worker, in a thread of their own (the tests call them over HTTP)."""

    def __init__(self, settings: Settings, temporal_port: int):
        self.settings, self.temporal_port = settings, temporal_port
        self.port = free_port()
        self.server: uvicorn.Server | None = None
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # noqa: BLE001 - reported by the fixture
            self.failure = error

    async def _serve(self) -> None:
        from worker import build_worker

        client = await connect_when_ready(self.temporal_port)
        app = create_app(self.settings, temporal=client)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None))
        with ThreadPoolExecutor(4) as executor:
            async with build_worker(client, self.settings, executor):
                await self.server.serve()


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    var = tmp_path_factory.mktemp("fuzz")
    temporal_port = free_port()
    settings = Settings(
        huiyin_database_url=f"sqlite:///{var / 'ledger.db'}", temporal_address=f"127.0.0.1:{temporal_port}",
        temporal_task_queue="fuzz", huiyin_secret_key="fuzz-secret-" + "x" * 32, huiyin_admin_username="fz-root",
        huiyin_admin_password=PASSWORD, huiyin_notify_enabled=False, huiyin_log_level="WARNING",
    )
    upgrade_database(settings.huiyin_database_url)
    with session_factory(settings.huiyin_database_url)() as session:
        session.add_all([UnitRow(code="U01", name="市教育局", head_name="局长"), UnitRow(code="U02", name="市财政局")])
        session.add_all([DeputyRow(code="D001", name="张伟"), DeputyRow(code="D002", name="李娜")])
        session.flush()
        session.add_all(new_user(u, PASSWORD, role, unit, deputy) for u, (role, unit, deputy) in USERS.items())
        session.commit()
    with dev_server(var / "temporal.db", temporal_port):
        running = System(settings, temporal_port)
        running.thread.start()
        base = f"http://127.0.0.1:{running.port}"
        _wait(lambda: httpx.get(f"{base}/readyz", timeout=2).status_code == 200, running)
        tokens = {u: httpx.post(f"{base}/api/v1/auth/token", data={"username": u, "password": PASSWORD}).json()["access_token"]
                  for u in USERS}
        item = _an_item(base, tokens)
        yield base, tokens, item
        running.server.should_exit = True
        running.thread.join(30)


def _wait(check, running: System, seconds: float = 60) -> None:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if running.failure:
            raise running.failure
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("the API did not become ready")


def _an_item(base: str, tokens: dict[str, str]) -> str:
    """One real item, assigned to U01 with D001 as lead deputy: half the item operations are aimed at it."""
    from datetime import date

    year = date.today().year
    body = {"year": year, "period": "session", "title": "关于增设校车线路的建议", "body": "建议增设。", "field": "education",
            "lead_deputy": "D001", "received_on": f"{year}-01-05"}
    headers = {"Authorization": f"Bearer {tokens['fz-coord']}"}
    created = httpx.post(f"{base}/api/v1/suggestions", json=body, headers=headers, timeout=30)
    assert created.status_code == 201, created.text
    item = created.json()["id"]
    for action, payload in (("accept", None), ("assign", {"lead_unit": "U01"})):
        response = httpx.post(f"{base}/api/v1/suggestions/{item}/{action}", json=payload, headers=headers, timeout=30)
        assert response.status_code == 200, response.text
    return item


_turn = itertools.count()


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_every_operation_as_every_role(case, system):
    base, tokens, item = system
    if "suggestion_id" in (case.path_parameters or {}) and next(_turn) % 2 == 0:
        case.path_parameters["suggestion_id"] = item  # the real item: the workflow's own checks answer
    for user in USERS:
        case.call_and_validate(base_url=base, headers={"Authorization": f"Bearer {tokens[user]}"}, checks=CHECKS,
                               timeout=60)
