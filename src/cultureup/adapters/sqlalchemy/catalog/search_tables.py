"""The search index, built by migration 0005 with SQL of each database and kept out of
`metadata`: `search_documents` (kind, ref_id, body), plus the FTS5 table
`search_documents_fts` on SQLite or the `document` tsvector column on PostgreSQL. Triggers on
artworks, jobs, artist_profiles and users keep it up to date; nothing in Python writes it."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text, column, table

SEARCH_TABLE_PREFIX = "search_documents"

search_documents = table(
    "search_documents",
    column("id", Integer), column("kind", String), column("ref_id", Integer),
    column("body", Text),
)
# SQLite only: `rowid` is search_documents.id; `rank` is bm25, lower is better.
search_documents_fts = table("search_documents_fts", column("rowid", Integer), column("rank"))


def include_in_autogenerate(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic `include_name` hook: the search tables (and FTS5's shadow tables) are not in
    `metadata`, and autogenerate must not propose dropping them."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLE_PREFIX))
