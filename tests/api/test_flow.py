"""The whole process through HTTP, as staff and deputies use it."""

from __future__ import annotations

from sqlalchemy import select

from ledger.rows import EventRow


async def test_full_happy_path_through_http(api, tokens, sessions, number, http):
    sid = await http.register(number)
    assert sid == f"suggestion-{http.year}-{number}"

    listed = await http.get("coord", "/suggestions", q=number)
    assert listed["total"] == 1 and listed["items"][0]["stage"] == "registered"

    state = await http.to_handling(sid, co=["U02"])
    assert state["stage"] == "handling" and state["lead_unit"] if "lead_unit" in state else True
    await http.prepare(sid)
    await http.post("h-u02", f"/suggestions/{sid}/submit-co-opinion", {"text": "财政局支持建立监管账户"})
    await http.post("h-u01", f"/suggestions/{sid}/request-extension", {"reason": "涉及多部门"})
    state = await http.post("coord", f"/suggestions/{sid}/decide-extension", {"approve": True, "reason": "同意延期"})
    assert [d["rule"] for d in state["deadlines"] if d["kind"] == "reply"] == ["3 months", "6 months"]
    state = await http.reply(sid)
    assert state["stage"] == "awaiting_feedback"
    state = await http.post("dep1", f"/suggestions/{sid}/give-feedback", {"verdict": "satisfied"})
    assert state["stage"] == "closed"

    item = await http.get("sup", f"/suggestions/{sid}")
    assert item["stage"] == "closed" and item["id"] == sid
    assert item["replies"][0]["result_class"] == "A"
    timeline = await http.get("coord", f"/suggestions/{sid}/events")
    actions = [e["action"] for e in timeline if e["action"] != "deadline_set"]
    assert actions == [
        "registered", "accepted", "assigned", "signed_for_receipt", "contact_logged", "co_opinion_submitted",
        "extension_requested", "extension_approved", "reply_drafted", "reply_signed_off", "reply_accepted",
        "feedback_given", "reply_published",
    ]
    assert [e["seq"] for e in timeline] == list(range(1, len(timeline) + 1))
    with sessions() as session:
        rows = session.scalars(select(EventRow).where(EventRow.workflow_id == sid)).all()
    assert len(rows) == len(timeline)  # each event once

    closed = await http.get("coord", "/suggestions", stage="closed", result_class="A", unit="U01", q=number)
    assert [i["id"] for i in closed["items"]] == [sid]


async def test_list_filters_and_paging(api, tokens, number, http):
    ids = [await http.register(f"{number}-{i}", field="transport" if i % 2 else "health") for i in range(3)]
    page = await http.get("coord", "/suggestions", q=number, page_size=2)
    assert page["total"] == 3 and len(page["items"]) == 2 and page["page"] == 1 and page["page_size"] == 2
    second = await http.get("coord", "/suggestions", q=number, page_size=2, page=2)
    assert len(second["items"]) == 1
    transport = await http.get("coord", "/suggestions", q=number, field="transport")
    assert [i["id"] for i in transport["items"]] == [ids[1]]
    assert (await http.get("coord", "/suggestions", q=number, deputy="D002"))["total"] == 3
    assert (await http.get("coord", "/suggestions", q=number, deputy="D003"))["total"] == 0
    assert (await http.get("coord", "/suggestions", q=number, overdue=True))["total"] == 0
