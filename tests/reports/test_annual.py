"""The annual handling report on a year with known outcomes: every figure, now and at a past date."""

from __future__ import annotations

from datetime import date

import pytest

from domain.enums import Role
from domain.figures import as_of_instant
from domain.models import Actor
from ledger.annual_report import annual_report
from tests.helpers import COORDINATOR
from tests.reports.builder import Timeline, at, due

Y = 2025


@pytest.fixture(scope="module")
def year(private_sessions):
    """Twelve items of 2025 and two carried in from 2024 (see the comments for each one's story)."""
    s = private_sessions
    jan = at(Y, 1, 10)
    # Contacts (四沟通): 1 visit, 2 phone, 6 meeting and 11 phone before their drafts (with their on-time
    # replies: 规范化); 3 visit, but its reply was late; 8 visit only after its reply. In person: 1, 3, 6, 8.
    # Delegations: 1–4 城区代表团 (the default), 5–8 西山县代表团, 9–12 东湖区代表团.
    # 1: U1, A on time, face to face by the head (张三), satisfied.
    (Timeline("0001", Y, "education", jan).assign(at(Y, 1, 20), lead="U1").contact("U1", at(Y, 2, 10), "visit")
     .reply("U1", at(Y, 3, 2), "A", face_to_face=True, replied_by="局长 张三")
     .rate("U1", at(Y, 3, 10), "satisfied").save(s))
    # 2: U1, B on time face to face by a deputy head; basically satisfied; A in September, re-rated satisfied.
    (Timeline("0002", Y, "education", jan).assign(at(Y, 1, 20), lead="U1").contact("U1", at(Y, 2, 20))
     .reply("U1", at(Y, 3, 5), "B", face_to_face=True, replied_by="副局长 王五")
     .rate("U1", at(Y, 3, 15), "basically_satisfied")
     .progress("U1", at(Y, 9, 15), "A", before="B").rate("U1", at(Y, 9, 20), "satisfied").save(s))
    # 3: U1, overdue 20 Apr, signed off late 30 Apr, C, no feedback.
    (Timeline("0003", Y, "health", jan).assign(at(Y, 1, 20), lead="U1").contact("U1", at(Y, 2, 1), "visit")
     .overdue("U1", due(Y, 4, 20))
     .reply("U1", at(Y, 5, 1), "C", late=True, signed_at=at(Y, 4, 30)).no_feedback("U1", at(Y, 5, 25)).save(s))
    # 4: U1, A face to face by the head, unsatisfied; re-handled, A again, satisfied (a co-signer stays unsatisfied).
    (Timeline("0004", Y, "health", jan).assign(at(Y, 1, 20), lead="U1")
     .reply("U1", at(Y, 3, 10), "A", face_to_face=True, replied_by="张三")
     .rate("U1", at(Y, 3, 20), "unsatisfied").rehandle("U1", at(Y, 3, 25))
     .reply("U1", at(Y, 4, 21), "A", round=2).rate("U1", at(Y, 5, 1), "satisfied", round=2)
     .rate("U1", at(Y, 5, 2), "unsatisfied", round=2, by="D002").save(s))
    # 5: U2, never replied: overdue since 15 Jun; proposed for key supervision 1 Jul, designated 10 Jul, two reports.
    (Timeline("0005", Y, "transport", jan, delegation="西山县代表团").assign(at(Y, 1, 20), lead="U2").overdue("U2", due(Y, 6, 15))
     .event(at(Y, 7, 1), "key_supervision_proposed", "U2", source="overdue")
     .event(at(Y, 7, 10), "key_supervision_designated", source="overdue", theme="交通")
     .event(at(Y, 8, 10), "key_progress_reported", "U2", late=False)
     .event(at(Y, 9, 10), "key_progress_reported", "U2", late=False).save(s))
    # 6: U2, B on time, face to face by the head (李四), satisfied.
    # It becomes a key item on 1 Aug (designated straight away), with one progress report.
    (Timeline("0006", Y, "transport", jan, delegation="西山县代表团").assign(at(Y, 1, 20), lead="U2")
     .contact("U2", at(Y, 3, 1), "meeting").reply("U2", at(Y, 4, 1), "B", face_to_face=True, replied_by="主任 李四")
     .rate("U2", at(Y, 4, 10), "satisfied")
     .event(at(Y, 8, 1), "key_supervision_designated", source="coordinator", theme="交通")
     .event(at(Y, 9, 1), "key_progress_reported", "U2", late=False).save(s))
    # 7: separate units: U1 A face to face (not by the head), satisfied; U2 C, unsatisfied, re-handling ordered.
    (Timeline("0007", Y, "education", jan, delegation="西山县代表团").assign(at(Y, 1, 20), separate=("U1", "U2"))
     .reply("U1", at(Y, 5, 1), "A", face_to_face=True, replied_by="处长 孙七")
     .reply("U2", at(Y, 5, 10), "C").rate("U1", at(Y, 5, 12), "satisfied")
     .rate("U2", at(Y, 5, 15), "unsatisfied").rehandle("U2", at(Y, 5, 20)).save(s))
    # 8: U3 (no head name registered), A face to face, satisfied.
    (Timeline("0008", Y, "economy", jan, delegation="西山县代表团").assign(at(Y, 1, 20), lead="U3")
     .reply("U3", at(Y, 2, 20), "A", face_to_face=True, replied_by="局长").rate("U3", at(Y, 2, 25), "satisfied")
     .contact("U3", at(Y, 3, 1), "visit").save(s))
    # 9: converted to a reference letter at review.
    Timeline("0009", Y, "other", jan, delegation="东湖区代表团").event(at(Y, 1, 15), "accepted").convert(at(Y, 1, 15)).save(s)
    # 10: registered in December, assigned, not replied.
    Timeline("0010", Y, "transport", at(Y, 12, 20), delegation="东湖区代表团").assign(at(Y, 12, 25), lead="U2").save(s)
    # 11: assigned to U3, reassigned to U2 four days later; A on time, basically satisfied.
    (Timeline("0011", Y, "transport", jan, delegation="东湖区代表团").assign(at(Y, 1, 20), lead="U3")
     .reassign(at(Y, 1, 24), "U3", "U2").contact("U2", at(Y, 2, 20)).reply("U2", at(Y, 3, 1), "A").rate("U2", at(Y, 3, 10), "basically_satisfied").save(s))
    # 12: U4, registered in March, A in July face to face by the head (赵六), satisfied.
    (Timeline("0012", Y, "economy", at(Y, 3, 1), delegation="东湖区代表团").assign(at(Y, 3, 5), lead="U4")
     .reply("U4", at(Y, 7, 1), "A", face_to_face=True, replied_by="赵六局长").rate("U4", at(Y, 7, 10), "satisfied").save(s))
    # Carried in from 2024: C1 (U1, B) becomes A on 1 Aug 2025; C2 (U2, C) stays C.
    (Timeline("C001", Y - 1, "education", at(Y - 1, 3, 1)).assign(at(Y - 1, 3, 5), lead="U1")
     .reply("U1", at(Y - 1, 6, 1), "B").rate("U1", at(Y - 1, 6, 5), "satisfied").carried(Y - 1, "B")
     .progress("U1", at(Y, 8, 1), "A", before="B").save(s))
    (Timeline("C002", Y - 1, "health", at(Y - 1, 3, 1)).assign(at(Y - 1, 3, 5), lead="U2")
     .reply("U2", at(Y - 1, 6, 1), "C").rate("U2", at(Y - 1, 6, 5), "basically_satisfied").carried(Y - 1, "C").save(s))
    return s


def report(sessions, as_of: date, actor: Actor = COORDINATOR, **kw):
    with sessions() as session:
        return annual_report(session, actor, Y, as_of=as_of_instant(as_of), **kw).model_dump(mode="json")


def rate(r: dict) -> tuple:
    return r["numerator"], r["denominator"], r["value"]


def rates(line: dict) -> dict[str, tuple]:
    return {k: rate(v) for k, v in line["rates"].items()}


def test_year_end_figures(year):
    r = report(year, date(Y, 12, 31))
    t = r["totals"]
    assert r["year"] == Y and r["scope"] == "all"
    assert (t["suggestions"], t["replied"], t["converted"]) == (11, 9, 1)
    assert t["classes"] == {"A": 6, "B": 1, "C": 2}
    assert t["feedback"] == {"satisfied": 7, "basically_satisfied": 1, "unsatisfied": 1, "none": 1}
    assert t["overdue"] == {"items": 2, "open": 1, "days": 10 + 199, "max_days": 199}
    assert t["second_handling"] == {"items": 2, "replied": 1, "satisfied": 1, "basically_satisfied": 0,
                                    "unsatisfied": 0, "none": 0, "pending": 1}
    assert t["key_supervision"] == {"designated": 2, "proposed": 0, "declined": 0, "progress_reports": 3}
    assert (t["carried_in"], t["carried_converted"]) == (2, 1)
    assert rates(r) == {
        "reply_rate": (9, 11, 0.8182),
        "on_time_rate": (8, 10, 0.8),
        "face_to_face_rate": (6, 9, 0.6667),
        "principal_head_rate": (4, 9, 0.4444),  # 1, 4, 6, 12 (Laoshan's 主要负责人面复率)
        "meeting_rate": (7, 9, 0.7778),  # 见面率: face to face 1, 2, 4, 6, 8, 12; a visit 3
        "standard_rate": (4, 9, 0.4444),  # 规范化: 1, 2, 6, 11
        "satisfaction_rate": (8, 9, 0.8889),
        "solved_rate": (6, 9, 0.6667),
        "carry_over_conversion_rate": (1, 2, 0.5),
    }

    units = {u["unit"]: u for u in r["units"]}
    assert list(units) == ["U1", "U2", "U3", "U4"]
    u1, u2, u3, u4 = (units[c] for c in ("U1", "U2", "U3", "U4"))
    assert (u1["totals"]["suggestions"], u1["totals"]["classes"]) == (5, {"A": 4, "B": 0, "C": 1})
    assert u1["totals"]["feedback"] == {"satisfied": 4, "basically_satisfied": 0, "unsatisfied": 0, "none": 1}
    assert u1["totals"]["overdue"] == {"items": 1, "open": 0, "days": 10, "max_days": 10}
    assert u1["totals"]["second_handling"]["items"] == 1 and u1["totals"]["second_handling"]["satisfied"] == 1
    assert (u1["totals"]["carried_in"], u1["totals"]["carried_converted"]) == (1, 1)
    assert rates(u1) == {
        "reply_rate": (5, 5, 1.0), "on_time_rate": (4, 5, 0.8), "face_to_face_rate": (4, 5, 0.8),
        "principal_head_rate": (2, 5, 0.4), "meeting_rate": (5, 5, 1.0), "standard_rate": (2, 5, 0.4),
        "satisfaction_rate": (4, 4, 1.0), "solved_rate": (4, 5, 0.8), "carry_over_conversion_rate": (1, 1, 1.0),
    }
    assert u1["principal_head"] == {"head_name": "张三", "suggestions": 5, "required": 3, "actual": 2, "satisfied": False}

    # U2: items 5, 6, 7 (its separate part), 10 and 11 (reassigned to it).
    assert (u2["totals"]["suggestions"], u2["totals"]["replied"]) == (5, 3)
    assert u2["totals"]["classes"] == {"A": 1, "B": 1, "C": 1}
    assert u2["totals"]["feedback"] == {"satisfied": 1, "basically_satisfied": 1, "unsatisfied": 1, "none": 0}
    assert u2["totals"]["overdue"] == {"items": 1, "open": 1, "days": 199, "max_days": 199}
    assert u2["totals"]["second_handling"] == {"items": 1, "replied": 0, "satisfied": 0, "basically_satisfied": 0,
                                               "unsatisfied": 0, "none": 0, "pending": 1}
    assert u2["totals"]["key_supervision"] == {"designated": 2, "proposed": 0, "declined": 0, "progress_reports": 3}
    assert rates(u2) == {
        "reply_rate": (3, 5, 0.6), "on_time_rate": (3, 4, 0.75), "face_to_face_rate": (1, 3, 0.3333),
        "principal_head_rate": (1, 3, 0.3333), "meeting_rate": (1, 3, 0.3333), "standard_rate": (2, 3, 0.6667),
        "satisfaction_rate": (2, 3, 0.6667), "solved_rate": (1, 3, 0.3333), "carry_over_conversion_rate": (0, 1, 0.0),
    }
    assert u2["principal_head"] == {"head_name": "李四", "suggestions": 5, "required": 3, "actual": 1, "satisfied": False}
    # U3 lost item 11 to U2; its face-to-face reply cannot count as the head's: no head name is registered.
    assert u3["totals"]["suggestions"] == 1 and rates(u3)["face_to_face_rate"] == (1, 1, 1.0)
    assert u3["principal_head"] == {"head_name": "", "suggestions": 1, "required": 1, "actual": 0, "satisfied": False}
    assert u4["principal_head"] == {"head_name": "赵六", "suggestions": 1, "required": 1, "actual": 1, "satisfied": True}
    assert r["principal_head_rule"]["units_breaking"] == ["U1", "U2", "U3"]

    fields = {f["field"]: f for f in r["fields"]}
    assert list(fields) == ["economy", "education", "health", "other", "transport"]
    expected = {  # suggestions, replied, classes, reply, on time, face to face, satisfaction, carried in/converted
        "economy": (2, 2, {"A": 2, "B": 0, "C": 0}, (2, 2), (2, 2), (2, 2), (2, 2), (0, 0)),
        "education": (3, 3, {"A": 2, "B": 0, "C": 1}, (3, 3), (3, 3), (2, 3), (3, 4), (1, 1)),
        "health": (2, 2, {"A": 1, "B": 0, "C": 1}, (2, 2), (1, 2), (1, 2), (1, 1), (1, 0)),
        "other": (0, 0, {"A": 0, "B": 0, "C": 0}, (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)),
        "transport": (4, 2, {"A": 1, "B": 1, "C": 0}, (2, 4), (2, 3), (1, 2), (2, 2), (0, 0)),
    }
    for code, (n, replied, classes, reply, on_time, face, sat, carried) in expected.items():
        f = fields[code]
        assert (f["totals"]["suggestions"], f["totals"]["replied"], f["totals"]["classes"]) == (n, replied, classes), code
        got = rates(f)
        assert got["reply_rate"][:2] == reply and got["on_time_rate"][:2] == on_time, code
        assert got["face_to_face_rate"][:2] == face and got["satisfaction_rate"][:2] == sat, code
        assert (f["totals"]["carried_in"], f["totals"]["carried_converted"]) == carried, code
    assert fields["other"]["totals"]["converted"] == 1 and fields["other"]["rates"]["reply_rate"]["value"] is None
    assert fields["transport"]["totals"]["overdue"]["days"] == 199

    # A/B/C at each month end: item 8 A in Feb; 1, 4, 11 A and 2 B in Mar; 6 B in Apr; 3 and 7 C in May;
    # 12 A in Jul; 2 becomes A in Sep.
    over_time = [(p["date"], p["classes"]) for p in r["classes_over_time"]]
    assert [d for d, _ in over_time] == [
        "2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30",
        "2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31", "2025-11-30", "2025-12-31",
    ]
    assert [tuple(c.values()) for _, c in over_time] == [
        (0, 0, 0), (1, 0, 0), (4, 1, 0), (4, 2, 0), (4, 2, 2), (4, 2, 2),
        (5, 2, 2), (5, 2, 2), (6, 1, 2), (6, 1, 2), (6, 1, 2), (6, 1, 2),
    ]


def test_midyear_figures(year):
    """As of 30 June: item 10 not registered yet, 12 not replied, 2 still B, no key supervision, nothing converted."""
    r = report(year, date(Y, 6, 30))
    t = r["totals"]
    assert (t["suggestions"], t["replied"], t["converted"]) == (10, 8, 1)
    assert t["classes"] == {"A": 4, "B": 2, "C": 2}
    assert t["feedback"] == {"satisfied": 5, "basically_satisfied": 2, "unsatisfied": 1, "none": 1}
    assert t["overdue"] == {"items": 2, "open": 1, "days": 10 + 15, "max_days": 15}
    assert t["second_handling"]["items"] == 2 and t["second_handling"]["pending"] == 1
    assert t["key_supervision"] == {"designated": 0, "proposed": 0, "declined": 0, "progress_reports": 0}
    assert (t["carried_in"], t["carried_converted"]) == (2, 0)
    assert rates(r) == {
        "reply_rate": (8, 10, 0.8),
        "on_time_rate": (7, 9, 0.7778),
        "face_to_face_rate": (5, 8, 0.625),
        "principal_head_rate": (3, 8, 0.375),
        "meeting_rate": (6, 8, 0.75),
        "standard_rate": (4, 8, 0.5),
        "satisfaction_rate": (7, 8, 0.875),
        "solved_rate": (4, 8, 0.5),
        "carry_over_conversion_rate": (0, 2, 0.0),
    }
    assert [p["date"] for p in r["classes_over_time"]][-1] == "2025-06-30"
    units = {u["unit"]: u for u in r["units"]}
    assert units["U4"]["totals"]["suggestions"] == 1 and units["U4"]["principal_head"]["actual"] == 0
    # Early July the overdue item is proposed for key supervision, not yet designated.
    july = report(year, date(Y, 7, 5))
    assert july["totals"]["key_supervision"]["proposed"] == 1 and july["totals"]["key_supervision"]["designated"] == 0


def test_the_same_figures_every_time(year):
    assert report(year, date(Y, 12, 31)) == report(year, date(Y, 12, 31))


def test_a_unit_sees_its_own_unit_only(year):
    r = report(year, date(Y, 12, 31), Actor(user="h", role=Role.unit_handler, unit="U2"))
    assert r["scope"] == "U2" and [u["unit"] for u in r["units"]] == ["U2"]
    # Its totals are its unit line's: item 7 counts with U2's C, not U1's A.
    assert r["totals"] == r["units"][0]["totals"]
    assert r["totals"]["classes"] == {"A": 1, "B": 1, "C": 1}


def test_item_lines(year):
    with year() as session:
        full = annual_report(session, COORDINATOR, Y, as_of=as_of_instant(date(Y, 12, 31)), with_items=True)
    lines = {i.number: i for i in full.items}
    assert len(lines) == 12
    assert lines["0003"].overdue_days == 10 and lines["0003"].on_time is False and lines["0003"].result_class == "C"
    assert lines["0007"].units == ["U1", "U2"] and lines["0007"].ratings == {"U1": "satisfied", "U2": "unsatisfied"}
    assert lines["0005"].replied is False and lines["0005"].key_status == "designated"


# --- the lines offices publish (issue 19): each stated directly, at two instants -------------------------


def test_key_supervision_items_as_a_line_of_their_own(year):
    """Xuchang's line: the key items' on-time, satisfaction and solved rates, beside the year's."""
    line = report(year, date(Y, 12, 31))["key_supervision"]
    assert line["items"] == ["suggestion-2025-0005", "suggestion-2025-0006"]
    t = line["totals"]
    assert (t["suggestions"], t["replied"], t["classes"]) == (2, 1, {"A": 0, "B": 1, "C": 0})
    assert t["key_supervision"]["progress_reports"] == 3 and t["overdue"]["open"] == 1
    got = rates(line)
    assert got["reply_rate"] == (1, 2, 0.5) and got["on_time_rate"] == (1, 2, 0.5)  # 5 is overdue, 6 on time
    assert got["satisfaction_rate"] == (1, 1, 1.0) and got["solved_rate"] == (0, 1, 0.0)
    assert got["principal_head_rate"] == (1, 1, 1.0)
    # On 5 July item 5 is only proposed and 6 not yet key: the line is empty, its rates undefined.
    july = report(year, date(Y, 7, 5))["key_supervision"]
    assert july["items"] == [] and july["totals"]["suggestions"] == 0 and july["rates"]["on_time_rate"]["value"] is None


def test_class_movement_between_two_instants(year):
    """Yuncheng's line: A from 5 to 6 between the end of August and the year end, B 2 → 1 (item 2 became A)."""
    with year() as session:
        r = annual_report(session, COORDINATOR, Y, as_of=as_of_instant(date(Y, 12, 31)),
                          movement_from=as_of_instant(date(Y, 8, 31))).model_dump(mode="json")
    m = r["class_movement"]
    assert m["from_at"].startswith("2025-08-31T15:59:59") and m["to_at"].startswith("2025-12-31T15:59:59")
    assert m["at_from"] == {"A": 5, "B": 2, "C": 2, "none": 2} and m["at_to"] == {"A": 6, "B": 1, "C": 2, "none": 2}
    assert {(x["from_class"], x["to_class"]): x["items"] for x in m["moves"]} == {
        ("A", "A"): 5, ("B", "A"): 1, ("B", "B"): 1, ("C", "C"): 2, ("none", "none"): 2}
    # From the end of January to 30 June: every class is new; item 10 is not registered yet, 5 and 12 unreplied.
    with year() as session:
        half = annual_report(session, COORDINATOR, Y, as_of=as_of_instant(date(Y, 6, 30)),
                             movement_from=as_of_instant(date(Y, 1, 31))).model_dump(mode="json")
    moves = {(x["from_class"], x["to_class"]): x["items"] for x in half["class_movement"]["moves"]}
    assert moves == {("none", "A"): 4, ("none", "B"): 2, ("none", "C"): 2, ("none", "none"): 2}
    # Without a start, the movement runs from the start of the year.
    assert report(year, date(Y, 12, 31))["class_movement"]["at_from"] == {"A": 0, "B": 0, "C": 0, "none": 11}


def test_lines_per_delegation(year):
    lines = {d["delegation"]: d for d in report(year, date(Y, 12, 31))["delegations"]}
    assert list(lines) == ["东湖区代表团", "城区代表团", "西山县代表团"]
    expected = {  # suggestions, replied, classes, reply rate, meeting rate, standard rate
        "城区代表团": (4, 4, {"A": 3, "B": 0, "C": 1}, (4, 4, 1.0), (4, 4, 1.0), (2, 4, 0.5)),
        "西山县代表团": (4, 3, {"A": 1, "B": 1, "C": 1}, (3, 4, 0.75), (2, 3, 0.6667), (1, 3, 0.3333)),
        "东湖区代表团": (3, 2, {"A": 2, "B": 0, "C": 0}, (2, 3, 0.6667), (1, 2, 0.5), (1, 2, 0.5)),
    }
    for name, (n, replied, classes, reply, meeting, standard) in expected.items():
        t, got = lines[name]["totals"], rates(lines[name])
        assert (t["suggestions"], t["replied"], t["classes"]) == (n, replied, classes), name
        assert (got["reply_rate"], got["meeting_rate"], got["standard_rate"]) == (reply, meeting, standard), name
    assert lines["东湖区代表团"]["totals"]["converted"] == 1  # item 9
    mid = {d["delegation"]: d for d in report(year, date(Y, 6, 30))["delegations"]}
    assert mid["东湖区代表团"]["totals"]["suggestions"] == 2  # item 10 comes in December


def test_three_rates_one_standard_per_unit(year):
    """三率一化 for each unit: 见面率, 办复率, 满意率 and 规范化率, each with its numerator and denominator."""
    units = {u["unit"]: rates(u) for u in report(year, date(Y, 12, 31))["units"]}
    wanted = ("meeting_rate", "reply_rate", "satisfaction_rate", "standard_rate")
    assert [units["U1"][k] for k in wanted] == [(5, 5, 1.0), (5, 5, 1.0), (4, 4, 1.0), (2, 5, 0.4)]
    assert [units["U2"][k] for k in wanted] == [(1, 3, 0.3333), (3, 5, 0.6), (2, 3, 0.6667), (2, 3, 0.6667)]
    assert [units["U4"][k] for k in wanted] == [(1, 1, 1.0), (1, 1, 1.0), (1, 1, 1.0), (0, 1, 0.0)]
    assert units["U4"]["principal_head_rate"] == (1, 1, 1.0)  # 赵六 himself


def test_the_page_and_the_spreadsheet_state_the_new_lines(year):
    """Each figure stated directly: the printable page and the spreadsheet, not a reader's sums."""
    import io

    from openpyxl import load_workbook

    from api.render.pages import annual_report_page
    from api.render.report_xlsx import annual_xlsx

    with year() as session:
        report_ = annual_report(session, COORDINATOR, Y, as_of=as_of_instant(date(Y, 12, 31)), with_items=True,
                                movement_from=as_of_instant(date(Y, 8, 31)))
    page = annual_report_page(report_)
    assert "列入重点督办 2 件，已答复 1 件；按时办复率 50.0%（1/2）" in page
    assert "<td class=\"l\">市教育局</td><td>5/5（100.0%）</td><td>5/5（100.0%）</td><td>4/4（100.0%）</td><td>2/5（40.0%）</td>" in page
    assert "2025-08-31 至 2025-12-31 的分类变动" in page and "B类→A类 1 件" in page
    assert "西山县代表团" in page and "主要负责人面复率" in page
    book = load_workbook(io.BytesIO(annual_xlsx(report_)))
    three = list(book["三率一化"].iter_rows(values_only=True))
    assert three[1] == ("全年", 7, 9, 0.7778, 9, 11, 0.8182, 8, 9, 0.8889, 4, 9, 0.4444)
    moves = [row[:3] for row in book["分类变动"].iter_rows(min_row=6, values_only=True)]
    assert ("B类", "A类", 1) in moves and ("未答复", "未答复", 2) in moves
    key = {row[0]: row[1:4] for row in book["重点督办"].iter_rows(values_only=True) if row and row[0]}
    assert key["按时办复率"] == (1, 2, 0.5)
