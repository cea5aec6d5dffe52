"""contacts: phase, which of the four contacts with the deputy (四沟通) each one is

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 02:10:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('contacts', sa.Column('phase', sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE contacts DROP COLUMN phase")
