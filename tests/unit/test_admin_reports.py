"""The admin report use cases over an in-memory ledger: the period rules, who may read, and
the invariant that the figures do not depend on which past days have a stored snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cultureup.application.admin.report_ports import Spans
from cultureup.application.admin.report_views import (
    DayCounts,
    PartyRevenue,
    RevenueRow,
)
from cultureup.application.admin.reports import (
    FIRST_REPORT_DAY,
    LAST_REPORT_DAY,
    MAX_REPORT_DAYS,
    AdminReportService,
    next_month,
)
from cultureup.domain.accounts.users import Actor, StaffRole, UserType
from cultureup.domain.errors import PermissionDenied, ValidationFailed
from cultureup.domain.money import Money
from tests.unit.builders import artist, buyer, staff
from tests.unit.fakes import FakeClock

NOW = datetime(2025, 6, 30, 15, 0, tzinfo=UTC)
TODAY = NOW.date()
ADMIN = Actor(id=1, username="root", user_type=UserType.ADMIN, is_superuser=True)
STAFF = Actor(id=2, username="desk", user_type=UserType.ADMIN, is_staff=True,
              staff_role=StaffRole.STAFF)
METHODS = ("stripe", "jazzcash", "bank_transfer", "cash_on_delivery")


class Ledger:
    """Per-day, per-method figures; the stored rows are a copy of some of those days. Per-day
    figures of artists and buyers too, some months of which are stored."""

    def __init__(self, figures: dict[tuple[date, str], tuple[int, int]],
                 snapshots: set[date],
                 parties: dict[tuple[date, str, int], tuple[int, int]] | None = None,
                 months: set[date] | None = None) -> None:
        self.figures, self.snapshots = figures, snapshots
        self.parties, self.months = parties or {}, months or set()
        self.live_days: set[date] = set()
        self.party_live_days: set[date] = set()
        self.months_read: set[date] = set()

    def _rows(self, days: set[date]) -> list[RevenueRow]:
        return [RevenueRow(day=day, payment_method=method, total=Money.from_cents(c), count=n)
                for (day, method), (c, n) in self.figures.items() if day in days]

    def snapshot_days(self, start: date, end: date) -> set[date]:
        return {day for day in self.snapshots if start <= day <= end}

    def rolled_up_revenue(self, start: date, end: date) -> list[RevenueRow]:
        return self._rows(self.snapshot_days(start, end))

    def live_revenue(self, spans: Spans) -> list[RevenueRow]:
        days = {day for day, _ in self.figures
                if any(a <= datetime.combine(day, datetime.min.time(), tzinfo=UTC) < b
                       for a, b in spans)}
        self.live_days |= days
        return self._rows(days)

    def first_revenue_day(self) -> date | None:
        return min((day for day, _ in self.figures), default=None)

    def rolled_up_months(self, start: date, end: date) -> set[date]:
        return {month for month in self.months if start <= month <= end}

    def _top(self, role: str, months: Sequence[date], spans: Spans,
             limit: int) -> list[PartyRevenue]:
        assert set(months) <= self.months
        self.months_read |= set(months)
        totals: dict[int, list[int]] = {}
        for (day, who, user), (cents, n) in self.parties.items():
            moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
            stored = day.replace(day=1) in months
            live = any(a <= moment < b for a, b in spans)
            assert not (stored and live), day  # a day is read once
            if live:
                self.party_live_days.add(day)
            if who == role and (stored or live):
                total = totals.setdefault(user, [0, 0])
                total[0] += cents
                total[1] += n
        ranked = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        return [PartyRevenue(user_id=user, username=f"user{user}", total=Money.from_cents(c),
                             count=n) for user, (c, n) in ranked]

    def top_artists(self, months: Sequence[date], spans: Spans,
                    limit: int) -> list[PartyRevenue]:
        return self._top("artist", months, spans, limit)

    def top_buyers(self, months: Sequence[date], spans: Spans,
                   limit: int) -> list[PartyRevenue]:
        return self._top("buyer", months, spans, limit)

    def snapshot_counts(self, start: date, end: date) -> list[DayCounts]:
        return [self._counts(day) for day in self.snapshot_days(start, end)]

    def live_counts(self, spans: Spans) -> list[DayCounts]:
        return [self._counts(day) for day, _ in self.figures
                if any(a.date() <= day < b.date() for a, b in spans)]

    def _counts(self, day: date) -> DayCounts:
        total = sum(c for (d, _), (c, _) in self.figures.items() if d == day)
        return DayCounts(day=day, listings=1, registrations=2, revenue=Money.from_cents(total))


def service(ledger: Ledger) -> AdminReportService:
    return AdminReportService(queries=ledger, clock=FakeClock(NOW))  # type: ignore[arg-type]


day_offsets = st.integers(min_value=0, max_value=60)
figures = st.dictionaries(
    st.tuples(day_offsets, st.sampled_from(METHODS)),
    st.tuples(st.integers(-10**6, 10**8), st.integers(0, 50)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(figures=figures, stored=st.sets(day_offsets), span=st.integers(1, 61))
def test_figures_do_not_depend_on_which_days_have_a_snapshot(
        figures: dict[tuple[int, str], tuple[int, int]], stored: set[int], span: int) -> None:
    data = {(TODAY - timedelta(days=offset), method): value
            for (offset, method), value in figures.items()}
    with_snapshots = Ledger(data, {TODAY - timedelta(days=o) for o in stored if o > 0})
    without = Ledger(data, set())
    start = TODAY - timedelta(days=span - 1)
    one = service(with_snapshots).revenue_report(ADMIN, start, TODAY)
    other = service(without).revenue_report(ADMIN, start, TODAY)
    assert one == other
    expected = sum(c for (day, _), (c, _) in data.items() if day >= start)
    assert one.total_revenue == Money.from_cents(expected)
    assert sum((d.total for d in one.daily_revenue), Money(0)) == one.total_revenue
    # Stored days are never counted again; today always is.
    assert not (with_snapshots.live_days & with_snapshots.snapshots)
    if any(day == TODAY for day, _ in data):
        assert TODAY in with_snapshots.live_days
    charts = service(with_snapshots).charts(ADMIN, span)
    assert sum((d.revenue for d in charts.days), Money(0)) == one.total_revenue


party_figures = st.dictionaries(
    st.tuples(st.integers(0, 150), st.sampled_from(("artist", "buyer")), st.integers(1, 12)),
    st.tuples(st.integers(-10**5, 10**7), st.integers(0, 3)), max_size=60)
# The first days of the months before TODAY's (2025-06) that a period may cover.
PAST_MONTHS = [date(2025, month, 1) for month in range(1, 6)]


@settings(max_examples=80, deadline=None)
@given(parties=party_figures, stored=st.sets(st.sampled_from(PAST_MONTHS)),
       back=st.integers(0, 150), length=st.integers(1, 151))
def test_top_lists_do_not_depend_on_which_months_are_rolled_up(
        parties: dict[tuple[int, str, int], tuple[int, int]], stored: set[date], back: int,
        length: int) -> None:
    data = {(TODAY - timedelta(days=offset), role, user): value
            for (offset, role, user), value in parties.items()}
    start = TODAY - timedelta(days=back)
    end = start + timedelta(days=length - 1)
    rolled = Ledger({}, set(), data, stored)
    one = service(rolled).revenue_report(ADMIN, start, end)
    other = service(Ledger({}, set(), data, set())).revenue_report(ADMIN, start, end)
    assert (one.top_artists, one.top_buyers) == (other.top_artists, other.top_buyers)
    # Only stored months wholly inside the period and ended are read; today never is.
    for month in rolled.months_read:
        assert start <= month and next_month(month) <= min(end + timedelta(days=1), TODAY)
    assert TODAY.replace(day=1) not in rolled.months_read
    expected = {month for month in stored if start <= month
                and next_month(month) <= min(end + timedelta(days=1), TODAY)}
    assert rolled.months_read == expected


def test_the_default_period_is_the_last_30_days() -> None:
    reports = service(Ledger({}, set()))
    assert reports.report_range(None, None) == (TODAY - timedelta(days=29), TODAY)
    assert reports.report_range(date(2025, 6, 1), None) == (date(2025, 6, 1), TODAY)
    assert reports.report_range(None, date(2025, 1, 31)) == (date(2025, 1, 2),
                                                            date(2025, 1, 31))


@pytest.mark.parametrize(("start", "end", "field"), [
    (date(2025, 6, 2), date(2025, 6, 1), "start_date"),
    (date(2023, 1, 1), date(2025, 1, 1), "end_date"),
])
def test_a_bad_period_names_the_field(start: date, end: date, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service(Ledger({}, set())).revenue_report(ADMIN, start, end)
    assert field in caught.value.details


def test_the_longest_period_is_allowed() -> None:
    start = TODAY - timedelta(days=MAX_REPORT_DAYS - 1)
    report = service(Ledger({}, set())).revenue_report(ADMIN, start, TODAY)
    assert len(report.daily_revenue) == MAX_REPORT_DAYS


@pytest.mark.parametrize("actor", [buyer(), artist(), staff()])
def test_who_lacks_the_dashboard_permission_is_refused(actor: Actor) -> None:
    reports = service(Ledger({}, set()))
    for call in (lambda: reports.revenue_report(actor), lambda: reports.overview(actor),
                 lambda: reports.charts(actor), lambda: reports.dashboard(actor)):
        with pytest.raises(PermissionDenied):
            call()


def test_staff_may_read_the_charts_and_days_are_bounded() -> None:
    reports = service(Ledger({}, set()))
    assert len(reports.charts(STAFF, 7).days) == 7
    for days in (0, 367):
        with pytest.raises(ValidationFailed):
            reports.charts(STAFF, days)


@settings(max_examples=300, deadline=None)
@given(start=st.none() | st.dates(), end=st.none() | st.dates())
def test_any_pair_of_dates_gives_a_report_or_a_400_naming_the_date(
        start: date | None, end: date | None) -> None:
    """Any dates at all, date.min to date.max: an answer, or a ValidationFailed naming a
    field; never an arithmetic error (the far ends once overflowed)."""
    reports = service(Ledger({(TODAY, "stripe"): (1000, 1)}, set()))
    try:
        report = reports.revenue_report(ADMIN, start, end)
    except ValidationFailed as refused:
        assert set(refused.details) <= {"start_date", "end_date"}
        assert refused.details
        return
    assert FIRST_REPORT_DAY <= report.start_date <= report.end_date <= LAST_REPORT_DAY
    assert report.total_revenue.cents == (1000 if report.start_date <= TODAY
                                          <= report.end_date else 0)


@pytest.mark.parametrize(("start", "end", "field"), [
    (date(9999, 12, 30), date(9999, 12, 31), "start_date"),
    (date.max, None, "start_date"),
    (None, date.min, "end_date"),
    (FIRST_REPORT_DAY - timedelta(days=1), TODAY, "start_date"),
    (None, LAST_REPORT_DAY + timedelta(days=1), "end_date"),
])
def test_a_date_outside_the_report_range_names_it(start: date | None, end: date | None,
                                                  field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service(Ledger({}, set())).revenue_report(ADMIN, start, end)
    assert field in caught.value.details


def test_the_ends_of_the_report_range_are_answered() -> None:
    reports = service(Ledger({}, set()))
    last = reports.revenue_report(ADMIN, LAST_REPORT_DAY - timedelta(days=40), LAST_REPORT_DAY)
    assert last.end_date == LAST_REPORT_DAY and last.daily_revenue == []
    first = reports.revenue_report(ADMIN, None, FIRST_REPORT_DAY)
    assert first.start_date == first.end_date == FIRST_REPORT_DAY
