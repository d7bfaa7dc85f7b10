"""artworks, likes and perceptual fingerprints

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cultureup.adapters.sqlalchemy.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Money = cultureup.adapters.sqlalchemy.types.MoneyCents
Time = cultureup.adapters.sqlalchemy.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "artworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("artist_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("artwork_type", sa.String(length=16), nullable=False),
        sa.Column("price", Money(), nullable=False),
        sa.Column("is_available", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("is_featured", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("moderation_status", sa.String(length=16), server_default="PENDING",
                  nullable=False),
        sa.Column("image_key", sa.String(length=300), nullable=False),
        sa.Column("watermarked_key", sa.String(length=300), nullable=False),
        sa.Column("labels", sa.Text(), server_default="[]", nullable=False),
        sa.Column("similarity_score", sa.Float(), server_default="0", nullable=False),
        sa.Column("views_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("likes_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", Time(), nullable=False),
        sa.Column("updated_at", Time(), nullable=False),
        sa.CheckConstraint("price > 0", name=op.f("ck_artworks_price_positive")),
        sa.ForeignKeyConstraint(["artist_id"], ["users.id"],
                                name=op.f("fk_artworks_artist_id_users")),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"],
                                name=op.f("fk_artworks_category_id_categories")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artworks")),
    )
    op.create_index("ix_artworks_artist_id", "artworks", ["artist_id"])
    op.create_index("ix_artworks_category_id", "artworks", ["category_id"])
    op.create_index("ix_artworks_price", "artworks", ["price"])
    op.create_index("ix_artworks_created_at", "artworks", ["created_at"])
    op.create_index("ix_artworks_featured_created_at", "artworks",
                    ["is_featured", "created_at"])
    op.create_index("ix_artworks_likes_count", "artworks", ["likes_count"])
    op.create_index("ix_artworks_views_count", "artworks", ["views_count"])
    op.create_table(
        "artwork_likes",
        sa.Column("artwork_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", Time(), nullable=False),
        sa.ForeignKeyConstraint(["artwork_id"], ["artworks.id"],
                                name=op.f("fk_artwork_likes_artwork_id_artworks"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_artwork_likes_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("artwork_id", "user_id", name="pk_artwork_likes"),
    )
    op.create_index("ix_artwork_likes_user_id", "artwork_likes", ["user_id"])
    op.create_table(
        "artwork_fingerprints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("artwork_id", sa.Integer(), nullable=False),
        sa.Column("artist_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["artwork_id"], ["artworks.id"],
                                name=op.f("fk_artwork_fingerprints_artwork_id_artworks"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artwork_fingerprints")),
        sa.UniqueConstraint("artwork_id", name=op.f("uq_artwork_fingerprints_artwork_id")),
    )


def downgrade() -> None:
    op.drop_table("artwork_fingerprints")
    op.drop_index("ix_artwork_likes_user_id", table_name="artwork_likes")
    op.drop_table("artwork_likes")
    for name in ("ix_artworks_views_count", "ix_artworks_likes_count",
                 "ix_artworks_featured_created_at", "ix_artworks_created_at",
                 "ix_artworks_price", "ix_artworks_category_id", "ix_artworks_artist_id"):
        op.drop_index(name, table_name="artworks")
    op.drop_table("artworks")
