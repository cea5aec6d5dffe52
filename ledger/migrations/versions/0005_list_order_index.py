"""suggestions: an index in the lists' order (newest year first, then number), so a page of a
filtered or searched list is read in order and stops after page_size rows instead of sorting
every match

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:10:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_suggestions_list_order', 'suggestions', [sa.text('year DESC'), 'number'])


def downgrade() -> None:
    op.drop_index('ix_suggestions_list_order', table_name='suggestions')
