"""The admin dashboard, revenue report, overview and charts.

Money figures come from the ledger: a day's revenue is what buyers paid that UTC day (captured
payments) net of that day's refunds, the same figure the daily analytics snapshot keeps, and a
day's transactions are the payments captured that day. Whole past days that have a snapshot
are read from it (one row per day and payment method, written with the snapshot); every other
day, today included, is counted live from the ledger. Ledger entries are never changed after
they are written, so a stored past day stays exact.

Every use case here needs ``Permission.VIEW_DASHBOARD`` (superuser, admin, staff; see
domain/accounts/roles.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from cultureup.application.admin.report_ports import ReportQueries, Spans
from cultureup.application.admin.report_views import (
    AdminDashboard,
    Charts,
    DayCounts,
    DayRevenue,
    FinancialStats,
    MethodRevenue,
    Overview,
    RecentActivity,
    RevenueReport,
    RevenueRow,
)
from cultureup.application.ports import Clock
from cultureup.domain.accounts.roles import Permission, can, require
from cultureup.domain.accounts.users import Actor
from cultureup.domain.commerce.payments import PaymentMethod
from cultureup.domain.errors import FieldErrors
from cultureup.domain.money import Money

# A report covers at most two years (731 days: any two calendar years, leap day included).
MAX_REPORT_DAYS = 731
# Without dates a report covers the last 30 days, today included.
# A report's dates lie in this range (a 400 naming the date otherwise): the period is read as
# half-open UTC intervals whose end is the day after its last day and the first day of the
# month after it, which must themselves be dates; 1970-01-01 is before any CultureUp record.
FIRST_REPORT_DAY = date(1970, 1, 1)
LAST_REPORT_DAY = date(9998, 12, 31)
DEFAULT_REPORT_DAYS = 30
MAX_CHART_DAYS = 366
DEFAULT_CHART_DAYS = 30
TOP_PARTIES = 10
RECENT_ITEMS = 5
# More gaps than this between snapshot days are counted as one span (then filtered).
MAX_SPANS = 32


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def days_from(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def next_month(first: date) -> date:
    """The first day of the month after the one `first` begins."""
    return (first + timedelta(days=32)).replace(day=1)


def month_starts(start: date, end: date) -> list[date]:
    """The first days of the calendar months that meet [start, end]."""
    firsts, first = [], start.replace(day=1)
    while first <= end:
        firsts.append(first)
        first = next_month(first)
    return firsts


def spans_of(days: Iterable[date]) -> list[tuple[datetime, datetime]]:
    """Consecutive days merged into half-open UTC intervals."""
    spans: list[tuple[datetime, datetime]] = []
    for day in sorted(days):
        start, end = day_start(day), day_start(day + timedelta(days=1))
        if spans and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


class AdminReportService:
    def __init__(self, *, queries: ReportQueries, clock: Clock) -> None:
        self._queries, self._clock = queries, clock

    # -- revenue ---------------------------------------------------------------------------

    def report_range(self, start: date | None, end: date | None) -> tuple[date, date]:
        """The period a revenue report covers: both dates inclusive, UTC days.

        Without dates, the last 30 days up to today; with only `start_date`, up to today; with
        only `end_date`, the 30 days ending then. `start_date` after `end_date`, or more than
        MAX_REPORT_DAYS days, or a date outside FIRST_REPORT_DAY..LAST_REPORT_DAY, is a
        ValidationFailed (400) naming the field.
        """
        errors = FieldErrors()
        for field, day in (("start_date", start), ("end_date", end)):
            if day is not None and not FIRST_REPORT_DAY <= day <= LAST_REPORT_DAY:
                errors.add(field, f"A report date lies between {FIRST_REPORT_DAY.isoformat()} "
                                  f"and {LAST_REPORT_DAY.isoformat()}.")
        errors.raise_if_any()
        today = self._clock.now().date()
        if end is None:
            end = max(today, start) if start is not None else today
        if start is None:
            start = max(end - timedelta(days=DEFAULT_REPORT_DAYS - 1), FIRST_REPORT_DAY)
        if start > end:
            errors.add("start_date", "The start date must not be after the end date.")
        elif (end - start).days + 1 > MAX_REPORT_DAYS:
            errors.add("end_date", f"A report covers at most {MAX_REPORT_DAYS} days.")
        errors.raise_if_any()
        return start, end

    def revenue_report(self, actor: Actor, start: date | None = None,
                       end: date | None = None) -> RevenueReport:
        """Revenue from `start` to `end` (UTC days, inclusive; see `report_range`).

        total_revenue and daily totals are Money (two decimals, PKR): what buyers paid net of
        refunds made in the period; counts are payments captured in it. By payment method (every
        method, zeros included), per day (every day up to today), and the ten artists who
        earned most (net of the platform fee) and buyers who spent most. Raises
        PermissionDenied without VIEW_DASHBOARD, ValidationFailed for a bad period.
        """
        require(actor, Permission.VIEW_DASHBOARD)
        start, end = self.report_range(start, end)
        rows = self._revenue_rows(start, end)
        by_method: dict[str, list[int]] = {m.value: [0, 0] for m in PaymentMethod}
        by_day: dict[date, list[int]] = {day: [0, 0] for day in days_from(
            start, min(end, self._clock.now().date()))}
        for row in rows:
            for bucket in (by_method.setdefault(row.payment_method, [0, 0]),
                           by_day.setdefault(row.day, [0, 0])):
                bucket[0] += row.total.cents
                bucket[1] += row.count
        months, spans = self._party_sources(start, end)
        return RevenueReport(
            start_date=start, end_date=end,
            total_revenue=Money.from_cents(sum(row.total.cents for row in rows)),
            total_transactions=sum(row.count for row in rows),
            revenue_by_method=[MethodRevenue(payment_method=method, total=Money.from_cents(c),
                                             count=n)
                               for method, (c, n) in by_method.items()],
            daily_revenue=[DayRevenue(day=day, total=Money.from_cents(c), count=n)
                           for day, (c, n) in sorted(by_day.items())],
            top_artists=self._queries.top_artists(months, spans, TOP_PARTIES),
            top_buyers=self._queries.top_buyers(months, spans, TOP_PARTIES))

    def _party_sources(self, start: date, end: date) -> tuple[list[date], Spans]:
        """The rolled-up months (first days) wholly inside [start, end] and before today, and
        the spans of the other days of the period, to count from the ledger."""
        today = self._clock.now().date()
        whole = [first for first in month_starts(start, end)
                 if first >= start and next_month(first) <= min(end + timedelta(days=1), today)]
        stored = (sorted(set(whole) & self._queries.rolled_up_months(whole[0], whole[-1]))
                  if whole else [])
        covered = {day for first in stored for day in days_from(
            first, next_month(first) - timedelta(days=1))}
        return stored, spans_of(day for day in days_from(start, end) if day not in covered)

    def _missing_spans(self, missing: list[date]) -> tuple[Spans, set[date]]:
        spans = spans_of(missing)
        if len(spans) > MAX_SPANS:
            spans = [(spans[0][0], spans[-1][1])]
        return spans, set(missing)

    def _revenue_rows(self, start: date, end: date) -> list[RevenueRow]:
        """Snapshot rows for the whole past days that have one, the ledger for the rest."""
        today = self._clock.now().date()
        end = min(end, today)
        if end < start:
            return []
        last_whole = min(end, today - timedelta(days=1))
        snapshots = (self._queries.snapshot_days(start, last_whole) if start <= last_whole
                     else set())
        rows = [row for row in self._queries.rolled_up_revenue(start, last_whole)
                if row.day in snapshots] if snapshots else []
        missing = [day for day in days_from(start, end) if day not in snapshots]
        if missing:
            spans, wanted = self._missing_spans(missing)
            rows += [row for row in self._queries.live_revenue(spans) if row.day in wanted]
        return rows

    # -- dashboard -------------------------------------------------------------------------

    def dashboard(self, actor: Actor) -> AdminDashboard:
        """The four stats blocks and the recent activity of GET /api/admin/dashboard/.

        Counts are rows as they are now. New users "today" are those created since UTC
        midnight, "week" in the last 7 days and "month" in the last 30 (each including
        today). Revenue: all time, today, the last 7 and the last 30 days, by the rule at the
        top of this module. Recent activity: the five newest of each; users' e-mails only
        for actors with VIEW_USERS. Raises PermissionDenied without VIEW_DASHBOARD.
        """
        require(actor, Permission.VIEW_DASHBOARD)
        now = self._clock.now()
        today = now.date()
        week, month = today - timedelta(days=6), today - timedelta(days=29)
        counts = self._queries.platform_counts(today=day_start(today), week=day_start(week),
                                               month=day_start(month), now=now)
        first = self._queries.first_revenue_day()
        rows = self._revenue_rows(first, today) if first is not None else []

        def since(day: date) -> Money:
            return Money.from_cents(sum(row.total.cents for row in rows if row.day >= day))

        recent = self._queries.recent_activity(RECENT_ITEMS)
        if not can(actor, Permission.VIEW_USERS):
            recent = RecentActivity(
                users=[type(user)(id=user.id, username=user.username, email=None,
                                  user_type=user.user_type, created_at=user.created_at)
                       for user in recent.users],
                artworks=recent.artworks, jobs=recent.jobs, payments=recent.payments)
        return AdminDashboard(
            user_stats=counts.users, content_stats=counts.content,
            activity_stats=counts.activity,
            financial_stats=FinancialStats(
                total_revenue=Money.from_cents(sum(row.total.cents for row in rows)),
                revenue_today=since(today), revenue_week=since(week),
                revenue_month=since(month), pending_payments=counts.pending_payments,
                total_orders=counts.total_orders, pending_orders=counts.pending_orders),
            recent_activity=recent, generated_at=now)

    # -- overview and charts ---------------------------------------------------------------

    def overview(self, actor: Actor) -> Overview:
        """The mobile admin panel's overview in CultureUp's terms (see docs/decisions.md):
        listings (artworks, jobs, equipment), artists and their verification rate, artwork
        prices, types and categories, views, user reports answered and by reason, and
        system health (artworks without images, jobs whose category is missing or inactive,
        verification applications pending). Raises PermissionDenied without VIEW_DASHBOARD."""
        require(actor, Permission.VIEW_DASHBOARD)
        return Overview(catalog=self._queries.catalog_figures(),
                        reports=self._queries.report_figures(),
                        applications_pending=self._queries.applications_pending(),
                        generated_at=self._clock.now())

    def charts(self, actor: Actor, days: int = DEFAULT_CHART_DAYS) -> Charts:
        """New listings (artworks and jobs), registrations and net revenue per UTC day, for
        the `days` days ending today (1 to MAX_CHART_DAYS). Whole past days come from the
        daily analytics snapshots, the others (today always) are counted from the rows.
        Raises PermissionDenied without VIEW_DASHBOARD, ValidationFailed for `days` out of
        range."""
        require(actor, Permission.VIEW_DASHBOARD)
        errors = FieldErrors()
        if not 1 <= days <= MAX_CHART_DAYS:
            errors.add("days", f"Ensure this value is between 1 and {MAX_CHART_DAYS}.")
        errors.raise_if_any()
        today = self._clock.now().date()
        start = today - timedelta(days=days - 1)
        last_whole = today - timedelta(days=1)
        stored = {row.day: row for row in (
            self._queries.snapshot_counts(start, last_whole) if start <= last_whole else [])}
        missing = [day for day in days_from(start, today) if day not in stored]
        live: dict[date, DayCounts] = {}
        if missing:
            spans, wanted = self._missing_spans(missing)
            live = {row.day: row for row in self._queries.live_counts(spans)
                    if row.day in wanted}
        zero = Money(0)
        out = []
        for day in days_from(start, today):
            row = stored.get(day) or live.get(day)
            out.append(row or DayCounts(day=day, listings=0, registrations=0, revenue=zero))
        return Charts(start_date=start, end_date=today, days=out)

