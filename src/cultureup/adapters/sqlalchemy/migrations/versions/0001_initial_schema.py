"""initial schema: users, tokens, categories, jobs, bids

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cultureup.adapters.sqlalchemy.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("created_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("first_name", sa.String(length=150), nullable=False),
        sa.Column("last_name", sa.String(length=150), nullable=False),
        sa.Column("user_type", sa.String(length=16), nullable=False),
        sa.Column("phone_number", sa.String(length=32), server_default="", nullable=False),
        sa.Column("is_verified", sa.Boolean(), server_default=sa.text("(false)"), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("is_staff", sa.Boolean(), server_default=sa.text("(false)"), nullable=False),
        sa.Column("is_superuser", sa.Boolean(), server_default=sa.text("(false)"), nullable=False),
        sa.Column("staff_role", sa.String(length=32), nullable=True),
        sa.Column("profile_image", sa.String(length=500), nullable=True),
        sa.Column("created_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("last_login", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_user_type", ["user_type"], unique=False)
    op.create_index("uq_users_username_lower", "users", [sa.text("lower(username)")], unique=True)
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    op.create_index("uq_categories_name_lower", "categories", [sa.text("lower(name)")], unique=True)

    op.create_table(
        "auth_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_auth_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_tokens")),
        sa.UniqueConstraint("digest", name=op.f("uq_auth_tokens_digest")),
    )
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("budget_min", cultureup.adapters.sqlalchemy.types.MoneyCents(), nullable=False),
        sa.Column("budget_max", cultureup.adapters.sqlalchemy.types.MoneyCents(), nullable=False),
        sa.Column("duration_days", sa.Integer(), nullable=False),
        sa.Column("required_skills", sa.String(length=500), server_default="", nullable=False),
        sa.Column("experience_level", sa.String(length=16), nullable=False),
        sa.Column("deadline", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("hired_artist_id", sa.Integer(), nullable=True),
        sa.Column("final_amount", cultureup.adapters.sqlalchemy.types.MoneyCents(), nullable=True),
        sa.Column("created_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("budget_max >= budget_min", name=op.f("ck_jobs_budget_range")),
        sa.CheckConstraint("budget_min > 0", name=op.f("ck_jobs_budget_min_positive")),
        sa.CheckConstraint("duration_days > 0", name=op.f("ck_jobs_duration_positive")),
        sa.ForeignKeyConstraint(["buyer_id"], ["users.id"], name=op.f("fk_jobs_buyer_id_users")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_jobs_category_id_categories")
        ),
        sa.ForeignKeyConstraint(
            ["hired_artist_id"], ["users.id"], name=op.f("fk_jobs_hired_artist_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_budget_max"), ["budget_max"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_budget_min"), ["budget_min"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_category_id"), ["category_id"], unique=False)
        batch_op.create_index("ix_jobs_created_at", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_deadline"), ["deadline"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_jobs_hired_artist_id"), ["hired_artist_id"], unique=False
        )
        batch_op.create_index("ix_jobs_status_created_at", ["status", "created_at"], unique=False)

    op.create_table(
        "bids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("artist_id", sa.Integer(), nullable=False),
        sa.Column("bid_amount", cultureup.adapters.sqlalchemy.types.MoneyCents(), nullable=False),
        sa.Column("delivery_time", sa.Integer(), nullable=False),
        sa.Column("cover_letter", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("bid_amount > 0", name=op.f("ck_bids_amount_positive")),
        sa.CheckConstraint("delivery_time > 0", name=op.f("ck_bids_delivery_positive")),
        sa.ForeignKeyConstraint(["artist_id"], ["users.id"], name=op.f("fk_bids_artist_id_users")),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_bids_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bids")),
    )
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bids_artist_created_at", ["artist_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_bids_job_amount", ["job_id", "bid_amount"], unique=False)
        batch_op.create_index("uq_bids_job_artist", ["job_id", "artist_id"], unique=True)
        batch_op.create_index(
            "uq_bids_one_accepted_per_job",
            ["job_id"],
            unique=True,
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_bids_one_accepted_per_job",
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        )
        batch_op.drop_index("uq_bids_job_artist")
        batch_op.drop_index("ix_bids_job_amount")
        batch_op.drop_index("ix_bids_artist_created_at")

    op.drop_table("bids")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_created_at")
        batch_op.drop_index(batch_op.f("ix_jobs_hired_artist_id"))
        batch_op.drop_index(batch_op.f("ix_jobs_deadline"))
        batch_op.drop_index("ix_jobs_created_at")
        batch_op.drop_index(batch_op.f("ix_jobs_category_id"))
        batch_op.drop_index(batch_op.f("ix_jobs_buyer_id"))
        batch_op.drop_index(batch_op.f("ix_jobs_budget_min"))
        batch_op.drop_index(batch_op.f("ix_jobs_budget_max"))

    op.drop_table("jobs")
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_tokens_user_id"))

    op.drop_table("auth_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_user_type")

    op.drop_index("uq_categories_name_lower", table_name="categories")
    op.drop_index("uq_users_email_lower", table_name="users")
    op.drop_index("uq_users_username_lower", table_name="users")
    op.drop_table("users")
    op.drop_table("categories")
