"""daily revenue rollups per payment method, ledger index by account and time

Revision ID: 0013
Revises: 0012

The admin revenue report and dashboard read whole past days from these rows (written with each
day's analytics snapshot) and count only the rest live from the ledger, through the new
(account, created_at) index (with user, kind and amount, so
the top artists and buyers are read from the index alone).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cultureup.adapters.sqlalchemy.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

Money = cultureup.adapters.sqlalchemy.types.MoneyCents


def upgrade() -> None:
    op.create_table(
        "daily_revenue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("payment_method", sa.String(length=24), nullable=False),
        sa.Column("revenue", Money(), nullable=False),
        sa.Column("transactions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_revenue")),
    )
    op.create_index("uq_daily_revenue_date_payment_method", "daily_revenue",
                    ["date", "payment_method"], unique=True)
    op.create_index("ix_ledger_entries_account_created_at", "ledger_entries",
                    ["account", "created_at", "user_id", "kind", "amount"])


def downgrade() -> None:
    op.drop_index("ix_ledger_entries_account_created_at", table_name="ledger_entries")
    op.drop_table("daily_revenue")
