"""What the admin reports answer: plain frozen records, no HTTP shapes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import attrs

from cultureup.domain.money import Money


@attrs.frozen(kw_only=True)
class RevenueRow:
    """Net revenue and captured payments of one UTC day and payment method."""

    day: date
    payment_method: str
    total: Money
    count: int


@attrs.frozen(kw_only=True)
class MethodRevenue:
    payment_method: str
    total: Money
    count: int


@attrs.frozen(kw_only=True)
class DayRevenue:
    day: date
    total: Money
    count: int


@attrs.frozen(kw_only=True)
class PartyRevenue:
    """An artist's net earning (after the platform fee) or a buyer's net spending."""

    user_id: int
    username: str
    total: Money
    count: int


@attrs.frozen(kw_only=True)
class RevenueReport:
    start_date: date
    end_date: date
    total_revenue: Money
    total_transactions: int
    revenue_by_method: Sequence[MethodRevenue]
    daily_revenue: Sequence[DayRevenue]
    top_artists: Sequence[PartyRevenue]
    top_buyers: Sequence[PartyRevenue]


@attrs.frozen(kw_only=True)
class UserStats:
    total_users: int
    new_users_today: int
    new_users_week: int
    new_users_month: int
    verified_users: int
    active_users: int
    artists: int
    buyers: int


@attrs.frozen(kw_only=True)
class ContentStats:
    total_artworks: int
    featured_artworks: int
    pending_artworks: int
    total_jobs: int
    open_jobs: int
    completed_jobs: int
    total_categories: int
    active_categories: int


@attrs.frozen(kw_only=True)
class ActivityStats:
    total_bids: int
    pending_bids: int
    total_messages: int
    unread_messages: int
    total_reviews: int
    average_rating: float
    total_contracts: int
    active_contracts: int


@attrs.frozen(kw_only=True)
class PlatformCounts:
    """Every count of the dashboard except money, read in one statement."""

    users: UserStats
    content: ContentStats
    activity: ActivityStats
    pending_payments: int
    total_orders: int
    pending_orders: int


@attrs.frozen(kw_only=True)
class FinancialStats:
    total_revenue: Money
    revenue_today: Money
    revenue_week: Money
    revenue_month: Money
    pending_payments: int
    total_orders: int
    pending_orders: int


@attrs.frozen(kw_only=True)
class RecentUser:
    id: int
    username: str
    email: str | None  # only to staff who may see users' contact data
    user_type: str
    created_at: datetime


@attrs.frozen(kw_only=True)
class RecentArtwork:
    id: int
    title: str
    artist_username: str
    price: Money
    created_at: datetime


@attrs.frozen(kw_only=True)
class RecentJob:
    id: int
    title: str
    buyer_username: str
    status: str
    created_at: datetime


@attrs.frozen(kw_only=True)
class RecentPayment:
    id: int
    transaction_id: str
    payer_username: str
    payee_username: str | None
    amount: Money
    status: str
    created_at: datetime


@attrs.frozen(kw_only=True)
class RecentActivity:
    users: Sequence[RecentUser]
    artworks: Sequence[RecentArtwork]
    jobs: Sequence[RecentJob]
    payments: Sequence[RecentPayment]


@attrs.frozen(kw_only=True)
class AdminDashboard:
    user_stats: UserStats
    content_stats: ContentStats
    financial_stats: FinancialStats
    activity_stats: ActivityStats
    recent_activity: RecentActivity
    generated_at: datetime


@attrs.frozen(kw_only=True)
class NamedCount:
    name: str
    count: int


@attrs.frozen(kw_only=True)
class CatalogFigures:
    """The overview's catalogue figures, read in one statement (plus two small GROUP BYs)."""

    total_artworks: int
    total_jobs: int
    total_equipment: int
    total_users: int
    total_artists: int
    verified_artists: int
    featured_artworks: int
    average_artwork_price: Money
    total_artwork_value: Money
    average_hourly_rate: Money
    total_views: int
    artworks_without_images: int
    jobs_without_active_category: int
    artwork_types: Sequence[NamedCount]
    by_category: Sequence[NamedCount]


@attrs.frozen(kw_only=True)
class ReportFigures:
    """User reports (the trust-and-safety queue): how many, how many answered, by reason."""

    total: int
    answered: int
    by_reason: Sequence[NamedCount]


@attrs.frozen(kw_only=True)
class Overview:
    catalog: CatalogFigures
    reports: ReportFigures
    applications_pending: int
    generated_at: datetime

    @property
    def total_listings(self) -> int:
        return self.catalog.total_artworks + self.catalog.total_jobs + self.catalog.total_equipment

    @property
    def average_views_per_artwork(self) -> float:
        total = self.catalog.total_artworks
        return round(self.catalog.total_views / total, 1) if total else 0.0

    @property
    def verification_rate(self) -> float:
        """Verified artists as a percentage of artists, one decimal."""
        total = self.catalog.total_artists
        return round(100 * self.catalog.verified_artists / total, 1) if total else 0.0

    @property
    def report_response_rate(self) -> float:
        """Reports closed (resolved or dismissed) as a percentage of all reports, one decimal."""
        total = self.reports.total
        return round(100 * self.reports.answered / total, 1) if total else 0.0


@attrs.frozen(kw_only=True)
class DayCounts:
    """New listings (artworks and jobs), registrations and net revenue of one UTC day."""

    day: date
    listings: int
    registrations: int
    revenue: Money


@attrs.frozen(kw_only=True)
class Charts:
    start_date: date
    end_date: date
    days: Sequence[DayCounts]
