"""list counts by day of creation: deep pages by number in bounded work

Revision ID: 0024
Revises: 0023

A page by number skips `20 x (page - 1)` entries of the list's index, and a B-tree cannot jump
to its n-th entry: page 40,000 of a million artworks walked 800,000 entries (242 ms on
PostgreSQL). `row_count_days` holds, for each counted list whose facet has few values (every
artwork, the artworks the public sees, by category, type and featured; the jobs the public
sees, by status, category and experience level), the number of its rows created on each UTC
day. A deep page in creation order reads these counts to find the day its first row was
created on and how many rows of that day come before it, then walks the index from the start
of that day: at most one day's rows are skipped (counts.DayJump).

The counting triggers of migration 0015 are recreated to keep both tables, in the same
statement order (scopes sorted) and in the same transaction as the change; they now also watch
`created_at`. The per-user facets (artist, buyer) are not counted by day: one list per user is
short, and counting it by day would add a row per user and day. The day is the first ten
characters of the stored UTC timestamp on SQLite and `to_char(created_at, 'YYYY-MM-DD')` on
PostgreSQL (the columns hold naive UTC); counts.recount writes the same counts for a bulk load.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

VISIBLE_OF = ("{r}.removed_at IS NULL AND {r}.moderation_status <> 'REJECTED' AND "
              "({r}.moderation_status = 'APPROVED' OR {r}.duplicate_candidate_id IS NULL)")


def _flag(expression: str) -> str:
    return f"CASE WHEN {expression} THEN '1' ELSE '0' END"


# Per counted table: (scope prefix, which rows, facets counted apart, facets counted by day).
COUNTED: dict[str, list[tuple[str, str | None, list[tuple[str, str]], set[str]]]] = {
    "artworks": [
        ("artworks", None, [], set()),
        ("artworks:visible", VISIBLE_OF, [
            ("category_id", "{r}.category_id"), ("artwork_type", "{r}.artwork_type"),
            ("is_featured", _flag("{r}.is_featured")), ("artist_id", "{r}.artist_id")],
         {"category_id", "artwork_type", "is_featured"}),
    ],
    "jobs": [
        ("jobs", "{r}.removed_at IS NULL", [
            ("status", "{r}.status"), ("category_id", "{r}.category_id"),
            ("experience_level", "{r}.experience_level"), ("buyer_id", "{r}.buyer_id")],
         {"status", "category_id", "experience_level"}),
    ],
}
OLD_TRIGGER_COLUMNS = {
    "artworks": ["moderation_status", "category_id", "artwork_type", "is_featured", "artist_id",
                 "duplicate_candidate_id", "removed_at"],
    "jobs": ["status", "category_id", "experience_level", "buyer_id", "removed_at"],
}
NEW_TRIGGER_COLUMNS = {table: [*columns, "created_at"]
                       for table, columns in OLD_TRIGGER_COLUMNS.items()}


def _day(dialect: str, row: str) -> str:
    if dialect == "sqlite":
        return f"substr({row}.created_at, 1, 10)"
    return f"to_char({row}.created_at, 'YYYY-MM-DD')"


def _scopes(table: str, row: str, *, by_day: bool) -> list[str]:
    """The scope expressions of a row (NULL where the row is not in the scope's list)."""
    out = []
    for prefix, visible, facets, daily in COUNTED[table]:
        condition = visible.format(r=row) if visible else None
        expressions = [f"'{prefix}'"] + [
            f"'{prefix}:{facet}=' || {value.format(r=row)}" for facet, value in facets
            if not by_day or facet in daily]
        for expression in expressions:
            out.append(f"CASE WHEN {condition} THEN {expression} END" if condition
                       else expression)
    return out


def _add(pairs: list[tuple[str, int]]) -> str:
    values = ", ".join(f"({scope}, {delta})" for scope, delta in pairs)
    return ("INSERT INTO row_counts (scope, n) "  # noqa: S608
            f"SELECT column1, column2 FROM (VALUES {values}) AS changes "
            "WHERE column1 IS NOT NULL ORDER BY column1 "
            "ON CONFLICT (scope) DO UPDATE SET n = row_counts.n + excluded.n")


def _add_days(triples: list[tuple[str, str, int]]) -> str:
    values = ", ".join(f"({scope}, {day}, {delta})" for scope, day, delta in triples)
    return ("INSERT INTO row_count_days (scope, day, n) "  # noqa: S608
            f"SELECT column1, column2, column3 FROM (VALUES {values}) AS changes "
            "WHERE column1 IS NOT NULL ORDER BY column1, column2 "
            "ON CONFLICT (scope, day) DO UPDATE SET n = row_count_days.n + excluded.n")


def _trigger_body(dialect: str, table: str, event: str) -> str:
    distinct = "IS NOT" if dialect == "sqlite" else "IS DISTINCT FROM"
    if event == "INSERT":
        return (_add([(s, 1) for s in _scopes(table, "new", by_day=False)]) + "; "
                + _add_days([(s, _day(dialect, "new"), 1)
                             for s in _scopes(table, "new", by_day=True)]))
    if event == "DELETE":
        return (_add([(s, -1) for s in _scopes(table, "old", by_day=False)]) + "; "
                + _add_days([(s, _day(dialect, "old"), -1)
                             for s in _scopes(table, "old", by_day=True)]))
    pairs: list[tuple[str, int]] = []
    for old, new in zip(_scopes(table, "old", by_day=False),
                        _scopes(table, "new", by_day=False), strict=True):
        changed = f"({old}) {distinct} ({new})"
        pairs += [(f"CASE WHEN {changed} THEN {old} END", -1),
                  (f"CASE WHEN {changed} THEN {new} END", 1)]
    old_day, new_day = _day(dialect, "old"), _day(dialect, "new")
    triples: list[tuple[str, str, int]] = []
    for old, new in zip(_scopes(table, "old", by_day=True),
                        _scopes(table, "new", by_day=True), strict=True):
        changed = f"(({old}) {distinct} ({new}) OR {old_day} {distinct} {new_day})"
        triples += [(f"CASE WHEN {changed} THEN {old} END", old_day, -1),
                    (f"CASE WHEN {changed} THEN {new} END", new_day, 1)]
    return _add(pairs) + "; " + _add_days(triples)


def _drop_triggers(dialect: str) -> None:
    for table in COUNTED:
        if dialect == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS count_{table}_{suffix}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS count_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS count_{table}()")


def _create_triggers(dialect: str, trigger_columns: dict[str, list[str]],
                     body: Callable[[str, str, str], str]) -> None:
    """The counting triggers of each table, `body(dialect, table, event)` their statements."""
    for table, columns in trigger_columns.items():
        of = ", ".join(columns)
        if dialect == "sqlite":
            for suffix, event, on in (("ai", "INSERT", "INSERT"), ("ad", "DELETE", "DELETE"),
                                      ("au", "UPDATE", f"UPDATE OF {of}")):
                op.execute(f"CREATE TRIGGER count_{table}_{suffix} AFTER {on} ON {table} "
                           f"BEGIN {body(dialect, table, event)}; END")
        else:
            op.execute(
                f"CREATE FUNCTION count_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n"
                f"  IF TG_OP = 'INSERT' THEN {body(dialect, table, 'INSERT')};\n"
                f"  ELSIF TG_OP = 'DELETE' THEN {body(dialect, table, 'DELETE')};\n"
                f"  ELSE {body(dialect, table, 'UPDATE')};\n"
                f"  END IF;\n  RETURN NULL;\nEND\n$$")
            op.execute(f"CREATE TRIGGER count_{table} AFTER INSERT OR DELETE OR UPDATE OF {of} "
                       f"ON {table} FOR EACH ROW EXECUTE FUNCTION count_{table}()")


def _old_trigger_sql(dialect: str, table: str, event: str) -> str:
    """Migration 0015's trigger statements (row_counts alone), for the downgrade."""
    body = _trigger_body(dialect, table, event)
    return body.split("; INSERT INTO row_count_days", 1)[0]


def _backfill(dialect: str) -> None:
    for table in COUNTED:
        for prefix, visible, facets, daily in COUNTED[table]:
            where = f" WHERE {visible.format(r=table)}" if visible else ""
            day = _day(dialect, table)
            scopes = [f"'{prefix}'"] + [f"'{prefix}:{facet}=' || {value.format(r=table)}"
                                        for facet, value in facets if facet in daily]
            for scope in scopes:
                op.execute(f"INSERT INTO row_count_days (scope, day, n) "  # noqa: S608
                           f"SELECT {scope}, {day}, count(*) FROM {table}{where} "
                           "GROUP BY 1, 2")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "row_count_days",
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "day", name=op.f("pk_row_count_days")),
    )
    _drop_triggers(dialect)
    _backfill(dialect)
    _create_triggers(dialect, NEW_TRIGGER_COLUMNS, _trigger_body)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    _create_triggers(dialect, OLD_TRIGGER_COLUMNS, _old_trigger_sql)
    op.drop_table("row_count_days")
