"""the job list's indexes carry removed_at

Revision ID: 0022
Revises: 0021

Since migration 0015 the public job list keeps the jobs a moderator did not remove
(`removed_at IS NULL`), and none of its indexes held that column: to skip the entries of a deep
page, SQLite read every skipped job's row to test it, and PostgreSQL preferred reading the
whole table and sorting it (page 4000 of 100k jobs: a sequential scan and an 80,000-row sort
spilled to disk, 230 ms). Each index of the list (every ordering, alone and under each
equality filter) gets `removed_at` as its last column, so a page's keys are read from the
index alone on both databases (an index-only scan on PostgreSQL). Not partial: the staff list,
removed jobs included, walks the same indexes.
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

INDEXES: list[tuple[str, list[str]]] = []
for order in ("created_at", "budget_min", "deadline"):
    INDEXES.append((f"ix_jobs_{order}", [order, "id"]))
    INDEXES.append((f"ix_jobs_status_{order}", ["status", order, "id"]))
for facet in ("category_id", "experience_level", "buyer_id"):
    INDEXES.append((f"ix_jobs_{facet}_created_at", [facet, "created_at", "id"]))


def _analyze_if_planned() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" or bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        op.execute("ANALYZE jobs")


def upgrade() -> None:
    for name, columns in INDEXES:
        op.drop_index(name, table_name="jobs")
        op.create_index(name, "jobs", [*columns, "removed_at"])
    _analyze_if_planned()


def downgrade() -> None:
    for name, columns in INDEXES:
        op.drop_index(name, table_name="jobs")
        op.create_index(name, "jobs", columns)
    _analyze_if_planned()
