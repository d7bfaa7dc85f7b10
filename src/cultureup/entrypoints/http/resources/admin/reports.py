"""GET /api/admin/dashboard/, /api/admin/revenue-report/, /api/admin/overview/ and
/api/admin/overview/charts/, and the mobile admin panel's literal paths
/real_estate/admin/dashboard/ and /real_estate/admin/dashboard/charts/ (the same figures in
that document's envelope and field names). Staff with VIEW_DASHBOARD only."""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field

from cultureup.application.admin.report_views import AdminDashboard, Charts, Overview, RevenueReport
from cultureup.application.admin.reports import (
    DEFAULT_CHART_DAYS,
    FIRST_REPORT_DAY,
    LAST_REPORT_DAY,
    MAX_CHART_DAYS,
    MAX_REPORT_DAYS,
    AdminReportService,
)
from cultureup.domain.accounts.roles import Permission
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import DateIn, DateOut, Integer, MoneyOut, Timestamp

TAG = "Admin: dashboard and reports"
PANEL = "Admin panel (mobile document's paths)"


def _fields(cls: type[Answer], view: Any) -> dict[str, Any]:
    return {name: getattr(view, name) for name in cls.model_fields}


# -- dashboard ---------------------------------------------------------------------------


class UserStats(Answer):
    total_users: int
    new_users_today: int
    new_users_week: int
    new_users_month: int
    verified_users: int
    active_users: int
    artists: int
    buyers: int


class ContentStats(Answer):
    total_artworks: int
    featured_artworks: int
    pending_artworks: int
    total_jobs: int
    open_jobs: int
    completed_jobs: int
    total_categories: int
    active_categories: int


class FinancialStats(Answer):
    total_revenue: MoneyOut
    revenue_today: MoneyOut
    revenue_week: MoneyOut
    revenue_month: MoneyOut
    pending_payments: int
    total_orders: int
    pending_orders: int


class ActivityStats(Answer):
    total_bids: int
    pending_bids: int
    total_messages: int
    unread_messages: int
    total_reviews: int
    average_rating: float
    total_contracts: int
    active_contracts: int


class RecentUser(Answer):
    id: int
    username: str
    email: str | None = Field(description="Only to staff who may see users' contact data")
    user_type: str
    created_at: Timestamp


class RecentArtwork(Answer):
    id: int
    title: str
    artist__username: str
    price: MoneyOut
    created_at: Timestamp


class RecentJob(Answer):
    id: int
    title: str
    buyer__username: str
    status: str
    created_at: Timestamp


class RecentPayment(Answer):
    id: int
    transaction_id: str
    payer__username: str
    payee__username: str | None
    amount: MoneyOut
    status: str
    created_at: Timestamp


class RecentActivity(Answer):
    recent_users: list[RecentUser]
    recent_artworks: list[RecentArtwork]
    recent_jobs: list[RecentJob]
    recent_payments: list[RecentPayment]


class Dashboard(Answer):
    user_stats: UserStats
    content_stats: ContentStats
    financial_stats: FinancialStats
    activity_stats: ActivityStats
    recent_activity: RecentActivity
    generated_at: Timestamp


def dashboard_answer(view: AdminDashboard) -> Dashboard:
    recent = view.recent_activity
    return Dashboard(
        user_stats=UserStats(**_fields(UserStats, view.user_stats)),
        content_stats=ContentStats(**_fields(ContentStats, view.content_stats)),
        financial_stats=FinancialStats(**_fields(FinancialStats, view.financial_stats)),
        activity_stats=ActivityStats(**_fields(ActivityStats, view.activity_stats)),
        recent_activity=RecentActivity(
            recent_users=[RecentUser(**_fields(RecentUser, user)) for user in recent.users],
            recent_artworks=[RecentArtwork(
                id=a.id, title=a.title, artist__username=a.artist_username, price=a.price,
                created_at=a.created_at) for a in recent.artworks],
            recent_jobs=[RecentJob(
                id=j.id, title=j.title, buyer__username=j.buyer_username, status=j.status,
                created_at=j.created_at) for j in recent.jobs],
            recent_payments=[RecentPayment(
                id=p.id, transaction_id=p.transaction_id, payer__username=p.payer_username,
                payee__username=p.payee_username, amount=p.amount, status=p.status,
                created_at=p.created_at) for p in recent.payments]),
        generated_at=view.generated_at)


class DashboardResource:
    def __init__(self, reports: AdminReportService) -> None:
        self._reports = reports

    @endpoint("Platform statistics and recent activity (staff)", TAG,
              permission=Permission.VIEW_DASHBOARD,
              response=Dashboard, errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> Dashboard:
        return dashboard_answer(self._reports.dashboard(require_actor(req)))


# -- revenue report ----------------------------------------------------------------------


class RevenueQuery(Shape):
    start_date: DateIn = Field(default=None, description=(
        "First day (UTC), inclusive; default: 29 days before end_date"))
    end_date: DateIn = Field(default=None, description=(
        f"Last day (UTC), inclusive; default today. At most {MAX_REPORT_DAYS} days in all; "
        f"both dates from {FIRST_REPORT_DAY} to {LAST_REPORT_DAY}"))


class DateRange(Answer):
    start_date: DateOut
    end_date: DateOut


class MethodTotal(Answer):
    payment_method: str
    total: MoneyOut
    count: int


class DayTotal(Answer):
    day: DateOut
    total: MoneyOut
    count: int


class TopArtist(Answer):
    payee__username: str
    total_earned: MoneyOut = Field(description="Earnings after the platform fee, less refunds")
    payment_count: int


class TopBuyer(Answer):
    payer__username: str
    total_spent: MoneyOut = Field(description="Paid, less refunds")
    payment_count: int


class Revenue(Answer):
    date_range: DateRange
    total_revenue: MoneyOut = Field(description="Paid by buyers in the period, less refunds")
    total_transactions: int = Field(description="Payments captured in the period")
    revenue_by_method: list[MethodTotal]
    daily_revenue: list[DayTotal]
    top_artists: list[TopArtist]
    top_buyers: list[TopBuyer]


def revenue_answer(report: RevenueReport) -> Revenue:
    return Revenue(
        date_range=DateRange(start_date=report.start_date, end_date=report.end_date),
        total_revenue=report.total_revenue, total_transactions=report.total_transactions,
        revenue_by_method=[MethodTotal(payment_method=m.payment_method, total=m.total,
                                       count=m.count) for m in report.revenue_by_method],
        daily_revenue=[DayTotal(day=d.day, total=d.total, count=d.count)
                       for d in report.daily_revenue],
        top_artists=[TopArtist(payee__username=p.username, total_earned=p.total,
                               payment_count=p.count) for p in report.top_artists],
        top_buyers=[TopBuyer(payer__username=p.username, total_spent=p.total,
                             payment_count=p.count) for p in report.top_buyers])


class RevenueReportResource:
    def __init__(self, reports: AdminReportService) -> None:
        self._reports = reports

    @endpoint("Revenue by method, by day, top artists and buyers (staff)", TAG,
              permission=Permission.VIEW_DASHBOARD,
              query=RevenueQuery, response=Revenue, errors=(400, 403))
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: RevenueQuery
               ) -> Revenue:
        return revenue_answer(self._reports.revenue_report(
            require_actor(req), query.start_date, query.end_date))


# -- overview ----------------------------------------------------------------------------


class OverviewCounts(Answer):
    total_listings: int = Field(description="Artworks, jobs and equipment")
    total_artworks: int
    total_jobs: int
    total_equipment: int
    total_artists: int
    total_users: int
    featured_artworks: int


class TypeCount(Answer):
    artwork_type: str
    count: int


class CategoryCount(Answer):
    category: str
    count: int


class ArtworkStats(Answer):
    avg_price: MoneyOut
    total_value: MoneyOut
    avg_hourly_rate: MoneyOut = Field(description="Artists' average hourly rate")
    artwork_types: list[TypeCount]
    by_category: list[CategoryCount]


class Views(Answer):
    total_views: int


class Engagement(Answer):
    avg_views_per_artwork: float


class ArtistStats(Answer):
    verification_rate: float = Field(description="Verified artists, percent of artists")


class ReasonCount(Answer):
    reason: str
    count: int


class ReportStats(Answer):
    response_rate: float = Field(description="Reports closed (resolved or dismissed), percent")
    by_reason: list[ReasonCount]


class Health(Answer):
    artworks_without_images: int
    jobs_without_active_category: int
    applications_pending: int = Field(description="Verification applications waiting")


class OverviewAnswer(Answer):
    overview: OverviewCounts
    artwork_stats: ArtworkStats
    user_activity: Views
    engagement: Engagement
    artist_stats: ArtistStats
    reports: ReportStats
    system_health: Health
    generated_at: Timestamp


def overview_answer(view: Overview) -> OverviewAnswer:
    c = view.catalog
    return OverviewAnswer(
        overview=OverviewCounts(
            total_listings=view.total_listings, total_artworks=c.total_artworks,
            total_jobs=c.total_jobs, total_equipment=c.total_equipment,
            total_artists=c.total_artists, total_users=c.total_users,
            featured_artworks=c.featured_artworks),
        artwork_stats=ArtworkStats(
            avg_price=c.average_artwork_price, total_value=c.total_artwork_value,
            avg_hourly_rate=c.average_hourly_rate,
            artwork_types=[TypeCount(artwork_type=t.name, count=t.count)
                           for t in c.artwork_types],
            by_category=[CategoryCount(category=t.name, count=t.count)
                         for t in c.by_category]),
        user_activity=Views(total_views=c.total_views),
        engagement=Engagement(avg_views_per_artwork=view.average_views_per_artwork),
        artist_stats=ArtistStats(verification_rate=view.verification_rate),
        reports=ReportStats(response_rate=view.report_response_rate,
                            by_reason=[ReasonCount(reason=r.name, count=r.count)
                                       for r in view.reports.by_reason]),
        system_health=Health(artworks_without_images=c.artworks_without_images,
                             jobs_without_active_category=c.jobs_without_active_category,
                             applications_pending=view.applications_pending),
        generated_at=view.generated_at)


class OverviewResource:
    def __init__(self, reports: AdminReportService) -> None:
        self._reports = reports

    @endpoint("Listings, prices, views, verification, reports and system health (staff)", TAG,
              permission=Permission.VIEW_DASHBOARD, response=OverviewAnswer, errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> OverviewAnswer:
        return overview_answer(self._reports.overview(require_actor(req)))


# -- charts ------------------------------------------------------------------------------


class ChartsQuery(Shape):
    days: Integer(1, MAX_CHART_DAYS, description=(
        f"How many days up to today (default {DEFAULT_CHART_DAYS})")) = None


class DayCount(Answer):
    date: DateOut
    count: int


class DayAmount(Answer):
    date: DateOut
    amount: MoneyOut


class ChartsAnswer(Answer):
    start_date: DateOut
    end_date: DateOut
    listings_over_time: list[DayCount] = Field(description="New artworks and jobs per day")
    registrations_over_time: list[DayCount]
    revenue_over_time: list[DayAmount] = Field(description="Paid less refunds, per day")


def charts_answer(view: Charts) -> ChartsAnswer:
    return ChartsAnswer(
        start_date=view.start_date, end_date=view.end_date,
        listings_over_time=[DayCount(date=d.day, count=d.listings) for d in view.days],
        registrations_over_time=[DayCount(date=d.day, count=d.registrations)
                                 for d in view.days],
        revenue_over_time=[DayAmount(date=d.day, amount=d.revenue) for d in view.days])


class ChartsResource:
    def __init__(self, reports: AdminReportService) -> None:
        self._reports = reports

    @endpoint("Listings, registrations and revenue per day (staff)", TAG,
              permission=Permission.VIEW_DASHBOARD,
              query=ChartsQuery, response=ChartsAnswer, errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: ChartsQuery
               ) -> ChartsAnswer:
        return charts_answer(self._reports.charts(require_actor(req),
                                                  query.days or DEFAULT_CHART_DAYS))


# -- the mobile document's literal paths -------------------------------------------------


class PanelOverview(Answer):
    total_properties: int = Field(description="Listings: artworks, jobs and equipment")
    total_agents: int = Field(description="Artists")
    total_users: int
    featured_properties: int = Field(description="Featured artworks")


class PropertyType(Answer):
    property_type: str = Field(description="Artwork type")
    count: int


class City(Answer):
    city: str = Field(description="Category name")
    count: int


class PropertyStats(Answer):
    avg_sale_price: MoneyOut = Field(description="Average artwork price")
    total_property_value: MoneyOut = Field(description="Sum of artwork prices")
    avg_price_per_sqm: MoneyOut = Field(description="Artists' average hourly rate")
    property_types: list[PropertyType]
    by_city: list[City] = Field(description="Artworks per category")


class PanelEngagement(Answer):
    avg_views_per_property: float


class AgentStats(Answer):
    verification_rate: float


class InquiryType(Answer):
    inquiry_type: str = Field(description="Report reason")
    count: int


class Inquiries(Answer):
    response_rate: float
    by_type: list[InquiryType]


class PanelHealth(Answer):
    properties_without_images: int
    properties_missing_location: int = Field(
        description="Jobs whose category is missing or inactive")
    agents_pending_verification: int = Field(description="Verification applications waiting")


class PanelDashboardData(Answer):
    overview: PanelOverview
    property_stats: PropertyStats
    user_activity: Views
    engagement: PanelEngagement
    agent_stats: AgentStats
    inquiries: Inquiries
    system_health: PanelHealth


class PanelDashboard(Answer):
    success: bool = Field(json_schema_extra={"const": True})
    data: PanelDashboardData
    generated_at: Timestamp


class PanelChartsData(Answer):
    property_listings_over_time: list[DayCount]
    user_registrations_over_time: list[DayCount]
    revenue_over_time: list[DayAmount]


class PanelCharts(Answer):
    success: bool = Field(json_schema_extra={"const": True})
    data: PanelChartsData


class PanelDashboardResource:
    def __init__(self, reports: AdminReportService) -> None:
        self._reports = reports

    @endpoint("Dashboard statistics, as the mobile admin panel reads them (staff)", PANEL,
              permission=Permission.VIEW_DASHBOARD, response=PanelDashboard, errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> PanelDashboard:
        view = self._reports.overview(require_actor(req))
        c = view.catalog
        return PanelDashboard(success=True, generated_at=view.generated_at, data=PanelDashboardData(
            overview=PanelOverview(total_properties=view.total_listings,
                                   total_agents=c.total_artists, total_users=c.total_users,
                                   featured_properties=c.featured_artworks),
            property_stats=PropertyStats(
                avg_sale_price=c.average_artwork_price, total_property_value=c.total_artwork_value,
                avg_price_per_sqm=c.average_hourly_rate,
                property_types=[PropertyType(property_type=t.name, count=t.count)
                                for t in c.artwork_types],
                by_city=[City(city=t.name, count=t.count) for t in c.by_category]),
            user_activity=Views(total_views=c.total_views),
            engagement=PanelEngagement(avg_views_per_property=view.average_views_per_artwork),
            agent_stats=AgentStats(verification_rate=view.verification_rate),
            inquiries=Inquiries(response_rate=view.report_response_rate,
                                by_type=[InquiryType(inquiry_type=r.name, count=r.count)
                                         for r in view.reports.by_reason]),
            system_health=PanelHealth(
                properties_without_images=c.artworks_without_images,
                properties_missing_location=c.jobs_without_active_category,
                agents_pending_verification=view.applications_pending)))


class PanelChartsResource:
    def __init__(self, reports: AdminReportService) -> None:
        self._reports = reports

    @endpoint("Listings, registrations and revenue per day, as the mobile admin panel reads "
              "them (staff)", PANEL, permission=Permission.VIEW_DASHBOARD, query=ChartsQuery,
              response=PanelCharts,
              errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: ChartsQuery
               ) -> PanelCharts:
        view = charts_answer(self._reports.charts(require_actor(req),
                                                  query.days or DEFAULT_CHART_DAYS))
        return PanelCharts(success=True, data=PanelChartsData(
            property_listings_over_time=view.listings_over_time,
            user_registrations_over_time=view.registrations_over_time,
            revenue_over_time=view.revenue_over_time))


def add_admin_report_routes(app: falcon.App, reports: AdminReportService) -> None:
    app.add_route("/api/admin/dashboard", DashboardResource(reports))
    app.add_route("/api/admin/revenue-report", RevenueReportResource(reports))
    app.add_route("/api/admin/overview", OverviewResource(reports))
    app.add_route("/api/admin/overview/charts", ChartsResource(reports))
    app.add_route("/real_estate/admin/dashboard", PanelDashboardResource(reports))
    app.add_route("/real_estate/admin/dashboard/charts", PanelChartsResource(reports))
