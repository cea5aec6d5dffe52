"""handling year and key supervision columns

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:00:15.671512
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Existing items are in their year of registration until they next change.
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handling_year', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('key_status', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('key_theme', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_suggestions_handling_year'), ['handling_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestions_key_status'), ['key_status'], unique=False)
    op.execute("UPDATE suggestions SET handling_year = year WHERE handling_year = 0")


def downgrade() -> None:
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestions_key_status'))
        batch_op.drop_index(batch_op.f('ix_suggestions_handling_year'))
        batch_op.drop_column('key_theme')
        batch_op.drop_column('key_status')
        batch_op.drop_column('handling_year')
