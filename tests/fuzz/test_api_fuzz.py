"""The whole API fuzzed (schemathesis, from the app's own OpenAPI document) as an admin, a coordinator, a unit
handler and a deputy, against the real system: the API under uvicorn, a worker and the real Temporal dev
server, a SQLite ledger. Checks: no server error ever, every status documented, every content type and body
as documented. Inputs as the schema allows them and as it does not (both generation modes). Bounded: a few
examples per operation and mode (FUZZ_EXAMPLES, default 10), derandomized."""

from __future__ import annotations

import itertools
import os

import httpx
import pytest
import schemathesis
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
from tests.system import running_system

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
ROLES = ("admin", "coord", "h-u01", "dep1")  # an admin, a coordinator, a unit handler, a deputy (tests/system.py)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(create_app(Settings(huiyin_secret_key="schema-only-" + "x" * 20)).openapi())
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True, database="none",
                                modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("fuzz")) as running:
        tokens = {user: running.token(user) for user in ROLES}
        yield running.base, tokens, _an_item(running.base, tokens)


def _an_item(base: str, tokens: dict[str, str]) -> str:
    """One real item, assigned to U01 with D001 as lead deputy: half the item operations are aimed at it."""
    from datetime import date

    year = date.today().year
    body = {"year": year, "period": "session", "title": "关于增设校车线路的建议", "body": "建议增设。", "field": "education",
            "lead_deputy": "D001", "received_on": f"{year}-01-05"}
    headers = {"Authorization": f"Bearer {tokens['coord']}"}
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
    for user in ROLES:
        case.call_and_validate(base_url=base, headers={"Authorization": f"Bearer {tokens[user]}"}, checks=CHECKS,
                               timeout=60)
