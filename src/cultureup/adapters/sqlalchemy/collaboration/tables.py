"""The schema of contracts, messages, reviews, notifications and daily analytics, on the
shared `metadata`. Change it only together with a migration in migrations/versions."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from cultureup.adapters.sqlalchemy.tables import metadata
from cultureup.adapters.sqlalchemy.types import MoneyCents, UTCDateTime

contracts = Table(
    "contracts", metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", Integer, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("artist_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("buyer_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("terms", Text, nullable=False),
    Column("rights_type", String(16), nullable=False),
    Column("amount", MoneyCents, nullable=False),
    Column("deadline", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("artist_signed_at", UTCDateTime, nullable=True),
    Column("artist_terms_digest", String(64), nullable=True),
    Column("buyer_signed_at", UTCDateTime, nullable=True),
    Column("buyer_terms_digest", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="0"),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint("rights_type IN ('display_only', 'reproduction', 'commercial', "
                    "'exclusive')", name="rights_type_choice"),
    CheckConstraint("status IN ('draft', 'pending', 'active', 'completed', 'terminated')",
                    name="status_choice"),
    # A signature is a time and the digest of the terms signed, or neither.
    CheckConstraint("(artist_signed_at IS NULL) = (artist_terms_digest IS NULL)",
                    name="artist_signature_whole"),
    CheckConstraint("(buyer_signed_at IS NULL) = (buyer_terms_digest IS NULL)",
                    name="buyer_signature_whole"),
    CheckConstraint("status <> 'active' OR (artist_signed_at IS NOT NULL AND "
                    "buyer_signed_at IS NOT NULL)", name="active_is_signed"),
)
# One live (pending or active) contract per job, whatever the code does.
Index("uq_contracts_one_live_per_job", contracts.c.job_id, unique=True,
      sqlite_where=text("status IN ('pending', 'active')"),
      postgresql_where=text("status IN ('pending', 'active')"))
Index("ix_contracts_job_id", contracts.c.job_id)
Index("ix_contracts_artist_created_at", contracts.c.artist_id, contracts.c.created_at)
Index("ix_contracts_buyer_created_at", contracts.c.buyer_id, contracts.c.created_at)

messages = Table(
    "messages", metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("receiver_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("job_id", Integer, ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
    Column("content", Text, nullable=False),
    Column("attachment_key", String(300), nullable=True),
    Column("attachment_name", String(200), nullable=True),
    Column("attachment_content_type", String(100), nullable=True),
    Column("attachment_size", BigInteger, nullable=True),
    Column("is_read", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("sender_id <> receiver_id", name="not_to_self"),
)
Index("ix_messages_sender_receiver", messages.c.sender_id, messages.c.receiver_id)
Index("ix_messages_receiver_sender", messages.c.receiver_id, messages.c.sender_id)
Index("ix_messages_created_at", messages.c.created_at)

reviews = Table(
    "reviews", metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", Integer, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("reviewer_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("artist_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("rating", Integer, nullable=False),
    Column("comment", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
)
# One review per job.
Index("uq_reviews_job_id", reviews.c.job_id, unique=True)
Index("ix_reviews_artist_created_at", reviews.c.artist_id, reviews.c.created_at)
Index("ix_reviews_reviewer_created_at", reviews.c.reviewer_id, reviews.c.created_at)

notifications = Table(
    "notifications", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("notification_type", String(32), nullable=False),
    Column("title", String(200), nullable=False),
    Column("message", Text, nullable=False),
    Column("is_read", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_notifications_user_created_at", notifications.c.user_id,
      notifications.c.created_at)
Index("ix_notifications_user_is_read", notifications.c.user_id, notifications.c.is_read)

daily_analytics = Table(
    "daily_analytics", metadata,
    Column("id", Integer, primary_key=True),
    Column("date", Date, nullable=False),
    Column("total_users", Integer, nullable=False),
    Column("new_users", Integer, nullable=False),
    Column("total_artists", Integer, nullable=False),
    Column("total_buyers", Integer, nullable=False),
    Column("jobs_posted", Integer, nullable=False),
    Column("jobs_completed", Integer, nullable=False),
    Column("bids_placed", Integer, nullable=False),
    Column("artworks_uploaded", Integer, nullable=False),
    Column("messages_sent", Integer, nullable=False),
    Column("reviews_posted", Integer, nullable=False),
    Column("revenue", MoneyCents, nullable=False),
    Column("platform_fees", MoneyCents, nullable=False),
    Column("calculated_at", UTCDateTime, nullable=False),
)
Index("uq_daily_analytics_date", daily_analytics.c.date, unique=True)
