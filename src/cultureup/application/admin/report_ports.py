"""What the admin reports need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from cultureup.application.admin.report_views import (
    CatalogFigures,
    DayCounts,
    PartyRevenue,
    PlatformCounts,
    RecentActivity,
    ReportFigures,
    RevenueRow,
)

# Half-open UTC intervals [start, end), each a run of whole days.
Spans = Sequence[tuple[datetime, datetime]]


class ReportQueries(Protocol):
    def snapshot_days(self, start: date, end: date) -> set[date]:
        """The days from start to end (inclusive) that have a daily analytics snapshot
        calculated after the day had ended (one taken during its day is not whole)."""
        ...

    def rolled_up_revenue(self, start: date, end: date) -> list[RevenueRow]:
        """The stored per-method revenue rows of the snapshot days from start to end."""
        ...

    def live_revenue(self, spans: Spans) -> list[RevenueRow]:
        """Net revenue and captured payments per day and method, counted in the ledger."""
        ...

    def first_revenue_day(self) -> date | None:
        """The day of the first money a buyer paid, None when nobody has paid yet."""
        ...

    def rolled_up_months(self, start: date, end: date) -> set[date]:
        """The first days of the months from start to end whose per-user revenue is stored
        (written once the month had ended, so whole and final)."""
        ...

    def top_artists(self, months: Sequence[date], spans: Spans,
                    limit: int) -> list[PartyRevenue]:
        """The `limit` artists who earned most (after the fee, less refunds; ties by id) in
        the stored months (first days, each rolled up) and the spans counted from the
        ledger, which must not overlap them."""
        ...

    def top_buyers(self, months: Sequence[date], spans: Spans,
                   limit: int) -> list[PartyRevenue]:
        """The same for buyers by net spending (payments captured less refunds)."""
        ...

    def platform_counts(self, *, today: datetime, week: datetime, month: datetime,
                        now: datetime | None = None) -> PlatformCounts:
        """Every dashboard count; users created since each of the three instants;
        `active_users` the accounts that may be used at `now` (activated, no suspension or
        ban in force; the activation flag alone when None)."""
        ...

    def recent_activity(self, limit: int) -> RecentActivity:
        """The newest users (with e-mail), artworks, jobs and payments."""
        ...

    def catalog_figures(self) -> CatalogFigures:
        ...

    def report_figures(self) -> ReportFigures:
        ...

    def applications_pending(self) -> int:
        ...

    def snapshot_counts(self, start: date, end: date) -> list[DayCounts]:
        """The stored daily figures of the snapshot days from start to end (whole ones only,
        as in snapshot_days)."""
        ...

    def live_counts(self, spans: Spans) -> list[DayCounts]:
        """The same figures counted from the rows, per day with anything in it."""
        ...
