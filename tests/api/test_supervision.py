"""Key supervision, pausing clocks, follow-up, policy migration and the oversight ledgers through HTTP."""

from __future__ import annotations


async def test_key_supervision_through_http(http, number):
    sid = await http.register(number)
    await http.to_handling(sid)
    path = f"/suggestions/{sid}"
    await http.problem("h-u01", f"{path}/designate-key-supervision", {"council_member": "x", "government_leader": "y"}, 403, "coordinator")
    await http.problem("coord", f"{path}/designate-key-supervision", {"council_member": "", "government_leader": "y"}, 422, "council_member")
    state = await http.post("coord", f"{path}/designate-key-supervision", {
        "council_member": "常委会副主任 陈某", "government_leader": "副市长 李某", "theme": f"主题{number}"})
    assert state["key_supervision"] and state["key"]["status"] == "designated"
    await http.post("h-u01", f"{path}/report-key-progress", {"text": "完成方案编制"})
    await http.post("sup", f"{path}/add-supervision-opinion", {"text": "请加快推进"})
    await http.post("sup", f"{path}/record-supervision-action",
                    {"kind": "field_inspection", "when": "2026-01-01T10:00:00+08:00", "summary": "实地视察"})
    listing = await http.get("sup", "/key-supervision")
    theme = next(t for t in listing["themes"] if t["theme"] == f"主题{number}")
    item = theme["items"][0]
    assert item["id"] == sid and item["reports"] == 1 and item["opinions"] == 1 and item["supervision_actions"] == 1
    assert (item["replied"], item["on_time"], item["ratings"]) == (False, None, {"U01": None})
    # Replied in time and rated: the list says so (Xuchang's key items: answered on time, rated satisfied).
    await http.prepare(sid)
    await http.reply(sid)
    await http.post("dep1", f"{path}/give-feedback", {"verdict": "satisfied"})
    listing = await http.get("sup", "/key-supervision")
    item = next(t for t in listing["themes"] if t["theme"] == f"主题{number}")["items"][0]
    assert (item["replied"], item["on_time"], item["ratings"]) == (True, True, {"U01": "satisfied"})
    unit_view = await http.get("h-u03", "/key-supervision")
    assert all(t["theme"] != f"主题{number}" for t in unit_view["themes"])  # another unit's key item is not listed
    await http.get("dep1", "/key-supervision", status=403)


async def test_pause_resume_and_follow_up_refusals_through_http(http, number):
    sid = await http.register(number)
    await http.to_handling(sid)
    path = f"/suggestions/{sid}"
    state = await http.post("coord", f"{path}/pause-clock", {"reason": "等待代表补充材料"})
    assert any(d["pauses"] for d in state["deadlines"] if d["kind"] == "reply")
    await http.problem("coord", f"{path}/pause-clock", {"reason": "again"}, 409, "no running")
    state = await http.post("coord", f"{path}/resume-clock", {"reason": "材料已补充"})
    assert state["deadlines"][-1]["pauses"][-1]["resumed_at"]
    await http.problem("h-u01", f"{path}/report-progress", {"text": "x"}, 409, "only a B or C result in follow-up")


async def test_migrate_policy_through_http(http, number):
    sid = await http.register(number)
    await http.to_handling(sid)
    path = f"/suggestions/{sid}/migrate-policy"
    await http.problem("coord", path, {"policy": "city_example", "reason": "x"}, 403, "admin")
    await http.problem("admin1", path, {"policy": "atlantis", "reason": "x"}, 422, "unknown policy")
    state = await http.post("admin1", path, {"policy": "city_example", "reason": "市人大常委会修订办法"})
    assert state["policy"]["name"] == "city_example"
    await http.problem("admin1", path, {"policy": "city_example", "reason": "again"}, 409, "already runs under")
    events = await http.get("coord", f"/suggestions/{sid}/events")
    assert any(e["action"] == "policy_migrated" for e in events)


async def test_carry_over_ledger_endpoint(http):
    ledger = await http.get("coord", "/ledger/carry-over", year=2025)
    assert {"year", "items", "conversion", "by_origin_year", "by_unit"} <= ledger.keys()
    assert ledger["conversion"].keys() == {"numerator", "denominator", "value"}
    await http.get("dep1", "/ledger/carry-over", status=403, year=2025)
    response = await http.api.get("/api/v1/ledger/carry-over", headers=http.tokens["coord"])
    assert response.status_code == 422 and response.headers["content-type"].startswith("application/problem+json")
