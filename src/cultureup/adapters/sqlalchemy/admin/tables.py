"""Daily revenue rollups for the admin reports, on the shared `metadata`. Change them only
together with a migration in migrations/versions."""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, Integer, String, Table

from cultureup.adapters.sqlalchemy.commerce.tables import ledger_entries
from cultureup.adapters.sqlalchemy.tables import metadata
from cultureup.adapters.sqlalchemy.types import MoneyCents

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
