"""global search: search_documents kept up to date by triggers, with a full-text index

Revision ID: 0005
Revises: 0004

One row per searchable thing in `search_documents` (kind, ref_id, body): artworks (title and
description), jobs (title and description) and artist profiles (username, first and last
name, bio and skills). Triggers on the base tables rewrite the row in the same transaction as
the change, so every write path (HTTP, CLI, sample data, SQL typed by hand) keeps it right.

- SQLite: an external-content FTS5 table `search_documents_fts` over `body`, kept in step with
  `search_documents` by three more triggers.
- PostgreSQL: a generated `tsvector` column `document`, with one partial GIN index per kind.

The table is not part of `metadata` (its shape differs per database); env.py keeps
autogenerate away from it. SQLite drops a table's triggers with the table, so a later
migration that rebuilds artworks, jobs, users or artist_profiles in batch mode must create the
triggers again (tests/integration/test_search_api.py fails when one is missing).
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Every piece of SQL below is put together from the constants of this file, never from input.
KINDS = ("artwork", "job", "artist")
# The text each kind is found by, from the columns of its own row (`row` is NEW or the table).
ARTWORK_BODY = "{row}.title || ' ' || {row}.description"
JOB_BODY = "{row}.title || ' ' || {row}.description"
ARTIST_BODY = ("u.username || ' ' || u.first_name || ' ' || u.last_name || ' ' || p.bio"
               " || ' ' || p.skills")

# Key space of the PostgreSQL advisory locks that order concurrent changes to one artist's
# document (a profile edit and a rename arriving together); the second key is the user id.
ARTIST_LOCK_CLASS = 4_510_501


def _upsert(kind: str, ref_id: str, body: str) -> str:
    return (f"INSERT INTO search_documents (kind, ref_id, body) VALUES ('{kind}', {ref_id}, "  # noqa: S608
            f"{body}) ON CONFLICT (ref_id, kind) DO UPDATE SET body = excluded.body")


def _upsert_artist(user_id: str) -> str:
    """The artist's document from the current profile and user rows (nothing without a
    profile). The WHERE clause also settles SQLite's SELECT ... ON CONFLICT parse ambiguity."""
    return ("INSERT INTO search_documents (kind, ref_id, body) "  # noqa: S608
            f"SELECT 'artist', p.user_id, {ARTIST_BODY} FROM artist_profiles p "
            f"JOIN users u ON u.id = p.user_id WHERE p.user_id = {user_id} "
            "ON CONFLICT (ref_id, kind) DO UPDATE SET body = excluded.body")


def _delete(kind: str, ref_id: str) -> str:
    return f"DELETE FROM search_documents WHERE kind = '{kind}' AND ref_id = {ref_id}"  # noqa: S608


def _changed(*columns: str, distinct: str) -> str:
    return " OR ".join(f"old.{column} {distinct} new.{column}" for column in columns)


BACKFILL = [
    "INSERT INTO search_documents (kind, ref_id, body) "  # noqa: S608
    f"SELECT 'artwork', id, {ARTWORK_BODY.format(row='artworks')} FROM artworks",
    "INSERT INTO search_documents (kind, ref_id, body) "  # noqa: S608
    f"SELECT 'job', id, {JOB_BODY.format(row='jobs')} FROM jobs",
    "INSERT INTO search_documents (kind, ref_id, body) "  # noqa: S608
    f"SELECT 'artist', p.user_id, {ARTIST_BODY} FROM artist_profiles p "
    "JOIN users u ON u.id = p.user_id",
]

# (trigger name, table, when, update columns, condition, SQL) for SQLite.
SQLITE_TRIGGERS = [
    ("search_artworks_ai", "artworks", "INSERT", None,
     _upsert("artwork", "new.id", ARTWORK_BODY.format(row="new"))),
    ("search_artworks_au", "artworks", "UPDATE OF title, description",
     _changed("title", "description", distinct="IS NOT"),
     _upsert("artwork", "new.id", ARTWORK_BODY.format(row="new"))),
    ("search_artworks_ad", "artworks", "DELETE", None, _delete("artwork", "old.id")),
    ("search_jobs_ai", "jobs", "INSERT", None,
     _upsert("job", "new.id", JOB_BODY.format(row="new"))),
    ("search_jobs_au", "jobs", "UPDATE OF title, description",
     _changed("title", "description", distinct="IS NOT"),
     _upsert("job", "new.id", JOB_BODY.format(row="new"))),
    ("search_jobs_ad", "jobs", "DELETE", None, _delete("job", "old.id")),
    ("search_artist_profiles_ai", "artist_profiles", "INSERT", None,
     _upsert_artist("new.user_id")),
    ("search_artist_profiles_au", "artist_profiles", "UPDATE OF bio, skills",
     _changed("bio", "skills", distinct="IS NOT"), _upsert_artist("new.user_id")),
    ("search_artist_profiles_ad", "artist_profiles", "DELETE", None,
     _delete("artist", "old.user_id")),
    ("search_users_au", "users", "UPDATE OF username, first_name, last_name",
     _changed("username", "first_name", "last_name", distinct="IS NOT"),
     _upsert_artist("new.id")),
    # The full-text index follows search_documents (the external-content FTS5 pattern).
    ("search_documents_ai", "search_documents", "INSERT", None,
     "INSERT INTO search_documents_fts (rowid, body) VALUES (new.id, new.body)"),
    ("search_documents_ad", "search_documents", "DELETE", None,
     "INSERT INTO search_documents_fts (search_documents_fts, rowid, body) "
     "VALUES ('delete', old.id, old.body)"),
    ("search_documents_au", "search_documents", "UPDATE", None,
     "INSERT INTO search_documents_fts (search_documents_fts, rowid, body) "
     "VALUES ('delete', old.id, old.body); "
     "INSERT INTO search_documents_fts (rowid, body) VALUES (new.id, new.body)"),
]


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE TABLE search_documents ("
        " id INTEGER NOT NULL PRIMARY KEY,"
        " kind VARCHAR(16) NOT NULL,"
        " ref_id INTEGER NOT NULL,"
        " body TEXT NOT NULL,"
        " CONSTRAINT uq_search_documents_ref_id_kind UNIQUE (ref_id, kind))")
    # unicode61: words are runs of letters and digits, folded to lower case; diacritics are
    # kept, as PostgreSQL's `simple` configuration keeps them. Prefix indexes of 2 and 3
    # characters make the usual "logo des" (last word as a prefix) cheap.
    op.execute(
        "CREATE VIRTUAL TABLE search_documents_fts USING fts5("
        "body, content='search_documents', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0', prefix='2 3')")
    for name, table, event, condition, sql in SQLITE_TRIGGERS[-3:]:
        op.execute(_sqlite_trigger(name, table, event, condition, sql))
    for sql in BACKFILL:
        op.execute(sql)
    for name, table, event, condition, sql in SQLITE_TRIGGERS[:-3]:
        op.execute(_sqlite_trigger(name, table, event, condition, sql))


def _sqlite_trigger(name: str, table: str, event: str, condition: str | None,
                    sql: str) -> str:
    when = f" WHEN {condition}" if condition else ""
    return f"CREATE TRIGGER {name} AFTER {event} ON {table}{when} BEGIN {sql}; END"


# (function name, body) and (trigger name, table, event, condition, function) for PostgreSQL.
POSTGRESQL_FUNCTIONS = {
    "search_index_artwork": f"""
        IF TG_OP = 'DELETE' THEN
            {_delete("artwork", "OLD.id")};
        ELSE
            {_upsert("artwork", "NEW.id", ARTWORK_BODY.format(row="NEW"))};
        END IF;
        RETURN NULL;""",
    "search_index_job": f"""
        IF TG_OP = 'DELETE' THEN
            {_delete("job", "OLD.id")};
        ELSE
            {_upsert("job", "NEW.id", JOB_BODY.format(row="NEW"))};
        END IF;
        RETURN NULL;""",
    # A profile edit and a rename of the same artist in two concurrent transactions would each
    # compute the body from a snapshot without the other's change; the lock makes the second
    # wait for the first to commit, and its next statement then sees that commit.
    "search_index_artist_profile": f"""
        IF TG_OP = 'DELETE' THEN
            PERFORM pg_advisory_xact_lock({ARTIST_LOCK_CLASS}, OLD.user_id);
            {_delete("artist", "OLD.user_id")};
        ELSE
            PERFORM pg_advisory_xact_lock({ARTIST_LOCK_CLASS}, NEW.user_id);
            {_upsert_artist("NEW.user_id")};
        END IF;
        RETURN NULL;""",
    "search_index_artist_user": f"""
        PERFORM pg_advisory_xact_lock({ARTIST_LOCK_CLASS}, NEW.id);
        {_upsert_artist("NEW.id")};
        RETURN NULL;""",
}
POSTGRESQL_TRIGGERS = [
    ("search_artworks_ai", "artworks", "INSERT", None, "search_index_artwork"),
    ("search_artworks_au", "artworks", "UPDATE OF title, description",
     _changed("title", "description", distinct="IS DISTINCT FROM"), "search_index_artwork"),
    ("search_artworks_ad", "artworks", "DELETE", None, "search_index_artwork"),
    ("search_jobs_ai", "jobs", "INSERT", None, "search_index_job"),
    ("search_jobs_au", "jobs", "UPDATE OF title, description",
     _changed("title", "description", distinct="IS DISTINCT FROM"), "search_index_job"),
    ("search_jobs_ad", "jobs", "DELETE", None, "search_index_job"),
    ("search_artist_profiles_ai", "artist_profiles", "INSERT", None,
     "search_index_artist_profile"),
    ("search_artist_profiles_au", "artist_profiles", "UPDATE OF bio, skills",
     _changed("bio", "skills", distinct="IS DISTINCT FROM"), "search_index_artist_profile"),
    ("search_artist_profiles_ad", "artist_profiles", "DELETE", None,
     "search_index_artist_profile"),
    ("search_users_au", "users", "UPDATE OF username, first_name, last_name",
     _changed("username", "first_name", "last_name", distinct="IS DISTINCT FROM"),
     "search_index_artist_user"),
]


def _postgresql_upgrade() -> None:
    # Punctuation becomes a space before parsing, so that a word is a run of letters and
    # digits as on SQLite (the default parser would otherwise keep "john.doe" or an e-mail
    # address as one token). `simple`: lower case, no stemming, no stop words. The length
    # cap keeps any body within the 1 MB limit of a tsvector.
    op.execute(
        "CREATE TABLE search_documents ("
        " id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
        " kind varchar(16) NOT NULL,"
        " ref_id integer NOT NULL,"
        " body text NOT NULL,"
        " document tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,"
        " regexp_replace(left(body, 100000), '[[:punct:]]+', ' ', 'g'))) STORED,"
        " CONSTRAINT uq_search_documents_ref_id_kind UNIQUE (ref_id, kind))")
    # One GIN index per kind: each group's query reads only its own kind's posting lists,
    # and the planner sees an index that answers both of its conditions.
    for kind in KINDS:
        op.execute(f"CREATE INDEX ix_search_documents_{kind} ON search_documents "
                   f"USING gin (document) WHERE kind = '{kind}'")
    for sql in BACKFILL:
        op.execute(sql)
    for name, body in POSTGRESQL_FUNCTIONS.items():
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                   f"BEGIN{body}\nEND\n$$")
    for name, table, event, condition, function in POSTGRESQL_TRIGGERS:
        when = f" WHEN ({condition})" if condition else ""
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} "
                   f"EXECUTE FUNCTION {function}()")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        _postgresql_upgrade()
    else:  # pragma: no cover - the two databases cultureup runs on
        raise NotImplementedError(f"search is not implemented for {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, *_ in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_documents_fts")
    else:
        for name, table, *_ in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name in POSTGRESQL_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP TABLE IF EXISTS search_documents")
