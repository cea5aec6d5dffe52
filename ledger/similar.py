"""Similar suggestions (domain.similarity) beside an item: of its year and the years before, among the items
its reader sees (ledger.queries.scoped), the closest first.

Candidates are items whose title holds one of the item's key pairs (domain.similarity.key_pairs), at most
CANDIDATES of them; each is scored by domain.similarity.score on its title and the start of its body. Only
those columns are read, never an item's state JSON.

- A reader who sees every item, on SQLite: through the text search index (ledger.search), the key pairs as
  one FTS5 query (any of them, in the title); of the WINDOW newest matches (the index's rowids follow
  registration) the CANDIDATES best by bm25. bm25 is computed for the window only, so a pair that tens of
  thousands of titles share costs no more than a rare one.
- A unit's or a deputy's reader, on SQLite: the titles of their own items (a few thousand) are read for the
  key pairs, the items holding the most of them first, then the newest. Through the index every item's
  matches would be listed to find theirs among them.
- PostgreSQL, which has no such index: the same query as for a unit's reader, for LIKE_KEYS key pairs; for
  most readers it is one (parallel) scan of the titles (≈ 50-100 ms at 200,000 items, as the text search's
  scan). "Newest first" alone could stop early, but would let a pair common to thousands of titles crowd
  out the earlier years' duplicates.
"""

from __future__ import annotations

from sqlalchemy import Row, Select, case, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from domain.models import Actor
from domain.similarity import BODY_PREFIX, KEYS, MIN_SCORE, key_pairs, profile, score
from ledger.queries import SEES_ALL, scoped
from ledger.rows import SearchRow, SuggestionRow
from ledger.search import INDEX, INDEX_TABLE, pair_tokens, uses_index

WINDOW = 5000  # newest matches ranked by bm25 (≈ 10 ms on SQLite)
CANDIDATES = 200  # items read and scored
LIKE_KEYS = 3  # key pairs looked for on PostgreSQL: each one more LIKE over every title of the years
SHOWN = [SuggestionRow.workflow_id, SuggestionRow.year, SuggestionRow.number, SuggestionRow.title,
         SuggestionRow.stage, SuggestionRow.lead_unit, SuggestionRow.result_class,
         func.substr(SuggestionRow.body, 1, BODY_PREFIX).label("body")]


def similar_items(session: Session, actor: Actor, row: SuggestionRow, limit: int = 5) -> list[tuple[Row, float]]:
    """The items most like `row` that `actor` may open, with their score (0..1, at least MIN_SCORE), the
    closest first: each a row of workflow_id, year, number, title, stage, lead_unit, result_class and the
    start of its body."""
    indexed = uses_index(session)
    keys = key_pairs(row.title, row.body, KEYS if indexed else LIKE_KEYS)
    if not keys:
        return []
    candidates = _indexed(row, keys) if indexed and actor.role in SEES_ALL else _scanned(row, keys, actor)
    mine = profile(row.title, row.body)
    scored = [(r, score(mine, profile(r.title, r.body))) for r in session.execute(candidates)]
    scored = [(r, s) for r, s in scored if s >= MIN_SCORE]
    scored.sort(key=lambda pair: (-pair[1], -pair[0].year, pair[0].number))
    return scored[:limit]


def _fts_query(keys: list[str]) -> str:
    """Any of the pairs in the title column (each pair one token of the index: ledger.search.pair_tokens)."""
    return "{title} : (" + " OR ".join(f'"{pair_tokens(k)}"' for k in keys) + ")"


def _indexed(row: SuggestionRow, keys: list[str]) -> Select:
    """For a reader who sees every item (SEES_ALL): no scope to apply."""
    window = (
        select(SearchRow.workflow_id.label("wid"), SearchRow.year, func.bm25(literal_column(INDEX)).label("rank"))
        .select_from(INDEX_TABLE.join(SearchRow, SearchRow.id == INDEX_TABLE.c.rowid))
        .where(text(f"{INDEX} MATCH :keys").bindparams(keys=_fts_query(keys)), SearchRow.year <= row.year,
               SearchRow.workflow_id != row.workflow_id)
        .order_by(INDEX_TABLE.c.rowid.desc()).limit(WINDOW).subquery()
    )
    best = select(window.c.wid).order_by(window.c.rank, window.c.year.desc()).limit(CANDIDATES).subquery()
    return select(*SHOWN).join(best, best.c.wid == SuggestionRow.workflow_id)


def _holds(pair: str):
    """The title holds the pair (pairs have no LIKE wildcards: only letters and digits); ASCII letters in
    either case, as the pairs are folded."""
    title = func.lower(SuggestionRow.title) if any(ch.isascii() and ch.isalpha() for ch in pair) else SuggestionRow.title
    return title.like(f"%{pair}%")


def _scanned(row: SuggestionRow, keys: list[str], actor: Actor) -> Select:
    holds = [_holds(pair) for pair in keys]
    held = sum((case((h, 1), else_=0) for h in holds[1:]), case((holds[0], 1), else_=0))
    stmt = scoped(select(*SHOWN), actor).where(
        SuggestionRow.year <= row.year, SuggestionRow.workflow_id != row.workflow_id, or_(*holds))
    return stmt.order_by(held.desc(), SuggestionRow.year.desc(), SuggestionRow.number.desc()).limit(CANDIDATES)
