"""The report counts a merged suggestion (并案) once, with its main item, and says how many were merged; a merge
undone counts the suggestion on its own again — checked at the instants between."""

from __future__ import annotations

from datetime import date

import pytest

from domain.figures import as_of_instant
from ledger.annual_report import annual_report
from tests.helpers import COORDINATOR
from tests.reports.builder import Timeline, at

Y = 2025


@pytest.fixture(scope="module")
def year(private_sessions):
    """0001 takes in 0002 (for good) and 0003 (undone in March); 0001 is answered A and rated satisfied."""
    s = private_sessions
    main = Timeline("0001", Y, "education", at(Y, 1, 10))
    Timeline("0002", Y, "education", at(Y, 1, 11), lead="D003").merge_into(main, at(Y, 1, 15)).save(s)
    (Timeline("0003", Y, "education", at(Y, 1, 12), lead="D002").merge_into(main, at(Y, 1, 15))
     .undo_merge(at(Y, 3, 1)).assign(at(Y, 3, 5), lead="U2").save(s))
    (main.assign(at(Y, 1, 20), lead="U1").reply("U1", at(Y, 3, 2), "A").rate("U1", at(Y, 3, 10), "satisfied")
     .save(s))
    return s


def totals(sessions, as_of: date) -> dict:
    with sessions() as session:
        return annual_report(session, COORDINATOR, Y, as_of=as_of_instant(as_of)).model_dump(mode="json")["totals"]


def test_merged_suggestions_are_counted_once_with_their_main_item(year):
    february = totals(year, date(Y, 2, 28))  # 0002 and 0003 in 0001
    assert (february["suggestions"], february["merged"], february["replied"]) == (1, 2, 0)
    end = totals(year, date(Y, 12, 31))  # 0003 on its own again since March
    assert (end["suggestions"], end["merged"], end["replied"], end["classes"]["A"]) == (2, 1, 1, 1)
    assert end["feedback"]["satisfied"] == 1  # the main item's rating, counted once


def test_the_printable_report_says_how_many_were_merged(year):
    from api.render.pages import annual_report_page

    with year() as session:
        page = annual_report_page(annual_report(session, COORDINATOR, Y, as_of=as_of_instant(date(Y, 12, 31))))
    assert "共登记代表建议 3 件，其中转为参阅件 0 件，并案并入他件办理 1 件" in page and "交办办理 2 件" in page
