"""search_rows and search_index: the text search's full-text index on SQLite (ledger.search),
filled for the items already in the ledger. PostgreSQL searches the suggestions table itself.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 19:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BATCH = 5000


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_table('search_rows',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('workflow_id', sa.String(length=80), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['workflow_id'], ['suggestions.workflow_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workflow_id')
    )
    op.create_index('ix_search_rows_list_order', 'search_rows', [sa.text('year DESC'), 'number'])
    op.execute("CREATE VIRTUAL TABLE search_index USING fts5("
               "title, body, number, content='', tokenize='unicode61 remove_diacritics 0')")
    _fill()


def _fill() -> None:
    from ledger.search import add_to_index

    connection = op.get_bind()
    page = sa.text("SELECT workflow_id, year, number, title, body FROM suggestions WHERE workflow_id > :after "
                   "ORDER BY workflow_id LIMIT :size")
    after, next_id = "", 1
    while batch := connection.execute(page, {"after": after, "size": BATCH}).all():
        add_to_index(connection, next_id, [r._asdict() for r in batch])
        after, next_id = batch[-1].workflow_id, next_id + len(batch)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE search_index")
    op.drop_index('ix_search_rows_list_order', table_name='search_rows')
    op.drop_table('search_rows')
