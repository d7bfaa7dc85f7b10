"""The caller's own dashboard, and the daily platform snapshots staff read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from cultureup.application.collaboration.ports import CollaborationQueries
from cultureup.application.collaboration.views import AnalyticsSnapshot, Dashboard
from cultureup.application.ports import Clock, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest
from cultureup.domain.accounts.roles import Permission, require
from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import ValidationFailed

# Backfills are bounded so that a typo in a year cannot start a run of a million days.
MAX_BACKFILL_DAYS = 3660


class DashboardService:
    def __init__(self, *, queries: CollaborationQueries) -> None:
        self._queries = queries

    def stats(self, actor: Actor) -> Dashboard:
        """The artist or buyer figures, every one counted from the rows in SQL."""
        if actor.is_artist:
            return Dashboard(user_type="artist", stats=self._queries.artist_stats(actor.id))
        if actor.is_buyer:
            return Dashboard(user_type="buyer", stats=self._queries.buyer_stats(actor.id))
        return Dashboard(user_type=actor.user_type.value, stats=None)


class AnalyticsService:
    """One snapshot row per UTC day; recomputing a day replaces its row."""

    def __init__(self, *, uow: UnitOfWorkFactory, queries: CollaborationQueries,
                 clock: Clock) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock

    @staticmethod
    def _ensure_staff(actor: Actor) -> None:
        """Staff who may read the dashboards (Permission.VIEW_DASHBOARD); PermissionDenied
        for everyone else."""
        require(actor, Permission.VIEW_DASHBOARD)

    def list_snapshots(self, actor: Actor, page: PageRequest) -> Page[AnalyticsSnapshot]:
        self._ensure_staff(actor)
        return self._queries.list_analytics(page)

    def get_snapshot(self, actor: Actor, snapshot_id: int) -> AnalyticsSnapshot:
        self._ensure_staff(actor)
        return self._queries.get_analytics(snapshot_id)

    def calculate_today(self, actor: Actor) -> AnalyticsSnapshot:
        self._ensure_staff(actor)
        return self.calculate(self._clock.now().date())

    def calculate(self, day: date) -> AnalyticsSnapshot:
        """Count the day's figures and store them as the day's one row (idempotent)."""
        if day > self._clock.now().date():
            raise ValidationFailed({"date": ["A day in the future has no figures yet."]})
        with self._uow() as uow:
            figures = self._queries.daily_figures(day)
            snapshot_id = uow.analytics.replace(day, figures, calculated_at=self._clock.now())
            uow.commit()
        return self._queries.get_analytics(snapshot_id)

    def days_between(self, start: date, end: date) -> list[date]:
        if end < start:
            raise ValidationFailed({"to": ["The end date must not be before the start date."]})
        if end > self._clock.now().date():
            raise ValidationFailed({"to": ["The end date must not be in the future."]})
        count = (end - start).days + 1
        if count > MAX_BACKFILL_DAYS:
            raise ValidationFailed({"from": [f"At most {MAX_BACKFILL_DAYS} days at a time."]})
        return [start + timedelta(days=offset) for offset in range(count)]

    def backfill(self, start: date, end: date,
                 progress: Callable[[date], None] | None = None) -> list[AnalyticsSnapshot]:
        """Calculate every day from start to end (inclusive), oldest first; `progress` is
        told of each day done."""
        snapshots = []
        for day in self.days_between(start, end):
            snapshots.append(self.calculate(day))
            if progress is not None:
                progress(day)
        return snapshots
