"""Orders, payments and the ledger, on the shared `metadata`. Change them only together with
a migration in migrations/versions."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    text,
)

from cultureup.adapters.sqlalchemy.tables import metadata
from cultureup.adapters.sqlalchemy.types import MoneyCents, UTCDateTime

orders = Table(
    "orders", metadata,
    Column("id", Integer, primary_key=True),
    Column("buyer_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("order_type", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("shipping_address", String(500), nullable=False),
    Column("reserved_until", UTCDateTime, nullable=True),
    Column("paid_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="0"),
    CheckConstraint("order_type IN ('artwork', 'equipment')", name="order_type_choice"),
    CheckConstraint("status IN ('pending', 'confirmed', 'shipped', 'delivered', 'completed', "
                    "'cancelled')", name="status_choice"),
)
Index("ix_orders_buyer_created", orders.c.buyer_id, orders.c.created_at)
Index("ix_orders_status_reserved_until", orders.c.status, orders.c.reserved_until)

# Lines keep what was bought at which price; the item id is kept even if the catalogue item
# is deleted later (no foreign key), the title as it was.
order_lines = Table(
    "order_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("item_id", Integer, nullable=False),
    Column("seller_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("title", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("price", MoneyCents, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("kind IN ('artwork', 'equipment')", name="kind_choice"),
    CheckConstraint("kind = 'equipment' OR quantity = 1", name="artwork_quantity_one"),
)
Index("ix_order_lines_order_id", order_lines.c.order_id)

# One order per artwork: the primary key is the artwork. A paid order's hold stays (sold).
artwork_holds = Table(
    "artwork_holds", metadata,
    Column("artwork_id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("sold", Boolean, nullable=False, server_default=text("false")),
)
Index("ix_artwork_holds_order_id", artwork_holds.c.order_id)

OPEN_PAYMENT = "status IN ('pending', 'completed', 'partially_refunded')"

# order_id has no foreign key: a payment stays on record after its (unpaid) order is deleted.
payments = Table(
    "payments", metadata,
    Column("id", Integer, primary_key=True),
    Column("transaction_id", String(32), nullable=False, unique=True),
    Column("payer_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("payee_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("order_id", Integer, nullable=True),
    Column("job_id", Integer, ForeignKey("jobs.id"), nullable=True),
    Column("amount", MoneyCents, nullable=False),
    Column("method", String(24), nullable=False),
    Column("status", String(24), nullable=False),
    Column("hire_status", String(16), nullable=False),
    Column("gateway_reference", String(255), nullable=True),
    Column("payer_reference", String(100), nullable=True),
    Column("refunded_amount", MoneyCents, nullable=False, server_default="0"),
    Column("failure_reason", String(500), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("released_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False, server_default="0"),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint("refunded_amount >= 0 AND refunded_amount <= amount",
                    name="refund_within_amount"),
    CheckConstraint("(order_id IS NULL) <> (job_id IS NULL)", name="order_or_job"),
    CheckConstraint("method IN ('stripe', 'jazzcash', 'bank_transfer', 'cash_on_delivery')",
                    name="method_choice"),
    CheckConstraint("status IN ('pending', 'completed', 'failed', 'partially_refunded', "
                    "'refunded')", name="status_choice"),
    CheckConstraint("hire_status IN ('pending', 'released', 'cancelled')",
                    name="hire_status_choice"),
)
# One open payment per order and per job, whatever races past the use case's check.
Index("uq_payments_open_order", payments.c.order_id, unique=True,
      sqlite_where=text(OPEN_PAYMENT), postgresql_where=text(OPEN_PAYMENT))
Index("uq_payments_open_job", payments.c.job_id, unique=True,
      sqlite_where=text(OPEN_PAYMENT), postgresql_where=text(OPEN_PAYMENT))
Index("ix_payments_gateway_reference", payments.c.gateway_reference)
Index("ix_payments_payer_created", payments.c.payer_id, payments.c.created_at)
Index("ix_payments_payee_created", payments.c.payee_id, payments.c.created_at)
Index("ix_payments_created_at", payments.c.created_at)

# How a payment's amount is split, per seller (seller_id NULL: the platform's equipment).
payment_shares = Table(
    "payment_shares", metadata,
    Column("id", Integer, primary_key=True),
    Column("payment_id", Integer, ForeignKey("payments.id", ondelete="CASCADE"),
           nullable=False),
    Column("seller_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("amount", MoneyCents, nullable=False),
    Column("platform_fee", MoneyCents, nullable=False),
    Column("artist_earning", MoneyCents, nullable=False),
    CheckConstraint("platform_fee + artist_earning = amount", name="adds_up"),
)
Index("ix_payment_shares_payment_id", payment_shares.c.payment_id)

ledger_transactions = Table(
    "ledger_transactions", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("payment_id", Integer, ForeignKey("payments.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_ledger_transactions_payment_id", ledger_transactions.c.payment_id)

# Signed amounts in paisa; the entries of one transaction add up to zero.
ledger_entries = Table(
    "ledger_entries", metadata,
    Column("id", Integer, primary_key=True),
    Column("transaction_id", Integer, ForeignKey("ledger_transactions.id"), nullable=False),
    Column("payment_id", Integer, ForeignKey("payments.id"), nullable=False),
    Column("account", String(24), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("amount", MoneyCents, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_ledger_entries_user_account", ledger_entries.c.user_id, ledger_entries.c.account)
Index("ix_ledger_entries_account", ledger_entries.c.account)
Index("ix_ledger_entries_payment_id", ledger_entries.c.payment_id)

# Gateway events already applied: a redelivered event is recognised by its id.
processed_gateway_events = Table(
    "processed_gateway_events", metadata,
    Column("event_id", String(255), primary_key=True),
    Column("processed_at", UTCDateTime, nullable=False),
)

# Lists of payments per job.
Index("ix_payments_job_id", payments.c.job_id)

# Idempotency keys of money requests: one row per user and key, claimed before the request
# runs, holding its answer once it succeeded; replaced when expired.
idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("content_type", String(100), nullable=True),
    Column("response_body", LargeBinary, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    UniqueConstraint("user_id", "key"),
)
Index("ix_idempotency_keys_expires_at", idempotency_keys.c.expires_at)
