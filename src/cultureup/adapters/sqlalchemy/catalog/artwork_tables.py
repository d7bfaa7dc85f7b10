"""Artwork tables. Change them only together with a migration."""

from __future__ import annotations

from typing import Any

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
    or_,
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
    # Taken down by a moderator (migration 0015): when, by whom and the reason its owner is told.
    Column("removed_at", UTCDateTime, nullable=True),
    Column("removed_by_id", Integer, nullable=True),  # a user id, not a key
    Column("removal_reason", Text, nullable=True),
    CheckConstraint("price > 0", name="price_positive"),
)
# What the public sees (docs/decisions.md, "What the public sees"): artworks not removed by a
# moderator, not REJECTED, and not held for a duplicate review (PENDING with a duplicate
# candidate) unless staff approved them. Each list's filter and ordering has a partial index
# over those rows only, ending in the id that breaks ties, so a page is read in index order
# (no sort) and a deep page skips index entries, not rows. The queries spell the condition
# with the same literal (artwork_queries.VISIBLE), or no planner could prove that the index
# applies. Migration 0008 explains the choice of each one, 0015 the condition.
# `{r}.` qualifies the columns (the triggers' NEW/OLD rows); VISIBLE_ARTWORKS is unqualified.
VISIBLE_ARTWORKS_OF = ("{r}removed_at IS NULL AND {r}moderation_status <> 'REJECTED' AND "
                       "({r}moderation_status = 'APPROVED' OR {r}duplicate_candidate_id IS NULL)")
VISIBLE_ARTWORKS = VISIBLE_ARTWORKS_OF.format(r="")
# The columns of the condition, carried at the end of every partial index.
VISIBLE_COLUMNS = ("moderation_status", "duplicate_candidate_id", "removed_at")


def public_artwork_terms() -> list[Any]:
    """VISIBLE_ARTWORKS as qualified column terms, for queries that join other tables."""
    c = artworks.c
    return [c.removed_at.is_(None), c.moderation_status != "REJECTED",
            or_(c.moderation_status == "APPROVED", c.duplicate_candidate_id.is_(None))]


def _visible_index(name: str, *columns: Any) -> Index:
    # The condition's columns ride along at the end: SQLite (before 3.45 at least) still checks
    # the condition it has proved, so without them the index would not cover the page's key
    # query and every skipped entry would cost a row lookup.
    where = text(VISIBLE_ARTWORKS)
    return Index(name, *columns, artworks.c.id, *(artworks.c[c] for c in VISIBLE_COLUMNS),
                 sqlite_where=where, postgresql_where=where)


for _order in ("created_at", "price", "likes_count", "views_count"):
    _visible_index(f"ix_artworks_visible_{_order}", artworks.c[_order])
    # An artist's artworks, in every ordering.
    _visible_index(f"ix_artworks_visible_artist_{_order}", artworks.c.artist_id,
                   artworks.c[_order])
for _facet in ("category_id", "artwork_type", "is_featured"):
    _visible_index(f"ix_artworks_visible_{_facet}_created_at", artworks.c[_facet],
                   artworks.c.created_at)
# Category or type with a price range or ordering (also counts such a filter from the index).
for _facet in ("category_id", "artwork_type"):
    _visible_index(f"ix_artworks_visible_{_facet}_price", artworks.c[_facet], artworks.c.price)
# Everything, REJECTED included, for staff, newest first; and the foreign keys.
Index("ix_artworks_created_at", artworks.c.created_at, artworks.c.id)
# The staff moderation queue (a status, newest first) and the admin list by duplicate score.
Index("ix_artworks_moderation_status_created_at", artworks.c.moderation_status,
      artworks.c.created_at, artworks.c.id)
Index("ix_artworks_similarity_score", artworks.c.similarity_score, artworks.c.id)
Index("ix_artworks_artist_id", artworks.c.artist_id)
Index("ix_artworks_category_id", artworks.c.category_id)

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
