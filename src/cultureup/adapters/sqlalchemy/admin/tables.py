"""Daily revenue rollups for the admin reports, on the shared `metadata`. Change them only
together with a migration in migrations/versions."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    text,
)

from cultureup.adapters.sqlalchemy.commerce.tables import ledger_entries, payments
from cultureup.adapters.sqlalchemy.tables import metadata
from cultureup.adapters.sqlalchemy.types import MoneyCents, UTCDateTime

# One row per UTC day and payment method, written with the day's analytics snapshot (every
# method, zeros included, so a snapshot day always has its four rows). `revenue` is the money
# buyers paid that day net of that day's refunds; `transactions` the payments captured that
# day. Ledger entries are never changed after they are written, so a past day's row stays true.
daily_revenue = Table(
    "daily_revenue", metadata,
    Column("id", Integer, primary_key=True),
    Column("date", Date, nullable=False),
    Column("payment_method", String(24), nullable=False),
    Column("revenue", MoneyCents, nullable=False),
    Column("transactions", Integer, nullable=False),
)
Index("uq_daily_revenue_date_payment_method", daily_revenue.c.date,
      daily_revenue.c.payment_method, unique=True)

# The reports read the ledger by account and time (today's figures, days without a snapshot,
# the top artists and buyers of a period); user, kind and amount ride along so that the top
# lists are read from the index alone.
Index("ix_ledger_entries_account_created_at", ledger_entries.c.account,
      ledger_entries.c.created_at, ledger_entries.c.user_id, ledger_entries.c.kind,
      ledger_entries.c.amount)

# One row per calendar month (UTC, `month` its first day), role ("artist": earnings held net
# of the platform fee, less refunds; "buyer": payments captured less refunds) and user with
# ledger entries that month: `revenue` the net in paisa, `transactions` the earnings held or
# payments captured. Written whole, from the ledger, with the
# analytics snapshot of a day of a month that has ended (see write_revenue_rollup), and
# `revenue_rollup_months` names the months so written: such a month stays true, since ledger
# entries are never changed. The top artists and buyers of a period read whole months here.
# Clustered by its key (role, month, user) on SQLite so that a month's rows are read in one
# range without touching another structure.
user_monthly_revenue = Table(
    "user_monthly_revenue", metadata,
    Column("role", String(8), nullable=False),
    Column("month", Date, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("revenue", MoneyCents, nullable=False),
    Column("transactions", Integer, nullable=False),
    PrimaryKeyConstraint("role", "month", "user_id", name="pk_user_monthly_revenue"),
    sqlite_with_rowid=False,
)

# The admin dashboard counts the payments waiting for money (a few among all of them).
PENDING_PAYMENT = "status = 'pending'"
Index("ix_payments_pending", payments.c.status, sqlite_where=text(PENDING_PAYMENT),
      postgresql_where=text(PENDING_PAYMENT))

revenue_rollup_months = Table(
    "revenue_rollup_months", metadata,
    Column("month", Date, primary_key=True),
    Column("calculated_at", UTCDateTime, nullable=False),
)
