"""Read models of the admin dashboard, revenue report, overview and charts.

Counts are scalar sub-queries gathered into one statement; money is summed in paisa from the
ledger (`ledger_entries`) or from the stored daily rows (`daily_revenue`, `daily_analytics`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
)

from cultureup.adapters.sqlalchemy.admin.tables import daily_revenue
from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.catalog.tables import artist_profiles, equipment
from cultureup.adapters.sqlalchemy.collaboration.tables import (
    contracts,
    daily_analytics,
    messages,
    reviews,
)
from cultureup.adapters.sqlalchemy.commerce.tables import ledger_entries, orders, payments
from cultureup.adapters.sqlalchemy.moderation.tables import reports as user_reports
from cultureup.adapters.sqlalchemy.moderation.verification_tables import (
    verification_applications,
)
from cultureup.adapters.sqlalchemy.tables import bids, categories, jobs, users
from cultureup.application.admin.report_ports import Spans
from cultureup.application.admin.report_views import (
    ActivityStats,
    CatalogFigures,
    ContentStats,
    DayCounts,
    NamedCount,
    PartyRevenue,
    PlatformCounts,
    RecentActivity,
    RecentArtwork,
    RecentJob,
    RecentPayment,
    RecentUser,
    ReportFigures,
    RevenueRow,
    UserStats,
)
from cultureup.domain.accounts.users import UserType
from cultureup.domain.catalog.artworks import ModerationStatus
from cultureup.domain.collaboration.contracts import ContractStatus
from cultureup.domain.commerce.ledger import AccountKind, EntryKind
from cultureup.domain.commerce.orders import OrderStatus
from cultureup.domain.commerce.payments import PaymentMethod, PaymentStatus
from cultureup.domain.hiring.jobs import BidStatus, JobStatus
from cultureup.domain.moderation.reports import CLOSED
from cultureup.domain.moderation.verification import ApplicationStatus
from cultureup.domain.money import Money

BUYER = AccountKind.BUYER.value
ARTIST_HELD = AccountKind.ARTIST_HELD.value
EARNED = (EntryKind.EARNING_HELD.value, EntryKind.REFUNDED.value)
payer = users.alias("payer")
payee = users.alias("payee")


def _cents(column: Any) -> Any:
    return type_coerce(column, BigInteger)


def _day(value: Any) -> date:
    """A SQL date() result: a date on PostgreSQL, ISO text on SQLite."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _within(column: Any, spans: Spans) -> ColumnElement[bool]:
    return or_(*((column >= start) & (column < end) for start, end in spans))


def _count(table: Any, *conditions: ColumnElement[bool]) -> Any:
    query = select(func.count()).select_from(table)
    return (query.where(*conditions) if conditions else query).scalar_subquery()


def _revenue_select(spans_condition: ColumnElement[bool]) -> Any:
    """Per day and method: minus the buyers' entries (money paid less refunds) and the
    captures, from the ledger."""
    day = func.date(ledger_entries.c.created_at).label("day")
    return (select(day, payments.c.method.label("method"),
                   (-func.sum(_cents(ledger_entries.c.amount))).label("cents"),
                   func.count().filter(ledger_entries.c.kind == EntryKind.CAPTURED.value)
                   .label("captured"))
            .select_from(ledger_entries.join(payments,
                                             payments.c.id == ledger_entries.c.payment_id))
            .where(ledger_entries.c.account == BUYER, spans_condition)
            .group_by(day, payments.c.method))


def write_revenue_rollup(connection: Connection, day: date, start: datetime,
                         end: datetime) -> None:
    """Replace the day's per-method revenue rows (every method, zeros included) from the
    ledger, in the caller's transaction (the analytics snapshot's)."""
    counted = {row.method: (int(row.cents), int(row.captured)) for row in connection.execute(
        _revenue_select((ledger_entries.c.created_at >= start)
                        & (ledger_entries.c.created_at < end)))}
    connection.execute(delete(daily_revenue).where(daily_revenue.c.date == day))
    methods = [m.value for m in PaymentMethod] + sorted(set(counted) - {
        m.value for m in PaymentMethod})
    connection.execute(insert(daily_revenue), [
        {"date": day, "payment_method": method,
         "revenue": Money.from_cents(counted.get(method, (0, 0))[0]),
         "transactions": counted.get(method, (0, 0))[1]} for method in methods])


class SqlAlchemyReportQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, query: Any) -> list[Any]:
        with self._engine.connect() as connection:
            return list(connection.execute(query).mappings().all())

    # -- revenue ---------------------------------------------------------------------------

    def snapshot_days(self, start: date, end: date) -> set[date]:
        return {_day(row["date"]) for row in self._rows(
            select(daily_analytics.c.date).where(daily_analytics.c.date.between(start, end)))}

    def rolled_up_revenue(self, start: date, end: date) -> list[RevenueRow]:
        return [RevenueRow(day=_day(row["date"]), payment_method=row["payment_method"],
                           total=row["revenue"], count=row["transactions"])
                for row in self._rows(select(daily_revenue).where(
                    daily_revenue.c.date.between(start, end)))]

    def live_revenue(self, spans: Spans) -> list[RevenueRow]:
        if not spans:
            return []
        return [RevenueRow(day=_day(row["day"]), payment_method=row["method"],
                           total=Money.from_cents(int(row["cents"])),
                           count=int(row["captured"]))
                for row in self._rows(_revenue_select(_within(ledger_entries.c.created_at,
                                                              spans)))]

    def first_revenue_day(self) -> date | None:
        rows = self._rows(select(func.min(ledger_entries.c.created_at).label("first"))
                          .where(ledger_entries.c.account == BUYER))
        first = rows[0]["first"] if rows else None
        return None if first is None else _day(first)

    def _top(self, account: str, kinds: tuple[str, ...], counted: str, sign: int,
             start: datetime, end: datetime, limit: int) -> list[PartyRevenue]:
        total = (sign * func.sum(_cents(ledger_entries.c.amount))).label("cents")
        grouped = (select(ledger_entries.c.user_id, total,
                          func.count().filter(ledger_entries.c.kind == counted).label("n"))
                   .where(ledger_entries.c.account == account,
                          ledger_entries.c.kind.in_(kinds),
                          ledger_entries.c.created_at >= start,
                          ledger_entries.c.created_at < end)
                   .group_by(ledger_entries.c.user_id)
                   .order_by(total.desc(), ledger_entries.c.user_id).limit(limit).subquery())
        query = (select(grouped, users.c.username)
                 .join(users, users.c.id == grouped.c.user_id)
                 .order_by(grouped.c.cents.desc(), grouped.c.user_id))
        return [PartyRevenue(user_id=row["user_id"], username=row["username"],
                             total=Money.from_cents(int(row["cents"])), count=int(row["n"]))
                for row in self._rows(query)]

    def top_artists(self, start: datetime, end: datetime, limit: int) -> list[PartyRevenue]:
        return self._top(ARTIST_HELD, EARNED, EntryKind.EARNING_HELD.value, 1, start, end,
                         limit)

    def top_buyers(self, start: datetime, end: datetime, limit: int) -> list[PartyRevenue]:
        return self._top(BUYER, (EntryKind.CAPTURED.value, EntryKind.REFUNDED.value),
                         EntryKind.CAPTURED.value, -1, start, end, limit)

    # -- dashboard -------------------------------------------------------------------------

    def platform_counts(self, *, today: datetime, week: datetime, month: datetime
                        ) -> PlatformCounts:
        rating = (select(func.coalesce(func.avg(reviews.c.rating), 0))
                  .scalar_subquery())
        figures = {
            "total_users": _count(users),
            "new_users_today": _count(users, users.c.created_at >= today),
            "new_users_week": _count(users, users.c.created_at >= week),
            "new_users_month": _count(users, users.c.created_at >= month),
            "verified_users": _count(users, users.c.is_verified.is_(True)),
            "active_users": _count(users, users.c.is_active.is_(True)),
            "artists": _count(users, users.c.user_type == UserType.ARTIST.value),
            "buyers": _count(users, users.c.user_type == UserType.BUYER.value),
            "total_artworks": _count(artworks),
            "featured_artworks": _count(artworks, artworks.c.is_featured.is_(True)),
            "pending_artworks": _count(artworks, artworks.c.moderation_status
                                       == ModerationStatus.PENDING.value),
            "total_jobs": _count(jobs),
            "open_jobs": _count(jobs, jobs.c.status == JobStatus.OPEN.value),
            "completed_jobs": _count(jobs, jobs.c.status == JobStatus.COMPLETED.value),
            "total_categories": _count(categories),
            "active_categories": _count(categories, categories.c.is_active.is_(True)),
            "total_bids": _count(bids),
            "pending_bids": _count(bids, bids.c.status == BidStatus.PENDING.value),
            "total_messages": _count(messages),
            "unread_messages": _count(messages, messages.c.is_read.is_(False)),
            "total_reviews": _count(reviews),
            "average_rating": rating,
            "total_contracts": _count(contracts),
            "active_contracts": _count(contracts,
                                       contracts.c.status == ContractStatus.ACTIVE.value),
            "pending_payments": _count(payments,
                                       payments.c.status == PaymentStatus.PENDING.value),
            "total_orders": _count(orders),
            "pending_orders": _count(orders, orders.c.status == OrderStatus.PENDING.value),
        }
        row = self._rows(select(*(value.label(name) for name, value in figures.items())))[0]

        def pick(cls: Any) -> Any:
            return cls(**{field.name: (round(float(row[field.name]), 2)
                                       if field.name == "average_rating"
                                       else int(row[field.name]))
                          for field in cls.__attrs_attrs__})

        return PlatformCounts(users=pick(UserStats), content=pick(ContentStats),
                              activity=pick(ActivityStats),
                              pending_payments=int(row["pending_payments"]),
                              total_orders=int(row["total_orders"]),
                              pending_orders=int(row["pending_orders"]))

    def recent_activity(self, limit: int) -> RecentActivity:
        artist, buyer = users.alias("artist"), users.alias("buyer")
        with self._engine.connect() as c:
            recent_users = c.execute(select(users.c.id, users.c.username, users.c.email,
                                            users.c.user_type, users.c.created_at)
                                     .order_by(users.c.created_at.desc(), users.c.id.desc())
                                     .limit(limit)).mappings().all()
            recent_artworks = c.execute(
                select(artworks.c.id, artworks.c.title, artworks.c.price, artworks.c.created_at,
                       artist.c.username.label("artist_username"))
                .join(artist, artist.c.id == artworks.c.artist_id)
                .order_by(artworks.c.created_at.desc(), artworks.c.id.desc()).limit(limit)
            ).mappings().all()
            recent_jobs = c.execute(
                select(jobs.c.id, jobs.c.title, jobs.c.status, jobs.c.created_at,
                       buyer.c.username.label("buyer_username"))
                .join(buyer, buyer.c.id == jobs.c.buyer_id)
                .order_by(jobs.c.created_at.desc(), jobs.c.id.desc()).limit(limit)
            ).mappings().all()
            recent_payments = c.execute(
                select(payments.c.id, payments.c.transaction_id, payments.c.amount,
                       payments.c.status, payments.c.created_at,
                       payer.c.username.label("payer_username"),
                       payee.c.username.label("payee_username"))
                .join(payer, payer.c.id == payments.c.payer_id)
                .outerjoin(payee, payee.c.id == payments.c.payee_id)
                .order_by(payments.c.created_at.desc(), payments.c.id.desc()).limit(limit)
            ).mappings().all()
        return RecentActivity(
            users=[RecentUser(**row) for row in recent_users],
            artworks=[RecentArtwork(**row) for row in recent_artworks],
            jobs=[RecentJob(**row) for row in recent_jobs],
            payments=[RecentPayment(**row) for row in recent_payments])

    # -- overview --------------------------------------------------------------------------

    def catalog_figures(self) -> CatalogFigures:
        live_category = select(categories.c.id).where(categories.c.is_active.is_(True))
        figures = {
            "total_artworks": _count(artworks),
            "total_jobs": _count(jobs),
            "total_equipment": _count(equipment),
            "total_users": _count(users),
            "total_artists": _count(users, users.c.user_type == UserType.ARTIST.value),
            "verified_artists": _count(users, users.c.user_type == UserType.ARTIST.value,
                                       users.c.is_verified.is_(True)),
            "featured_artworks": _count(artworks, artworks.c.is_featured.is_(True)),
            "price_sum": select(func.coalesce(func.sum(_cents(artworks.c.price)), 0))
            .scalar_subquery(),
            "rate_sum": select(func.coalesce(func.sum(_cents(artist_profiles.c.hourly_rate)),
                                             0)).scalar_subquery(),
            "profiles": _count(artist_profiles),
            "total_views": select(func.coalesce(func.sum(artworks.c.views_count), 0))
            .scalar_subquery(),
            "artworks_without_images": _count(artworks, artworks.c.image_key == ""),
            "jobs_without_active_category": _count(jobs, jobs.c.category_id.not_in(
                live_category)),
        }
        with self._engine.connect() as c:
            row = c.execute(select(*(value.label(name) for name, value in figures.items()))
                            ).mappings().one()
            types = c.execute(select(artworks.c.artwork_type, func.count().label("n"))
                              .group_by(artworks.c.artwork_type)
                              .order_by(func.count().desc(), artworks.c.artwork_type)).all()
            by_category = c.execute(
                select(categories.c.name, func.count(artworks.c.id).label("n"))
                .join(artworks, artworks.c.category_id == categories.c.id)
                .group_by(categories.c.id, categories.c.name)
                .order_by(func.count(artworks.c.id).desc(), categories.c.name)).all()
        count = {name: int(row[name]) for name in figures}

        def average(total: int, n: int) -> Money:
            return Money.from_cents((total + n // 2) // n) if n else Money(0)

        return CatalogFigures(
            total_artworks=count["total_artworks"], total_jobs=count["total_jobs"],
            total_equipment=count["total_equipment"], total_users=count["total_users"],
            total_artists=count["total_artists"], verified_artists=count["verified_artists"],
            featured_artworks=count["featured_artworks"],
            average_artwork_price=average(count["price_sum"], count["total_artworks"]),
            total_artwork_value=Money.from_cents(count["price_sum"]),
            average_hourly_rate=average(count["rate_sum"], count["profiles"]),
            total_views=count["total_views"],
            artworks_without_images=count["artworks_without_images"],
            jobs_without_active_category=count["jobs_without_active_category"],
            artwork_types=[NamedCount(name=name, count=int(n)) for name, n in types],
            by_category=[NamedCount(name=name, count=int(n)) for name, n in by_category])

    def report_figures(self) -> ReportFigures:
        """User reports: all, those closed (resolved or dismissed), and the count per reason."""
        closed = [status.value for status in CLOSED]
        with self._engine.connect() as c:
            row = c.execute(select(func.count().label("total"),
                                   func.count().filter(user_reports.c.status.in_(closed))
                                   .label("answered"))).mappings().one()
            reasons = c.execute(select(user_reports.c.reason, func.count().label("n"))
                                .group_by(user_reports.c.reason)
                                .order_by(func.count().desc(), user_reports.c.reason)).all()
        return ReportFigures(total=int(row["total"]), answered=int(row["answered"]),
                             by_reason=[NamedCount(name=reason, count=int(n))
                                        for reason, n in reasons])

    def applications_pending(self) -> int:
        """Artists' verification applications waiting for a decision."""
        return int(self._rows(select(_count(
            verification_applications,
            verification_applications.c.status == ApplicationStatus.PENDING.value
        ).label("n")))[0]["n"])

    # -- charts ----------------------------------------------------------------------------

    def snapshot_counts(self, start: date, end: date) -> list[DayCounts]:
        return [DayCounts(day=_day(row["date"]),
                          listings=row["artworks_uploaded"] + row["jobs_posted"],
                          registrations=row["new_users"], revenue=row["revenue"])
                for row in self._rows(select(daily_analytics).where(
                    daily_analytics.c.date.between(start, end)))]

    def live_counts(self, spans: Spans) -> list[DayCounts]:
        if not spans:
            return []
        per_day: dict[date, dict[str, int]] = {}

        def grouped(table: Any, name: str) -> Any:
            day = func.date(table.c.created_at).label("day")
            return (select(day, literal(name).label("what"), func.count().label("n"))
                    .where(_within(table.c.created_at, spans)).group_by(day))

        money = func.date(ledger_entries.c.created_at).label("day")
        query = grouped(users, "registrations").union_all(
            grouped(artworks, "listings"), grouped(jobs, "listings"),
            select(money, literal("revenue").label("what"),
                   (-func.sum(_cents(ledger_entries.c.amount))).label("n"))
            .where(ledger_entries.c.account == BUYER,
                   _within(ledger_entries.c.created_at, spans)).group_by(money))
        for row in self._rows(query):
            figures = per_day.setdefault(_day(row["day"]), {
                "listings": 0, "registrations": 0, "revenue": 0})
            figures[row["what"]] += int(row["n"])
        return [DayCounts(day=day, listings=f["listings"], registrations=f["registrations"],
                          revenue=Money.from_cents(f["revenue"]))
                for day, f in per_day.items()]
