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
