"""An API app with operations switched on (codec keys, a secret), its own users, on the time-skipping server."""

from __future__ import annotations

import base64

import httpx
import pytest
from pydantic import SecretStr

from api.app import create_app
from domain.enums import Role
from ledger.rows import UnitRow, UserRow
from services.users import new_user

PASSWORD = "ops-password-123"
KEY_OLD = base64.b64encode(b"o" * 32).decode()
KEY_NEW = base64.b64encode(b"n" * 32).decode()
CODEC_KEYS = f"k2:{KEY_NEW},k1:{KEY_OLD}"
UI_ORIGIN = "http://ui.example:8080"
OPS_USERS = {
    "ops-coord": (Role.coordinator, None),
    "ops-sup": (Role.supervisor, None),
    "ops-admin": (Role.admin, None),
    "ops-handler": (Role.unit_handler, "OPS1"),
}


@pytest.fixture(scope="session")
def ops_settings(settings):
    return settings.model_copy(update={
        "huiyin_secret_key": "ops-secret-" + "y" * 32,
        "huiyin_codec_keys": SecretStr(CODEC_KEYS),
        "huiyin_codec_cors_origins": UI_ORIGIN,
    })


@pytest.fixture(scope="session")
def ops_users(sessions):
    with sessions() as session:
        if session.get(UnitRow, "OPS1") is None:
            session.add(UnitRow(code="OPS1", name="运维测试单位"))
            session.flush()
        for username, (role, unit) in OPS_USERS.items():
            if session.query(UserRow).filter_by(username=username).first() is None:
                session.add(new_user(username, PASSWORD, role, unit))
        session.commit()


@pytest.fixture(scope="session")
async def ops_app(ops_settings, time_env, ops_users):
    app = create_app(ops_settings, temporal=time_env.client)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="session")
async def ops_api(ops_app):
    transport = httpx.ASGITransport(app=ops_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture(scope="session")
async def ops_tokens(ops_api) -> dict[str, dict[str, str]]:
    headers = {}
    for username in OPS_USERS:
        response = await ops_api.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        headers[username] = {"Authorization": f"Bearer {response.json()['access_token']}"}
    return headers
