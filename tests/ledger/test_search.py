"""The text search (ledger.search): through SQLite's full-text index it finds exactly what a literal
LIKE over every item finds — same rows, same order, same total — for any term, any reader, any page."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, text

from domain import process
from domain.enums import Role, Stage, UnitRole
from domain.models import Actor, Assignment, ItemChanges
from ledger.queries import SuggestionFilters, _filtered, list_suggestions, scoped
from ledger.rows import SearchRow, SuggestionRow
from ledger.search import pair_tokens, phrase, uses_index
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
    ("关于公交的建议养", "老年人乘车"),  # 养|老 across title and body: no match for 养老
    ("只说加装", "装电梯的事；车停了，停车场满"),  # every pair of 加装电梯 and of 停车停, none of the terms
]
TERMS = ["停车", "停", "养老服务", "养老", "电梯加装", "加装电梯", "5G", "5g", "small", "SMALL", "Parking", "park",
         "100%", "%", "_", "50%_", "费_标", "停%库", "加_电", "\\", "C:\\data", "0", "00", "2030", "建议", "的建议",
         "没有这个词", "x", " ", "车 收", "（", "养老服务设施", "停车停车", "议养", "养老年", "停车停", "车停车", "加装电"]


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
    """The reference: the literal LIKE (with the other filters) on every item the reader sees."""
    stmt = _filtered(scoped(select(SuggestionRow.workflow_id), actor), filters)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    ids = session.scalars(stmt.order_by(SuggestionRow.year.desc(), SuggestionRow.number)
                          .offset((page - 1) * size).limit(size)).all()
    return list(ids), total


def searched(session, actor: Actor, filters: SuggestionFilters, page: int, size: int) -> tuple[list[str], int]:
    rows, total = list_suggestions(session, actor, filters, page, size)
    return [r.workflow_id for r in rows], total


def test_a_field_is_indexed_as_its_pairs_and_a_term_as_the_phrase_of_its_pairs():
    assert pair_tokens("停车") == "505cx8f66"
    assert pair_tokens("Ab%") == "61x62 62x25"  # ASCII folded as SQLite's LIKE does; every character kept
    assert pair_tokens("停") == "" and pair_tokens(None) == ""
    assert phrase("停车场") == '"505cx8f66 8f66x573a"'
    assert phrase("停") is None  # one character: read every item


@pytest.mark.parametrize("term", TERMS)
def test_search_finds_what_like_finds(sessions, corpus, term):
    tag, _ = corpus
    with sessions() as session:
        for filters in (SuggestionFilters(q=term), SuggestionFilters(q=term, year=2026), SuggestionFilters(q=tag + term),
                        SuggestionFilters(q=term, year=2025)):
            for page, size in ((1, 50), (1, 2), (2, 2), (500, 3)):
                assert searched(session, COORDINATOR, filters, page, size) == by_like(session, COORDINATOR, filters, page, size)


def test_literal_terms_and_fields_apart(sessions, corpus):
    tag, states = corpus
    with sessions() as session:
        def found(q):
            return {i for i in searched(session, COORDINATOR, SuggestionFilters(q=q), 1, 10_000)[0]
                    if i.startswith(f"suggestion-2026-{tag}")}
        assert found("50%_off") == {states[5].workflow_id}
        assert found("停%库") == set()  # % is a character, not a wildcard
        assert found("挖潜共享停车") == {states[0].workflow_id}
        assert states[8].workflow_id not in found("养老")  # 养 ends the title, 老 begins the body
        assert found("加装电梯") == {states[7].workflow_id}  # item 9 has its pairs, in two fields
        assert found("停车停") == set() and found("车停了") == {states[9].workflow_id}  # pairs apart, in order
        assert found("Small Cells") == {states[2].workflow_id}
        # SQLite: ASCII letters in either case; PostgreSQL's LIKE minds the case (ILIKE scans 3x slower).
        assert found("small cells") == ({states[2].workflow_id} if uses_index(session) else set())
        assert found(tag + "00") == {s.workflow_id for s in states}  # the numbers


def test_scoping_and_other_filters_still_apply(sessions, corpus):
    tag, states = corpus
    unit_handler = Actor(user="h-u02", role=Role.unit_handler, unit="U02")
    deputy = Actor(user="dep", role=Role.deputy, deputy="D001")  # lead of the even ones
    with sessions() as session:
        for actor in (unit_handler, deputy, COORDINATOR):
            for term in ("建议", "停车", "养", tag):
                for filters in (SuggestionFilters(q=term), SuggestionFilters(q=term, unit="U02")):
                    assert searched(session, actor, filters, 1, 50) == by_like(session, actor, filters, 1, 50)
        unit_ids, _ = searched(session, unit_handler, SuggestionFilters(q=tag), 1, 50)
        assert set(unit_ids) == {s.workflow_id for n, s in enumerate(states) if n % 3 == 1}
        deputy_ids, _ = searched(session, deputy, SuggestionFilters(q=tag), 1, 50)
        assert set(deputy_ids) == {s.workflow_id for n, s in enumerate(states) if n % 2 == 0}


def test_the_index_follows_changes_of_the_text(sessions):
    tag = f"R{uuid.uuid4().hex[:6].upper()}"
    state = an_item(sessions, tag, 1, "关于公交线路优化的建议", "建议增开夜班公交。")
    with sessions() as session:
        assert searched(session, COORDINATOR, SuggestionFilters(q=f"{tag}001"), 1, 50)[1] == 1
        assert state.workflow_id in searched(session, COORDINATOR, SuggestionFilters(q="夜班公交"), 1, 10_000)[0]
    changed = state.model_copy(update={"title": "关于共享单车停放的建议", "body": "建议划定停放区域。"}, deep=True)
    process.record(changed, NOW, COORDINATOR, "accepted")  # a later state: the projection is rewritten
    write(sessions, changed)
    with sessions() as session:
        hits = lambda q: state.workflow_id in searched(session, COORDINATOR, SuggestionFilters(q=q), 1, 10_000)[0]  # noqa: E731
        assert not hits("夜班公交") and not hits("公交")
        assert hits("共享单车") and hits("停放区域") and hits("单") and hits(f"{tag}001")
        if uses_index(session):  # one entry per item, the old one forgotten with the tokens it had
            assert session.scalar(select(func.count()).select_from(SearchRow)
                                  .where(SearchRow.workflow_id == state.workflow_id)) == 1
            session.execute(text("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 0)"))


def test_migration_indexes_the_items_already_in_the_ledger(sessions, database_url, corpus):
    """0006 on a ledger with items (here after going back to 0005): every item is found as before."""
    from alembic import command

    from ledger.schema import alembic_config

    engine = sessions.kw["bind"]
    for target in ("0005", "head"):
        with engine.begin() as connection:
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            (command.downgrade if target == "0005" else command.upgrade)(config, target)
    with sessions() as session:
        if uses_index(session):
            assert session.scalar(select(func.count()).select_from(SearchRow)) == \
                session.scalar(select(func.count()).select_from(SuggestionRow))
        for term in ("停车", "养老服务", "5G", corpus[0]):
            filters = SuggestionFilters(q=term)
            assert searched(session, COORDINATOR, filters, 1, 50) == by_like(session, COORDINATOR, filters, 1, 50)
