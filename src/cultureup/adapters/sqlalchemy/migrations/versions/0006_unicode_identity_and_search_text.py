"""Unicode identity keys for users, and folded search text written to the search index

Revision ID: 0006
Revises: 0005

Identity: `users.username_key` and `users.email_key` (NFKC, case folded, without
default-ignorable characters; `cultureup.domain.text.identity_key`), each uniquely indexed in
place of the `lower(...)` indexes, and `users.username_skeleton` (Unicode TR39, ICU), indexed.
All three are computed here in Python for every stored user. Two accounts whose usernames (or
e-mails) fold to one key cannot both keep it: the migration then stops before changing
anything and lists them, so that an operator decides which to rename. Accounts whose username
is another account's e-mail, or whose usernames look alike, are reported as warnings: login
gives the e-mail to its owner, and new accounts can no longer be made so.

Search: a `search_text` column (the folded words, `cultureup.domain.text.search_text`) on
artworks, jobs, users, artist profiles, buyer profiles and equipment, filled here and then by
the repositories. The triggers of 0005 now copy these columns into `search_documents.body`
instead of the raw text, the SQLite FTS5 table keeps marks inside words as Python does, and
the index is rebuilt for every existing row.
"""

from __future__ import annotations

import importlib.util
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

from cultureup.adapters.security.confusables import IcuConfusableNames
from cultureup.domain.text import identity_key, search_text

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# table -> the columns its search_text is folded from
SEARCH_SOURCES = {
    "artworks": ("title", "description"),
    "jobs": ("title", "description"),
    "users": ("username", "first_name", "last_name"),
    "artist_profiles": ("bio", "skills"),
    "buyer_profiles": ("company_name",),
    "equipment": ("name", "description"),
}
KEYS = {"artist_profiles": "user_id", "buyer_profiles": "user_id"}

# -- identity ------------------------------------------------------------------------------


class IdentityCollision(RuntimeError):
    """Stored accounts that the canonical forms would merge."""


def _identities(bind: sa.Connection) -> list[dict[str, Any]]:
    names = IcuConfusableNames()
    rows = bind.execute(sa.text("SELECT id, username, email FROM users ORDER BY id")).all()
    return [{"id": row.id, "username": row.username, "email": row.email,
             "username_key": identity_key(row.username), "email_key": identity_key(row.email),
             "username_skeleton": names.skeleton(row.username)} for row in rows]


def _groups(users: list[dict[str, Any]], field: str) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for user in users:
        groups[user[field]].append(user)
    return {key: members for key, members in groups.items() if len(members) > 1}


def _describe(members: list[dict[str, Any]], shown: str) -> str:
    return ", ".join(f"user {user['id']} ({user[shown]!r})" for user in members)


def _check_identities(users: list[dict[str, Any]]) -> None:
    problems = [f"  username {key!r}: {_describe(members, 'username')}"
                for key, members in _groups(users, "username_key").items()]
    problems += [f"  e-mail {key!r}: {_describe(members, 'email')}"
                 for key, members in _groups(users, "email_key").items()]
    if problems:
        raise IdentityCollision(
            "Migration 0006 changed nothing: these accounts have usernames or e-mail addresses "
            "that are the same once Unicode case and width are folded, and only one account "
            "may keep each:\n" + "\n".join(problems) + "\nRename the username (or change the "
            "e-mail) of all but one account of each line, then upgrade again.")
    by_email = {user["email_key"]: user for user in users}
    for user in users:
        owner = by_email.get(user["username_key"])
        if owner is not None and owner["id"] != user["id"]:
            log.warning("user %s's username %r is user %s's e-mail; logging in with it opens "
                        "user %s's account", user["id"], user["username"], owner["id"],
                        owner["id"])
    for members in _groups(users, "username_skeleton").values():
        log.warning("usernames that look alike: %s", _describe(members, "username"))


def _upgrade_identities(bind: sa.Connection, users: list[dict[str, Any]]) -> None:
    for name in ("username_key", "email_key", "username_skeleton"):
        op.add_column("users", sa.Column(name, sa.Text(), server_default="", nullable=False))
    if users:
        bind.execute(
            sa.text("UPDATE users SET username_key = :username_key, email_key = :email_key, "
                    "username_skeleton = :username_skeleton WHERE id = :id"),
            [{key: user[key] for key in ("id", "username_key", "email_key",
                                         "username_skeleton")} for user in users])
    op.drop_index("uq_users_username_lower", table_name="users")
    op.drop_index("uq_users_email_lower", table_name="users")
    op.create_index("uq_users_username_key", "users", ["username_key"], unique=True)
    op.create_index("uq_users_email_key", "users", ["email_key"], unique=True)
    op.create_index("ix_users_username_skeleton", "users", ["username_skeleton"])


# -- search text and the index ---------------------------------------------------------------

ARTWORK_BODY = "{row}.search_text"
JOB_BODY = "{row}.search_text"
ARTIST_BODY = "u.search_text || ' ' || p.search_text"
ARTIST_LOCK_CLASS = 4_510_501  # as in 0005


def _upsert(kind: str, ref_id: str, body: str) -> str:
    return (f"INSERT INTO search_documents (kind, ref_id, body) VALUES ('{kind}', {ref_id}, "  # noqa: S608
            f"{body}) ON CONFLICT (ref_id, kind) DO UPDATE SET body = excluded.body")


def _upsert_artist(user_id: str) -> str:
    return ("INSERT INTO search_documents (kind, ref_id, body) "  # noqa: S608
            f"SELECT 'artist', p.user_id, {ARTIST_BODY} FROM artist_profiles p "
            f"JOIN users u ON u.id = p.user_id WHERE p.user_id = {user_id} "
            "ON CONFLICT (ref_id, kind) DO UPDATE SET body = excluded.body")


def _delete(kind: str, ref_id: str) -> str:
    return f"DELETE FROM search_documents WHERE kind = '{kind}' AND ref_id = {ref_id}"  # noqa: S608


def _changed(distinct: str) -> str:
    return f"old.search_text {distinct} new.search_text"


BACKFILL = [
    "INSERT INTO search_documents (kind, ref_id, body) "  # noqa: S608
    f"SELECT 'artwork', id, {ARTWORK_BODY.format(row='artworks')} FROM artworks",
    "INSERT INTO search_documents (kind, ref_id, body) "  # noqa: S608
    f"SELECT 'job', id, {JOB_BODY.format(row='jobs')} FROM jobs",
    "INSERT INTO search_documents (kind, ref_id, body) "  # noqa: S608
    f"SELECT 'artist', p.user_id, {ARTIST_BODY} FROM artist_profiles p "
    "JOIN users u ON u.id = p.user_id",
]

# The triggers of 0005 on the base tables, replaced here (the same names).
BASE_TRIGGERS = [
    ("search_artworks_ai", "artworks"), ("search_artworks_au", "artworks"),
    ("search_artworks_ad", "artworks"), ("search_jobs_ai", "jobs"), ("search_jobs_au", "jobs"),
    ("search_jobs_ad", "jobs"), ("search_artist_profiles_ai", "artist_profiles"),
    ("search_artist_profiles_au", "artist_profiles"),
    ("search_artist_profiles_ad", "artist_profiles"), ("search_users_au", "users"),
]
FTS_TRIGGERS = ["search_documents_ai", "search_documents_ad", "search_documents_au"]

SQLITE_TRIGGERS = [
    ("search_artworks_ai", "artworks", "INSERT", None,
     _upsert("artwork", "new.id", ARTWORK_BODY.format(row="new"))),
    ("search_artworks_au", "artworks", "UPDATE OF search_text", _changed("IS NOT"),
     _upsert("artwork", "new.id", ARTWORK_BODY.format(row="new"))),
    ("search_artworks_ad", "artworks", "DELETE", None, _delete("artwork", "old.id")),
    ("search_jobs_ai", "jobs", "INSERT", None,
     _upsert("job", "new.id", JOB_BODY.format(row="new"))),
    ("search_jobs_au", "jobs", "UPDATE OF search_text", _changed("IS NOT"),
     _upsert("job", "new.id", JOB_BODY.format(row="new"))),
    ("search_jobs_ad", "jobs", "DELETE", None, _delete("job", "old.id")),
    ("search_artist_profiles_ai", "artist_profiles", "INSERT", None,
     _upsert_artist("new.user_id")),
    ("search_artist_profiles_au", "artist_profiles", "UPDATE OF search_text",
     _changed("IS NOT"), _upsert_artist("new.user_id")),
    ("search_artist_profiles_ad", "artist_profiles", "DELETE", None,
     _delete("artist", "old.user_id")),
    ("search_users_au", "users", "UPDATE OF search_text", _changed("IS NOT"),
     _upsert_artist("new.id")),
]
SQLITE_FTS_TRIGGERS = [
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


def _sqlite_trigger(name: str, table: str, event: str, condition: str | None,
                    sql: str) -> str:
    when = f" WHEN {condition}" if condition else ""
    return f"CREATE TRIGGER {name} AFTER {event} ON {table}{when} BEGIN {sql}; END"


def _sqlite_rebuild_index() -> None:
    for name in [name for name, _ in BASE_TRIGGERS] + FTS_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS search_documents_fts")
    op.execute("DELETE FROM search_documents")
    # The body is already folded in Python; the tokenizer only splits it into words, and
    # keeps marks (M*) inside a word as cultureup.domain.text does (Indic vowel signs).
    op.execute(
        "CREATE VIRTUAL TABLE search_documents_fts USING fts5("
        "body, content='search_documents', content_rowid='id', "
        "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\", "
        "prefix='2 3')")
    for trigger in SQLITE_FTS_TRIGGERS:
        op.execute(_sqlite_trigger(*trigger))
    for sql in BACKFILL:
        op.execute(sql)
    for trigger in SQLITE_TRIGGERS:
        op.execute(_sqlite_trigger(*trigger))


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
    ("search_artworks_au", "artworks", "UPDATE OF search_text",
     _changed("IS DISTINCT FROM"), "search_index_artwork"),
    ("search_artworks_ad", "artworks", "DELETE", None, "search_index_artwork"),
    ("search_jobs_ai", "jobs", "INSERT", None, "search_index_job"),
    ("search_jobs_au", "jobs", "UPDATE OF search_text", _changed("IS DISTINCT FROM"),
     "search_index_job"),
    ("search_jobs_ad", "jobs", "DELETE", None, "search_index_job"),
    ("search_artist_profiles_ai", "artist_profiles", "INSERT", None,
     "search_index_artist_profile"),
    ("search_artist_profiles_au", "artist_profiles", "UPDATE OF search_text",
     _changed("IS DISTINCT FROM"), "search_index_artist_profile"),
    ("search_artist_profiles_ad", "artist_profiles", "DELETE", None,
     "search_index_artist_profile"),
    ("search_users_au", "users", "UPDATE OF search_text", _changed("IS DISTINCT FROM"),
     "search_index_artist_user"),
]


def _postgresql_rebuild_index() -> None:
    for name, table in BASE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    op.execute("DELETE FROM search_documents")
    for sql in BACKFILL:
        op.execute(sql)
    # CREATE OR REPLACE: the functions of 0005 keep their names and get the new bodies.
    for name, body in POSTGRESQL_FUNCTIONS.items():
        op.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
                   f"AS $$\nBEGIN{body}\nEND\n$$")
    for name, table, event, condition, function in POSTGRESQL_TRIGGERS:
        when = f" WHEN ({condition})" if condition else ""
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} "
                   f"EXECUTE FUNCTION {function}()")


def _fill_search_text(bind: sa.Connection) -> None:
    for table, columns in SEARCH_SOURCES.items():
        key = KEYS.get(table, "id")
        rows = bind.execute(sa.text(
            f"SELECT {key}, {', '.join(columns)} FROM {table}")).all()  # noqa: S608
        if rows:
            bind.execute(sa.text(f"UPDATE {table} SET search_text = :text "  # noqa: S608
                                 f"WHERE {key} = :key"),
                         [{"key": row[0], "text": search_text(*row[1:])} for row in rows])


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    users = _identities(bind)
    _check_identities(users)  # before anything changes
    _upgrade_identities(bind, users)
    for table in SEARCH_SOURCES:
        op.add_column(table, sa.Column("search_text", sa.Text(), server_default="",
                                       nullable=False))
    _fill_search_text(bind)
    if dialect == "sqlite":
        _sqlite_rebuild_index()
    else:
        _postgresql_rebuild_index()


def _revision_0005() -> Any:
    path = Path(__file__).with_name("0005_search.py")
    spec = importlib.util.spec_from_file_location("cultureup_migration_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    # The index of 0005 is built again from scratch by 0005 itself, from the raw columns.
    search = _revision_0005()
    search.downgrade()
    for table in SEARCH_SOURCES:
        op.drop_column(table, "search_text")
    op.drop_index("ix_users_username_skeleton", table_name="users")
    op.drop_index("uq_users_email_key", table_name="users")
    op.drop_index("uq_users_username_key", table_name="users")
    for name in ("username_skeleton", "email_key", "username_key"):
        op.drop_column("users", name)
    op.create_index("uq_users_username_lower", "users", [sa.text("lower(username)")],
                    unique=True)
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    search.upgrade()
