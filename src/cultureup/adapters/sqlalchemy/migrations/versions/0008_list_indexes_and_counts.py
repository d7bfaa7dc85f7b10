"""list indexes from the list queries, and maintained row counts

Revision ID: 0008
Revises: 0010

Indexes. Every public list is read in the order of one index: for each ordering a list
offers, alone and under each equality filter it offers, an index on (filter, ordering column,
id); the id is the tie-breaker every list orders by, so neither database sorts the match set,
and a deep page skips index entries instead of rows. The artwork indexes are partial: they hold
the rows the public sees (`moderation_status <> 'REJECTED'`), so that a REJECTED artwork costs
the public lists nothing. Range filters (price, budget, hourly rate) and substring search are
applied while walking the ordering's index; an artist's artworks have an index per ordering,
because walking all artworks for one artist's forty would be slow.
tests/integration/test_list_plans.py runs EXPLAIN on every list's query shapes on both
databases and fails on a full scan or a sort.

Counts. `row_counts` holds the number of rows of each list without a filter and under each
single equality filter (artworks the public sees: all, by category, type, featured, artist;
jobs: all, by status, category, experience level, buyer), written by triggers in the same
transaction as the change, so every write path keeps them exact. The application reads a
list's count from there when the filters allow it and counts through an index otherwise.
The triggers add and subtract in one statement each, with the scopes sorted, so that
concurrent transactions on PostgreSQL lock counter rows in one order. A TRUNCATE bypasses
row triggers: truncate row_counts with the tables it counts, or run this backfill again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0010"
branch_labels = None
depends_on = None

VISIBLE = "moderation_status <> 'REJECTED'"

# (name, table, columns, partial) created, and (name, table, columns) they replace.
NEW_INDEXES: list[tuple[str, str, list[str], bool]] = []
for order in ("created_at", "price", "likes_count", "views_count"):
    NEW_INDEXES.append((f"ix_artworks_visible_{order}", "artworks", [order, "id"], True))
    NEW_INDEXES.append((f"ix_artworks_visible_artist_{order}", "artworks",
                        ["artist_id", order, "id"], True))
for facet in ("category_id", "artwork_type", "is_featured"):
    NEW_INDEXES.append((f"ix_artworks_visible_{facet}_created_at", "artworks",
                        [facet, "created_at", "id"], True))
for facet in ("category_id", "artwork_type"):
    NEW_INDEXES.append((f"ix_artworks_visible_{facet}_price", "artworks", [facet, "price", "id"],
                        True))
NEW_INDEXES.append(("ix_artworks_created_at", "artworks", ["created_at", "id"], False))
for order in ("created_at", "budget_min", "deadline"):
    NEW_INDEXES.append((f"ix_jobs_{order}", "jobs", [order, "id"], False))
    NEW_INDEXES.append((f"ix_jobs_status_{order}", "jobs", ["status", order, "id"], False))
for facet in ("category_id", "experience_level", "buyer_id"):
    NEW_INDEXES.append((f"ix_jobs_{facet}_created_at", "jobs", [facet, "created_at", "id"],
                        False))
for order in ("created_at", "bid_amount", "delivery_time"):
    NEW_INDEXES.append((f"ix_bids_artist_{order}", "bids", ["artist_id", order, "id"], False))
    NEW_INDEXES.append((f"ix_bids_job_{order}", "bids", ["job_id", order, "id"], False))
for order in ("created_at", "hourly_rate"):
    NEW_INDEXES.append((f"ix_artist_profiles_{order}", "artist_profiles", [order, "user_id"],
                        False))
    NEW_INDEXES.append((f"ix_artist_profiles_level_{order}", "artist_profiles",
                        ["experience_level", order, "user_id"], False))
    NEW_INDEXES.append((f"ix_artist_profiles_available_{order}", "artist_profiles",
                        ["is_available", order, "user_id"], False))
NEW_INDEXES.append(("ix_buyer_profiles_created_at", "buyer_profiles", ["created_at", "user_id"],
                    False))
for order in ("created_at", "price", "stock_quantity"):
    NEW_INDEXES.append((f"ix_equipment_{order}", "equipment", [order, "id"], False))
    NEW_INDEXES.append((f"ix_equipment_type_{order}", "equipment",
                        ["equipment_type", order, "id"], False))
NEW_INDEXES.append(("ix_equipment_available_stock", "equipment",
                    ["is_available", "stock_quantity", "id"], False))

OLD_INDEXES: list[tuple[str, str, list[str]]] = [
    ("ix_artworks_price", "artworks", ["price"]),
    ("ix_artworks_created_at", "artworks", ["created_at"]),
    ("ix_artworks_featured_created_at", "artworks", ["is_featured", "created_at"]),
    ("ix_artworks_likes_count", "artworks", ["likes_count"]),
    ("ix_artworks_views_count", "artworks", ["views_count"]),
    ("ix_jobs_budget_min", "jobs", ["budget_min"]),
    ("ix_jobs_deadline", "jobs", ["deadline"]),
    ("ix_jobs_status_created_at", "jobs", ["status", "created_at"]),
    ("ix_jobs_created_at", "jobs", ["created_at"]),
    ("ix_bids_job_amount", "bids", ["job_id", "bid_amount"]),
    ("ix_bids_artist_created_at", "bids", ["artist_id", "created_at"]),
    ("ix_artist_profiles_hourly_rate", "artist_profiles", ["hourly_rate"]),
    ("ix_artist_profiles_level_hourly_rate", "artist_profiles",
     ["experience_level", "hourly_rate"]),
    ("ix_artist_profiles_available_hourly_rate", "artist_profiles",
     ["is_available", "hourly_rate"]),
    ("ix_artist_profiles_created_at", "artist_profiles", ["created_at"]),
    ("ix_buyer_profiles_created_at", "buyer_profiles", ["created_at"]),
    ("ix_equipment_type_price", "equipment", ["equipment_type", "price"]),
    ("ix_equipment_price", "equipment", ["price"]),
    ("ix_equipment_stock_quantity", "equipment", ["stock_quantity"]),
    ("ix_equipment_created_at", "equipment", ["created_at"]),
    ("ix_equipment_available_stock", "equipment", ["is_available", "stock_quantity"]),
]


# -- counters --------------------------------------------------------------------------------
# A scope is the list's name, then the filter: "artworks:visible:category_id=3". The same
# spelling is built in Python by adapters/sqlalchemy/counts.py. `{r}` is the row (NEW, OLD, or
# the table itself in the backfill).

def _flag(expression: str) -> str:
    return f"CASE WHEN {expression} THEN '1' ELSE '0' END"


# table -> (scope prefix, visibility condition or None, [(facet, SQL value of the facet)])
COUNTED = {
    "artworks": [
        ("artworks", None, []),
        ("artworks:visible", f"{{r}}.{VISIBLE}", [
            ("category_id", "{r}.category_id"), ("artwork_type", "{r}.artwork_type"),
            ("is_featured", _flag("{r}.is_featured")), ("artist_id", "{r}.artist_id")]),
    ],
    "jobs": [
        ("jobs", None, [
            ("status", "{r}.status"), ("category_id", "{r}.category_id"),
            ("experience_level", "{r}.experience_level"), ("buyer_id", "{r}.buyer_id")]),
    ],
}
TRIGGER_COLUMNS = {
    "artworks": ["moderation_status", "category_id", "artwork_type", "is_featured", "artist_id"],
    "jobs": ["status", "category_id", "experience_level", "buyer_id"],
}


def _scopes(table: str, row: str) -> list[str]:
    """SQL expressions of every scope the row counts in (NULL for a scope it is not in)."""
    out = []
    for prefix, visible, facets in COUNTED[table]:
        condition = visible.format(r=row) if visible else None
        expressions = [f"'{prefix}'"] + [
            f"'{prefix}:{facet}=' || {value.format(r=row)}" for facet, value in facets]
        for expression in expressions:
            out.append(f"CASE WHEN {condition} THEN {expression} END" if condition
                       else expression)
    return out


def _add(pairs: list[tuple[str, int]]) -> str:
    values = ", ".join(f"({scope}, {delta})" for scope, delta in pairs)
    # Sorted, so that concurrent transactions take the counter rows' locks in one order.
    return ("INSERT INTO row_counts (scope, n) "  # noqa: S608
            f"SELECT column1, column2 FROM (VALUES {values}) AS changes "
            "WHERE column1 IS NOT NULL ORDER BY column1 "
            "ON CONFLICT (scope) DO UPDATE SET n = row_counts.n + excluded.n")


def _on_insert(table: str) -> str:
    return _add([(scope, 1) for scope in _scopes(table, "new")])


def _on_delete(table: str) -> str:
    return _add([(scope, -1) for scope in _scopes(table, "old")])


def _on_update(table: str, distinct: str) -> str:
    pairs: list[tuple[str, int]] = []
    for old, new in zip(_scopes(table, "old"), _scopes(table, "new"), strict=True):
        changed = f"({old}) {distinct} ({new})"
        pairs += [(f"CASE WHEN {changed} THEN {old} END", -1),
                  (f"CASE WHEN {changed} THEN {new} END", 1)]
    return _add(pairs)


def _backfill(table: str) -> list[str]:
    statements = []
    for prefix, visible, facets in COUNTED[table]:
        where = f" WHERE {visible.format(r=table)}" if visible else ""
        statements.append(f"INSERT INTO row_counts (scope, n) SELECT '{prefix}', count(*) "  # noqa: S608
                          f"FROM {table}{where}")
        for facet, value in facets:
            expression = f"'{prefix}:{facet}=' || {value.format(r=table)}"
            statements.append(
                f"INSERT INTO row_counts (scope, n) SELECT {expression}, count(*) "  # noqa: S608
                f"FROM {table}{where} GROUP BY {expression}")
    return statements


def _create_indexes() -> None:
    for name, table, _columns in OLD_INDEXES:
        op.drop_index(name, table_name=table)
    for name, table, columns, partial in NEW_INDEXES:
        where = sa.text(VISIBLE) if partial else None
        # The partial indexes carry moderation_status so that they cover the key queries on
        # SQLite, which checks the condition it has already proved.
        columns = [*columns, "moderation_status"] if partial else columns
        op.create_index(name, table, columns, sqlite_where=where, postgresql_where=where)


def upgrade() -> None:
    _create_indexes()
    op.create_table(
        "row_counts",
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_row_counts")),
    )
    for table in COUNTED:
        for statement in _backfill(table):
            op.execute(statement)
    dialect = op.get_bind().dialect.name
    for table, columns in TRIGGER_COLUMNS.items():
        of = ", ".join(columns)
        if dialect == "sqlite":
            for suffix, event, sql in (("ai", "INSERT", _on_insert(table)),
                                       ("ad", "DELETE", _on_delete(table)),
                                       ("au", f"UPDATE OF {of}", _on_update(table, "IS NOT"))):
                op.execute(f"CREATE TRIGGER count_{table}_{suffix} AFTER {event} ON {table} "
                           f"BEGIN {sql}; END")
        else:
            op.execute(
                f"CREATE FUNCTION count_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n"
                f"  IF TG_OP = 'INSERT' THEN {_on_insert(table)};\n"
                f"  ELSIF TG_OP = 'DELETE' THEN {_on_delete(table)};\n"
                f"  ELSE {_on_update(table, 'IS DISTINCT FROM')};\n"
                f"  END IF;\n  RETURN NULL;\nEND\n$$")
            op.execute(f"CREATE TRIGGER count_{table} AFTER INSERT OR DELETE OR UPDATE OF {of} "
                       f"ON {table} FOR EACH ROW EXECUTE FUNCTION count_{table}()")
    # Statistics for the new indexes at once where the planner already uses statistics: an
    # SQLite database with statistics for the old indexes and none for the new ones gets the
    # worst of both (a deep page many times slower was seen). An SQLite database never
    # analysed stays so: without statistics SQLite plans for large tables, which suits these
    # indexes, whereas statistics of a still empty database would make it plan for tiny ones.
    bind = op.get_bind()
    if dialect == "postgresql" or bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        op.execute("ANALYZE")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TRIGGER_COLUMNS:
        if dialect == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS count_{table}_{suffix}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS count_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS count_{table}()")
    op.drop_table("row_counts")
    for name, table, _columns, _partial in reversed(NEW_INDEXES):
        op.drop_index(name, table_name=table)
    for name, table, columns in OLD_INDEXES:
        op.create_index(name, table, columns)
