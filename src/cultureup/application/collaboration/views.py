"""Read-side data for contracts, messages, reviews, notifications, dashboards and analytics."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import attrs

from cultureup.application.views import UserRef
from cultureup.domain.money import Money

CONTRACT_ORDERING_FIELDS = ("created_at", "amount")
MESSAGE_ORDERING_FIELDS = ("created_at",)
REVIEW_ORDERING_FIELDS = ("created_at", "rating")
NOTIFICATION_ORDERING_FIELDS = ("created_at",)


@attrs.frozen(kw_only=True)
class JobRef:
    id: int
    title: str


@attrs.frozen(kw_only=True)
class ContractFilters:
    status: str | None = None
    rights_type: str | None = None
    ordering: str | None = None


@attrs.frozen(kw_only=True)
class ContractView:
    id: int
    job: JobRef
    artist: UserRef
    buyer: UserRef
    terms: str
    rights_type: str
    amount: Money
    deadline: datetime
    status: str
    artist_signed_at: datetime | None
    buyer_signed_at: datetime | None
    artist_terms_digest: str | None
    buyer_terms_digest: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def artist_signed(self) -> bool:
        return self.artist_signed_at is not None

    @property
    def buyer_signed(self) -> bool:
        return self.buyer_signed_at is not None

    @property
    def is_fully_signed(self) -> bool:
        return self.artist_signed and self.buyer_signed


@attrs.frozen(kw_only=True)
class ContractChange:
    """An edited contract, and whether the edit voided signatures."""

    contract: ContractView
    signatures_cleared: bool


@attrs.frozen(kw_only=True)
class MessageFilters:
    is_read: bool | None = None
    job_id: int | None = None
    ordering: str | None = None


@attrs.frozen(kw_only=True)
class AttachmentRef:
    name: str
    content_type: str
    size: int


@attrs.frozen(kw_only=True)
class MessageView:
    id: int
    sender: UserRef
    receiver: UserRef
    job_id: int | None
    content: str
    attachment: AttachmentRef | None
    is_read: bool
    created_at: datetime
    updated_at: datetime


@attrs.frozen(kw_only=True)
class Counterpart:
    id: int
    username: str
    first_name: str
    profile_image: str | None


@attrs.frozen(kw_only=True)
class LastMessage:
    id: int
    content: str
    created_at: datetime
    is_read: bool


@attrs.frozen(kw_only=True)
class ConversationView:
    user: Counterpart
    last_message: LastMessage
    unread_count: int


@attrs.frozen(kw_only=True)
class ReviewFilters:
    rating: int | None = None
    # Reviews a user wrote or received; None lists every review (the artist's page sets
    # artist_id).
    involving_user_id: int | None = None
    artist_id: int | None = None
    ordering: str | None = None


@attrs.frozen(kw_only=True)
class ReviewView:
    id: int
    reviewer: UserRef
    artist: UserRef
    job: JobRef
    rating: int
    comment: str
    created_at: datetime
    updated_at: datetime


@attrs.frozen(kw_only=True)
class NotificationFilters:
    notification_type: str | None = None
    is_read: bool | None = None
    ordering: str | None = None


@attrs.frozen(kw_only=True)
class NotificationView:
    id: int
    user_id: int
    notification_type: str
    title: str
    message: str
    is_read: bool
    created_at: datetime


@attrs.frozen(kw_only=True)
class ArtistStats:
    total_earnings: Money
    total_projects_completed: int
    active_bids: int
    pending_jobs: int
    average_rating: Decimal
    total_reviews: int
    completion_rate: Decimal
    artworks_uploaded: int
    artworks_sold: int


@attrs.frozen(kw_only=True)
class BuyerStats:
    total_spent: Money
    active_jobs: int
    completed_jobs: int
    total_jobs_posted: int
    artworks_purchased: int
    equipment_purchased: int
    pending_orders: int


@attrs.frozen(kw_only=True)
class Dashboard:
    user_type: str
    stats: ArtistStats | BuyerStats | None


@attrs.frozen(kw_only=True)
class DailyFigures:
    """The platform's figures for one UTC day: totals at its end and what happened in it."""

    total_users: int
    new_users: int
    total_artists: int
    total_buyers: int
    jobs_posted: int
    jobs_completed: int
    bids_placed: int
    artworks_uploaded: int
    messages_sent: int
    reviews_posted: int
    revenue: Money
    platform_fees: Money


@attrs.frozen(kw_only=True)
class AnalyticsSnapshot:
    id: int
    date: date
    figures: DailyFigures
    calculated_at: datetime
