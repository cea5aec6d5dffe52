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
    deputy = await http.problem("dep1", "/suggestions", body, 403, "is registered by the coordinator")
    assert "问政交办函由交办督办机构登记，您的身份是人大代表" in deputy["detail_zh"]


PROPOSAL = {"kind": "proposal", "title": "关于推进社区嵌入式养老服务的提案", "field": "social_security"}


async def file_through_http(http, sid: str) -> None:
    for level in ("plenary", "after_session", "joint"):
        await http.post("committee", f"/suggestions/{sid}/record-filing-review", {"level": level, "opinion": "同意"})
    await http.post("committee", f"/suggestions/{sid}/accept")


async def test_a_proposal_is_filed_after_three_reviews_answered_and_selected_exemplary(http, number):
    sid = await http.register(f"ZX{number[1:]}", user="committee", **PROPOSAL)
    assert sid == f"proposal-{http.year}-ZX{number[1:]}"
    # The proposals committee's and its members': the congress's coordinator and deputies do not act on it.
    other = await http.problem("coord", f"/suggestions/{sid}/record-filing-review", {"opinion": "同意"}, 403,
                               "handled by the proposal_committee and member")
    assert other["code"] == "role.other_office" and "政协提案由政协提案委员会和政协委员办理" in other["detail_zh"]
    missing = await http.problem("committee", f"/suggestions/{sid}/accept", None, 409, "still missing")
    assert missing["code"] == "filing.levels_missing" and "全会初审、会后再审、各部门联审" in missing["detail_zh"]
    await http.problem("committee", f"/suggestions/{sid}/record-filing-review", {"level": "joint", "opinion": "同意"}, 409,
                       "plenary comes first")
    refused = await http.problem("sup", f"/suggestions/{sid}/record-filing-review",
                                 {"level": "plenary", "opinion": "同意"}, 403, "coordinator")
    assert "记录立案审查由交办督办机构办理" in refused["detail_zh"]
    await file_through_http(http, sid)
    await http.post("committee", f"/suggestions/{sid}/assign", {"lead_unit": "U01"})

    body = {"id": sid, "year": http.year, "reason": "面复到位，委员满意"}
    open_item = await http.problem("committee", "/reports/exemplary", body, 409, "only a closed item")
    assert open_item["code"] == "exemplary.not_closed"
    await http.prepare(sid)
    await http.reply(sid)
    await http.problem("dep1", f"/suggestions/{sid}/give-feedback", {"verdict": "satisfied"}, 403, "member")
    state = await http.post("mem1", f"/suggestions/{sid}/give-feedback", {"verdict": "satisfied"})
    assert state["stage"] == "closed"

    await http.problem("h-u01", "/reports/exemplary", body, 403, "")
    await http.problem("coord", "/reports/exemplary", body, 403, "")  # the proposals committee's choice
    await http.problem("committee", "/reports/exemplary", {**body, "year": http.year - 3}, 422, "not in")
    chosen = await http.post("committee", "/reports/exemplary", body, status=201)
    assert chosen["id"] == sid and chosen["selected_by"] == "committee"
    await http.problem("committee", "/reports/exemplary", body, 409, "already selected")
    listed = await http.get("sup", "/reports/exemplary", year=http.year)
    assert [x["id"] for x in listed if x["id"] == sid] == [sid]
    report = await http.get("committee", "/reports/annual", year=http.year, as_of=f"{http.year}-12-31")
    proposals = next(k for k in report["kinds"] if k["kind"] == "proposal")
    assert proposals["exemplary"] >= 1 and proposals["totals"]["suggestions"] >= 1

    gone = await http.api.delete(f"/api/v1/reports/exemplary/{sid}", headers=http.tokens["committee"])
    assert gone.status_code == 204
    assert sid not in [x["id"] for x in await http.get("committee", "/reports/exemplary", year=http.year)]


async def test_who_registers_a_proposal(http, number):
    """The proposals committee registers proposals, a member their own (掌上提案); not the congress's coordinator,
    nor a deputy, nor a member for another."""
    body = {"year": http.year, "period": "session", "body": "建议配建嵌入式养老服务站。", "lead_deputy": "D001",
            "received_on": f"{http.year}-01-12",
            **PROPOSAL}
    own = await http.post("mem1", "/suggestions", {**body, "number": f"ZX{number[1:]}"}, status=201)
    assert own["lead_deputy"] == "D001" and own["kind"] == "proposal"
    coordinator = await http.problem("coord", "/suggestions", body, 403, "registered by the proposal_committee")
    assert "政协提案由政协提案委员会或政协委员本人登记，您的身份是交办督办机构" in coordinator["detail_zh"]
    await http.problem("dep1", "/suggestions", body, 403, "registered by the proposal_committee")
    other = await http.problem("mem1", "/suggestions", {**body, "lead_deputy": "D002"}, 403, "only as its proposer")
    assert "政协委员只能以本人为提案委员登记政协提案" in other["detail_zh"]
    await http.problem("committee", "/suggestions", {**body, "kind": "suggestion", "title": "关于养老的建议"}, 403,
                       "registered by the coordinator")
    listed = await http.get("committee", "/suggestions", q=f"ZX{number[1:]}")
    assert [i["id"] for i in listed["items"]] == [own["id"]]
    assert (await http.get("committee", "/suggestions", kind="suggestion"))["total"] == 0  # the congress's are not theirs


async def test_a_suggestion_is_not_selected_exemplary(http, number):
    sid = await http.register(number)
    await http.problem("committee", "/reports/exemplary", {"id": sid, "year": http.year, "reason": "好"},
                       404, "")  # the committee does not see the congress's suggestions
    missing = await http.problem("coord", f"/suggestions/{sid}/record-filing-review", {"level": "plenary", "opinion": "x"},
                                 409, "has no step record-filing-review")
    assert "建议没有“记录立案审查”这一环节" in missing["detail_zh"]


DELIBERATION = {"kind": "deliberation", "hearing": "市人大常委会第十八次会议", "period": "closed", "co_signers": [],
                "title": "关于市政府城市生活垃圾分类工作情况报告的审议意见", "field": "environment"}


async def test_deliberation_opinions_are_voted_on_not_rated(http, number):
    sid = await http.register(f"SY{number[1:]}", **DELIBERATION)
    assert sid.startswith(f"deliberation-{http.year}-SY")
    await http.problem("coord", "/suggestions", {**DELIBERATION, "year": http.year, "number": f"SY{number[2:]}",
                                                 "body": "意见", "lead_deputy": "D001", "received_on": f"{http.year}-04-28",
                                                 "hearing": ""}, 422, "names the hearing or meeting")
    await http.post("coord", f"/suggestions/{sid}/assign", {"lead_unit": "U01"})
    await http.prepare(sid)
    state = await http.reply(sid)
    assert state["stage"] == "awaiting_feedback"
    refused = await http.problem("dep1", f"/suggestions/{sid}/give-feedback", {"verdict": "satisfied"}, 409,
                                 "has no step give-feedback")
    assert "审议意见没有“评价答复”这一环节" in refused["detail_zh"]
    await http.problem("sup", f"/suggestions/{sid}/record-satisfaction-vote",
                       {"satisfied": 30, "basically_satisfied": 10, "unsatisfied": 5}, 403, "coordinator")
    await http.problem("coord", f"/suggestions/{sid}/record-satisfaction-vote",
                       {"satisfied": -1, "basically_satisfied": 10, "unsatisfied": 5}, 422, "satisfied")
    state = await http.post("coord", f"/suggestions/{sid}/record-satisfaction-vote",
                            {"satisfied": 30, "basically_satisfied": 10, "unsatisfied": 5})
    assert state["stage"] == "closed" and state["votes"][0]["verdict"] == "satisfied"


LIVELIHOOD = {"kind": "livelihood", "title": "新建改建城区公办幼儿园10所", "field": "education", "co_signers": []}


async def test_a_livelihood_project_is_reviewed_voted_tracked_and_rated(http, number):
    sid = await http.register(f"MS{number[1:]}", **LIVELIHOOD)
    assert sid == f"livelihood-{http.year}-MS{number[1:]}"
    vote = {"votes_for": 180, "votes_against": 12, "abstentions": 8}
    missing = await http.problem("coord", f"/suggestions/{sid}/record-project-vote", vote, 409, "still missing")
    assert "人大常委会主任会议审查、党委常委会会议审议、人大常委会会议审议三级审查后方可提交代表票决" in missing["detail_zh"]
    accept = await http.problem("coord", f"/suggestions/{sid}/accept", None, 409, "has no step accept")
    assert "民生实事项目没有“审查受理”这一环节" in accept["detail_zh"]
    for level in ("council", "party_committee", "standing_committee"):
        await http.post("coord", f"/suggestions/{sid}/record-filing-review", {"level": level, "opinion": "同意"})
    await http.problem("sup", f"/suggestions/{sid}/record-project-vote", vote, 403, "coordinator")
    await http.problem("coord", f"/suggestions/{sid}/record-project-vote", {**vote, "votes_for": -1}, 422, "")
    state = await http.post("coord", f"/suggestions/{sid}/record-project-vote", vote)
    assert state["project_vote"]["chosen"] is True and state["accepted_at"]
    state = await http.post("coord", f"/suggestions/{sid}/assign", {"lead_unit": "U01"})
    assert state["key_supervision"] and [d["rule"] for d in state["deadlines"] if d["kind"] == "key_report"] == ["1 month"]
    await http.prepare(sid)
    state = await http.post("h-u01", f"/suggestions/{sid}/report-key-progress", {"text": "完成选址3处，开工2处"})
    assert state["key"]["reports"][-1]["text"] == "完成选址3处，开工2处"
    await http.reply(sid)
    refused = await http.problem("dep1", f"/suggestions/{sid}/give-feedback", {"verdict": "satisfied"}, 409,
                                 "has no step give-feedback")
    assert refused["code"] == "kind.no_such_step"
    state = await http.post("coord", f"/suggestions/{sid}/record-satisfaction-vote",
                            {"satisfied": 160, "basically_satisfied": 30, "unsatisfied": 10})
    assert state["stage"] == "closed"
    listed = await http.get("coord", "/suggestions", kind="livelihood", q=f"MS{number[1:]}")
    assert [i["id"] for i in listed["items"]] == [sid]
