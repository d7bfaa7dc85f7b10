"""Job oversight for staff: the admin job list and statistics (Permission.VIEW_DASHBOARD)
and closing a job (Permission.MANAGE_JOBS, through JobService.close, the same path as the
buyer's cancellation)."""

from __future__ import annotations

from datetime import timedelta

import attrs

from cultureup.application.admin.ports import AdminCatalogQueries
from cultureup.application.admin.views import RECENT_DAYS, JobStats, contact_for
from cultureup.application.hiring.jobs import JobService
from cultureup.application.ports import Clock
from cultureup.application.views import JobFilters, JobView, Page, PageRequest
from cultureup.domain.accounts.roles import Permission, require
from cultureup.domain.accounts.users import Actor


class JobOversightService:
    def __init__(self, *, jobs: JobService, admin_queries: AdminCatalogQueries,
                 clock: Clock) -> None:
        self._jobs, self._admin, self._clock = jobs, admin_queries, clock

    def list_jobs(self, actor: Actor, filters: JobFilters, page: PageRequest) -> Page[JobView]:
        """Every job, whatever its status; filters status, category, buyer, experience level,
        search (title and description words), ordering as the public list. The buyer's
        e-mail only to an actor with Permission.VIEW_USERS (empty otherwise)."""
        require(actor, Permission.VIEW_DASHBOARD)
        found = self._jobs.list_jobs(filters, page)
        return attrs.evolve(found, items=[_shown(actor, view) for view in found.items])

    def stats(self, actor: Actor) -> JobStats:
        """Counts by status, average budgets (exact, half-up to 0.01), all bids, and jobs
        posted in the last RECENT_DAYS days."""
        require(actor, Permission.VIEW_DASHBOARD)
        return self._admin.job_stats(recent_since=self._clock.now() - timedelta(days=RECENT_DAYS))

    def close(self, actor: Actor, job_id: int, *, reason: str = "",
              ip: str | None = None) -> JobView:
        """See JobService.close; the answer as list_jobs shows it."""
        return _shown(actor, self._jobs.close(actor, job_id, reason=reason, ip=ip))

    def days_between(self, view: JobView) -> tuple[int, int]:
        """(days since posted, days until the deadline: negative once it has passed), whole
        days counted down, from the injected clock."""
        now = self._clock.now()
        return (now - view.created_at).days, (view.deadline - now).days


def _shown(actor: Actor, view: JobView) -> JobView:
    hired = view.hired_artist
    return attrs.evolve(view, buyer=contact_for(actor, view.buyer),
                        hired_artist=contact_for(actor, hired) if hired else None)
