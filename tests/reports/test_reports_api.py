"""The report endpoints over HTTP: JSON, spreadsheet and printable page, each as the reader may see it."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.reports.builder import Timeline, at, due

Y = 2091  # a year no other test uses: the shared ledger holds only these items for it


@pytest.fixture(scope="module")
def items(sessions, registers):
    jan = at(Y, 1, 10)
    return [
        (Timeline("R001", Y, "education", jan, title="关于增加学位供给的建议").assign(at(Y, 1, 20), lead="U01")
         .reply("U01", at(Y, 3, 2), "A", face_to_face=True, replied_by="局长").rate("U01", at(Y, 3, 10), "satisfied")
         .save(sessions)),
        (Timeline("R002", Y, "transport", jan, title="关于优化公交线路的建议").assign(at(Y, 1, 20), lead="U02")
         .overdue("U02", due(Y, 4, 20)).reply("U02", at(Y, 5, 1), "C", late=True, signed_at=at(Y, 4, 30))
         .rate("U02", at(Y, 5, 10), "unsatisfied").save(sessions)),
        (Timeline("R003", Y, "education", jan, title="关于规范校外培训的建议").assign(at(Y, 1, 20), lead="U01")
         .reply("U01", at(Y, 3, 20), "B").rate("U01", at(Y, 3, 25), "basically_satisfied")
         .progress("U01", at(Y, 8, 1), "A", before="B").save(sessions)),
    ]


async def test_annual_json_for_staff(api, tokens, items):
    response = await api.get("/api/v1/reports/annual", params={"year": Y, "as_of": f"{Y}-12-31"}, headers=tokens["coord"])
    assert response.status_code == 200, response.text
    r = response.json()
    assert set(r) >= {"year", "as_of", "totals", "rates", "units", "fields"}
    assert set(r["totals"]) >= {"suggestions", "classes", "feedback", "overdue", "second_handling", "key_supervision",
                                "carried_in", "carried_converted"}
    assert set(r["rates"]) == {"reply_rate", "on_time_rate", "face_to_face_rate", "principal_head_rate", "meeting_rate",
                               "standard_rate", "satisfaction_rate", "solved_rate", "carry_over_conversion_rate"}
    assert set(r) >= {"key_supervision", "class_movement", "delegations"}
    assert r["totals"]["suggestions"] == 3 and r["totals"]["classes"] == {"A": 2, "B": 0, "C": 1}
    assert r["rates"]["on_time_rate"] == {"numerator": 2, "denominator": 3, "value": 0.6667}
    assert r["rates"]["satisfaction_rate"] == {"numerator": 2, "denominator": 3, "value": 0.6667}
    assert [u["unit"] for u in r["units"]] == ["U01", "U02"]
    assert [f["field"] for f in r["fields"]] == ["education", "transport"]
    # The U01 head (局长, registered as head_name) replied face to face to one of two: the rule wants both.
    assert r["principal_head_rule"]["units_breaking"] == ["U01", "U02"]
    assert "items" not in r

    midyear = (await api.get("/api/v1/reports/annual", params={"year": Y, "as_of": f"{Y}-06-30"},
                             headers=tokens["sup"])).json()
    assert midyear["totals"]["classes"] == {"A": 1, "B": 1, "C": 1}
    instant = (await api.get("/api/v1/reports/annual", params={"year": Y, "as_of": f"{Y}-06-30T23:59:59+08:00"},
                             headers=tokens["admin1"])).json()
    assert instant["totals"] == midyear["totals"]


async def test_annual_refusals_and_unit_scope(api, tokens, items):
    end = f"{Y}-12-31"
    mine = (await api.get("/api/v1/reports/annual", params={"year": Y, "as_of": end}, headers=tokens["h-u01"])).json()
    assert mine["scope"] == "U01" and [u["unit"] for u in mine["units"]] == ["U01"]
    assert mine["totals"]["suggestions"] == 2
    for path in ("/api/v1/reports/annual", "/api/v1/reports/annual.xlsx", "/api/v1/reports/annual.html"):
        denied = await api.get(path, params={"year": Y}, headers=tokens["dep1"])
        assert denied.status_code == 403 and denied.headers["content-type"].startswith("application/problem+json")
        assert (await api.get(path, params={"year": Y})).status_code == 401
    bad = await api.get("/api/v1/reports/annual", params={"year": Y, "as_of": "mid-June"}, headers=tokens["coord"])
    assert bad.status_code == 422 and "as_of" in bad.json()["detail"]
    assert (await api.get("/api/v1/reports/annual", params={"year": 1900}, headers=tokens["coord"])).status_code == 422


async def test_annual_spreadsheet(api, tokens, items):
    response = await api.get("/api/v1/reports/annual.xlsx", params={"year": Y, "as_of": f"{Y}-12-31"}, headers=tokens["coord"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["总体", "领域"] and book.sheetnames[-1] == "建议清单"
    assert [n.split()[0] for n in book.sheetnames[6:-1]] == ["U01", "U02"]
    rows = list(book["总体"].iter_rows(values_only=True))
    assert ("办复率", 3, 3, 1.0) in rows and ("按时办复率", 2, 3, 0.6667) in rows
    pairs = [row[:2] for row in rows]
    assert ("建议件数", 3) in pairs and ("超期天数合计", 10) in pairs
    listing = list(book["建议清单"].iter_rows(values_only=True))
    assert listing[0][:5] == ("编号", "标题", "领域", "答复单位", "当前阶段")
    assert sorted(row[0] for row in listing[1:]) == ["R001", "R002", "R003"]

    unit = await api.get("/api/v1/reports/annual.xlsx", params={"year": Y, "as_of": f"{Y}-12-31"}, headers=tokens["head-u02"])
    book = load_workbook(io.BytesIO(unit.content))
    assert [n.split()[0] for n in book.sheetnames] == ["总体", "领域", "代表团", "重点督办", "三率一化", "分类变动", "U02", "建议清单"]
    assert [row[0] for row in book["建议清单"].iter_rows(min_row=2, values_only=True)] == ["R002"]


async def test_annual_printable_page(api, tokens, items):
    response = await api.get("/api/v1/reports/annual.html", params={"year": Y, "as_of": f"{Y}-12-31"}, headers=tokens["coord"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert f"{Y}年度代表建议办理工作报告" in page and "办复率" in page and "主要负责人面复" in page
    assert page.count('<svg class="chart" role="img"') == 3  # drawn by the browser, its labels as text
    assert "<title>各承办单位按时办复率</title>" in page
    assert "市住房和城乡建设局" in page and "统计口径" in page
    assert "超期 1 件（仍未答复 0 件），二次办理 0 件" in page and "built-in" not in page and "Undefined" not in page
