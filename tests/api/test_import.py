"""Bulk import through the API: per-row errors, good rows imported, re-import creates nothing."""

from __future__ import annotations

CSV = """编号,标题,内容,领域,领衔代表,附议代表,收到日期
{n}1,关于增设公交线路的建议,建议在新区增设两条公交线路。,交通,D001,D002,2041-03-06
{n}2,关于改善学校午餐的建议,建议推行中央厨房配餐。,education,D002,,2041/03/07
{n}3,缺少日期的建议,内容,health,D001,,
{n}4,未知代表的建议,内容,health,D404,,2041-03-08
"""


async def test_import_csv_reports_bad_rows_and_is_idempotent(api, tokens, number, http):
    n = f"I{number[-6:]}"  # a number starts with a letter unless it is all digits
    content = CSV.format(n=n).encode("utf-8-sig")
    files = {"file": ("suggestions.csv", content, "text/csv")}
    response = await api.post("/api/v1/suggestions/import", files=files, data={"year": "2041"}, headers=tokens["coord"])
    assert response.status_code == 200, response.text
    report = response.json()
    assert sorted(report["created"]) == [f"{n}1", f"{n}2"]
    assert {e["row"] for e in report["errors"]} == {4, 5}
    assert any("D404" in msg for e in report["errors"] for msg in e["errors"])
    listed = await api.get("/api/v1/suggestions", params={"year": 2041, "q": n}, headers=tokens["coord"])
    assert listed.json()["total"] == 2

    again = await api.post("/api/v1/suggestions/import", files=files, data={"year": "2041"}, headers=tokens["coord"])
    assert again.json()["created"] == [] and sorted(again.json()["skipped"]) == [f"{n}1", f"{n}2"]

    refused = await api.post("/api/v1/suggestions/import", files=files, data={"year": "2041"}, headers=tokens["h-u01"])
    assert refused.status_code == 403
    wrong = await api.post(
        "/api/v1/suggestions/import", files={"file": ("x.pdf", b"%PDF", "application/pdf")}, data={"year": "2041"},
        headers=tokens["coord"],
    )
    assert wrong.status_code == 422 and wrong.headers["content-type"].startswith("application/problem+json")
