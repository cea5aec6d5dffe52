"""suggestions: kind (domain.kinds.Kind)

Every kind of item (suggestions, inquiry letters …) is kept in the one table. Numbers stay unique per year
across kinds: each kind numbers its own series under its prefix (0001 for suggestions, WZ0001 for inquiry
letters), so no constraint changes (on SQLite that would rebuild the table the others refer to).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:30:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('suggestions', sa.Column('kind', sa.String(24), nullable=False, server_default='suggestion'))


def downgrade() -> None:
    op.execute("ALTER TABLE suggestions DROP COLUMN kind")
