"""The API in-process (httpx over ASGI) against the real worker, Temporal server and ledger."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from domain.enums import Role
from ledger.rows import DeputyRow, UnitRow
from services.users import new_user

PASSWORD = "correct-horse-battery"
UNITS = {"U01": "市住房和城乡建设局", "U02": "市财政局", "U03": "市教育局", "U04": "市交通运输局"}
DEPUTIES = {"D001": "张伟", "D002": "李娜", "D003": "王芳"}
USERS = {
    "admin1": (Role.admin, None, None),
    "coord": (Role.coordinator, None, None),
    "sup": (Role.supervisor, None, None),
    "h-u01": (Role.unit_handler, "U01", None),
    "head-u01": (Role.unit_head, "U01", None),
    "h-u02": (Role.unit_handler, "U02", None),
    "head-u02": (Role.unit_head, "U02", None),
    "h-u03": (Role.unit_handler, "U03", None),
    "dep1": (Role.deputy, None, "D001"),
    "dep2": (Role.deputy, None, "D002"),
    "dep3": (Role.deputy, None, "D003"),
    "committee": (Role.proposal_committee, None, None),  # 政协提案委员会
    "mem1": (Role.member, None, "D001"),  # 政协委员 (members are in the same register)
}


@pytest.fixture(scope="session")
def api_settings(settings):
    return settings.model_copy(update={"huiyin_secret_key": "test-secret-" + "x" * 32,
                                       "huiyin_admin_username": "root", "huiyin_admin_password": PASSWORD})


@pytest.fixture(scope="session")
def registers(sessions):
    """Units, deputies and one user per role, straight into the ledger."""
    with sessions() as session:
        if session.get(UnitRow, "U01") is None:
            session.add_all(UnitRow(code=code, name=name, head_name="局长") for code, name in UNITS.items())
            session.add_all(DeputyRow(code=code, name=name, delegation="城区代表团", phone="13800000000") for code, name in DEPUTIES.items())
            session.flush()
            session.add_all(new_user(u, PASSWORD, role, unit, deputy) for u, (role, unit, deputy) in USERS.items())
            session.commit()


@pytest.fixture(scope="session")
async def api(api_settings, time_env, worker, registers):
    app = create_app(api_settings, temporal=time_env.client)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        # English reasons: the tests read the rules' English texts (Chinese is the default: test_language.py)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", headers={"Accept-Language": "en"}) as client:
            yield client


@pytest.fixture(scope="session")
async def tokens(api) -> dict[str, dict[str, str]]:
    """Authorization headers per username."""
    headers = {}
    for username in USERS:
        response = await api.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        headers[username] = {"Authorization": f"Bearer {response.json()['access_token']}"}
    return headers


@pytest.fixture
async def http(api, tokens, time_env):
    """Requests as each user, registering items in the server clock's current year."""
    from domain.calendar import local_date
    from tests.api.flow import Http

    return Http(api, tokens, local_date(await time_env.get_current_time()).year)
