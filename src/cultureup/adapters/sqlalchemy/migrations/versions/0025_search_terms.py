"""SQLite: the search index's terms in a table of their own, to expand a query's last word

Revision ID: 0025
Revises: 0024

The last word of a query is expanded to the indexed terms that start with it (migration 0016).
They were listed from FTS5's vocabulary table, which counts every listed term's documents as it
lists it: for a word in 60% of a million documents, reading its whole posting list took 34 ms of
a 45 ms search. `search_documents_terms` holds each word that a search document's body has held
(the body is the folded words separated by single spaces, as the index tokenizes it), written by
a trigger on search_documents in the same transaction as the document; a range of its primary
key lists a prefix's terms at once. Terms are never removed when their last document goes: such
a term matches nothing, and counts towards the bound on expanded terms
(`search_queries.EXPANDED_TERMS`) until the table is rebuilt from the index's vocabulary, as
this migration fills it (`DELETE FROM search_documents_terms`, then `INSERT INTO
search_documents_terms SELECT term FROM search_documents_vocab`). PostgreSQL: nothing (its
prefix match reads the GIN index)."""

from __future__ import annotations

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

# The body's words as rows: the words hold letters, digits, marks and private-use characters
# only (domain.text.search_words), never a quote, backslash or control character, so they are
# JSON strings as they stand.
WORDS = ("SELECT value FROM json_each('[\"' || replace(new.body, ' ', '\",\"') || '\"]') "
         "WHERE value <> ''")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE search_documents_terms (term TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID")
    # Every term of the index (the kinds' names too: harmless, the match is on the body).
    op.execute("INSERT INTO search_documents_terms (term) SELECT term FROM search_documents_vocab")
    for event in ("INSERT", "UPDATE OF body"):
        name = "search_documents_terms_ai" if event == "INSERT" else "search_documents_terms_au"
        # ON CONFLICT, not INSERT OR IGNORE: the conflict clause of the statement that fires
        # the trigger (the search documents' upsert) would override an OR clause here.
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON search_documents "
                   f"BEGIN INSERT INTO search_documents_terms (term) {WORDS} "
                   f"ON CONFLICT (term) DO NOTHING; END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS search_documents_terms_ai")
    op.execute("DROP TRIGGER IF EXISTS search_documents_terms_au")
    op.execute("DROP TABLE IF EXISTS search_documents_terms")
