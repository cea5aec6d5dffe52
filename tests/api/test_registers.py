"""The registers kept by the congress office: a coordinator adds and edits units and deputies and creates the
units' and deputies' logins; staff logins are an admin's; a code, once given, stays."""

from __future__ import annotations

import uuid

PASSWORD = "a long enough password"


def fresh(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:6].upper()


async def test_a_coordinator_adds_and_edits_a_unit_but_not_its_code(api, tokens):
    code = fresh("RU")
    created = await api.post("/api/v1/units", headers=tokens["coord"], json={"code": code, "name": "市测试局"})
    assert created.status_code == 201
    edited = await api.put(f"/api/v1/units/{code}", headers=tokens["coord"],
                           json={"code": code, "name": "市测试管理局", "head_name": "李某", "email": "test@example.org"})
    assert edited.status_code == 200 and edited.json()["name"] == "市测试管理局"
    listed = await api.get("/api/v1/units", headers=tokens["coord"], params={"page_size": 500})
    assert {"code": code, "name": "市测试管理局", "head_name": "李某", "email": "test@example.org"} in listed.json()["items"]

    recoded = await api.put(f"/api/v1/units/{code}", headers=tokens["coord"], json={"code": fresh("RU"), "name": "市测试局"})
    assert recoded.status_code == 422 and recoded.json()["code"] == "register.code_fixed"
    missing = await api.put("/api/v1/units/NOSUCH", headers=tokens["coord"], json={"code": "NOSUCH", "name": "无"})
    assert missing.status_code == 404
    handler = await api.put(f"/api/v1/units/{code}", headers=tokens["h-u01"], json={"code": code, "name": "我改的"})
    assert handler.status_code == 403


async def test_a_coordinator_edits_a_deputys_contacts(api, tokens):
    code = fresh("RD")
    assert (await api.post("/api/v1/deputies", headers=tokens["coord"], json={"code": code, "name": "赵某"})).status_code == 201
    edited = await api.put(f"/api/v1/deputies/{code}", headers=tokens["coord"],
                           json={"code": code, "name": "赵某", "delegation": "城区代表团", "phone": "13800000000"})
    assert edited.status_code == 200 and edited.json()["delegation"] == "城区代表团"
    supervisor = await api.put(f"/api/v1/deputies/{code}", headers=tokens["sup"], json={"code": code, "name": "赵某"})
    assert supervisor.status_code == 403


async def test_a_coordinator_creates_unit_and_deputy_logins_but_not_staff_ones(api, tokens):
    unit_login = {"username": fresh("clerk-").lower(), "password": PASSWORD, "role": "unit_handler", "unit_code": "U01"}
    assert (await api.post("/api/v1/users", headers=tokens["coord"], json=unit_login)).status_code == 201
    staff = {"username": fresh("boss-").lower(), "password": PASSWORD, "role": "supervisor"}
    refused = await api.post("/api/v1/users", headers=tokens["coord"], json=staff)
    assert refused.status_code == 403 and refused.json()["code"] == "user.staff_only"
    assert refused.json()["detail_zh"] == "督办人账号须由系统管理员创建"
    assert (await api.post("/api/v1/users", headers=tokens["admin1"], json=staff)).status_code == 201
    by_handler = await api.post("/api/v1/users", headers=tokens["h-u01"], json={**unit_login, "username": fresh("x-").lower()})
    assert by_handler.status_code == 403
