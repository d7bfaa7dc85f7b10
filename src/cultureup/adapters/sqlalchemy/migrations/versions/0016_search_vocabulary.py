"""the search index's vocabulary, to expand the last word of a query to its terms

Revision ID: 0016
Revises: 0015

SQLite only: `search_documents_vocab` (fts5vocab, one row per indexed term) lists the terms that
start with the last word of a query, so that a few exact terms are matched (`"sunset" OR
"sunsets"`) instead of FTS5's prefix query, which merges every matching term's posting list in
full before the first row (20 times the work for a word in 60% of the documents).
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_documents_vocab "
                   "USING fts5vocab(search_documents_fts, row)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_documents_vocab")
