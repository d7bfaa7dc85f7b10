"""/api/dashboard/stats/ (the caller's own figures) and /api/analytics/ (staff: one snapshot
of the platform per UTC day)."""

from __future__ import annotations

import datetime as dt

import falcon
from pydantic import Field

from cultureup.application.collaboration.dashboard import AnalyticsService, DashboardService
from cultureup.application.collaboration.views import AnalyticsSnapshot, ArtistStats, BuyerStats
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, endpoint
from cultureup.entrypoints.http.fields import MoneyOut, Timestamp
from cultureup.entrypoints.http.shapes import PageOf, Pagination

DASHBOARD = "Dashboard"
ANALYTICS = "Analytics (staff)"


class ArtistFigures(Answer):
    total_earnings: MoneyOut = Field(description="Final amounts of the completed jobs hired "
                                                 "for, and artwork sales")
    total_projects_completed: int = Field(ge=0)
    active_bids: int = Field(ge=0, description="Pending bids")
    pending_jobs: int = Field(ge=0, description="Jobs hired for, in progress")
    average_rating: float = Field(ge=0, le=5, description="Mean rating, two decimals")
    total_reviews: int = Field(ge=0)
    completion_rate: float = Field(ge=0, le=100, description="Percent of ended jobs completed")
    artworks_uploaded: int = Field(ge=0)
    artworks_sold: int = Field(ge=0)

    @classmethod
    def of(cls, stats: ArtistStats) -> ArtistFigures:
        return cls(total_earnings=stats.total_earnings,
                   total_projects_completed=stats.total_projects_completed,
                   active_bids=stats.active_bids, pending_jobs=stats.pending_jobs,
                   average_rating=float(stats.average_rating),
                   total_reviews=stats.total_reviews,
                   completion_rate=float(stats.completion_rate),
                   artworks_uploaded=stats.artworks_uploaded,
                   artworks_sold=stats.artworks_sold)


class BuyerFigures(Answer):
    total_spent: MoneyOut
    active_jobs: int = Field(ge=0)
    completed_jobs: int = Field(ge=0)
    total_jobs_posted: int = Field(ge=0)
    artworks_purchased: int = Field(ge=0)
    equipment_purchased: int = Field(ge=0)
    pending_orders: int = Field(ge=0)

    @classmethod
    def of(cls, stats: BuyerStats) -> BuyerFigures:
        return cls(total_spent=stats.total_spent, active_jobs=stats.active_jobs,
                   completed_jobs=stats.completed_jobs,
                   total_jobs_posted=stats.total_jobs_posted,
                   artworks_purchased=stats.artworks_purchased,
                   equipment_purchased=stats.equipment_purchased,
                   pending_orders=stats.pending_orders)


class DashboardStats(Answer):
    user_type: str = Field(json_schema_extra={"enum": ["artist", "buyer", "admin"]})
    stats: ArtistFigures | BuyerFigures | None = Field(
        description="The artist or buyer figures; null for an account that is neither")


class Snapshot(Answer):
    id: int
    date: dt.date
    total_users: int = Field(ge=0, description="At the end of the day")
    new_users: int = Field(ge=0)
    total_artists: int = Field(ge=0, description="At the end of the day")
    total_buyers: int = Field(ge=0, description="At the end of the day")
    jobs_posted: int = Field(ge=0)
    jobs_completed: int = Field(ge=0)
    bids_placed: int = Field(ge=0)
    artworks_uploaded: int = Field(ge=0)
    messages_sent: int = Field(ge=0)
    reviews_posted: int = Field(ge=0)
    revenue: MoneyOut = Field(description="Payments captured in the day")
    platform_fees: MoneyOut
    calculated_at: Timestamp

    @classmethod
    def of(cls, snapshot: AnalyticsSnapshot) -> Snapshot:
        f = snapshot.figures
        return cls(id=snapshot.id, date=snapshot.date, total_users=f.total_users,
                   new_users=f.new_users, total_artists=f.total_artists,
                   total_buyers=f.total_buyers, jobs_posted=f.jobs_posted,
                   jobs_completed=f.jobs_completed, bids_placed=f.bids_placed,
                   artworks_uploaded=f.artworks_uploaded, messages_sent=f.messages_sent,
                   reviews_posted=f.reviews_posted, revenue=f.revenue,
                   platform_fees=f.platform_fees, calculated_at=snapshot.calculated_at)


class SnapshotPage(PageOf[Snapshot]):
    pass


class Calculated(Answer):
    message: str
    analytics: Snapshot


class DashboardResource:
    def __init__(self, dashboard: DashboardService) -> None:
        self._dashboard = dashboard

    @endpoint("My dashboard figures (artist or buyer), counted from the records", DASHBOARD,
              auth=True, response=DashboardStats)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> DashboardStats:
        found = self._dashboard.stats(require_actor(req))
        stats: ArtistFigures | BuyerFigures | None = None
        if isinstance(found.stats, ArtistStats):
            stats = ArtistFigures.of(found.stats)
        elif isinstance(found.stats, BuyerStats):
            stats = BuyerFigures.of(found.stats)
        return DashboardStats(user_type=found.user_type, stats=stats)


class AnalyticsListResource:
    def __init__(self, analytics: AnalyticsService) -> None:
        self._analytics = analytics

    @endpoint("The daily platform snapshots, newest day first (staff)", ANALYTICS, auth=True,
              query=Pagination, response=SnapshotPage, errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: Pagination
               ) -> SnapshotPage:
        page = self._analytics.list_snapshots(require_actor(req), query.page_request())
        return SnapshotPage.of(req, page, Snapshot.of)


class AnalyticsResource:
    def __init__(self, analytics: AnalyticsService) -> None:
        self._analytics = analytics

    @endpoint("One daily snapshot (staff)", ANALYTICS, auth=True, response=Snapshot,
              errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, analytics_id: int
               ) -> Snapshot:
        return Snapshot.of(self._analytics.get_snapshot(require_actor(req), analytics_id))


class CalculateTodayResource:
    def __init__(self, analytics: AnalyticsService) -> None:
        self._analytics = analytics

    @endpoint("Count today's figures (UTC) and store them as today's one snapshot, replacing "
              "an earlier one (staff)", ANALYTICS, auth=True, response=Calculated,
              errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> Calculated:
        snapshot = self._analytics.calculate_today(require_actor(req))
        return Calculated(message=f"Analytics calculated for {snapshot.date.isoformat()}",
                          analytics=Snapshot.of(snapshot))
