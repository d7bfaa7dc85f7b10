"""The schema of artist profiles, buyer profiles and equipment, on the shared `metadata`.
Change it only together with a migration in migrations/versions."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from cultureup.adapters.sqlalchemy.tables import jobs, metadata
from cultureup.adapters.sqlalchemy.types import MoneyCents, UTCDateTime

# The user id is the primary key: one profile of each kind per user, enforced by the database.
artist_profiles = Table(
    "artist_profiles", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("bio", String(1000), nullable=False, server_default=""),
    Column("skills", String(500), nullable=False, server_default=""),
    Column("experience_level", String(16), nullable=False),
    Column("hourly_rate", MoneyCents, nullable=False),
    Column("portfolio_description", String(2000), nullable=False, server_default=""),
    Column("is_available", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # The folded words it is found by (cultureup.domain.text.search_text), set in Python.
    Column("search_text", Text, nullable=False, server_default=""),
    CheckConstraint("hourly_rate >= 0", name="hourly_rate_not_negative"),
    CheckConstraint("experience_level IN ('beginner', 'intermediate', 'expert')",
                    name="experience_level_choice"),
)
# Each ordering (newest first by default, hourly_rate; `rating` is the user id alone) alone and
# under each equality filter, ending in the user id that breaks ties (migration 0008).
for _order in ("created_at", "hourly_rate"):
    Index(f"ix_artist_profiles_{_order}", artist_profiles.c[_order],
          artist_profiles.c.user_id)
    Index(f"ix_artist_profiles_level_{_order}", artist_profiles.c.experience_level,
          artist_profiles.c[_order], artist_profiles.c.user_id)
    Index(f"ix_artist_profiles_available_{_order}", artist_profiles.c.is_available,
          artist_profiles.c[_order], artist_profiles.c.user_id)

buyer_profiles = Table(
    "buyer_profiles", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("company_name", String(200), nullable=False, server_default=""),
    Column("address", String(500), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # The folded words it is found by (cultureup.domain.text.search_text), set in Python.
    Column("search_text", Text, nullable=False, server_default=""),
)
Index("ix_buyer_profiles_created_at", buyer_profiles.c.created_at, buyer_profiles.c.user_id)

equipment = Table(
    "equipment", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("equipment_type", String(16), nullable=False),
    Column("price", MoneyCents, nullable=False),
    Column("stock_quantity", Integer, nullable=False, server_default="0"),
    Column("image", String(500), nullable=True),
    Column("is_available", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="0"),
    # The folded words it is found by (cultureup.domain.text.search_text), set in Python.
    Column("search_text", Text, nullable=False, server_default=""),
    # Taken down by a moderator (migration 0015): when, by whom and the reason.
    Column("removed_at", UTCDateTime, nullable=True),
    Column("removed_by_id", Integer, nullable=True),  # a user id, not a key
    Column("removal_reason", Text, nullable=True),
    CheckConstraint("price > 0", name="price_positive"),
    CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
    CheckConstraint("equipment_type IN ('frame', 'paint', 'brush', 'canvas', 'other')",
                    name="equipment_type_choice"),
)
# Each ordering alone and by type, ending in the id that breaks ties (migration 0008).
for _order in ("created_at", "price", "stock_quantity"):
    Index(f"ix_equipment_{_order}", equipment.c[_order], equipment.c.id)
    Index(f"ix_equipment_type_{_order}", equipment.c.equipment_type, equipment.c[_order],
          equipment.c.id)
Index("ix_equipment_available_stock", equipment.c.is_available, equipment.c.stock_quantity,
      equipment.c.id)
# The items the public sees (not removed, migration 0015): the count of an unfiltered list.
Index("ix_equipment_listed", equipment.c.id, sqlite_where=text("removed_at IS NULL"),
      postgresql_where=text("removed_at IS NULL"))

# The profiles' figures count and sum jobs per hired artist and per buyer, by status.
Index("ix_jobs_hired_artist_status", jobs.c.hired_artist_id, jobs.c.status)
Index("ix_jobs_buyer_status", jobs.c.buyer_id, jobs.c.status)

__all__ = ["artist_profiles", "buyer_profiles", "equipment"]
