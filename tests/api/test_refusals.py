"""Every refusal class answers with problem JSON and a reason; nothing is half done."""

from __future__ import annotations


async def test_unauthenticated_and_bad_tokens_get_401(api, http):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = await api.get("/api/v1/suggestions", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["www-authenticate"] == "Bearer"
    response = await api.post("/api/v1/auth/token", data={"username": "coord", "password": "wrong-password"})
    assert response.status_code == 401 and response.json()["detail"] == "wrong username or password"


async def test_state_refusals_map_to_409_403_422(api, tokens, number, http):
    sid = await http.register(number)
    path = f"/suggestions/{sid}"
    # 409: the state does not allow it (the workflow's own reason).
    await http.problem("coord", f"{path}/assign", {"lead_unit": "U01"}, 409, "accept the suggestion before assigning it")
    await http.problem("dep1", f"{path}/resubmit", {"title": "t", "body": "b"}, 409, "only a suggestion returned for revision")
    # 403: this actor may not.
    await http.problem("sup", f"{path}/accept", None, 403, "done by the coordinator, not by a supervisor")
    await http.problem("dep2", f"{path}/convert", {"reason": "x"}, 403, "coordinator")
    # 422: the input is wrong — by schema, by the registers, or by the rules.
    await http.problem("coord", f"{path}/convert", {}, 422, "reason")
    await http.problem("coord", f"{path}/convert", None, 422, "a JSON body is required with: reason")
    await http.problem("coord", f"{path}/convert", {"reason": "x", "actor": {"user": "x", "role": "admin"}}, 422, "actor")
    await http.post("coord", f"{path}/accept")
    await http.problem("coord", f"{path}/assign", {"lead_unit": "U77"}, 422, "unknown units: U77")
    await http.problem("coord", f"{path}/assign", {"separate_units": ["U01"]}, 422, "at least two units")
    await http.problem("coord", f"{path}/log-contact", {"when": "yesterday", "way": "phone", "summary": "x"}, 422, "when")
    # 404: unknown item, unknown action.
    await http.problem("coord", "/suggestions/suggestion-2026-NOPE/accept", None, 404, "does not exist")
    response = await api.post(f"/api/v1{path}/fly-away", json={}, headers=tokens["coord"])
    assert response.status_code in (404, 405) and response.headers["content-type"].startswith("application/problem+json")
    # Nothing refused above left a trace in the timeline.
    actions = [e["action"] for e in await http.get("coord", f"{path}/events")]
    assert actions == ["registered", "accepted"]


async def test_registration_refusals(api, tokens, number, http):
    await http.register(number)
    body = {"year": http.year, "period": "session", "number": number, "title": "t", "body": "b", "field": "health",
            "lead_deputy": "D001", "received_on": f"{http.year}-01-06"}
    await http.problem("coord", "/suggestions", body, 409, f"suggestion number {number} already exists for {http.year}")
    await http.problem("coord", "/suggestions", {**body, "number": "X" + number, "lead_deputy": "D404"}, 422, "unknown deputies: D404")
    await http.problem("coord", "/suggestions", {**body, "number": "X" + number, "field": "astrology"}, 422, "unknown field")
    await http.problem("coord", "/suggestions", {**body, "number": "bad number!"}, 422, "letters, digits")
    await http.problem("dep2", "/suggestions", {**body, "number": "Y" + number}, 403, "only as its proposer")
    await http.problem("h-u01", "/suggestions", {**body, "number": "Z" + number}, 403, "coordinator, deputy")


async def test_actions_on_an_ended_item_are_409(api, tokens, number, http):
    sid = await http.register(number)
    await http.post("coord", f"/suggestions/{sid}/convert", {"reason": "转为来信"})
    await http.problem("coord", f"/suggestions/{sid}/accept", None, 409, "has ended (converted)")


async def test_admin_registers_refusals(api, tokens, http):
    await http.problem("h-u01", "/units", {"code": "U90", "name": "x"}, 403, "admin")  # registers: the office's
    await http.problem("admin1", "/units", {"code": "U01", "name": "x"}, 409, "already exists")
    await http.problem("admin1", "/users", {"username": "h-new", "password": "long-enough-pw", "role": "unit_handler"}, 422, "unit_code")
    await http.problem("admin1", "/users", {"username": "h-new", "password": "long-enough-pw", "role": "unit_handler", "unit_code": "U99"}, 422, "unknown unit U99")
    await http.problem("admin1", "/users", {"username": "h-new", "password": "short", "role": "coordinator"}, 422, "password")
