"""Unit evaluation (单位评议): who may rate which unit, one rating per rater (replaced, kept), and the grades."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.config_files import load_policy
from domain.evaluation import grade_of
from domain.policy import EvaluationRule
from ledger.rows import EvaluationRow
from tests.reports.builder import Timeline, at

Y = 2092  # only this module's items and ratings are in it


@pytest.fixture(scope="module")
def handled(sessions, registers):
    """D001 led an item handled by U01 (with U02 co-handling); D002 co-signed it. D003 has none in 2092."""
    return (Timeline("E001", Y, "health", at(Y, 1, 10), lead="D001", co_signers=("D002",))
            .assign(at(Y, 1, 20), lead="U01", co=("U02",)).save(sessions))


async def post(api, tokens, user, unit, body):
    return await api.post(f"/api/v1/units/{unit}/evaluations", json=body, headers=tokens[user])


def problem(response, status: int, text: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert text in response.json()["detail"], response.json()["detail"]


async def test_deputies_rate_the_units_of_their_own_items(api, tokens, handled, sessions):
    listed = (await api.get("/api/v1/evaluations/rateable", params={"year": Y}, headers=tokens["dep1"])).json()
    assert [(u["code"], u["my_grade"]) for u in listed["units"]] == [("U01", None), ("U02", None)]
    assert (await api.get("/api/v1/evaluations/rateable", params={"year": Y}, headers=tokens["dep3"])).json()["units"] == []

    first = await post(api, tokens, "dep1", "U01", {"year": Y, "grade": "excellent", "comment": "沟通及时"})
    assert first.status_code == 201, first.text
    assert first.json()["replaces"] is None and first.json()["rater_group"] == "deputies"
    second = await post(api, tokens, "dep1", "U01", {"year": Y, "grade": "good", "comment": "落实稍慢"})
    assert second.status_code == 201 and second.json()["replaces"] == first.json()["id"]
    listed = (await api.get("/api/v1/evaluations/rateable", params={"year": Y}, headers=tokens["dep1"])).json()
    assert listed["units"][0] == {"code": "U01", "name": "市住房和城乡建设局", "my_grade": "good", "my_comment": "落实稍慢"}
    # A co-signer rates too; both ratings are kept, only the latest per rater counts.
    assert (await post(api, tokens, "dep2", "U01", {"year": Y, "grade": "excellent"})).status_code == 201
    with sessions() as session:
        rows = session.scalars(select(EvaluationRow).where(EvaluationRow.year == Y, EvaluationRow.unit == "U01")
                               .order_by(EvaluationRow.id)).all()
    assert [(r.rater, r.grade, r.current_key is not None) for r in rows] == [
        ("deputy:D001", "excellent", False), ("deputy:D001", "good", True), ("deputy:D002", "excellent", True)]
    assert rows[0].replaced_by == rows[1].id and rows[0].replaced_at is not None


async def test_refusals(api, tokens, handled):
    problem(await post(api, tokens, "dep3", "U01", {"year": Y, "grade": "good"}), 403, "handled none of yours")
    problem(await post(api, tokens, "dep1", "U03", {"year": Y, "grade": "good"}), 403, "handled none of yours")
    problem(await post(api, tokens, "dep1", "U01", {"year": Y + 1, "grade": "good"}), 403, "handled none of yours")
    problem(await post(api, tokens, "coord", "U01", {"year": Y, "grade": "good"}), 403, "deputy, supervisor")
    problem(await post(api, tokens, "h-u01", "U01", {"year": Y, "grade": "excellent"}), 403, "deputy, supervisor")
    problem(await post(api, tokens, "sup", "U99", {"year": Y, "grade": "good"}), 404, "unit U99")
    problem(await post(api, tokens, "sup", "U01", {"year": Y, "grade": "outstanding"}), 422, "grade")
    problem(await post(api, tokens, "sup", "U01", {"year": 1999, "grade": "good"}), 422, "year")
    problem(await post(api, tokens, "sup", "U01", {"year": Y, "grade": "good", "rater": "dep1"}), 422, "rater")
    denied = await api.get("/api/v1/reports/evaluations", params={"year": Y}, headers=tokens["dep1"])
    problem(denied, 403, "coordinator")


async def test_aggregate_by_rater_group(api, tokens, handled):
    # Supervisors rate any unit, U03 included.
    for unit, grade in (("U01", "excellent"), ("U03", "average")):
        assert (await post(api, tokens, "sup", unit, {"year": Y, "grade": grade, "comment": "督办意见"})).status_code == 201
    report = (await api.get("/api/v1/reports/evaluations", params={"year": Y}, headers=tokens["coord"])).json()
    assert report["policy"] == "national@2025.1" and "60%" in report["rule_text"]
    units = {u["unit"]: u for u in report["units"]}
    u01 = units["U01"]
    # Deputies: D001 good (replacing excellent), D002 excellent → 50% excellent → good.
    assert u01["groups"]["deputies"]["counts"] == {"excellent": 1, "good": 1, "average": 0}
    assert u01["groups"]["deputies"]["shares"]["excellent"] == {"numerator": 1, "denominator": 2, "value": 0.5}
    assert (u01["groups"]["deputies"]["grade"], u01["groups"]["deputies"]["grade_label"]) == ("good", "良好")
    assert u01["groups"]["supervisors"]["grade"] == "excellent"
    # Overall: 0.5 × 50% + 0.5 × 100% = 75% excellent, 0% average → excellent.
    assert u01["overall"] == {"weights": {"deputies": 0.5, "supervisors": 0.5},
                              "shares": {"excellent": 0.75, "good": 0.25, "average": 0.0},
                              "grade": "excellent", "grade_label": "优秀"}
    assert sorted(u01["comments"]) == sorted(["落实稍慢", "督办意见"])  # the replaced rating's comment is gone
    assert "deputy:D001" not in str(report) and "dep1" not in str(report)
    u03 = units["U03"]
    assert u03["groups"]["deputies"]["grade"] is None and u03["groups"]["supervisors"]["grade"] == "average"
    assert u03["overall"]["weights"] == {"supervisors": 1.0} and u03["overall"]["grade"] == "average"
    assert units["U04"]["overall"]["grade"] is None

    mine = (await api.get("/api/v1/reports/evaluations", params={"year": Y}, headers=tokens["head-u01"])).json()
    assert [u["unit"] for u in mine["units"]] == ["U01"]


@pytest.mark.parametrize("excellent, good, average, grade", [
    (0.6, 0.3, 0.1, "excellent"),  # exactly at both limits
    (0.6, 0.25, 0.15, "good"),  # too many average for excellent; 85% good or better
    (0.59, 0.41, 0.0, "good"),
    (0.3, 0.4, 0.3, "good"),  # exactly 70% good or better
    (0.3, 0.39, 0.31, "average"),
    (1.0, 0.0, 0.0, "excellent"),
    (0.0, 0.0, 1.0, "average"),
])
def test_grade_rule_of_the_national_profile(excellent, good, average, grade):
    rule = load_policy("national").evaluation
    assert rule == EvaluationRule(excellent_min_excellent=0.6, excellent_max_average=0.1, good_min_good_or_better=0.7)
    assert grade_of({"excellent": excellent, "good": good, "average": average}, rule) == grade


def test_a_profile_without_an_evaluation_section_gets_the_default_rule():
    from domain.policy import parse_policy

    minimal = """
name = "bare"
version = "1"
title = "t"
[clocks]
assignment_between_sessions = "5 working_days"
adjustment_window = "5 working_days"
co_opinion = "1 month"
reply = "3 months"
reply_extended = "6 months"
feedback = "15 working_days"
rehandling_order = "5 working_days"
second_reply = "1 month"
"""
    assert parse_policy(minimal, "bare").evaluation == EvaluationRule()
    with pytest.raises(ValueError, match="unknown rater groups"):
        parse_policy(minimal + "[evaluation]\nweights = { public = 1.0 }\n", "bare")
