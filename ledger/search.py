"""Text search over the items' title, body and number (the lists' `q`): a literal substring (LIKE's
wildcards are plain characters), ASCII letters in either case on SQLite; PostgreSQL's LIKE minds
the case (its ILIKE scans three times slower).

On SQLite a LIKE over every item read all of each item's row (its state JSON with it): 0.3 s at
200,000 items. There the ledger keeps a full-text index (migration 0006): SQLite's FTS5 over the
**character pairs** (bigrams) of each field, each pair written as one hex token. A term of two or
more characters is then the FTS5 phrase of its own pairs — the pairs one after another in one
field, which is exactly where the term occurs — so the index answers exactly what the LIKE would,
including for the two-character words common in Chinese that a trigram index cannot serve. One
character has no pair: that search reads every item (`like_clause`).

The index is contentless (it keeps the tokens' positions, not the text): `search_rows` ties its
integer rowids to the items and carries year and number, so a search counts and orders its
matches without reading the items' rows. PostgreSQL keeps the state JSON out of the table's rows
(TOAST) and scans them in parallel: it searches with the LIKE.
"""

from __future__ import annotations

from sqlalchemy import Select, column, delete, insert, or_, select, table, text
from sqlalchemy.orm import Session

from ledger.rows import SearchRow, SuggestionRow

# SQLite's LIKE ignores the case of ASCII letters, and only theirs: the index folds text the same way.
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
FIELDS = ("title", "body", "number")
INDEX = "search_index"  # the FTS5 table (SQLite only), its rowid = search_rows.id
INDEX_TABLE = table(INDEX, column("rowid"))
INSERT_SQL = text(f"INSERT INTO {INDEX}(rowid, title, body, number) VALUES (:id, :title, :body, :number)")
# A contentless FTS5 table forgets a row when given the tokens it was indexed with.
DELETE_SQL = text(f"INSERT INTO {INDEX}({INDEX}, rowid, title, body, number) VALUES ('delete', :id, :title, :body, :number)")


def pair_tokens(text_: str | None) -> str:
    """A field as the index holds it: each pair of neighbouring characters as one token (their code
    points in hex, so the tokenizer never splits or folds a pair), space-separated, in order."""
    folded = (text_ or "").translate(ASCII_LOWER)
    return " ".join(f"{ord(a):x}x{ord(b):x}" for a, b in zip(folded, folded[1:]))


def phrase(term: str) -> str | None:
    """The FTS5 query for a term (its pairs as one phrase), or None for a single character."""
    tokens = pair_tokens(term)
    return f'"{tokens}"' if tokens else None


def uses_index(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def like_clause(term: str):
    """The term as a literal substring of title, body or number (LIKE's wildcards escaped)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(*(getattr(SuggestionRow, name).like(pattern, escape="\\") for name in FIELDS))


def matching_rows(term: str) -> Select:
    """search_rows whose item has the term (two characters or more: see `phrase`)."""
    # The matches as a table of their own, joined to search_rows: SQLite would otherwise run the match
    # again for each row it checks (a year's rows), or probe every pair of it and a reader's scope.
    hits = (select(INDEX_TABLE.c.rowid).where(text(f"{INDEX} MATCH :phrase").bindparams(phrase=phrase(term)))
            .cte("hits").prefix_with("MATERIALIZED"))
    return select(SearchRow.workflow_id).select_from(hits.join(SearchRow, SearchRow.id == hits.c.rowid))


def _tokens(item: dict) -> dict[str, str]:
    return {name: pair_tokens(item.get(name)) for name in FIELDS}


def add_to_index(connection, first_id: int, items: list[dict]) -> None:
    """Index items not indexed yet, in bulk (dicts with workflow_id, year, number, title and body),
    as search_rows first_id, first_id + 1, …: for filling a ledger (migration 0006, benchmarks)."""
    ids = range(first_id, first_id + len(items))
    connection.execute(insert(SearchRow), [dict(id=i, workflow_id=r["workflow_id"], year=r["year"], number=r["number"])
                                           for i, r in zip(ids, items)])
    connection.execute(INSERT_SQL, [dict(id=i, **_tokens(r)) for i, r in zip(ids, items)])


def reindex(session: Session, item: dict, before: dict | None) -> None:
    """Index an item's text anew (dicts as in add_to_index; `before`: as last indexed, None for a new item)."""
    if before is not None:
        old_id = session.scalar(select(SearchRow.id).where(SearchRow.workflow_id == item["workflow_id"]))
        if old_id is not None:
            session.execute(DELETE_SQL, {"id": old_id, **_tokens(before)})
            session.execute(delete(SearchRow).where(SearchRow.id == old_id))
    new_id = session.execute(
        insert(SearchRow).values(workflow_id=item["workflow_id"], year=item["year"], number=item["number"])
        .returning(SearchRow.id)
    ).scalar_one()
    session.execute(INSERT_SQL, {"id": new_id, **_tokens(item)})
