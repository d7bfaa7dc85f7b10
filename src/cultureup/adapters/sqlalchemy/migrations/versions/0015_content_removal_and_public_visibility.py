"""content removal, and what the public sees of artworks

Revision ID: 0015
Revises: 0014

Artworks, jobs and equipment get `removed_at`, `removed_by_id` and `removal_reason`: a listing
a moderator took down, kept with who did it, when and why.

What the public sees of artworks becomes: not removed, not REJECTED, and not held for a
duplicate review (PENDING with a duplicate candidate) unless staff approved it
(docs/decisions.md). The partial indexes of migration 0008 are rebuilt over that condition
(the condition's columns carried at their end so that they cover the page's key query on
SQLite), and the `artworks:visible` counters are recounted under it. The `jobs` counters now
count the jobs the public sees (not removed). The triggers are recreated to watch the new
columns. Equipment gets a partial index of the items not removed, which counts the
unfiltered list.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cultureup.adapters.sqlalchemy.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OLD_VISIBLE = "moderation_status <> 'REJECTED'"
VISIBLE_OF = ("{r}removed_at IS NULL AND {r}moderation_status <> 'REJECTED' AND "
              "({r}moderation_status = 'APPROVED' OR {r}duplicate_candidate_id IS NULL)")
VISIBLE = VISIBLE_OF.format(r="")
VISIBLE_COLUMNS = ["moderation_status", "duplicate_candidate_id", "removed_at"]

PARTIAL: list[tuple[str, list[str]]] = []
for order in ("created_at", "price", "likes_count", "views_count"):
    PARTIAL.append((f"ix_artworks_visible_{order}", [order, "id"]))
    PARTIAL.append((f"ix_artworks_visible_artist_{order}", ["artist_id", order, "id"]))
for facet in ("category_id", "artwork_type", "is_featured"):
    PARTIAL.append((f"ix_artworks_visible_{facet}_created_at", [facet, "created_at", "id"]))
for facet in ("category_id", "artwork_type"):
    PARTIAL.append((f"ix_artworks_visible_{facet}_price", [facet, "price", "id"]))


def _flag(expression: str) -> str:
    return f"CASE WHEN {expression} THEN '1' ELSE '0' END"


def _counted(visible_artworks: str, visible_jobs: str | None) -> dict[str, list[tuple[
        str, str | None, list[tuple[str, str]]]]]:
    return {
        "artworks": [
            ("artworks", None, []),
            ("artworks:visible", visible_artworks, [
                ("category_id", "{r}.category_id"), ("artwork_type", "{r}.artwork_type"),
                ("is_featured", _flag("{r}.is_featured")), ("artist_id", "{r}.artist_id")]),
        ],
        "jobs": [
            ("jobs", visible_jobs, [
                ("status", "{r}.status"), ("category_id", "{r}.category_id"),
                ("experience_level", "{r}.experience_level"), ("buyer_id", "{r}.buyer_id")]),
        ],
    }


NEW_COUNTED = _counted(VISIBLE_OF.replace("{r}", "{r}."), "{r}.removed_at IS NULL")
OLD_COUNTED = _counted(f"{{r}}.{OLD_VISIBLE}", None)
NEW_TRIGGER_COLUMNS = {
    "artworks": ["moderation_status", "category_id", "artwork_type", "is_featured", "artist_id",
                 "duplicate_candidate_id", "removed_at"],
    "jobs": ["status", "category_id", "experience_level", "buyer_id", "removed_at"],
}
OLD_TRIGGER_COLUMNS = {
    "artworks": ["moderation_status", "category_id", "artwork_type", "is_featured", "artist_id"],
    "jobs": ["status", "category_id", "experience_level", "buyer_id"],
}


def _scopes(counted: dict, table: str, row: str) -> list[str]:  # type: ignore[type-arg]
    out = []
    for prefix, visible, facets in counted[table]:
        condition = visible.format(r=row) if visible else None
        expressions = [f"'{prefix}'"] + [
            f"'{prefix}:{facet}=' || {value.format(r=row)}" for facet, value in facets]
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


def _backfill(counted: dict, table: str) -> list[str]:  # type: ignore[type-arg]
    statements = []
    for prefix, visible, facets in counted[table]:
        where = f" WHERE {visible.format(r=table)}" if visible else ""
        statements.append(f"INSERT INTO row_counts (scope, n) SELECT '{prefix}', count(*) "  # noqa: S608
                          f"FROM {table}{where}")
        for facet, value in facets:
            expression = f"'{prefix}:{facet}=' || {value.format(r=table)}"
            statements.append(
                f"INSERT INTO row_counts (scope, n) SELECT {expression}, count(*) "  # noqa: S608
                f"FROM {table}{where} GROUP BY {expression}")
    return statements


def _drop_triggers(dialect: str) -> None:
    for table in ("artworks", "jobs"):
        if dialect == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS count_{table}_{suffix}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS count_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS count_{table}()")


def _create_triggers(dialect: str, counted: dict,  # type: ignore[type-arg]
                     trigger_columns: dict[str, list[str]]) -> None:
    for table, columns in trigger_columns.items():
        of = ", ".join(columns)
        on_insert = _add([(scope, 1) for scope in _scopes(counted, table, "new")])
        on_delete = _add([(scope, -1) for scope in _scopes(counted, table, "old")])

        def on_update(distinct: str, table: str = table) -> str:
            pairs: list[tuple[str, int]] = []
            for old, new in zip(_scopes(counted, table, "old"), _scopes(counted, table, "new"),
                                strict=True):
                changed = f"({old}) {distinct} ({new})"
                pairs += [(f"CASE WHEN {changed} THEN {old} END", -1),
                          (f"CASE WHEN {changed} THEN {new} END", 1)]
            return _add(pairs)

        if dialect == "sqlite":
            for suffix, event, sql in (("ai", "INSERT", on_insert),
                                       ("ad", "DELETE", on_delete),
                                       ("au", f"UPDATE OF {of}", on_update("IS NOT"))):
                op.execute(f"CREATE TRIGGER count_{table}_{suffix} AFTER {event} ON {table} "
                           f"BEGIN {sql}; END")
        else:
            op.execute(
                f"CREATE FUNCTION count_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n"
                f"  IF TG_OP = 'INSERT' THEN {on_insert};\n"
                f"  ELSIF TG_OP = 'DELETE' THEN {on_delete};\n"
                f"  ELSE {on_update('IS DISTINCT FROM')};\n"
                f"  END IF;\n  RETURN NULL;\nEND\n$$")
            op.execute(f"CREATE TRIGGER count_{table} AFTER INSERT OR DELETE OR UPDATE OF {of} "
                       f"ON {table} FOR EACH ROW EXECUTE FUNCTION count_{table}()")


def _recount(counted: dict) -> None:  # type: ignore[type-arg]
    op.execute("DELETE FROM row_counts WHERE scope LIKE 'artworks:visible%' "
               "OR scope = 'jobs' OR scope LIKE 'jobs:%'")
    for table in ("artworks", "jobs"):
        for statement in _backfill(counted, table):
            if "'artworks'," in statement:
                continue  # every artwork: unchanged
            op.execute(statement)


def _analyze_if_planned(dialect: str) -> None:
    bind = op.get_bind()
    if dialect == "postgresql" or bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        op.execute("ANALYZE")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in ("artworks", "jobs", "equipment"):
        op.add_column(table, sa.Column("removed_at", UTCDateTime(), nullable=True))
        op.add_column(table, sa.Column("removed_by_id", sa.Integer(), nullable=True))
        op.add_column(table, sa.Column("removal_reason", sa.Text(), nullable=True))
    _drop_triggers(dialect)
    for name, columns in PARTIAL:
        op.drop_index(name, table_name="artworks")
        where = sa.text(VISIBLE)
        op.create_index(name, "artworks", [*columns, *VISIBLE_COLUMNS],
                        sqlite_where=where, postgresql_where=where)
    listed = sa.text("removed_at IS NULL")
    op.create_index("ix_equipment_listed", "equipment", ["id"], sqlite_where=listed,
                    postgresql_where=listed)
    _recount(NEW_COUNTED)
    _create_triggers(dialect, NEW_COUNTED, NEW_TRIGGER_COLUMNS)
    _analyze_if_planned(dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    op.drop_index("ix_equipment_listed", table_name="equipment")
    for name, columns in PARTIAL:
        op.drop_index(name, table_name="artworks")
        where = sa.text(OLD_VISIBLE)
        op.create_index(name, "artworks", [*columns, "moderation_status"],
                        sqlite_where=where, postgresql_where=where)
    for table in ("artworks", "jobs", "equipment"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("removal_reason")
            batch.drop_column("removed_by_id")
            batch.drop_column("removed_at")
    _recount(OLD_COUNTED)
    _create_triggers(dialect, OLD_COUNTED, OLD_TRIGGER_COLUMNS)
