"""suggestions: interview_due and consultation_due, the oversight board's "约谈、面商待办" as columns

Read from each item's state until now, which meant loading every overdue item's whole state (a second and
more with 200,000 items in the ledger).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 03:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FLAGS = ("interview_due", "consultation_due")


def upgrade() -> None:
    for flag in FLAGS:
        op.add_column('suggestions', sa.Column(flag, sa.Boolean(), nullable=False, server_default=sa.false()))
    # Only open items can have one due; the state says which.
    if op.get_bind().dialect.name == "postgresql":
        read = "COALESCE((state->>'{flag}')::boolean, false)"
    else:
        read = "COALESCE(json_extract(state, '$.{flag}'), 0)"
    sets = ", ".join(f"{flag} = {read.format(flag=flag)}" for flag in FLAGS)
    op.execute(f"UPDATE suggestions SET {sets} WHERE stage NOT IN ('closed', 'converted')")
    for flag in FLAGS:  # few are true: the board finds them through these, never reading the rows' ends
        op.create_index(f"ix_suggestions_{flag}", "suggestions", [flag])


def downgrade() -> None:
    for flag in FLAGS:
        op.drop_index(f"ix_suggestions_{flag}", table_name="suggestions")
        op.execute(f"ALTER TABLE suggestions DROP COLUMN {flag}")
