"""Public disclosure (答复公开): only published replies, masked, only allowed fields; withdrawn ones vanish."""

from __future__ import annotations

import json

import pytest

from tests.reports.builder import Timeline, at

Y = 2093  # only this module's items are in it
REPLY_FIELDS = {"id", "year", "number", "title", "field", "field_label", "unit", "unit_name", "round", "result_class",
                "result_class_label", "text", "published_at"}
PAGE_FIELDS = {"items", "total", "page", "page_size"}
PHONE, MOBILE, MAIL, ID = "0374-2961234", "139 3745 1234", "wangkz@xcjs.gov.cn", "41100219800101123X"
TEXT = f"经研究，已将该路段纳入年度改造计划。咨询电话{PHONE}，经办人手机{MOBILE}，邮箱{MAIL}。"


@pytest.fixture(scope="module")
def published(sessions, registers):
    jan = at(Y, 1, 10)
    s = sessions
    ids = {}
    ids["open"] = (Timeline("P001", Y, "transport", jan, title="关于改造老旧路段的建议").assign(at(Y, 1, 20), lead="U01")
                   .reply("U01", at(Y, 3, 2), "A", public_text=TEXT, text=f"全文，代表身份证{ID}")
                   .publish("U01", at(Y, 3, 20)).save(s))
    ids["private"] = (Timeline("P002", Y, "health", jan, title="关于个人医疗救助的建议").assign(at(Y, 1, 20), lead="U02")
                      .reply("U02", at(Y, 3, 5), "B", publish=False, no_publish_reason="涉及个人隐私").save(s))
    ids["withdrawn"] = (Timeline("P003", Y, "education", jan, title="关于某校食堂的建议").assign(at(Y, 1, 20), lead="U02")
                        .reply("U02", at(Y, 3, 8), "A", public_text="已整改。").publish("U02", at(Y, 3, 25))
                        .withdraw("U02", at(Y, 4, 1)).save(s))
    # Round 1 published then withdrawn; the second reply is published again and is the one shown.
    ids["again"] = (Timeline("P004", Y, "education", jan, title="关于增设公交站点的建议").assign(at(Y, 1, 20), lead="U03")
                    .reply("U03", at(Y, 3, 1), "C", public_text="第一轮答复。").publish("U03", at(Y, 3, 10))
                    .rate("U03", at(Y, 3, 12), "unsatisfied").withdraw("U03", at(Y, 3, 15)).rehandle("U03", at(Y, 3, 16))
                    .reply("U03", at(Y, 4, 10), "A", round=2, public_text="第二轮答复：已增设站点。")
                    .publish("U03", at(Y, 4, 20), round=2).save(s))
    # Scheduled but not yet published (its timer has not run): not public.
    ids["pending"] = (Timeline("P005", Y, "transport", jan, title="关于路灯的建议").assign(at(Y, 1, 20), lead="U01")
                      .reply("U01", at(Y, 5, 1), "A", public_text="将于下月完成。").save(s))
    return ids


async def get(api, path, **params):
    response = await api.get(path, params=params)  # no login
    assert response.status_code == 200, response.text
    return response


async def test_only_published_replies_with_allowed_fields(api, published):
    page = (await get(api, "/public/v1/replies", year=Y)).json()
    assert set(page) == PAGE_FIELDS and page["total"] == 2
    assert [(r["number"], r["round"]) for r in page["items"]] == [("P004", 2), ("P001", 1)]  # newest first
    for reply in page["items"]:
        assert set(reply) == REPLY_FIELDS
    first = page["items"][1]
    assert first["unit"] == "U01" and first["unit_name"] == "市住房和城乡建设局" and first["field_label"] == "交通运输"
    assert first["text"].startswith("经研究，已将该路段纳入年度改造计划。") and "[电话已隐去]" in first["text"]
    dumped = json.dumps(page, ensure_ascii=False)
    for secret in (PHONE, MOBILE, MAIL, ID, "全文", "D001", "D002", "涉及个人隐私", "关于个人医疗救助", "关于某校食堂",
                   "第一轮答复", "将于下月完成", "局长"):
        assert secret not in dumped, secret


async def test_filters_search_and_paging(api, published):
    assert [r["number"] for r in (await get(api, "/public/v1/replies", year=Y, unit="U03")).json()["items"]] == ["P004"]
    assert [r["number"] for r in (await get(api, "/public/v1/replies", year=Y, field="transport")).json()["items"]] == ["P001"]
    assert (await get(api, "/public/v1/replies", year=Y, q="增设站点")).json()["total"] == 1
    # The hidden contact details cannot be searched for.
    for probe in ("2961234", "wangkz", "1393745"):
        assert (await get(api, "/public/v1/replies", year=Y, q=probe)).json()["total"] == 0
    one = (await get(api, "/public/v1/replies", year=Y, page_size=1, page=2)).json()
    assert one["total"] == 2 and [r["number"] for r in one["items"]] == ["P001"] and one["page"] == 2
    bad = await api.get("/public/v1/replies", params={"page_size": 1000})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


async def test_public_page(api, published):
    page = (await get(api, "/public/replies", year=str(Y), unit="", field="", q="")).text
    assert "代表建议答复公开" in page and "关于改造老旧路段的建议" in page and "第二轮答复：已增设站点。" in page
    for secret in (PHONE, MOBILE, MAIL, "关于某校食堂", "关于个人医疗救助", "第一轮答复"):
        assert secret not in page
    assert "[电话已隐去]" in page
    assert "<script" not in page


async def test_statistics_are_aggregates_only(api, published):
    stats = (await get(api, "/public/v1/statistics", year=Y, as_of=f"{Y}-12-31")).json()
    assert set(stats) == {"year", "as_of", "totals", "rates", "units", "fields", "classes_over_time",
                          "principal_head_rule", "definitions"}
    for unit in stats["units"]:
        assert set(unit) == {"unit", "name", "totals", "rates", "principal_head"}
        assert set(unit["principal_head"]) == {"suggestions", "required", "actual", "satisfied"}
    for field in stats["fields"]:
        assert set(field) == {"field", "label", "totals", "rates"}
    for rate in stats["rates"].values():
        assert set(rate) == {"numerator", "denominator", "value"}
    assert stats["totals"]["suggestions"] == 5 and stats["totals"]["replied"] == 5
    dumped = json.dumps(stats, ensure_ascii=False)
    for secret in ("P001", "关于", "D001", "局长", PHONE, "suggestion-"):
        assert secret not in dumped, secret
    assert (await api.get("/public/v1/statistics")).status_code == 422


async def test_a_reply_through_the_workflow_goes_public_on_its_timer_and_is_withdrawn(api, tokens, http, number, time_env):
    """The real workflow: a B reply rated satisfied stays open (follow-up); its publication timer runs
    out (20 working days), the masked text is public; the coordinator withdraws it and it is gone."""
    sid = await http.register(number)
    await http.to_handling(sid)
    await http.prepare(sid)
    body = {"text": "已建立资金监管平台。", "result_class": "B", "face_to_face": True, "replied_by": "局长",
            "publish": True, "public_text": f"已建立资金监管平台。监督电话：{PHONE}",
            "commitments": [{"what": "年底前覆盖全部机构", "due_on": f"{http.year + 5}-12-31"}]}
    await http.post("h-u01", f"/suggestions/{sid}/draft-reply", body)
    await http.post("head-u01", f"/suggestions/{sid}/sign-off-reply")
    await http.post("coord", f"/suggestions/{sid}/check-reply", {"accept": True})
    state = await http.post("dep1", f"/suggestions/{sid}/give-feedback", {"verdict": "satisfied"})
    assert state["stage"] == "follow_up"
    assert (await get(api, "/public/v1/replies", q=number)).json()["total"] == 0  # not before its timer

    publication = next(d for d in state["deadlines"] if d["kind"] == "publication")
    from datetime import datetime, timedelta

    due = datetime.fromisoformat(publication["due_at"])
    await time_env.sleep(due + timedelta(minutes=1) - await time_env.get_current_time())
    for _ in range(50):  # the timer fires on the server; the ledger write follows
        found = (await get(api, "/public/v1/replies", q=number)).json()
        if found["total"]:
            break
        await time_env.sleep(timedelta(seconds=1))
    assert found["total"] == 1 and set(found["items"][0]) == REPLY_FIELDS
    assert found["items"][0]["text"] == "已建立资金监管平台。监督电话：[电话已隐去]"
    page = (await get(api, "/public/replies", q=number)).text
    assert page.count("<article>") == 1 and f"第{number}号" in page and "[电话已隐去]" in page

    await http.post("coord", f"/suggestions/{sid}/withdraw-publication", {"reason": "涉及个人信息"})
    assert (await get(api, "/public/v1/replies", q=number)).json()["total"] == 0
    page = (await get(api, "/public/replies", q=number)).text
    assert "<article>" not in page and f"第{number}号" not in page and "暂无符合条件的公开答复" in page
