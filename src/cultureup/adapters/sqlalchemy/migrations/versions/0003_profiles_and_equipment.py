"""artist profiles, buyer profiles, equipment; job indexes for the profiles' figures

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cultureup.adapters.sqlalchemy.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "artist_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("bio", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("skills", sa.String(length=500), server_default="", nullable=False),
        sa.Column("experience_level", sa.String(length=16), nullable=False),
        sa.Column("hourly_rate", cultureup.adapters.sqlalchemy.types.MoneyCents(),
                  nullable=False),
        sa.Column("portfolio_description", sa.String(length=2000), server_default="",
                  nullable=False),
        sa.Column("is_available", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("created_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "experience_level IN ('beginner', 'intermediate', 'expert')",
            name=op.f("ck_artist_profiles_experience_level_choice"),
        ),
        sa.CheckConstraint(
            "hourly_rate >= 0", name=op.f("ck_artist_profiles_hourly_rate_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_artist_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_artist_profiles")),
    )
    with op.batch_alter_table("artist_profiles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_artist_profiles_available_hourly_rate", ["is_available", "hourly_rate"],
            unique=False,
        )
        batch_op.create_index("ix_artist_profiles_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_artist_profiles_hourly_rate", ["hourly_rate"], unique=False)
        batch_op.create_index(
            "ix_artist_profiles_level_hourly_rate", ["experience_level", "hourly_rate"],
            unique=False,
        )

    op.create_table(
        "buyer_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("company_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("address", sa.String(length=500), server_default="", nullable=False),
        sa.Column("created_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_buyer_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_buyer_profiles")),
    )
    with op.batch_alter_table("buyer_profiles", schema=None) as batch_op:
        batch_op.create_index("ix_buyer_profiles_created_at", ["created_at"], unique=False)

    op.create_table(
        "equipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("equipment_type", sa.String(length=16), nullable=False),
        sa.Column("price", cultureup.adapters.sqlalchemy.types.MoneyCents(), nullable=False),
        sa.Column("stock_quantity", sa.Integer(), server_default="0", nullable=False),
        sa.Column("image", sa.String(length=500), nullable=True),
        sa.Column("is_available", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("created_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "equipment_type IN ('frame', 'paint', 'brush', 'canvas', 'other')",
            name=op.f("ck_equipment_equipment_type_choice"),
        ),
        sa.CheckConstraint("price > 0", name=op.f("ck_equipment_price_positive")),
        sa.CheckConstraint("stock_quantity >= 0", name=op.f("ck_equipment_stock_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equipment")),
    )
    with op.batch_alter_table("equipment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_equipment_available_stock", ["is_available", "stock_quantity"], unique=False
        )
        batch_op.create_index("ix_equipment_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_equipment_price", ["price"], unique=False)
        batch_op.create_index("ix_equipment_stock_quantity", ["stock_quantity"], unique=False)
        batch_op.create_index("ix_equipment_type_price", ["equipment_type", "price"], unique=False)

    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_buyer_status", ["buyer_id", "status"], unique=False)
        batch_op.create_index(
            "ix_jobs_hired_artist_status", ["hired_artist_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_hired_artist_status")
        batch_op.drop_index("ix_jobs_buyer_status")

    with op.batch_alter_table("equipment", schema=None) as batch_op:
        batch_op.drop_index("ix_equipment_type_price")
        batch_op.drop_index("ix_equipment_stock_quantity")
        batch_op.drop_index("ix_equipment_price")
        batch_op.drop_index("ix_equipment_created_at")
        batch_op.drop_index("ix_equipment_available_stock")

    op.drop_table("equipment")
    with op.batch_alter_table("buyer_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_buyer_profiles_created_at")

    op.drop_table("buyer_profiles")
    with op.batch_alter_table("artist_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_artist_profiles_level_hourly_rate")
        batch_op.drop_index("ix_artist_profiles_hourly_rate")
        batch_op.drop_index("ix_artist_profiles_created_at")
        batch_op.drop_index("ix_artist_profiles_available_hourly_rate")

    op.drop_table("artist_profiles")
