"""the kind of a search document inside the full-text index

Revision ID: 0014
Revises: 0013

A search group reads the newest matches of one kind (artworks, jobs or artists). With the
kind outside the index, a common word's matches of the other kinds were read and dropped one
by one before the first of the group's kind (all 60,000 job matches of a word before the
artworks loaded earlier, and every match for the artists group that has none).

SQLite: the FTS5 table gets the `kind` column of search_documents (external content, so the
text is not stored twice); a query says `kind : "artwork" AND body : (...)` and FTS5
intersects the two posting lists, newest first. bm25 gives the kind column no weight. The
index is rebuilt from search_documents.

PostgreSQL: each kind already has its own GIN index; a B-tree on (kind, id) lets the planner
walk one kind's documents newest first, testing each against the query, when its statistics
say a word is common (the newest 500 matches are then near the start of the walk).
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TOKENIZE = "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\", prefix='2 3'"
FTS_TRIGGERS = ("search_documents_ai", "search_documents_ad", "search_documents_au")


def _sqlite_index(columns: str) -> None:
    """The FTS5 table over `columns` of search_documents, its triggers, and its content
    (`columns` is one of this module's constants, never input)."""
    for name in FTS_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS search_documents_fts")
    op.execute(f"CREATE VIRTUAL TABLE search_documents_fts USING fts5({columns}, "
               f"content='search_documents', content_rowid='id', {TOKENIZE})")
    new = ", ".join(f"new.{name}" for name in columns.split(", "))
    old = ", ".join(f"old.{name}" for name in columns.split(", "))
    delete = (f"INSERT INTO search_documents_fts (search_documents_fts, rowid, {columns}) "  # noqa: S608
              f"VALUES ('delete', old.id, {old})")
    insert = f"INSERT INTO search_documents_fts (rowid, {columns}) VALUES (new.id, {new})"  # noqa: S608
    op.execute(f"CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents "
               f"BEGIN {insert}; END")
    op.execute(f"CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents "
               f"BEGIN {delete}; END")
    op.execute(f"CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents "
               f"BEGIN {delete}; {insert}; END")
    op.execute("INSERT INTO search_documents_fts (search_documents_fts) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_index("kind, body")
        # bm25 weights per column: the kind matches every document of its kind alike.
        op.execute("INSERT INTO search_documents_fts (search_documents_fts, rank) "
                   "VALUES ('rank', 'bm25(0.0, 1.0)')")
    else:
        op.execute("CREATE INDEX ix_search_documents_kind_id ON search_documents (kind, id)")
        op.execute("ANALYZE search_documents")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_index("body")
    else:
        op.execute("DROP INDEX ix_search_documents_kind_id")
