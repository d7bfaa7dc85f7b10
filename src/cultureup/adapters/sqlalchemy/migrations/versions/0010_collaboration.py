"""contracts, messages, reviews, notifications and daily analytics

Revision ID: 0010
Revises: 0009

Contracts keep each party's signature as a time and the SHA-256 digest of the terms signed;
a partial unique index allows one pending or active contract per job. One review per job.
Notifications are written in the same transaction as the change that caused them. One
daily_analytics row per day.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cultureup.adapters.sqlalchemy.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

Money = cultureup.adapters.sqlalchemy.types.MoneyCents
Time = cultureup.adapters.sqlalchemy.types.UTCDateTime
LIVE = sa.text("status IN ('pending', 'active')")


def _fk(table: str, column: str, target: str, **options: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), **options)


def upgrade() -> None:
    op.create_table(
        "daily_analytics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in (
            "total_users", "new_users", "total_artists", "total_buyers", "jobs_posted",
            "jobs_completed", "bids_placed", "artworks_uploaded", "messages_sent",
            "reviews_posted")),
        sa.Column("revenue", Money(), nullable=False),
        sa.Column("platform_fees", Money(), nullable=False),
        sa.Column("calculated_at", Time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_analytics")),
    )
    op.create_index("uq_daily_analytics_date", "daily_analytics", ["date"], unique=True)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("notification_type", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("is_read", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", Time(), nullable=False),
        _fk("notifications", "user_id", "users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_user_created_at", "notifications",
                    ["user_id", "created_at"])
    op.create_index("ix_notifications_user_is_read", "notifications", ["user_id", "is_read"])

    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("artist_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("rights_type", sa.String(length=16), nullable=False),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("deadline", Time(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("artist_signed_at", Time(), nullable=True),
        sa.Column("artist_terms_digest", sa.String(length=64), nullable=True),
        sa.Column("buyer_signed_at", Time(), nullable=True),
        sa.Column("buyer_terms_digest", sa.String(length=64), nullable=True),
        sa.Column("created_at", Time(), nullable=False),
        sa.Column("updated_at", Time(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_contracts_amount_positive")),
        sa.CheckConstraint(
            "rights_type IN ('display_only', 'reproduction', 'commercial', 'exclusive')",
            name=op.f("ck_contracts_rights_type_choice")),
        sa.CheckConstraint(
            "status IN ('draft', 'pending', 'active', 'completed', 'terminated')",
            name=op.f("ck_contracts_status_choice")),
        sa.CheckConstraint("(artist_signed_at IS NULL) = (artist_terms_digest IS NULL)",
                           name=op.f("ck_contracts_artist_signature_whole")),
        sa.CheckConstraint("(buyer_signed_at IS NULL) = (buyer_terms_digest IS NULL)",
                           name=op.f("ck_contracts_buyer_signature_whole")),
        sa.CheckConstraint("status <> 'active' OR (artist_signed_at IS NOT NULL AND "
                           "buyer_signed_at IS NOT NULL)",
                           name=op.f("ck_contracts_active_is_signed")),
        _fk("contracts", "artist_id", "users"),
        _fk("contracts", "buyer_id", "users"),
        _fk("contracts", "job_id", "jobs", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
    )
    op.create_index("ix_contracts_artist_created_at", "contracts", ["artist_id", "created_at"])
    op.create_index("ix_contracts_buyer_created_at", "contracts", ["buyer_id", "created_at"])
    op.create_index("ix_contracts_job_id", "contracts", ["job_id"])
    op.create_index("uq_contracts_one_live_per_job", "contracts", ["job_id"], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("attachment_key", sa.String(length=300), nullable=True),
        sa.Column("attachment_name", sa.String(length=200), nullable=True),
        sa.Column("attachment_content_type", sa.String(length=100), nullable=True),
        sa.Column("attachment_size", sa.BigInteger(), nullable=True),
        sa.Column("is_read", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", Time(), nullable=False),
        sa.Column("updated_at", Time(), nullable=False),
        sa.CheckConstraint("sender_id <> receiver_id", name=op.f("ck_messages_not_to_self")),
        _fk("messages", "job_id", "jobs", ondelete="SET NULL"),
        _fk("messages", "receiver_id", "users", ondelete="CASCADE"),
        _fk("messages", "sender_id", "users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index("ix_messages_created_at", "messages", ["created_at"])
    op.create_index("ix_messages_receiver_sender", "messages", ["receiver_id", "sender_id"])
    op.create_index("ix_messages_sender_receiver", "messages", ["sender_id", "receiver_id"])

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("artist_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", Time(), nullable=False),
        sa.Column("updated_at", Time(), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_reviews_rating_range")),
        _fk("reviews", "artist_id", "users"),
        _fk("reviews", "job_id", "jobs", ondelete="CASCADE"),
        _fk("reviews", "reviewer_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_index("ix_reviews_artist_created_at", "reviews", ["artist_id", "created_at"])
    op.create_index("ix_reviews_reviewer_created_at", "reviews", ["reviewer_id", "created_at"])
    op.create_index("uq_reviews_job_id", "reviews", ["job_id"], unique=True)


def downgrade() -> None:
    for table in ("reviews", "messages", "contracts", "notifications", "daily_analytics"):
        op.drop_table(table)
