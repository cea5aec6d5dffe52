"""/healthz, /readyz, Prometheus metrics and JSON request logs of the API."""

from __future__ import annotations

import json

import httpx
from temporalio.client import Client

from api.app import create_app
from tests.ops.support import free_port


async def test_healthz_and_readyz(ops_api):
    assert (await ops_api.get("/healthz")).json() == {"status": "ok"}
    response = await ops_api.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "temporal": "ok"}}


async def test_readyz_is_503_problem_json_when_temporal_is_down(ops_settings, ops_users):
    dead = await Client.connect(f"127.0.0.1:{free_port()}", lazy=True)
    app = create_app(ops_settings, temporal=dead)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "Not ready" and problem["checks"]["database"] == "ok"
    assert problem["checks"]["temporal"] != "ok" and problem["detail"].startswith("temporal: ")


async def test_readyz_names_a_database_that_does_not_answer(ops_app, ops_api):
    def broken():
        raise ConnectionRefusedError("connection refused")

    sessions, ops_app.state.sessions = ops_app.state.sessions, broken
    try:
        response = await ops_api.get("/readyz")
    finally:
        ops_app.state.sessions = sessions
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ConnectionRefusedError: connection refused"


async def test_metrics_count_requests_latencies_and_refusals(ops_api, ops_tokens):
    await ops_api.get("/api/v1/suggestions")  # 401: no token
    await ops_api.get("/api/v1/suggestions/suggestion-2026-NOPE", headers=ops_tokens["ops-coord"])  # 404
    await ops_api.get("/no/such/route")
    text = (await ops_api.get("/metrics")).text
    assert 'huiyin_api_refusals_total{status="401",title="Unauthorized"}' in text
    assert 'huiyin_api_refusals_total{status="404",title="Not found"}' in text
    assert 'huiyin_api_requests_total{method="GET",route="/api/v1/suggestions",status="401"}' in text
    # The item's id becomes its template: label values stay bounded.
    assert 'route="/api/v1/suggestions/{suggestion_id}",status="404"' in text
    assert 'route="<unmatched>"' in text and "suggestion-2026-NOPE" not in text
    assert 'huiyin_api_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/suggestions"}' in text


async def test_request_log_lines_are_json_with_item_and_actor(ops_api, ops_tokens, capsys):
    capsys.readouterr()
    await ops_api.get("/api/v1/suggestions/suggestion-2026-LOG1/events", headers=ops_tokens["ops-coord"])
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "huiyin.api.access"]
    assert access, lines
    line = access[-1]
    assert line["workflow_id"] == "suggestion-2026-LOG1" and line["actor"] == "ops-coord"
    assert line["status"] == 404 and line["problem"] == "Not found"
    assert line["route"] == "/api/v1/suggestions/{suggestion_id}/events" and line["duration_ms"] >= 0
