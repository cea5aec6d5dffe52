"""exemplary_selections: the year's exemplary handled items (优秀提案办理)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 06:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'exemplary_selections',
        sa.Column('workflow_id', sa.String(80), sa.ForeignKey('suggestions.workflow_id'), primary_key=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('selected_by', sa.String(100), nullable=False),
        sa.Column('selected_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_exemplary_year', 'exemplary_selections', ['year'])


def downgrade() -> None:
    op.drop_index('ix_exemplary_year', table_name='exemplary_selections')
    op.drop_table('exemplary_selections')
