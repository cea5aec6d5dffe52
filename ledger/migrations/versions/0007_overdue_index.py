"""suggestions: an index on (overdue, workflow_id), so an overdue list for a unit (its items come as a
list of ids from assignments) is counted from the index instead of reading each of the unit's rows

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:40:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_suggestions_overdue_workflow', 'suggestions', ['overdue', 'workflow_id'])


def downgrade() -> None:
    op.drop_index('ix_suggestions_overdue_workflow', table_name='suggestions')
