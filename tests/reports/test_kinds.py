"""The report's section per kind (domain.kinds): inquiry letters (问政交办函) counted on their own, figure by
figure at two instants, and never in the suggestions' lines."""

from __future__ import annotations

from datetime import date

import pytest

from domain.figures import as_of_instant
from domain.kinds import Kind
from ledger import exemplary
from ledger.annual_report import annual_report
from tests.helpers import COORDINATOR
from tests.reports.builder import Timeline, at, due

Y = 2025
INQUIRY = Kind.inquiry


@pytest.fixture(scope="module")
def year(private_sessions):
    """Two suggestions and four inquiry letters of 2025 (each one's story beside it)."""
    s = private_sessions
    jan = at(Y, 1, 10)
    # Suggestions: 0001 U1 A satisfied; 0002 U2 not replied.
    (Timeline("0001", Y, "education", jan).assign(at(Y, 1, 20), lead="U1").contact("U1", at(Y, 2, 1), "visit")
     .reply("U1", at(Y, 3, 2), "A", face_to_face=True, replied_by="局长 张三").rate("U1", at(Y, 3, 10), "satisfied").save(s))
    Timeline("0002", Y, "transport", jan).assign(at(Y, 1, 20), lead="U2").save(s)
    # Inquiry letters from the May hearing, each numbered 0001… in its own series.
    may = at(Y, 5, 20)
    # 0001: U1, A within the month, face to face by the head (张三), satisfied.
    (Timeline("0001", Y, "education", may, kind=INQUIRY).assign(at(Y, 5, 21), lead="U1")
     .contact("U1", at(Y, 6, 1), "meeting").reply("U1", at(Y, 6, 15), "A", face_to_face=True, replied_by="局长 张三")
     .rate("U1", at(Y, 6, 20), "satisfied").save(s))
    # 0002: U2, overdue 21 Jun, signed off late 1 Jul, B, basically satisfied.
    (Timeline("0002", Y, "transport", may, kind=INQUIRY).assign(at(Y, 5, 21), lead="U2").overdue("U2", due(Y, 6, 21))
     .reply("U2", at(Y, 7, 2), "B", late=True, signed_at=at(Y, 7, 1)).rate("U2", at(Y, 7, 10), "basically_satisfied")
     .save(s))
    # 0003: U2, never answered: overdue since 21 Jun.
    (Timeline("0003", Y, "transport", may, kind=INQUIRY).assign(at(Y, 5, 21), lead="U2").overdue("U2", due(Y, 6, 21))
     .save(s))
    # 0004: U1, A on time, unsatisfied.
    (Timeline("0004", Y, "education", may, kind=INQUIRY).assign(at(Y, 5, 21), lead="U1")
     .reply("U1", at(Y, 6, 10), "A").rate("U1", at(Y, 6, 18), "unsatisfied").save(s))
    # Proposals (政协提案), ZX0001…: filed in February.
    # ZX0001: U1, A face to face by the head (张三), satisfied; selected as exemplary on 20 November.
    (Timeline("0001", Y, "social_security", jan, kind=Kind.proposal).assign(at(Y, 2, 1), lead="U1")
     .reply("U1", at(Y, 4, 1), "A", face_to_face=True, replied_by="局长 张三").rate("U1", at(Y, 4, 10), "satisfied").save(s))
    with s() as session:
        exemplary.add_selection(session, f"proposal-{Y}-ZX0001", Y, "面复到位", "coord", at(Y, 11, 20))
    # ZX0002: U2, B, unsatisfied; handled again, A, satisfied.
    (Timeline("0002", Y, "education", jan, kind=Kind.proposal).assign(at(Y, 2, 1), lead="U2")
     .reply("U2", at(Y, 4, 5), "B").rate("U2", at(Y, 4, 15), "unsatisfied").rehandle("U2", at(Y, 4, 20))
     .reply("U2", at(Y, 5, 20), "A", round=2).rate("U2", at(Y, 5, 30), "satisfied", round=2).save(s))
    # Deliberation opinions (审议意见), SY0001…, from the April meeting: rated by the members' vote.
    april = at(Y, 4, 28)
    # SY0001: U1, A, voted satisfied (31/12/2) in September.
    (Timeline("0001", Y, "environment", april, kind=Kind.deliberation).assign(at(Y, 4, 29), lead="U1")
     .reply("U1", at(Y, 7, 20), "A").vote("U1", at(Y, 9, 25), "satisfied", (31, 12, 2)).save(s))
    # SY0002: U2, B, voted unsatisfied (10/12/23) in September: rectification ordered again.
    (Timeline("0002", Y, "economy", april, kind=Kind.deliberation).assign(at(Y, 4, 29), lead="U2")
     .reply("U2", at(Y, 7, 25), "B").vote("U2", at(Y, 9, 25), "unsatisfied", (10, 12, 23))
     .rehandle("U2", at(Y, 10, 8)).save(s))
    # Livelihood projects (民生实事项目), MS0001…: candidates of January, voted on at the session on 15 February.
    session = at(Y, 2, 15)
    # MS0001: chosen (180/12/8), U1, monthly reports in March and April, inspected in July, completed (A), the
    # deputies' vote satisfied (160/30/10) in November.
    (Timeline("0001", Y, "education", jan, kind=Kind.livelihood).project_vote(session, (180, 12, 8))
     .assign(at(Y, 2, 20), lead="U1").tracked_monthly(at(Y, 2, 20)).key_report("U1", at(Y, 3, 20))
     .key_report("U1", at(Y, 4, 20)).inspect(at(Y, 7, 5)).reply("U1", at(Y, 10, 20), "A")
     .vote("U1", at(Y, 11, 20), "satisfied", (160, 30, 10)).save(s))
    # MS0002: chosen (150/40/10), U2, one monthly report in March, unfinished (B), voted basically satisfied.
    (Timeline("0002", Y, "transport", jan, kind=Kind.livelihood).project_vote(session, (150, 40, 10))
     .assign(at(Y, 2, 20), lead="U2").tracked_monthly(at(Y, 2, 20)).key_report("U2", at(Y, 3, 22))
     .reply("U2", at(Y, 10, 25), "B").vote("U2", at(Y, 11, 20), "basically_satisfied", (90, 60, 50)).save(s))
    # MS0003: not chosen (20/12/8: exactly half is not more than half).
    Timeline("0003", Y, "health", jan, kind=Kind.livelihood).project_vote(session, (20, 12, 8)).save(s)
    return s


def report(sessions, as_of: date) -> dict:
    with sessions() as session:
        return annual_report(session, COORDINATOR, Y, as_of=as_of_instant(as_of)).model_dump(mode="json")


def rates(line: dict, *names: str) -> dict[str, tuple]:
    return {k: (v["numerator"], v["denominator"], v["value"]) for k, v in line["rates"].items() if k in names}


PUBLISHED = ("reply_rate", "on_time_rate", "face_to_face_rate", "principal_head_rate", "satisfaction_rate", "solved_rate")


def test_the_inquiry_section_at_year_end(year):
    r = report(year, date(Y, 12, 31))
    assert r["totals"]["suggestions"] == 2 and r["totals"]["replied"] == 1  # the suggestions' lines: theirs only
    assert [k["kind"] for k in r["kinds"]] == ["inquiry", "proposal", "deliberation", "livelihood"]
    section = kind(r, "inquiry")
    assert (section["kind"], section["label"]) == ("inquiry", "问政交办函")
    t = section["totals"]
    assert (t["suggestions"], t["replied"], t["classes"]) == (4, 3, {"A": 2, "B": 1, "C": 0})
    assert t["feedback"] == {"satisfied": 1, "basically_satisfied": 1, "unsatisfied": 1, "none": 0}
    assert t["overdue"]["items"] == 2 and t["overdue"]["open"] == 1
    assert rates(section, *PUBLISHED) == {
        "reply_rate": (3, 4, 0.75),
        "on_time_rate": (2, 4, 0.5),  # 0001, 0004 on time; 0002 late, 0003 past its month unanswered
        "face_to_face_rate": (1, 3, 0.3333),
        "principal_head_rate": (1, 3, 0.3333),
        "satisfaction_rate": (2, 3, 0.6667),
        "solved_rate": (2, 3, 0.6667),
    }
    units = {u["unit"]: u for u in section["units"]}
    assert rates(units["U1"], "reply_rate", "satisfaction_rate") == {"reply_rate": (2, 2, 1.0), "satisfaction_rate": (1, 2, 0.5)}
    assert rates(units["U2"], "reply_rate", "on_time_rate") == {"reply_rate": (1, 2, 0.5), "on_time_rate": (0, 2, 0.0)}


def test_the_inquiry_section_as_of_the_end_of_june(year):
    """On 30 June: 0001 and 0004 answered and rated, 0002 and 0003 past their month, unanswered."""
    r = report(year, date(Y, 6, 30))
    section = kind(r, "inquiry")
    t = section["totals"]
    assert (t["suggestions"], t["replied"]) == (4, 2)
    assert t["overdue"]["open"] == 2
    assert rates(section, "reply_rate", "on_time_rate", "satisfaction_rate") == {
        "reply_rate": (2, 4, 0.5), "on_time_rate": (2, 4, 0.5), "satisfaction_rate": (1, 2, 0.5)}


def test_no_section_before_the_first_letter(year):
    r = report(year, date(Y, 3, 31))
    # The proposals and livelihood projects of January, no inquiry letter or deliberation opinion yet.
    assert [k["kind"] for k in r["kinds"]] == ["proposal", "livelihood"] and r["totals"]["suggestions"] == 2


def kind(r: dict, code: str) -> dict:
    return next(k for k in r["kinds"] if k["kind"] == code)


def test_the_proposal_section_with_its_exemplary_ones_at_two_instants(year):
    end = kind(report(year, date(Y, 12, 31)), "proposal")
    t = end["totals"]
    assert (t["suggestions"], t["replied"], t["classes"]) == (2, 2, {"A": 2, "B": 0, "C": 0})
    assert rates(end, "face_to_face_rate", "principal_head_rate", "satisfaction_rate") == {
        "face_to_face_rate": (1, 2, 0.5),  # 提案面复率
        "principal_head_rate": (1, 2, 0.5),
        "satisfaction_rate": (2, 2, 1.0),  # ZX0002's member satisfied with the second reply
    }
    assert t["second_handling"]["items"] == 1 and t["second_handling"]["satisfied"] == 1
    assert end["exemplary"] == 1
    october = kind(report(year, date(Y, 10, 31)), "proposal")
    assert october["exemplary"] == 0 and october["totals"]["replied"] == 2  # selected on 20 November
    april = kind(report(year, date(Y, 4, 16)), "proposal")  # ZX0002 rated unsatisfied, not yet handled again
    assert rates(april, "reply_rate", "satisfaction_rate") == {"reply_rate": (2, 2, 1.0), "satisfaction_rate": (1, 2, 0.5)}
    assert kind(report(year, date(Y, 12, 31)), "inquiry")["exemplary"] is None  # inquiries have no selection


def test_the_printable_report_has_the_inquiry_section(year):
    from api.render.pages import annual_report_page

    with year() as session:
        page = annual_report_page(annual_report(session, COORDINATOR, Y, as_of=as_of_instant(date(Y, 12, 31))))
    section = page.split('id="kind-inquiry"')[1].split("</table>")[0]
    assert "十一、问政交办函办理情况" in page and "十二、统计口径" in page
    assert "问政交办函 4 件，已答复 3 件（办复率 75.0%）" in section and "满意率 66.7%" in section
    assert "<td>3/4</td>" in section and "市教育局" in section  # the year's line, then each unit's


def test_the_spreadsheet_has_a_sheet_for_inquiries(year):
    from io import BytesIO

    from openpyxl import load_workbook

    from api.render.report_xlsx import annual_xlsx

    with year() as session:
        book = load_workbook(BytesIO(annual_xlsx(annual_report(session, COORDINATOR, Y, as_of=as_of_instant(date(Y, 12, 31))))))
    rows = [[c for c in row if c is not None] for row in book["问政交办函"].iter_rows(values_only=True)]
    assert any(row[:1] == ["全部"] and 4 in row and 3 in row for row in rows), rows
    assert any("市交通运输局" in row for row in rows)


def test_the_deliberation_section_counts_the_members_votes(year):
    end = kind(report(year, date(Y, 12, 31)), "deliberation")
    t = end["totals"]
    assert (t["suggestions"], t["replied"], t["classes"]) == (2, 2, {"A": 1, "B": 1, "C": 0})
    assert t["feedback"] == {"satisfied": 1, "basically_satisfied": 0, "unsatisfied": 1, "none": 0}
    assert rates(end, "reply_rate", "satisfaction_rate") == {"reply_rate": (2, 2, 1.0), "satisfaction_rate": (1, 2, 0.5)}
    assert t["second_handling"]["items"] == 1  # rectification ordered again after the unsatisfied vote
    august = kind(report(year, date(Y, 8, 31)), "deliberation")  # reports in, not yet voted on
    assert rates(august, "reply_rate", "satisfaction_rate") == {"reply_rate": (2, 2, 1.0), "satisfaction_rate": (0, 0, None)}


def test_the_livelihood_section_counts_the_vote_the_monthly_reports_and_the_rating(year):
    end = kind(report(year, date(Y, 12, 31)), "livelihood")
    assert end["label"] == "民生实事项目"
    assert end["votes"] == {"candidates": 3, "voted_in": 2, "voted_out": 1, "awaiting_vote": 0, "inspected": 1}
    t = end["totals"]
    assert (t["suggestions"], t["replied"], t["classes"]) == (2, 2, {"A": 1, "B": 1, "C": 0})  # the chosen ones
    assert t["key_supervision"]["designated"] == 2 and t["key_supervision"]["progress_reports"] == 3
    assert t["feedback"] == {"satisfied": 1, "basically_satisfied": 1, "unsatisfied": 0, "none": 0}
    assert rates(end, "reply_rate", "satisfaction_rate", "solved_rate") == {
        "reply_rate": (2, 2, 1.0), "satisfaction_rate": (2, 2, 1.0), "solved_rate": (1, 2, 0.5)}
    assert [(u["unit"], u["totals"]["suggestions"]) for u in end["units"]] == [("U1", 1), ("U2", 1)]
    january = kind(report(year, date(Y, 1, 31)), "livelihood")  # candidates, not yet voted on
    assert january["votes"] == {"candidates": 3, "voted_in": 0, "voted_out": 0, "awaiting_vote": 3, "inspected": 0}
    assert january["totals"]["replied"] == 0
    july = kind(report(year, date(Y, 7, 31)), "livelihood")  # under way: reports and the inspection, no completion
    assert july["votes"]["inspected"] == 1 and july["totals"]["key_supervision"]["progress_reports"] == 3
    assert rates(july, "reply_rate") == {"reply_rate": (0, 2, 0.0)}


def test_the_printable_report_and_the_spreadsheet_state_the_vote(year):
    from io import BytesIO

    from openpyxl import load_workbook

    from api.render.pages import annual_report_page
    from api.render.report_xlsx import annual_xlsx

    with year() as session:
        report_ = annual_report(session, COORDINATOR, Y, as_of=as_of_instant(date(Y, 12, 31)))
    page = annual_report_page(report_)
    votes = page.split('id="kind-livelihood-votes"')[1].split("</p>")[0]
    assert "候选项目 3 项，经三审后由代表票决入选 2 项、未入选 1 项" in votes and "待票决" not in votes
    assert "进展（挂图作战）3 份，已视察督办 1 项" in votes and "已完成（A类）1 项、正在实施（B类）1 项" in votes
    assert "满意率 100.0%" in votes
    sheet = load_workbook(BytesIO(annual_xlsx(report_)))["民生实事项目"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["候选项目"] == 3 and rows["票决入选"] == 2 and rows["未入选"] == 1 and rows["月度进展报告（份）"] == 3
    assert rows["民生实事项目"] == "单位代码"  # the heading row: counts headed 件数, not 建议件数
    assert next(sheet.iter_rows(values_only=True))[2] == "件数"
