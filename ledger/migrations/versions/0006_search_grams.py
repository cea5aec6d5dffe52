"""search_grams: the text search's index (ledger.search), the unigrams and bigrams of every item's
title, body and number; filled here for the items already in the ledger

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 17:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from ledger.search import item_grams


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BATCH = 1000  # items read and indexed at a time


def upgrade() -> None:
    grams = op.create_table(
        'search_grams',
        sa.Column('gram', sa.String(length=2), nullable=False),
        sa.Column('workflow_id', sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint('gram', 'workflow_id'),
        sqlite_with_rowid=False,
    )
    suggestions = sa.table('suggestions', sa.column('workflow_id'), sa.column('title'), sa.column('body'), sa.column('number'))
    connection = op.get_bind()
    last = ''
    while True:  # in pages of the primary key, so no cursor stays open across the inserts
        rows = connection.execute(
            sa.select(suggestions).where(suggestions.c.workflow_id > last).order_by(suggestions.c.workflow_id).limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(grams.insert(), [
            {'gram': gram, 'workflow_id': row.workflow_id}
            for row in rows for gram in sorted(item_grams(row.title, row.body, row.number))
        ])
        last = rows[-1].workflow_id


def downgrade() -> None:
    op.drop_table('search_grams')
