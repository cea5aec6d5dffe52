"""The text search's gram index (ledger.search): a search through it finds exactly what the plain
LIKE over every item finds — same rows, same order, same total — for any term."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, or_, select

from domain import process
from domain.enums import Role, Stage, UnitRole
from domain.models import Actor, Assignment, ItemChanges
from ledger import queries
from ledger.models import SearchGramRow, SuggestionRow
from ledger.queries import LIST_ORDER, SuggestionFilters, list_suggestions, scoped
from ledger.search import item_grams, term_grams
from ledger.writes import record_changes
from tests.helpers import COORDINATOR, new_suggestion

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
TEXTS = [  # (title, body): Chinese, ASCII in both cases, digits, LIKE's wildcards and escape, one character
    ("关于完善停车设施规划建设的建议", "建议挖潜共享停车资源，建设立体停车库。"),
    ("关于加强养老服务体系建设的建议", "建议增加社区养老服务设施，发展智慧养老。"),
    ("关于推进5G基站建设的建议", "建议在老旧小区部署5G Small Cells，提升信号。"),
    ("Improve PARKING downtown", "Add park-and-ride lots; 100% coverage by 2030."),
    ("关于停车难的建议", "车位不足，停 车收费偏高。"),
    ("降低收费_标准", "路径 C:\\data\\停车 与 50%_off 的说明"),
    ("养", "老"),
    ("关于加装电梯的建议", "加装电梯，电梯加装，装电梯加。"),
]
TERMS = ["停车", "停", "养老服务", "养老", "电梯加装", "加装电梯", "5G", "5g", "small", "SMALL", "Parking", "park",
         "100%", "%", "_", "50%_", "费_标", "停%库", "加_电", "\\", "C:\\data", "0", "00", "2030", "建议", "的建议",
         "没有这个词", "x", " ", "车 收", "（", "养老服务设施", "停车停车"]


def write(sessions, state) -> None:
    with sessions() as session:
        record_changes(session, ItemChanges(state=state.model_copy(update={"events": []}), events=state.events))


def an_item(sessions, tag: str, n: int, title: str, body: str, unit: str = "U01", deputy: str = "D001"):
    new = new_suggestion(f"{tag}{n:03d}").model_copy(update={"title": title, "body": body, "lead_deputy": deputy})
    state = process.register(new, f"suggestion-2026-{tag}{n:03d}", NOW)
    state.assignments.append(Assignment(unit=unit, role=UnitRole.lead, assigned_at=NOW, stage=Stage.handling))
    write(sessions, state)
    return state


@pytest.fixture(scope="module")
def corpus(sessions):
    tag = f"S{uuid.uuid4().hex[:6].upper()}"
    return tag, [an_item(sessions, tag, n, title, body, unit=f"U0{n % 3 + 1}", deputy=f"D00{n % 2 + 1}")
                 for n, (title, body) in enumerate(TEXTS)]


def by_like(session, actor: Actor, filters: SuggestionFilters, page: int, size: int) -> tuple[list[str], int]:
    """The search as it was before the index: the LIKE on every item the reader sees."""
    pattern = f"%{filters.q}%"
    stmt = scoped(select(SuggestionRow.workflow_id), actor).where(
        or_(SuggestionRow.title.like(pattern), SuggestionRow.body.like(pattern), SuggestionRow.number.like(pattern))
    )
    if filters.year is not None:
        stmt = stmt.where(SuggestionRow.year == filters.year)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    ids = session.scalars(stmt.order_by(*LIST_ORDER).offset((page - 1) * size).limit(size)).all()
    return list(ids), total


def searched(session, actor: Actor, filters: SuggestionFilters, page: int, size: int) -> tuple[list[str], int]:
    rows, total = list_suggestions(session, actor, filters, page, size)
    return [r.workflow_id for r in rows], total


def test_grams_of_a_term_are_those_every_match_has():
    assert term_grams("停车") == {"停车"}
    assert term_grams("停") == {"停"}
    assert term_grams("养老服务") == {"养老", "老服", "服务"}
    assert term_grams("Ab%c_d\\ef") == {"ab", "c", "d", "ef"}  # ASCII folded, cut at % _ and \
    assert term_grams("%") == set() and term_grams("_%_") == set()
    assert item_grams("停车", "Ab", "01") == {"停", "车", "停车", "a", "b", "ab", "0", "1", "01"}
    assert "车A" not in item_grams("停车", "Ab", "01")  # nothing across fields


@pytest.mark.parametrize("term", TERMS)
def test_search_finds_what_like_finds(sessions, corpus, term):
    tag, _ = corpus
    with sessions() as session:
        for filters in (SuggestionFilters(q=term), SuggestionFilters(q=term, year=2026), SuggestionFilters(q=tag + term)):
            for page, size in ((1, 50), (1, 2), (2, 2), (500, 3)):
                assert searched(session, COORDINATOR, filters, page, size) == by_like(session, COORDINATOR, filters, page, size)


@pytest.mark.parametrize("term", ["停车", "建议", "电梯", "5G", "%"])
def test_pages_read_in_list_order_find_the_same(sessions, corpus, monkeypatch, term):
    """With many matches the page is read in list order, not through the index: still the same rows."""
    monkeypatch.setattr(queries, "FEW_MATCHES", 0)
    with sessions() as session:
        for page, size in ((1, 3), (2, 3)):
            filters = SuggestionFilters(q=term)
            assert searched(session, COORDINATOR, filters, page, size) == by_like(session, COORDINATOR, filters, page, size)


def test_a_term_only_the_corpus_has_is_found_in_it(sessions, corpus):
    tag, states = corpus
    with sessions() as session:
        ids, total = searched(session, COORDINATOR, SuggestionFilters(q="挖潜共享停车"), 1, 50)
        assert states[0].workflow_id in ids
        ids, total = searched(session, COORDINATOR, SuggestionFilters(q=tag + "00"), 1, 50)  # the numbers
        assert total == len(TEXTS) and set(ids) == {s.workflow_id for s in states}


def test_scoping_by_role_still_applies(sessions, corpus):
    tag, states = corpus
    unit_handler = Actor(user="h-u02", role=Role.unit_handler, unit="U02")
    deputy = Actor(user="dep", role=Role.deputy, deputy="D001")  # lead of the even ones (D002 co-signs all)
    with sessions() as session:
        for actor in (unit_handler, deputy):
            for term in ("建议", "停车", "养", tag):
                filters = SuggestionFilters(q=term)
                got = searched(session, actor, filters, 1, 50)
                assert got == by_like(session, actor, filters, 1, 50)
        unit_ids, _ = searched(session, unit_handler, SuggestionFilters(q=tag), 1, 50)
        assert set(unit_ids) == {s.workflow_id for n, s in enumerate(states) if n % 3 == 1}
        deputy_ids, _ = searched(session, deputy, SuggestionFilters(q=tag), 1, 50)
        assert set(deputy_ids) == {s.workflow_id for n, s in enumerate(states) if n % 2 == 0}


def stored_grams(session, workflow_id: str) -> set[str]:
    return set(session.scalars(select(SearchGramRow.gram).where(SearchGramRow.workflow_id == workflow_id)))


def test_the_index_follows_changes_of_the_text(sessions):
    tag = f"R{uuid.uuid4().hex[:6].upper()}"
    state = an_item(sessions, tag, 1, "关于公交线路优化的建议", "建议增开夜班公交。")
    with sessions() as session:
        assert stored_grams(session, state.workflow_id) == item_grams(state.title, state.body, state.number)
        assert searched(session, COORDINATOR, SuggestionFilters(q=f"{tag}001"), 1, 50)[1] == 1
    changed = state.model_copy(update={"title": "关于共享单车停放的建议", "body": "建议划定停放区域。"}, deep=True)
    process.record(changed, NOW, COORDINATOR, "accepted")  # a later state: the projection is rewritten
    write(sessions, changed)
    with sessions() as session:
        assert stored_grams(session, state.workflow_id) == item_grams(changed.title, changed.body, changed.number)
        hits = lambda q: state.workflow_id in searched(session, COORDINATOR, SuggestionFilters(q=q), 1, 10_000)[0]  # noqa: E731
        assert not hits("夜班公交") and not hits("公交")
        assert hits("共享单车") and hits("停放区域") and hits("单")


def test_migration_fills_the_index_for_items_already_in_the_ledger(sessions, database_url, corpus):
    """0006 on a ledger with items: it builds every item's grams (here after going back to 0005)."""
    from alembic import command

    from ledger.schema import alembic_config

    with sessions() as session:
        before = {wid: set() for wid in session.scalars(select(SuggestionRow.workflow_id))}
    engine = sessions.kw["bind"]
    for target in ("0005", "head"):
        with engine.begin() as connection:
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            (command.downgrade if target == "0005" else command.upgrade)(config, target)
    with sessions() as session:
        rows = session.execute(select(SuggestionRow.workflow_id, SuggestionRow.title, SuggestionRow.body,
                                      SuggestionRow.number)).all()
        grams: dict[str, set[str]] = {}
        for gram, wid in session.execute(select(SearchGramRow.gram, SearchGramRow.workflow_id)):
            grams.setdefault(wid, set()).add(gram)
        assert {r.workflow_id for r in rows} == set(before)
        for r in rows:
            assert grams.get(r.workflow_id, set()) == item_grams(r.title, r.body, r.number), r.workflow_id
        filters = SuggestionFilters(q="停车")
        assert searched(session, COORDINATOR, filters, 1, 50) == by_like(session, COORDINATOR, filters, 1, 50)
