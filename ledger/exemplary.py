"""The year's exemplary handled items (优秀提案办理), kept in the ledger (ledger.rows.ExemplaryRow)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.rows import ExemplaryRow, SuggestionRow


def selected(session: Session, year: int, as_of: datetime | None = None) -> list[tuple[ExemplaryRow, SuggestionRow]]:
    """The year's selections (up to `as_of`) with their items, in number order."""
    stmt = (select(ExemplaryRow, SuggestionRow).join(SuggestionRow, SuggestionRow.workflow_id == ExemplaryRow.workflow_id)
            .where(ExemplaryRow.year == year).order_by(SuggestionRow.number))
    if as_of is not None:
        stmt = stmt.where(ExemplaryRow.selected_at <= as_of)
    return [(e, s) for e, s in session.execute(stmt)]


def selection_of(session: Session, workflow_id: str) -> ExemplaryRow | None:
    return session.get(ExemplaryRow, workflow_id)


def add_selection(session: Session, workflow_id: str, year: int, reason: str, by: str, at: datetime) -> ExemplaryRow:
    row = ExemplaryRow(workflow_id=workflow_id, year=year, reason=reason, selected_by=by, selected_at=at)
    session.add(row)
    session.commit()
    return row


def withdraw_selection(session: Session, row: ExemplaryRow) -> None:
    session.delete(row)
    session.commit()
