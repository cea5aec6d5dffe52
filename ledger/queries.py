"""Reading the ledger, always within what the reader may see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from sqlalchemy import Integer, Row, Select, String, and_, any_, bindparam, case, cast, func, select, true, union
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, defer

from domain.enums import DEPUTY_ROLES, UNIT_ROLES, Role
from domain.models import Actor
from ledger.rows import AssignmentRow, ContactRow, DeputyRow, EventRow, SearchRow, SignerRow, SuggestionRow, UnitRow
from ledger.search import like_clause, matching_rows, phrase, uses_index

SEES_ALL = (Role.coordinator, Role.supervisor, Role.admin)


def _theirs(role: Role, reader: object) -> Select | None:
    """The rows that make an item a unit role's (its unit's active assignments), a deputy's or a CPPCC member's
    (their signatures) or the proposals committee's (the proposals); None for a role that sees none. `reader` is
    the unit's or the deputy's code (or a parameter for it)."""
    if role in UNIT_ROLES:
        return select(AssignmentRow.workflow_id).where(AssignmentRow.unit == reader, AssignmentRow.status == "active")
    if role in DEPUTY_ROLES:
        return select(SignerRow.workflow_id).where(SignerRow.deputy == reader)
    if role == Role.proposal_committee:
        return select(SuggestionRow.workflow_id).where(SuggestionRow.kind == "proposal").correlate(None)
    return None


def _reader_code(actor: Actor) -> str | None:
    return actor.unit if actor.role in UNIT_ROLES else actor.deputy


def scoped(stmt: Select, actor: Actor) -> Select:
    """Unit roles see their unit's items, deputies their own; coordinators, supervisors, admins all."""
    if actor.role in SEES_ALL:
        return stmt
    theirs = _theirs(actor.role, _reader_code(actor))
    return stmt.where(False) if theirs is None else stmt.where(SuggestionRow.workflow_id.in_(theirs))


def scoped_read_first(session: Session, stmt: Select, actor: Actor) -> Select:
    """As `scoped`, but on PostgreSQL a unit's or a deputy's items are read first and given as one array of ids:
    given as a subquery, PostgreSQL planned a scan of every item and kept the reader's few thousand (200-330 ms
    at 200,000 items for a unit's worklist or search). SQLite does well with the subquery."""
    if actor.role in SEES_ALL or session.get_bind().dialect.name != "postgresql":
        return scoped(stmt, actor)
    theirs = _theirs(actor.role, _reader_code(actor))
    ids = list(session.scalars(theirs)) if theirs is not None else []
    return stmt.where(SuggestionRow.workflow_id == any_(bindparam("theirs", ids, type_=ARRAY(String))))


def _one_item(stmt: Select, role: Role) -> Select:
    """One item (parameter `item`), if a reader of this role (parameter `reader`) may see it, as scoped:
    checked on that item's own rows, where scoped would list every item of the reader's unit or of the
    deputy (thousands over the years)."""
    stmt = stmt.where(SuggestionRow.workflow_id == bindparam("item"))
    if role in SEES_ALL:
        return stmt
    theirs = _theirs(role, bindparam("reader"))
    if theirs is None:
        return stmt.where(False)
    return stmt.where(theirs.where(theirs.selected_columns[0] == bindparam("item")).exists())


# Built once per role: every action checks the item's visibility first, and building the statement
# cost more than the database's answer.
_VISIBLE_ROW = {role: _one_item(select(SuggestionRow), role) for role in Role}
_VISIBLE_STAGE = {role: _one_item(select(SuggestionRow.stage), role) for role in Role}


@dataclass
class SuggestionFilters:
    kind: str | None = None  # domain.kinds.Kind
    year: int | None = None
    stage: str | None = None
    unit: str | None = None
    field: str | None = None
    result_class: str | None = None
    overdue: bool | None = None
    key_supervision: bool | None = None
    deputy: str | None = None
    q: str | None = None


def _filtered(stmt: Select, f: SuggestionFilters) -> Select:
    if f.kind:
        stmt = stmt.where(SuggestionRow.kind == f.kind)
    if f.year is not None:
        stmt = stmt.where(SuggestionRow.year == f.year)
    if f.stage:
        stmt = stmt.where(SuggestionRow.stage == f.stage)
    if f.field:
        stmt = stmt.where(SuggestionRow.field == f.field)
    if f.result_class:
        stmt = stmt.where(SuggestionRow.result_class == f.result_class)
    if f.overdue is not None:
        stmt = stmt.where(SuggestionRow.overdue == f.overdue)
    if f.key_supervision is not None:
        stmt = stmt.where(SuggestionRow.key_supervision == f.key_supervision)
    if f.unit:
        units = select(AssignmentRow.workflow_id).where(AssignmentRow.unit == f.unit, AssignmentRow.status == "active")
        stmt = stmt.where(SuggestionRow.workflow_id.in_(units))
    if f.deputy:
        signed = select(SignerRow.workflow_id).where(SignerRow.deputy == f.deputy)
        stmt = stmt.where(SuggestionRow.workflow_id.in_(signed))
    if f.q:
        stmt = stmt.where(like_clause(f.q))
    return stmt


def list_suggestions(
    session: Session, actor: Actor, filters: SuggestionFilters, page: int, page_size: int
) -> tuple[list[SuggestionRow], int]:
    """A page of the items the reader sees, newest year first, then by number; and how many there are."""
    if filters.q and uses_index(session) and phrase(filters.q):
        return _searched(session, actor, filters, page, page_size)
    stmt = _filtered(scoped_read_first(session, select(SuggestionRow), actor), filters)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.scalars(
        stmt.order_by(SuggestionRow.year.desc(), SuggestionRow.number).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return list(rows), total


def _searched(
    session: Session, actor: Actor, filters: SuggestionFilters, page: int, page_size: int
) -> tuple[list[SuggestionRow], int]:
    """The same through the search index (ledger.search): matches are counted and ordered on search_rows,
    which has year and number; the items' rows are read for the page, and for other filters or a
    scoped reader."""
    stmt = matching_rows(filters.q)
    if filters.year is not None:
        stmt = stmt.where(SearchRow.year == filters.year)
    others = replace(filters, q=None, year=None)
    if actor.role not in SEES_ALL or others != SuggestionFilters():  # each match's row is checked
        stmt = _filtered(scoped(stmt.join(SuggestionRow, SuggestionRow.workflow_id == SearchRow.workflow_id), actor), others)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    ids = session.scalars(
        stmt.order_by(SearchRow.year.desc(), SearchRow.number).offset((page - 1) * page_size).limit(page_size)
    ).all()
    rows = {r.workflow_id: r for r in session.scalars(select(SuggestionRow).where(SuggestionRow.workflow_id.in_(ids)))}
    return [rows[i] for i in ids], total


URGENCY = case({"red": 0, "orange": 1, "blue": 2}, value=SuggestionRow.warning_level, else_=3)


def worklist(session: Session, actor: Actor, page: int, page_size: int,
             kind: str | None = None) -> tuple[list[SuggestionRow], int]:
    """The open items the reader sees (of one kind, or all), most urgent first: red, orange, blue, then the rest;
    then by the next due date (none last), year and number."""
    ids = scoped_read_first(session, select(SuggestionRow.workflow_id), actor).where(
        SuggestionRow.stage.not_in(["closed", "converted"]))
    if kind:
        ids = ids.where(SuggestionRow.kind == kind)
    total = session.scalar(select(func.count()).select_from(ids.subquery()))
    # The page's ids first, then their rows: sorting whole rows (each with its state) cost ten times more.
    page_ids = list(session.scalars(
        ids.order_by(URGENCY, SuggestionRow.next_due_at.is_(None), SuggestionRow.next_due_at,
                     SuggestionRow.year.desc(), SuggestionRow.number)
        .offset((page - 1) * page_size).limit(page_size)
    ))
    rows = {row.workflow_id: row for row in session.scalars(select(SuggestionRow).where(SuggestionRow.workflow_id.in_(page_ids)))}
    return [rows[i] for i in page_ids], total


def warnings_by_unit(session: Session, actor: Actor) -> list[Row]:
    """Per lead unit, its open items the reader sees by warning level: (unit, red, orange, blue, overdue, open)."""
    # Only the columns counted: an index holds them all (ix_suggestions_warnings), so no item's row is read.
    open_items = scoped(select(SuggestionRow.lead_unit, SuggestionRow.warning_level, SuggestionRow.overdue), actor).where(
        SuggestionRow.stage.not_in(["closed", "converted"])).subquery()
    level = open_items.c.warning_level
    return list(session.execute(
        select(open_items.c.lead_unit.label("unit"),
               func.sum(case((level == "red", 1), else_=0)).label("red"),
               func.sum(case((level == "orange", 1), else_=0)).label("orange"),
               func.sum(case((level == "blue", 1), else_=0)).label("blue"),
               func.sum(case((open_items.c.overdue, 1), else_=0)).label("overdue"),
               func.count().label("open"))
        .where(open_items.c.lead_unit.is_not(None))
        .group_by(open_items.c.lead_unit)
        .order_by(func.sum(case((level == "red", 1), else_=0)).desc(), open_items.c.lead_unit)
    ))


def meetings_due(session: Session, actor: Actor, limit: int) -> tuple[list[SuggestionRow], int]:
    """Open items the reader sees where an interview of the unit's head (约谈) or a consultation with the deputy
    (约见面商) is due: the `limit` most urgent (without their state) and how many in all."""
    # Each flag through its partial index (ledger migration 0012): SQLite reads every row for an OR of the two.
    flagged = union(select(SuggestionRow.workflow_id).where(SuggestionRow.interview_due == true()),
                    select(SuggestionRow.workflow_id).where(SuggestionRow.consultation_due == true()))
    ids = scoped(select(SuggestionRow.workflow_id), actor).where(
        SuggestionRow.stage.not_in(["closed", "converted"]), SuggestionRow.workflow_id.in_(flagged))
    total = session.scalar(select(func.count()).select_from(ids.subquery()))
    first = list(session.scalars(ids.order_by(URGENCY, SuggestionRow.next_due_at, SuggestionRow.workflow_id).limit(limit)))
    rows = {row.workflow_id: row for row in session.scalars(
        select(SuggestionRow).where(SuggestionRow.workflow_id.in_(first)).options(defer(SuggestionRow.state),
                                                                                 defer(SuggestionRow.body)))}
    return [rows[i] for i in first], total


def visible_suggestion(session: Session, actor: Actor, workflow_id: str) -> SuggestionRow | None:
    return session.scalar(_VISIBLE_ROW[actor.role], {"item": workflow_id, "reader": _reader_code(actor)})


def visible_stage(session: Session, actor: Actor, workflow_id: str) -> str | None:
    """The item's stage if this reader may see it (None: no such item, or not theirs); reads one column."""
    return session.scalar(_VISIBLE_STAGE[actor.role], {"item": workflow_id, "reader": _reader_code(actor)})


def just_recorded(session: Session, workflow_id: str) -> SuggestionRow:
    """The item's row as the worker has just written it (after an action returned): ends the reader's
    transaction and forgets what it had loaded, so the row is read anew."""
    session.commit()
    session.expire_all()
    return session.get_one(SuggestionRow, workflow_id)


# Timelines are read as plain rows of these columns (attribute access as on the ORM classes): an
# item's whole timeline is read after every action, and ORM objects cost several times more.
EVENT_COLUMNS = [c for c in EventRow.__table__.columns if c.key not in ("id", "workflow_id", "recorded_at")]
CONTACT_COLUMNS = [ContactRow.unit, ContactRow.when, ContactRow.way, ContactRow.summary, ContactRow.logged_by,
                   ContactRow.phase]


def events_of(session: Session, workflow_id: str) -> list[Row]:
    return list(session.execute(select(*EVENT_COLUMNS).where(EventRow.workflow_id == workflow_id).order_by(EventRow.seq)))


def contacts_of(session: Session, workflow_id: str) -> list[Row]:
    return list(session.execute(select(*CONTACT_COLUMNS).where(ContactRow.workflow_id == workflow_id).order_by(ContactRow.id)))


def number_taken(session: Session, year: int, number: str) -> bool:
    return session.scalar(
        select(func.count()).select_from(SuggestionRow).where(SuggestionRow.year == year, SuggestionRow.number == number)
    ) > 0


def next_number(session: Session, year: int, prefix: str = "") -> str | None:
    """The next free number of a year's series (a kind's: domain.kinds.KindRules.number_prefix, "" for suggestions):
    the prefix and one above its highest number of digits, at least four of them (0001, WZ0001, …); None when
    999999 is taken (at most six digits: domain.models.NUMBER_PATTERN). Found by the database over its
    (year, number) index: a year has tens of thousands."""
    number = SuggestionRow.number
    rest = func.substr(number, len(prefix) + 1)
    if session.get_bind().dialect.name == "sqlite":
        digits = and_(number.op("GLOB")(f"{prefix}[0-9]*"), rest.op("NOT GLOB")("*[^0-9]*"), func.length(rest) <= 6)
    else:
        digits = number.regexp_match(f"^{prefix}[0-9]{{1,6}}$")
    highest = session.scalar(select(func.max(cast(rest, Integer))).where(SuggestionRow.year == year, digits))
    following = int(highest or 0) + 1
    return f"{prefix}{following:04d}" if following <= 999_999 else None


def key_items(session: Session, actor: Actor, handling_year: int | None = None) -> list[SuggestionRow]:
    """Items under key supervision or proposed for it that `actor` sees, by theme and number."""
    stmt = scoped(select(SuggestionRow), actor).where(SuggestionRow.key_status.in_(["designated", "proposed"]))
    if handling_year is not None:
        stmt = stmt.where(SuggestionRow.handling_year == handling_year)
    return list(session.scalars(stmt.order_by(SuggestionRow.key_theme, SuggestionRow.number)))


def running_items_with_policy(session: Session, ref: str) -> list[str]:
    """The ids of the items not ended that run under one policy version (name@version)."""
    return list(session.scalars(select(SuggestionRow.workflow_id).where(
        SuggestionRow.policy == ref, SuggestionRow.stage.not_in(["closed", "converted"]))))


def unknown_units(session: Session, codes: list[str]) -> list[str]:
    known = set(session.scalars(select(UnitRow.code).where(UnitRow.code.in_(codes)))) if codes else set()
    return [code for code in codes if code not in known]


def unknown_deputies(session: Session, codes: list[str]) -> list[str]:
    known = set(session.scalars(select(DeputyRow.code).where(DeputyRow.code.in_(codes)))) if codes else set()
    return [code for code in codes if code not in known]


# The ledger as exported (台账导出): each table's columns (the whole state JSON is for the API, not a
# spreadsheet) and order.
EXPORTED = {
    "suggestions": (SuggestionRow, {"state"}, (SuggestionRow.year, SuggestionRow.number)),
    "events": (EventRow, set(), (EventRow.workflow_id, EventRow.seq)),
}


def exported_columns(table: str) -> list[str]:
    model, skip, _ = EXPORTED[table]
    return [c.key for c in model.__table__.columns if c.key not in skip]


def exported_rows(session: Session, table: str, year: int | None = None) -> Iterator[list]:
    """The rows of an exported table (of one year's items when given), in a stable order, read in batches."""
    model, _, order = EXPORTED[table]
    columns = exported_columns(table)
    query = select(model)
    if year is not None:
        of_year = select(SuggestionRow.workflow_id).where(SuggestionRow.year == year)
        query = query.where(SuggestionRow.year == year) if model is SuggestionRow else query.where(model.workflow_id.in_(of_year))
    for row in session.scalars(query.order_by(*order)).yield_per(1000):
        yield [getattr(row, c) for c in columns]
