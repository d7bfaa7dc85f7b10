"""Read models of the admin dashboard, revenue report, overview and charts.

Counts are scalar sub-queries gathered into one statement; money is summed in paisa from the
ledger (`ledger_entries`) or from the stored daily rows (`daily_revenue`, `daily_analytics`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Date,
    Engine,
    String,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
)

from cultureup.adapters.sqlalchemy.admin.tables import (
    daily_revenue,
    revenue_rollup_months,
    user_monthly_revenue,
)
from cultureup.adapters.sqlalchemy.admin.user_queries import usable_at
from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks, public_artwork_terms
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
from cultureup.application.admin.reports import next_month
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
PAID = (EntryKind.CAPTURED.value, EntryKind.REFUNDED.value)
# Per role of user_monthly_revenue: the ledger account and entry kinds it sums, the kind it
# counts as a transaction, and the sign that makes the figure positive (a buyer's entries are
# money leaving their account).
ROLES: dict[str, tuple[str, tuple[str, ...], str, int]] = {
    "artist": (ARTIST_HELD, EARNED, EntryKind.EARNING_HELD.value, 1),
    "buyer": (BUYER, PAID, EntryKind.CAPTURED.value, -1),
}
payer = users.alias("payer")
payee = users.alias("payee")


def _cents(column: Any) -> Any:
    return type_coerce(column, BigInteger)


def _day(value: Any) -> date:
    """A SQL date() result: a date on PostgreSQL, ISO text on SQLite."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _whole(snapshot: Any) -> bool:
    """Whether a daily analytics row was calculated after its day had ended (a snapshot taken
    during the day misses the rest of it)."""
    return bool(snapshot["calculated_at"] >= datetime.combine(
        _day(snapshot["date"]) + timedelta(days=1), time(), tzinfo=UTC))


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


def _party_select(role: str, condition: ColumnElement[bool]) -> Any:
    """Per user of the role: the signed net (paisa) and the transactions counted, with the
    entries' payment, from the ledger entries meeting `condition`."""
    account, kinds, counted, sign = ROLES[role]
    return (select(ledger_entries.c.user_id.label("user_id"),
                   (sign * _cents(ledger_entries.c.amount)).label("cents"),
                   case((ledger_entries.c.kind == counted, 1), else_=0).label("n"))
            .where(ledger_entries.c.account == account, ledger_entries.c.kind.in_(kinds),
                   condition))


def write_month_rollup(connection: Connection, month: date, calculated_at: datetime) -> None:
    """Replace the month's rows of user_monthly_revenue (both roles, every user with entries)
    from the ledger, and mark the month as rolled up; for a month that has ended by
    `calculated_at` only (ValueError otherwise), in the caller's transaction."""
    first = month.replace(day=1)
    following = next_month(first)
    start = datetime.combine(first, time(), tzinfo=UTC)
    end = datetime.combine(following, time(), tzinfo=UTC)
    if calculated_at < end:
        raise ValueError("Only a month that has ended is rolled up.")
    connection.execute(delete(user_monthly_revenue).where(user_monthly_revenue.c.month == first))
    within = (ledger_entries.c.created_at >= start) & (ledger_entries.c.created_at < end)
    for role in ROLES:
        entries = _party_select(role, within).subquery()
        connection.execute(insert(user_monthly_revenue).from_select(
            ["role", "month", "user_id", "revenue", "transactions"],
            select(literal(role, String), literal(first, Date), entries.c.user_id,
                   func.sum(entries.c.cents), func.sum(entries.c.n))
            .group_by(entries.c.user_id)))
    connection.execute(delete(revenue_rollup_months).where(
        revenue_rollup_months.c.month == first))
    connection.execute(insert(revenue_rollup_months).values(month=first,
                                                             calculated_at=calculated_at))


def write_revenue_rollup(connection: Connection, day: date, start: datetime,
                         end: datetime, calculated_at: datetime | None = None) -> None:
    """Replace the day's per-method revenue rows (every method, zeros included) from the
    ledger, in the caller's transaction (the analytics snapshot's). When the day's month has
    ended by `calculated_at` and is not rolled up yet, or the day is its last, the month's
    per-user rows are written too (write_month_rollup)."""
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
    if calculated_at is None:
        return
    first = day.replace(day=1)
    following = next_month(first)
    if calculated_at < datetime.combine(following, time(), tzinfo=UTC):
        return
    last_day = following - timedelta(days=1) == day
    if last_day or connection.execute(select(revenue_rollup_months.c.month).where(
            revenue_rollup_months.c.month == first)).first() is None:
        write_month_rollup(connection, first, calculated_at)


class SqlAlchemyReportQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, query: Any) -> list[Any]:
        with self._engine.connect() as connection:
            return list(connection.execute(query).mappings().all())

    # -- revenue ---------------------------------------------------------------------------

    def snapshot_days(self, start: date, end: date) -> set[date]:
        return {_day(row["date"]) for row in self._rows(
            select(daily_analytics.c.date, daily_analytics.c.calculated_at)
            .where(daily_analytics.c.date.between(start, end))) if _whole(row)}

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

    def rolled_up_months(self, start: date, end: date) -> set[date]:
        return {_day(row["month"]) for row in self._rows(
            select(revenue_rollup_months.c.month).where(
                revenue_rollup_months.c.month.between(start, end)))}

    def _top(self, role: str, months: Sequence[date], spans: Spans,
             limit: int) -> list[PartyRevenue]:
        """One statement: the months' stored rows and the spans' ledger entries, per user."""
        parts: list[Any] = []
        if months:
            parts.append(select(user_monthly_revenue.c.user_id,
                                _cents(user_monthly_revenue.c.revenue).label("cents"),
                                user_monthly_revenue.c.transactions.label("n"))
                         .where(user_monthly_revenue.c.role == role,
                                user_monthly_revenue.c.month.in_(list(months))))
        # One range a part (not an OR of ranges), so that each reads the ledger's covering
        # index alone on PostgreSQL too (index-only scans; a BitmapOr reads the table).
        parts += [_party_select(role, (ledger_entries.c.created_at >= start)
                                & (ledger_entries.c.created_at < end)) for start, end in spans]
        if not parts:
            return []
        rows = (parts[0] if len(parts) == 1 else parts[0].union_all(*parts[1:])).subquery()
        total = func.sum(rows.c.cents).label("cents")
        grouped = (select(rows.c.user_id, total, func.sum(rows.c.n).label("n"))
                   .group_by(rows.c.user_id)
                   .order_by(total.desc(), rows.c.user_id).limit(limit).subquery())
        query = (select(grouped, users.c.username)
                 .join(users, users.c.id == grouped.c.user_id)
                 .order_by(grouped.c.cents.desc(), grouped.c.user_id))
        return [PartyRevenue(user_id=row["user_id"], username=row["username"],
                             total=Money.from_cents(int(row["cents"])), count=int(row["n"]))
                for row in self._rows(query)]

    def top_artists(self, months: Sequence[date], spans: Spans,
                    limit: int) -> list[PartyRevenue]:
        return self._top("artist", months, spans, limit)

    def top_buyers(self, months: Sequence[date], spans: Spans,
                   limit: int) -> list[PartyRevenue]:
        return self._top("buyer", months, spans, limit)

    # -- dashboard -------------------------------------------------------------------------

    def platform_counts(self, *, today: datetime, week: datetime, month: datetime,
                        now: datetime | None = None) -> PlatformCounts:
        rating = (select(func.coalesce(func.avg(reviews.c.rating), 0))
                  .scalar_subquery())
        figures = {
            "total_users": _count(users),
            "new_users_today": _count(users, users.c.created_at >= today),
            "new_users_week": _count(users, users.c.created_at >= week),
            "new_users_month": _count(users, users.c.created_at >= month),
            "verified_users": _count(users, users.c.is_verified.is_(True)),
            "active_users": _count(users, usable_at(now)),
            "artists": _count(users, users.c.user_type == UserType.ARTIST.value),
            "buyers": _count(users, users.c.user_type == UserType.BUYER.value),
            "total_artworks": _count(artworks),
            # As the public featured list shows them: featured and visible.
            "featured_artworks": _count(artworks, artworks.c.is_featured.is_(True),
                                        *public_artwork_terms()),
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
                    daily_analytics.c.date.between(start, end))) if _whole(row)]

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
