"""PostgreSQL: each kind's search documents newest first, through an index of its own

Revision ID: 0023
Revises: 0022

A search group reads its kind's newest matches. The B-tree on (kind, id) of migration 0014
never served that order: the query's `kind = 'artwork'` compares the column cast to text, so
the planner does not see the index's first column as fixed, and it walked the primary key
backwards instead, testing every newer document of the other kinds first (100k job
documents before the first artwork, 200 ms, and the whole table for a word no document holds).
A partial index of the ids per kind (`WHERE kind = 'artwork'`) is ordered by id alone and
proved from the same condition. SQLite: nothing (FTS5 reads its kind's posting list).
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

KINDS = ("artwork", "job", "artist")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for kind in KINDS:
        op.execute(f"CREATE INDEX ix_search_documents_{kind}_id ON search_documents (id) "
                   f"WHERE kind = '{kind}'")
    op.execute("ANALYZE search_documents")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for kind in KINDS:
        op.execute(f"DROP INDEX ix_search_documents_{kind}_id")
