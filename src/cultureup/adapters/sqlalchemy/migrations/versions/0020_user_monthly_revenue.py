"""monthly revenue per artist and per buyer, for the admin report's top lists

Revision ID: 0020
Revises: 0019

The top artists and buyers of a period read whole past months from these rows (written with
the analytics snapshot of a day of an ended month) and count only the other days from the
ledger. Months already snapshotted before this revision have no rows: they are counted from
the ledger until one of their days is calculated again. The dashboard's count of pending
payments reads a partial index instead of every payment.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cultureup.adapters.sqlalchemy.types

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

Money = cultureup.adapters.sqlalchemy.types.MoneyCents


def upgrade() -> None:
    op.create_table(
        "user_monthly_revenue",
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("revenue", Money(), nullable=False),
        sa.Column("transactions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_user_monthly_revenue_user_id_users")),
        sa.PrimaryKeyConstraint("role", "month", "user_id", name="pk_user_monthly_revenue"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "revenue_rollup_months",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("calculated_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(),
                  nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_revenue_rollup_months")),
    )


    op.create_index("ix_payments_pending", "payments", ["status"],
                    sqlite_where=sa.text("status = 'pending'"),
                    postgresql_where=sa.text("status = 'pending'"))


def downgrade() -> None:
    op.drop_index("ix_payments_pending", table_name="payments")
    op.drop_table("revenue_rollup_months")
    op.drop_table("user_monthly_revenue")
