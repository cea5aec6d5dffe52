"""The API's edge (issue "nothing a user sends can break it", items 5–7, 9, 13; docs/limits.md): every parameter
bounded and typed, a body size limit, a 500 that keeps the connection, login throttling and token revocation,
security headers, bounded metrics and an OpenAPI document that states every problem status."""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import time
import uuid

import jwt
import pytest
import uvicorn

from api.app import create_app
from api.security import ALGORITHM, LoginThrottle
from tests.api.conftest import PASSWORD

# --- 5. numbers out of range: a 422 that says which, never a 500 ---------------------------------------

OUT_OF_RANGE = [
    ("/public/replies", {"year": "²"}),
    ("/public/replies", {"year": "1" * 30}),
    ("/public/replies", {"page": str(10**18)}),
    ("/public/v1/replies", {"page": str(10**18)}),
    ("/public/v1/replies", {"year": "-5"}),
    ("/public/v1/statistics", {"year": "2026", "as_of": "9999-12-31"}),
    ("/public/v1/statistics", {"year": "2026", "as_of": "0001-01-01T00:00:00"}),
    ("/api/v1/suggestions", {"page": str(10**18)}),
    ("/api/v1/suggestions", {"year": "1" * 30}),
    ("/api/v1/suggestions", {"unit": "U01' OR 1=1 --"}),
    ("/api/v1/reports/annual", {"year": "2026", "as_of": "9999-12-31"}),
    ("/api/v1/key-supervision", {"year": "99999"}),
    ("/api/v1/me/notifications/" + str(2**63) + "/read", None),
    ("/api/v1/suggestions/" + "x" * 300, None),
    ("/api/v1/suggestions", {"q": "电梯\x00"}),
    ("/public/v1/replies", {"q": "\x1b[2J"}),
]


@pytest.mark.parametrize(("path", "params"), OUT_OF_RANGE, ids=[f"{p} {q}" for p, q in OUT_OF_RANGE])
async def test_a_parameter_out_of_range_is_a_422_that_says_which(api, tokens, path, params):
    method = api.post if path.endswith("/read") else api.get
    response = await method(path, params=params, headers=tokens["coord"])
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_token_whose_claims_have_the_wrong_types_is_just_invalid(api, api_settings):
    secret = api_settings.huiyin_secret_key
    for claims in ({"sub": "coord", "exp": "9999999999"}, {"sub": 42, "exp": 9999999999},
                   {"sub": "coord", "exp": 9999999999, "ver": "0"}, {"sub": "coord", "exp": True}):
        token = jwt.encode(claims, secret, algorithm=ALGORITHM)
        response = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (claims, response.text)


# --- 6. a 500 does not cost the connection --------------------------------------------------------------


async def test_after_an_unexpected_error_the_connection_serves_the_next_request(api_settings, time_env, worker, registers):
    app = create_app(api_settings, temporal=time_env.client)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.05)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        first = await _exchange(reader, writer, "/boom")
        assert first[0] == 500 and json.loads(first[1])["title_en"] == "Internal error"
        assert json.loads(first[1])["detail"].startswith("系统出现意外错误")
        second = await _exchange(reader, writer, "/healthz")  # the same connection
        assert second == (200, b'{"status":"ok"}')
        writer.close()
    finally:
        server.should_exit = True
        await serving


async def _exchange(reader, writer, path: str) -> tuple[int, bytes]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n".encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    body = await reader.readexactly(int(headers["content-length"]))
    return int(lines[0].split()[1]), body


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- 7. request size ---------------------------------------------------------------------------------------


async def test_a_body_over_the_limit_is_a_413_and_a_field_over_its_length_a_422(api, tokens, http):
    big = {"title": "长" * 10, "body": "长" * 2_000_000}  # ≈ 6 MB
    response = await api.post("/api/v1/suggestions", json=big, headers=tokens["coord"])
    assert response.status_code == 413 and "1,048,576" in response.json()["detail"]

    async def chunks():  # no Content-Length: counted as it arrives
        for _ in range(40):
            yield b"x" * 65536

    streamed = await api.post("/api/v1/suggestions", content=chunks(), headers={**tokens["coord"], "content-type": "application/json"})
    assert streamed.status_code == 413
    body = {"year": http.year, "period": "session", "title": "长" * 300_000, "body": "b", "field": "health",
            "lead_deputy": "D001", "received_on": f"{http.year}-01-06"}
    response = await api.post("/api/v1/suggestions", json=body, headers=tokens["coord"])
    assert response.status_code == 422 and "title" in response.json()["detail"]
    upload = {"file": ("big.csv", b"x" * (11 * 1024 * 1024), "text/csv")}
    response = await api.post("/api/v1/suggestions/import", files=upload, data={"year": str(http.year)}, headers=tokens["coord"])
    assert response.status_code == 413


# --- 9. login throttling, equal time, token revocation ----------------------------------------------------


async def test_failed_logins_are_throttled_per_account_and_per_address(api, api_settings, tokens):
    app = api._transport.app
    app.state.login_throttle = LoginThrottle(per_account=3, per_address=6, window=600)
    try:
        for _ in range(3):
            assert (await _login(api, "coord", "wrong-password")).status_code == 401
        throttled = await _login(api, "coord", PASSWORD)  # even the right password waits now
        assert throttled.status_code == 429 and 0 < int(throttled.headers["retry-after"]) <= 600
        for n in range(3):  # other names, same address: the address limit
            await _login(api, f"nobody{n}", "x")
        assert (await _login(api, "sup", PASSWORD)).status_code == 429
    finally:
        app.state.login_throttle = LoginThrottle()
    assert (await _login(api, "coord", PASSWORD)).status_code == 200


async def test_an_unknown_user_takes_as_long_as_a_wrong_password(api):
    async def timed(username: str) -> float:
        started = time.perf_counter()
        assert (await _login(api, username, "not-the-password")).status_code == 401
        return time.perf_counter() - started

    unknown = statistics.median([await timed(f"ghost-{uuid.uuid4().hex[:6]}") for _ in range(4)])
    wrong = statistics.median([await timed("dep3") for _ in range(4)])
    assert 0.5 < unknown / wrong < 2, (unknown, wrong)  # was 3 ms against 150-200 ms
    api._transport.app.state.login_throttle = LoginThrottle()


async def test_a_password_change_and_disabling_revoke_the_users_tokens(api, tokens):
    name = f"rev-{uuid.uuid4().hex[:6]}"
    created = await api.post("/api/v1/users", json={"username": name, "password": PASSWORD, "role": "supervisor"},
                              headers=tokens["admin1"])
    assert created.status_code == 201, created.text
    old = (await _login(api, name, PASSWORD)).json()["access_token"]
    changed = await api.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "a-new-secret-9"},
                             headers=_bearer(old))
    assert changed.status_code == 200
    new = changed.json()["access_token"]
    assert (await api.get("/api/v1/me", headers=_bearer(old))).status_code == 401
    assert (await api.get("/api/v1/me", headers=_bearer(new))).status_code == 200
    wrong = await api.post("/api/v1/me/password", json={"current_password": "nope", "new_password": "another-9999"},
                           headers=_bearer(new))
    assert wrong.status_code == 403

    disabled = await api.patch(f"/api/v1/users/{name}", json={"active": False}, headers=tokens["admin1"])
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert (await api.get("/api/v1/me", headers=_bearer(new))).status_code == 401
    assert (await api.patch(f"/api/v1/users/{name}", json={"active": True}, headers=tokens["admin1"])).status_code == 200
    assert (await api.get("/api/v1/me", headers=_bearer(new))).status_code == 401  # stays void after enabling
    assert (await _login(api, name, "a-new-secret-9")).status_code == 200
    assert (await api.patch("/api/v1/users/admin1", json={"active": False}, headers=tokens["admin1"])).status_code == 409


async def _login(api, username: str, password: str):
    return await api.post("/api/v1/auth/token", data={"username": username, "password": password})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- 13. headers, metrics, the OpenAPI document ------------------------------------------------------------


async def test_pages_forbid_framing_and_sniffing(api, tokens, http):
    for path, headers in (("/public/replies", {}), (f"/api/v1/reports/annual.html?year={http.year}", tokens["coord"])):
        response = await api.get(path, headers=headers)
        assert response.status_code == 200
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert (await api.get("/healthz")).headers["x-content-type-options"] == "nosniff"


async def test_metrics_labels_stay_bounded(api):
    for method in ("FOOBAR", "PROPFIND", "X" * 50):
        await api.request(method, "/healthz")
    exposition = (await api.get("/metrics")).text
    assert 'method="OTHER"' in exposition and "FOOBAR" not in exposition and "PROPFIND" not in exposition


async def test_the_openapi_document_states_every_problem_and_required_bodies(api):
    document = (await api.get("/openapi.json")).json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("401", "403", "404", "409", "413", "422", "429", "503"):
                content = operation["responses"][status]["content"]
                assert "application/problem+json" in content, (method, path, status)
    convert = document["paths"]["/api/v1/suggestions/{suggestion_id}/convert"]["post"]
    assert convert["requestBody"]["required"] is True
    accept = document["paths"]["/api/v1/suggestions/{suggestion_id}/accept"]["post"]
    assert not accept.get("requestBody", {}).get("required")



async def test_control_characters_never_reach_the_database(api, tokens):
    """PostgreSQL refuses NUL in text: such input is refused at the edge instead of failing there."""
    for path, body in (("/api/v1/units", {"code": "NUL1", "name": "市\x00局"}),
                       ("/api/v1/deputies", {"code": "NUL2", "name": "张\x1b伟"}),
                       ("/api/v1/users", {"username": "nul-user", "password": PASSWORD, "role": "supervisor",
                                          "email": "a\x00@b.c"})):
        response = await api.post(path, json=body, headers=tokens["admin1"])
        assert response.status_code == 422 and "control character" in response.text, response.text
    assert (await _login(api, "coord\x00", PASSWORD)).status_code == 401
    api._transport.app.state.login_throttle = LoginThrottle()


async def test_the_api_documents_itself_without_internet(api):
    for page, asset in (("/docs", "/static/docs/swagger-ui-bundle.js"), ("/redoc", "/static/docs/redoc.standalone.js")):
        html = (await api.get(page)).text
        assert asset in html and "cdn.jsdelivr" not in html and "fonts.googleapis" not in html
        assert (await api.get(asset)).status_code == 200
