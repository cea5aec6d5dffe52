"""Inquiry letters (问政交办函) through HTTP: registered with their hearing, numbered in their own series,
listed by kind, refused review, and each refusal a problem that says why."""

from __future__ import annotations

INQUIRY = {"kind": "inquiry", "hearing": "第二期“阳光问政”", "period": "closed", "co_signers": [],
           "title": "关于城区背街小巷路灯长期不亮的问题"}


async def test_an_inquiry_is_registered_numbered_listed_and_answered(http, number):
    sid = await http.register(f"WZ{number[1:]}", **INQUIRY)
    assert sid == f"inquiry-{http.year}-WZ{number[1:]}"
    allocated = await http.register(None, **INQUIRY)  # its own series: WZ and four digits at least
    assert allocated.startswith(f"inquiry-{http.year}-WZ") and allocated[-4:].isdigit()

    item = await http.get("coord", f"/suggestions/{sid}")
    assert item["kind"] == "inquiry" and item["hearing"] == "第二期“阳光问政”" and item["accepted_at"]
    assert item["deadlines"] == [] or all(d["kind"] != "reply" for d in item["deadlines"])
    listed = await http.get("coord", "/suggestions", kind="inquiry", q=f"WZ{number[1:]}")
    assert [i["id"] for i in listed["items"]] == [sid] and listed["items"][0]["kind"] == "inquiry"
    assert (await http.get("coord", "/suggestions", kind="suggestion", q=f"WZ{number[1:]}"))["total"] == 0

    problem = await http.problem("coord", f"/suggestions/{sid}/accept", None, 409, "is not reviewed")
    assert problem["code"] == "kind.not_reviewed" and "请直接交办" in problem["detail_zh"]
    state = await http.post("coord", f"/suggestions/{sid}/assign", {"lead_unit": "U01"})
    assert [d["rule"] for d in state["deadlines"] if d["kind"] == "reply"] == ["1 month"]
    await http.prepare(sid)
    state = await http.reply(sid)
    assert state["stage"] == "awaiting_feedback"


async def test_inquiry_registration_refusals(http, number):
    body = {"year": http.year, "number": f"WZ{number[1:]}", "body": "问政现场群众反映。", "field": "urban_management",
            "lead_deputy": "D001", "received_on": f"{http.year}-04-20", **INQUIRY}
    no_hearing = await http.problem("coord", "/suggestions", {**body, "hearing": " "}, 422, "names the hearing")
    assert "问政会议" in no_hearing["detail_zh"]
    wrong = await http.problem("coord", "/suggestions", {**body, "number": number}, 422, "starts with WZ")
    assert "以WZ开头" in wrong["detail_zh"]
    taken = await http.problem("coord", "/suggestions", {**body, "kind": "suggestion", "hearing": ""}, 422,
                               "belong to inquiry items")
    assert "留给问政交办函" in taken["detail_zh"]
    deputy = await http.problem("dep1", "/suggestions", body, 403, "registers suggestions only")
    assert "由交办机构登记" in deputy["detail_zh"]
