"""The carry-over ledger's figures, computed from events, on a generated year with known answers
(Yuncheng: 171 B/C items carried from 2024 into 2025, 113 of them A by the end of 2025: 66.08%)."""

from __future__ import annotations

from datetime import datetime, timezone

from domain import process
from domain.enums import Role, Stage, UnitRole
from domain.models import SYSTEM, Actor, Assignment, ItemChanges
from ledger.carry_over import carry_over_ledger
from ledger.writes import record_changes
from tests.helpers import COORDINATOR, new_suggestion

UTC = timezone.utc


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 4, 0, tzinfo=UTC)


def item(sessions, tag: str, n: int, unit: str, history: list[tuple[datetime, str, dict]], origin: int = 2024) -> str:
    """An item whose timeline is `history` (instant, action, detail), written through the ledger's own writer."""
    new = new_suggestion(f"{tag}{n:04d}").model_copy(update={"year": origin})
    state = process.register(new, f"suggestion-{origin}-{tag}{n:04d}", at(origin, 3, 1))
    state.assignments.append(Assignment(unit=unit, role=UnitRole.lead, assigned_at=at(origin, 3, 2), stage=Stage.follow_up))
    for when, action, detail in history:
        process.record(state, when, SYSTEM, action, unit, **detail)
    with sessions() as session:
        record_changes(session, ItemChanges(state=state.model_copy(update={"events": []}), events=state.events))
    return state.workflow_id


def carried(result_class: str, to_year: int = 2025, tracked: bool = True) -> tuple[datetime, str, dict]:
    end = datetime(to_year - 1, 12, 31, 16, 0, tzinfo=UTC)  # 1 Jan 00:00 Beijing
    return end, "carried_over", {"from_year": to_year - 1, "to_year": to_year, "result_class": result_class,
                                  "overdue": False, "tracked": tracked}


def reply(result_class: str, when: datetime) -> tuple[datetime, str, dict]:
    return when, "reply_accepted", {"result_class": result_class, "round": 1}


def progress(result_class: str, when: datetime) -> tuple[datetime, str, dict]:
    return when, "progress_reported", {"result_class": result_class}


def test_yuncheng_figures_from_events(sessions, number):
    tag = number[-5:]
    units = ["U01", "U02", "U03"]
    for n in range(171):
        cls = "B" if n < 140 else "C"  # 140 B and 31 C carried
        history = [reply(cls, at(2024, 6, 1)), carried(cls)]
        if n < 113:
            history.append(progress("A", at(2025, 3 + n % 9, 10)))  # became A during 2025
        elif n < 118:
            # Became A, then the deputy disputed it: back to B, not converted.
            history += [progress("A", at(2025, 5, 1)), (at(2025, 6, 1), "reclassification_disputed", {"result_class": cls})]
        elif n < 121:
            history.append(progress("A", at(2026, 2, 1)))  # solved, but only in the next year
        item(sessions, tag, n, units[n % 3], history, origin=2024 if n < 150 else 2023)
    # Not on the 2025 carry-over ledger: handled-not-overdue items crossing the year, and 2026's carry-overs.
    for n in range(171, 176):
        item(sessions, tag, n, "U01", [carried("", tracked=False)])
    for n in range(176, 180):
        item(sessions, tag, n, "U01", [reply("B", at(2025, 6, 1)), carried("B", to_year=2026)], origin=2025)

    with sessions() as session:
        ledger = carry_over_ledger(session, COORDINATOR, 2025, now=at(2026, 11, 23))
    mine = [i for i in ledger.items if tag in i.number]
    assert len(mine) == 171
    assert sum(i.converted for i in mine) == 113
    assert ledger.conversion.numerator == 113 and ledger.conversion.denominator == 171
    assert ledger.conversion.value == 0.6608
    assert ledger.by_origin_year == {2024: 150, 2023: 21}
    assert ledger.by_class_at_carry_over == {"B": 140, "C": 31}
    assert ledger.by_unit == {"U01": 57, "U02": 57, "U03": 57}
    assert {i.field for i in mine} == {"urban_management"}  # each line's field, for the report's field lines
    disputed = [i for i in mine if i.class_at_carry_over and not i.converted and i.class_now == "B"]
    assert len(disputed) >= 5

    # As of mid-2025, fewer had converted; the figure is exact at any date.
    with sessions() as session:
        midyear = carry_over_ledger(session, COORDINATOR, 2025, now=at(2025, 6, 15))
    converted_by_june = sum(1 for n in range(113) if 3 + n % 9 <= 6)
    assert midyear.conversion.numerator == converted_by_june

    # A unit sees only its own items' lines.
    unit_actor = Actor(user="h", role=Role.unit_handler, unit="U02")
    with sessions() as session:
        unit_view = carry_over_ledger(session, unit_actor, 2025, now=at(2026, 11, 23))
    assert {i.unit for i in unit_view.items if tag in i.number} == {"U02"}
