"""Read-side data for artist profiles, buyer profiles and equipment: filters and views."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

from cultureup.application.views import UserView
from cultureup.domain.money import Money

ARTIST_ORDERING_FIELDS = ("rating", "hourly_rate", "total_projects_completed")
BUYER_ORDERING_FIELDS = ("total_spent", "projects_posted")
EQUIPMENT_ORDERING_FIELDS = ("price", "stock_quantity")


@attrs.frozen(kw_only=True)
class ArtistProfileFilters:
    experience_level: str | None = None
    is_available: bool | None = None
    min_hourly_rate: Money | None = None
    max_hourly_rate: Money | None = None
    search: str | None = None
    ordering: str | None = None


@attrs.frozen(kw_only=True)
class BuyerProfileFilters:
    search: str | None = None
    ordering: str | None = None


@attrs.frozen(kw_only=True)
class EquipmentFilters:
    equipment_type: str | None = None
    min_price: Money | None = None
    max_price: Money | None = None
    in_stock: bool | None = None
    search: str | None = None
    ordering: str | None = None
    # Items a moderator removed too (staff); the public never sees them.
    include_removed: bool = False


@attrs.frozen(kw_only=True)
class ArtistProfileView:
    user: UserView
    bio: str
    skills: str
    experience_level: str
    hourly_rate: Money
    portfolio_description: str
    is_available: bool
    # Computed from jobs (completed and cancelled ones this artist was hired for).
    total_projects_completed: int
    total_earnings: Money
    completion_rate: Decimal
    # Computed from reviews: the mean rating (two decimals; 0.00 without reviews) and count.
    rating: Decimal = Decimal("0.00")
    total_reviews: int = 0


@attrs.frozen(kw_only=True)
class BuyerProfileView:
    user: UserView
    company_name: str
    address: str
    # Computed from jobs: the final amounts of the buyer's completed jobs, and all jobs posted.
    total_spent: Money
    projects_posted: int


@attrs.frozen(kw_only=True)
class EquipmentView:
    id: int
    name: str
    description: str
    equipment_type: str
    price: Money
    stock_quantity: int
    image: str | None
    is_available: bool
    created_at: datetime
    updated_at: datetime
    # Taken down by a moderator: when, by whom (a user id) and why.
    removed_at: datetime | None = None
    removed_by_id: int | None = None
    removal_reason: str | None = None

    @property
    def in_stock(self) -> bool:
        return self.is_available and self.stock_quantity > 0
