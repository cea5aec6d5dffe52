"""Roles and unit scoping: who sees which items and who may act on them."""

from __future__ import annotations

import pytest

# Who can read an item assigned to U01 (lead) with U02 co-handling, led by D001 with co-signer D002.
READERS = {
    "admin1": True, "coord": True, "sup": True,
    "h-u01": True, "head-u01": True, "h-u02": True, "head-u02": True, "h-u03": False,
    "dep1": True, "dep2": True, "dep3": False,
}


@pytest.fixture
async def assigned_item(http, number):
    sid = await http.register(number)
    await http.to_handling(sid, lead="U01", co=["U02"])
    return sid


@pytest.mark.parametrize("user, sees", READERS.items())
async def test_reading_matrix(api, tokens, assigned_item, number, user, sees, http):
    listed = await http.get(user, "/suggestions", q=number)
    assert [i["id"] for i in listed["items"]] == ([assigned_item] if sees else [])
    assert listed["total"] == (1 if sees else 0)  # invisible in lists, not only forbidden by id
    await http.get(user, f"/suggestions/{assigned_item}", status=200 if sees else 404)
    await http.get(user, f"/suggestions/{assigned_item}/events", status=200 if sees else 404)


ACTIONS = [
    # user, action, body, expected status, text in detail
    ("h-u03", "sign-for-receipt", None, 404, "not visible to you"),
    ("dep3", "give-feedback", {"verdict": "satisfied"}, 404, "not visible to you"),
    ("h-u01", "sign-for-receipt", None, 200, ""),
    ("head-u02", "sign-for-receipt", None, 200, ""),
    ("h-u02", "request-extension", {"reason": "x"}, 409, "co-handling unit has no reply deadline"),
    ("sup", "order-rehandling", {"reason": "x", "leader_in_charge": "y"}, 403, "coordinator"),
    ("admin1", "sign-for-receipt", None, 403, "unit_handler or unit_head"),
    ("dep1", "sign-for-receipt", None, 403, "unit_handler or unit_head"),
    ("coord", "log-contact", {"when": "2026-01-01T10:00:00+08:00", "way": "phone", "summary": "x"}, 403, "unit_handler or unit_head"),
    ("h-u01", "decide-extension", {"approve": True}, 403, "coordinator"),
    ("dep2", "give-feedback", {"verdict": "satisfied"}, 409, "no reply awaits your feedback"),
]


@pytest.mark.parametrize("user, action, body, status, text", ACTIONS)
async def test_action_matrix(api, tokens, assigned_item, user, action, body, status, text, http):
    path = f"/suggestions/{assigned_item}/{action}"
    if status == 200:
        state = await http.post(user, path, body)
        assert any(a["signed_by"] == user for a in state["assignments"])
    else:
        await http.problem(user, path, body, status, text)


async def test_deputies_see_only_their_own_ratings(api, tokens, assigned_item, http):
    sid = assigned_item
    await http.prepare(sid)
    await http.post("h-u02", f"/suggestions/{sid}/submit-co-opinion", {"text": "同意"})
    await http.reply(sid)
    await http.post("dep2", f"/suggestions/{sid}/give-feedback", {"verdict": "unsatisfied", "reasons": "措施不具体"})
    own = await http.post("dep1", f"/suggestions/{sid}/give-feedback", {"verdict": "basically_satisfied"})
    assert [f["deputy"] for f in own["feedback"]] == ["D001"]
    for user, deputy in (("dep1", "D001"), ("dep2", "D002")):
        item = await http.get(user, f"/suggestions/{sid}")
        assert {f["deputy"] for f in item["feedback"]} == {deputy}
        events = await http.get(user, f"/suggestions/{sid}/events")
        rated = [e for e in events if e["action"] == "feedback_given"]
        assert len(rated) == 1
    coordinator_view = await http.get("coord", f"/suggestions/{sid}")
    assert {f["deputy"] for f in coordinator_view["feedback"]} == {"D001", "D002"}


async def test_me_and_admin_registers(api, tokens, number, http):
    me = await http.get("h-u01", "/me")
    assert me["role"] == "unit_handler" and me["unit_code"] == "U01" and "password_hash" not in me
    code = "N" + number[-6:]
    await http.post("admin1", "/units", {"code": code, "name": "市民政局", "head_name": "赵局长"}, status=201)
    units = await http.get("h-u01", "/units", page_size=500)
    assert code in [u["code"] for u in units["items"]]
    await http.post("admin1", "/deputies", {"code": "D" + code, "name": "陈明", "delegation": "东区代表团"}, status=201)
    await http.get("h-u01", "/deputies", status=403)
    user = await http.post("admin1", "/users", {"username": f"u-{code}", "password": "long-enough-pw", "role": "unit_head", "unit_code": code}, status=201)
    assert user["unit_code"] == code
    response = await api.post("/api/v1/auth/token", data={"username": f"u-{code}", "password": "long-enough-pw"})
    assert response.status_code == 200
    await http.get("h-u01", "/users", status=403)  # the users register: the office (coordinators) and admins
