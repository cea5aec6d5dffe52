"""Similar suggestions (相似建议, ledger.similar) on the ledger: found through the text search index on SQLite
and by a scan of the titles on PostgreSQL, ranked by domain.similarity, within what the reader may open."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest

from domain import process
from domain.enums import Role, Stage, UnitRole
from domain.models import Actor, Assignment, ItemChanges
from domain.similarity import MIN_SCORE
from ledger.rows import SuggestionRow
from ledger.similar import similar_items
from ledger.writes import record_changes
from tests.helpers import COORDINATOR, new_suggestion

MINE = ("关于滨江新区共享单车电子围栏建设的建议", "建议在地铁站周边设置共享单车电子围栏，规范车辆停放秩序。")
ITEMS = {  # name: (year, unit, lead deputy, title, body)
    "mine": (2026, "U01", "D001", *MINE),
    "duplicate_last_year": (2025, "U01", "D001", "关于在滨江新区设置共享单车电子围栏的建议",
                            "建议在地铁站和公交站周边设置共享单车电子围栏，规范停放秩序。"),
    "other_unit_earlier": (2024, "U03", "D002", "关于滨江新区共享单车电子围栏的建议", "建议财政安排围栏经费，由街道负责日常巡查。"),
    "same_theme_other_unit": (2026, "U02", "D002", "关于规范共享单车停放管理的建议", "建议企业加强车辆调度，及时清理乱停车辆。"),
    "duplicate_next_year": (2027, "U01", "D001", "关于滨江新区共享单车电子围栏建设的建议", MINE[1]),
    "unrelated": (2026, "U01", "D001", "关于加强农村饮用水安全保障的建议", "建议加快农村供水管网改造，完善水质检测。"),
}


def an_item(sessions, tag: str, n: int, year: int, unit: str, deputy: str, title: str, body: str) -> str:
    number = f"{tag}{n:02d}"
    new = new_suggestion(number).model_copy(update={"year": year, "received_on": date(year, 3, 5), "title": title,
                                                    "body": body, "lead_deputy": deputy, "co_signers": []})
    at = datetime(year, 3, 10, 2, 0, tzinfo=timezone.utc)
    state = process.register(new, f"suggestion-{year}-{number}", at)
    state.assignments.append(Assignment(unit=unit, role=UnitRole.lead, assigned_at=at, stage=Stage.handling))
    with sessions() as session:
        record_changes(session, ItemChanges(state=state.model_copy(update={"events": []}), events=state.events))
    return state.workflow_id


@pytest.fixture(scope="module")
def ids(sessions) -> dict[str, str]:
    tag = f"M{uuid.uuid4().hex[:6].upper()}"
    return {name: an_item(sessions, tag, n, *item) for n, (name, item) in enumerate(ITEMS.items())}


def similar(sessions, ids, actor: Actor, limit: int = 5) -> list[tuple[str, float]]:
    with sessions() as session:
        row = session.get_one(SuggestionRow, ids["mine"])
        return [(r.workflow_id, s) for r, s in similar_items(session, actor, row, limit)]


def names(ids, found) -> list[str]:
    """Our items' names, in the order found (other tests' items in the same ledger left out)."""
    by_id = {wid: name for name, wid in ids.items()}
    return [by_id[wid] for wid, _ in found if wid in by_id]


def test_a_duplicate_from_an_earlier_year_comes_first(sessions, ids):
    found = similar(sessions, ids, COORDINATOR, limit=20)
    assert found[0][0] == ids["duplicate_last_year"] and found[0][1] > 0.7
    assert names(ids, found) == ["duplicate_last_year", "other_unit_earlier", "same_theme_other_unit"]
    scores = [s for _, s in found]
    assert scores == sorted(scores, reverse=True) and min(scores) >= MIN_SCORE


def test_unrelated_later_and_the_item_itself_are_not_listed(sessions, ids):
    listed = names(ids, similar(sessions, ids, COORDINATOR, limit=20))
    assert "unrelated" not in listed
    assert "duplicate_next_year" not in listed  # this year and the years before only
    assert "mine" not in listed


def test_the_limit_holds(sessions, ids):
    assert names(ids, similar(sessions, ids, COORDINATOR, limit=1)) == ["duplicate_last_year"]


def test_a_unit_sees_only_its_own_units_similar_items(sessions, ids):
    handler = Actor(user="h-u01", role=Role.unit_handler, unit="U01")
    assert names(ids, similar(sessions, ids, handler, limit=20)) == ["duplicate_last_year"]  # not U03's nor U02's
    other = Actor(user="h-u03", role=Role.unit_head, unit="U03")
    assert names(ids, similar(sessions, ids, other, limit=20)) == ["other_unit_earlier"]


def test_a_deputy_sees_only_the_similar_items_they_signed(sessions, ids):
    deputy = Actor(user="dep2", role=Role.deputy, deputy="D002")
    assert names(ids, similar(sessions, ids, deputy, limit=20)) == ["other_unit_earlier", "same_theme_other_unit"]
    assert names(ids, similar(sessions, ids, Actor(user="dep9", role=Role.deputy, deputy="D998"), limit=20)) == []
