"""Artwork tables. Change them only together with a migration."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

from cultureup.adapters.sqlalchemy.tables import metadata
from cultureup.adapters.sqlalchemy.types import MoneyCents, UTCDateTime

artworks = Table(
    "artworks", metadata,
    Column("id", Integer, primary_key=True),
    Column("artist_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("category_id", Integer, ForeignKey("categories.id"), nullable=False),
    Column("artwork_type", String(16), nullable=False),
    Column("price", MoneyCents, nullable=False),
    Column("is_available", Boolean, nullable=False, server_default=text("true")),
    Column("is_featured", Boolean, nullable=False, server_default=text("false")),
    Column("moderation_status", String(16), nullable=False, server_default="PENDING"),
    Column("image_key", String(300), nullable=False),
    Column("watermarked_key", String(300), nullable=False),
    # [[name, confidence], ...] as JSON text: read with the artwork, never queried by label.
    Column("labels", Text, nullable=False, server_default="[]"),
    Column("similarity_score", Float, nullable=False, server_default="0"),
    Column("views_count", Integer, nullable=False, server_default="0"),
    Column("likes_count", Integer, nullable=False, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # The folded words it is found by (cultureup.domain.text.search_text), set in Python.
    Column("search_text", Text, nullable=False, server_default=""),
    # When the current image was uploaded (migration 0007 filled it from created_at).
    Column("image_uploaded_at", UTCDateTime, nullable=True),
    # An upload in the duplicate grey band: the artwork it resembles and the score.
    Column("duplicate_candidate_id", Integer, nullable=True),
    Column("duplicate_candidate_score", Float, nullable=True),
    CheckConstraint("price > 0", name="price_positive"),
)
Index("ix_artworks_artist_id", artworks.c.artist_id)
Index("ix_artworks_category_id", artworks.c.category_id)
Index("ix_artworks_price", artworks.c.price)
Index("ix_artworks_created_at", artworks.c.created_at)
Index("ix_artworks_featured_created_at", artworks.c.is_featured, artworks.c.created_at)
Index("ix_artworks_likes_count", artworks.c.likes_count)
Index("ix_artworks_views_count", artworks.c.views_count)

artwork_likes = Table(
    "artwork_likes", metadata,
    Column("artwork_id", Integer, ForeignKey("artworks.id", ondelete="CASCADE"),
           nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("artwork_id", "user_id", name="pk_artwork_likes"),
)
Index("ix_artwork_likes_user_id", artwork_likes.c.user_id)

# The perceptual fingerprint of each artwork's current image. `id` only grows: a replaced image
# gets a new row, so every server process can catch up with rows past the last id it loaded.
artwork_fingerprints = Table(
    "artwork_fingerprints", metadata,
    Column("id", Integer, primary_key=True),
    Column("artwork_id", Integer, ForeignKey("artworks.id", ondelete="CASCADE"),
           nullable=False, unique=True),
    Column("artist_id", Integer, nullable=False),
    Column("fingerprint", LargeBinary, nullable=False),
)
