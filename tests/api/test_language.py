"""Problem details in Chinese by default, English on Accept-Language: en, with a stable code beside both."""

from __future__ import annotations


async def test_a_refusal_speaks_chinese_unless_asked_for_english(api, tokens, http, number):
    sid = await http.register(number)
    path = f"/api/v1/suggestions/{sid}/assign"
    chinese = await api.post(path, json={"lead_unit": "U01"}, headers={**tokens["coord"], "Accept-Language": "zh-CN,zh;q=0.9"})
    assert chinese.status_code == 409
    body = chinese.json()
    assert body["detail"] == "请先审查受理，再交办" and body["title"] == "当前不能办理"
    assert body["code"] == "item.not_accepted" and body["detail_en"] == "accept the suggestion before assigning it"
    default = await api.post(path, json={"lead_unit": "U01"}, headers={**tokens["coord"], "Accept-Language": ""})
    assert default.json()["detail"] == "请先审查受理，再交办"
    english = await api.post(path, json={"lead_unit": "U01"}, headers={**tokens["coord"], "Accept-Language": "en-US"})
    assert english.json()["detail"] == "accept the suggestion before assigning it" and english.json()["title"] == "Conflict"
    assert english.json()["code"] == "item.not_accepted"


async def test_role_and_scope_refusals_name_the_roles_in_chinese(api, tokens, http, number):
    sid = await http.register(number)
    response = await api.post(f"/api/v1/suggestions/{sid}/accept", headers={**tokens["sup"], "Accept-Language": "zh"})
    assert response.status_code == 403
    assert response.json()["detail"] == "审查受理建议由交办督办机构办理，您的身份是督办人"
    assert response.json()["code"] == "role.not_allowed"
    missing = await api.get("/api/v1/suggestions/suggestion-2026-NOPE", headers={**tokens["coord"], "Accept-Language": "zh"})
    assert missing.status_code == 404 and "不存在，或您无权查看" in missing.json()["detail"]


async def test_limit_and_schema_refusals_name_the_field_in_chinese(api, tokens, http, number):
    zh = {**tokens["coord"], "Accept-Language": "zh"}
    sid = await http.register(number)
    long_reason = await api.post(f"/api/v1/suggestions/{sid}/return-for-revision", json={"reason": "长" * 6000}, headers=zh)
    assert long_reason.status_code == 422
    body = long_reason.json()
    assert body["detail"] == "输入有误：“理由”最多5000个字，请精简" and body["code"] == "input.schema"
    assert "at most 5000 characters" in body["detail_en"]

    control = await api.post(f"/api/v1/suggestions/{sid}/return-for-revision", json={"reason": "退回\x1b"}, headers=zh)
    assert control.json()["detail"] == "“理由”含有控制字符（如NUL、ESC），请删去"
    assert control.json()["code"] == "input.limit" and "control character" in control.json()["detail_en"]

    missing = await api.post(f"/api/v1/suggestions/{sid}/return-for-revision", json={}, headers=zh)
    assert missing.status_code == 422 and missing.json()["detail"] == "输入有误：请填写“理由”"
    assert missing.json()["code"] == "input.schema" and "Field required" in missing.json()["detail_en"]

    registration = {"year": 2026, "period": "session", "title": "标题", "body": "内容", "field": "教育",
                    "lead_deputy": "D001", "received_on": "2026-02-30"}
    bad_date = await api.post("/api/v1/suggestions", headers=zh, json=registration)
    assert bad_date.status_code == 422 and bad_date.json()["detail"] == "输入有误：“收到日期”应为日期，如2026-03-05"
    bad_number = await api.post("/api/v1/suggestions", headers=zh,
                                json={**registration, "received_on": "2026-01-20", "number": "12 3"})
    assert bad_number.status_code == 422
    assert bad_number.json()["detail"].startswith("输入有误：编号“12 3”不符合规则：应为1至6位数字")


async def test_a_users_fields_are_refused_in_chinese(api, tokens):
    response = await api.post("/api/v1/users", headers={**tokens["admin1"], "Accept-Language": "zh"}, json={
        "username": "new.handler", "password": "long enough pass", "role": "unit_handler"})
    assert response.status_code == 422
    assert response.json()["detail"] == "输入有误：承办单位的角色须填写单位代码，其他角色不填"
    assert "unit_code is required for unit roles" in response.json()["detail_en"]
