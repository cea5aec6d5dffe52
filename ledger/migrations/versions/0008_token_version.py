"""users: token_version, raised when a user's password changes or the user is disabled, so every token
issued before stops working (a token carries the version it was issued at)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 23:50:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


# Plain ALTER TABLE, not a batch: on SQLite a batch copies the table, and other tables' rows point at users.
def upgrade() -> None:
    op.add_column('users', sa.Column('token_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    op.execute("ALTER TABLE users DROP COLUMN token_version")
