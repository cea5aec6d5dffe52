"""suggestions: the worklist's and the oversight board's covering indexes; partial indexes for the few

With 200,000 items, sorting the open items for a worklist and counting them per unit for the oversight board
read every item's row (each wide with its state): 250-300 ms each. These indexes hold every column those
queries read, so no row is. The indexes on the interview and consultation flags and on key supervision become
partial (only the rows that have one): with the table's statistics (ANALYZE) SQLite judged an index over a
column that is almost always false or empty useless, and read every row instead.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 03:45:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


PARTIAL = {  # name: (column, where)
    "ix_suggestions_interview_due": ("workflow_id", "interview_due"),
    "ix_suggestions_consultation_due": ("workflow_id", "consultation_due"),
    "ix_suggestions_key_status": ("key_status", "key_status IS NOT NULL"),
}


def _where(flag_or_condition: str) -> dict:
    """The index's condition in each dialect (a flag is 1 in SQLite, true in PostgreSQL)."""
    sqlite = f"{flag_or_condition} = 1" if " " not in flag_or_condition else flag_or_condition
    return {"sqlite_where": sa.text(sqlite), "postgresql_where": sa.text(flag_or_condition)}


def upgrade() -> None:
    for name, (column, where) in PARTIAL.items():
        op.drop_index(name, table_name="suggestions")
        op.create_index(name, "suggestions", [column], **_where(where))
    op.create_index("ix_suggestions_worklist", "suggestions",
                    ["stage", "warning_level", "next_due_at", "year", "number", "workflow_id"])
    op.create_index("ix_suggestions_warnings", "suggestions", ["lead_unit", "stage", "warning_level", "overdue"])


def downgrade() -> None:
    for name in PARTIAL:  # back to a plain index on the column its name says
        op.drop_index(name, table_name="suggestions")
        op.create_index(name, "suggestions", [name.removeprefix("ix_suggestions_")])
    op.drop_index("ix_suggestions_warnings", table_name="suggestions")
    op.drop_index("ix_suggestions_worklist", table_name="suggestions")
