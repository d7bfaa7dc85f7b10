"""Jobs: posting, editing, hiring from a bid, completion, cancellation and the job lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from cultureup.application.audit import change, record
from cultureup.application.collaboration.notifications import notify
from cultureup.application.collaboration.ports import Notifier
from cultureup.application.ports import (
    Clock,
    EventPublisher,
    JobQueries,
    UnitOfWork,
    UnitOfWorkFactory,
)
from cultureup.application.views import (
    BID_ORDERING_FIELDS,
    JOB_ORDERING_FIELDS,
    BidFilters,
    BidView,
    HireResult,
    JobFilters,
    JobView,
    Page,
    PageRequest,
    UserRef,
    check_ordering,
)
from cultureup.domain.accounts.roles import Permission, can, is_staff_member
from cultureup.domain.accounts.users import Actor
from cultureup.domain.audit import AuditAction
from cultureup.domain.errors import FieldErrors, InvalidState, NotFound, PermissionDenied
from cultureup.domain.events import JobPosted
from cultureup.domain.hiring.jobs import BidStatus, ExperienceLevel, Job, JobStatus, JobTerms
from cultureup.domain.moderation.content import ContentType
from cultureup.domain.money import Money
from cultureup.domain.scheduling import is_deadline_approaching

JOB_TERM_FIELDS = tuple(field.name for field in attrs.fields(JobTerms))
REMOVED_JOB = ("A moderator removed this job: it takes no hire, bid or completion until it "
               "is restored.")


class JobService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: JobQueries, clock: Clock,
                 events: EventPublisher, notifier: Notifier) -> None:
        self._uow, self._queries, self._clock, self._events = uow, queries, clock, events
        self._notifier = notifier

    # -- reads -----------------------------------------------------------------------------

    def list_jobs(self, filters: JobFilters, page: PageRequest) -> Page[JobView]:
        _check_job_filters(filters)
        result = self._queries.list_jobs(filters, page)
        now = self._clock.now()
        return attrs.evolve(result, items=[self._with_computed(job, now)
                                           for job in result.items])

    def get_job(self, job_id: int, *, actor: Actor | None = None) -> JobView:
        """A job; one a moderator removed is NotFound to all but its buyer and staff."""
        return self._with_computed(visible_job(self._queries.get_job(job_id), actor),
                                   self._clock.now())

    def list_job_bids(self, actor: Actor, job_id: int, filters: BidFilters,
                      page: PageRequest) -> Page[BidView]:
        """All bids on a job, for its buyer and ``Permission.VIEW_PRIVATE_CONTENT`` (staff,
        admins; not content moderators) only. PermissionDenied otherwise. A job a moderator
        removed: NotFound to those who cannot see it, InvalidState (409) to its buyer (the
        bids are kept for a restore, not offered while it is down); staff still read them."""
        job = visible_job(self._queries.get_job(job_id), actor)
        if job.buyer.id != actor.id and not can(actor, Permission.VIEW_PRIVATE_CONTENT):
            raise PermissionDenied("Only the buyer who posted this job can see its bids.")
        if job.removed_at is not None and not can(actor, Permission.VIEW_PRIVATE_CONTENT):
            raise InvalidState(REMOVED_JOB)
        check_bid_filters(filters)
        return self._queries.list_bids(attrs.evolve(filters, job_id=job_id, artist_id=None),
                                       page)

    # -- writes ----------------------------------------------------------------------------

    def post_job(self, actor: Actor, terms: JobTerms) -> JobView:
        now = self._clock.now()
        with self._uow() as uow:
            job = Job.post(buyer=actor, terms=terms,
                           category=uow.categories.find(terms.category_id), now=now)
            uow.jobs.add(job)
            uow.commit()
        assert job.id is not None
        self._events.publish([JobPosted(job_id=job.id, buyer_id=actor.id)])
        return self.get_job(job.id)

    def update_job(self, actor: Actor, job_id: int, changes: dict[str, Any]) -> JobView:
        """Change some terms (PATCH) or all of them (PUT: the caller passes every field)."""
        unknown = set(changes) - set(JOB_TERM_FIELDS)
        if unknown:
            raise ValueError(f"not job terms: {sorted(unknown)}")
        now = self._clock.now()
        with self._uow() as uow:
            job = uow.jobs.get(job_id)
            terms = attrs.evolve(job.terms, **changes)
            job.edit(by=actor, terms=terms, category=uow.categories.find(terms.category_id),
                     now=now)
            uow.jobs.save(job)
            uow.commit()
        return self.get_job(job_id, actor=actor)

    def delete_job(self, actor: Actor, job_id: int) -> None:
        with self._uow() as uow:
            job = uow.jobs.get(job_id)
            job.ensure_deletable(by=actor)
            uow.jobs.delete(job)
            uow.commit()

    def hire(self, actor: Actor, job_id: int, *, bid_id: int,
             final_amount: Money | None = None) -> HireResult:
        """Hire the artist of a pending bid (the buyer only). A job a moderator removed takes
        no hire (see refuse_removed)."""
        now = self._clock.now()
        with self._uow() as uow:
            job = uow.jobs.get(job_id)
            refuse_removed(uow, job, actor)
            job.hire(bid_id=bid_id, by=actor, final_amount=final_amount, now=now)
            uow.jobs.save(job)
            notify(self._notifier, uow, job.events, now)
            uow.commit()
        self._events.publish(job.events)
        view = self._queries.get_job(job_id)
        assert view.hired_artist is not None and view.final_amount is not None
        return HireResult(job_id=job_id, status=view.status,
                          hired_artist=UserRef(id=view.hired_artist.id,
                                               username=view.hired_artist.username),
                          final_amount=view.final_amount)

    def complete(self, actor: Actor, job_id: int) -> JobStatus:
        """Mark an in-progress job completed; a removed job is not (see refuse_removed)."""
        return self._transition(actor, job_id, "complete")

    def cancel(self, actor: Actor, job_id: int) -> JobStatus:
        return self._transition(actor, job_id, "cancel")

    def close(self, actor: Actor, job_id: int, *, reason: str = "",
              ip: str | None = None) -> JobView:
        """Staff close a job (Permission.MANAGE_JOBS; `reason` optional, at most 1000
        characters): an open or in-progress job becomes cancelled (409 otherwise), pending
        bids are rejected, and everything else follows the buyer's cancellation path (its
        contracts end; the JobCancelled event is published, on which commerce settles a
        payment held for the job: see PaymentService.settle_cancelled_job). The buyer and the
        hired artist are notified; the audit entry (status before and after, the reason) is
        written in the same transaction."""
        now = self._clock.now()
        with self._uow() as uow:
            job = uow.jobs.get(job_id)
            before = job.status
            job.close(by=actor, reason=reason, now=now)
            rejected = [bid.id for bid in job.bids
                        if bid.changed and bid.status is BidStatus.REJECTED]
            self._end(uow, job, now)
            record(uow, now=now, action=AuditAction.JOB_CLOSED, actor_id=actor.id,
                   actor_username=actor.username, target_type="job", target_id=job_id,
                   ip_address=ip, reason=reason.strip(),
                   rejected_bids=",".join(str(bid_id) for bid_id in rejected),
                   **change({"status": before.value}, {"status": job.status.value}))
            uow.commit()
        self._events.publish(job.events)
        return self.get_job(job_id)

    def _transition(self, actor: Actor, job_id: int, verb: str) -> JobStatus:
        now = self._clock.now()
        with self._uow() as uow:
            job = uow.jobs.get(job_id)
            if verb == "complete":
                refuse_removed(uow, job, actor)
            getattr(job, verb)(by=actor, now=now)
            self._end(uow, job, now)
            uow.commit()
        self._events.publish(job.events)
        return job.status

    def _end(self, uow: UnitOfWork, job: Job, now: datetime) -> None:
        """Save a job that changed status, with what follows in the same transaction: its
        contracts follow it, and the people concerned are notified."""
        uow.jobs.save(job)
        for contract in uow.contracts.live_for_job(job.id or 0):
            contract.follow_job(job.status, now=now)
            uow.contracts.save(contract)
        notify(self._notifier, uow, job.events, now)

    @staticmethod
    def _with_computed(job: JobView, now: datetime) -> JobView:
        """`job` with `deadline_approaching` as of `now` (one instant for a whole page); the
        view itself when it already holds that value (copying a view per row cost more than
        the rest of the use case, and most jobs are not near their deadline)."""
        approaching = is_deadline_approaching(status=job.status, deadline=job.deadline,
                                              now=now)
        if approaching == job.deadline_approaching:
            return job
        return attrs.evolve(job, deadline_approaching=approaching)


def visible_job(job: JobView, actor: Actor | None) -> JobView:
    if job.removed_at is not None and not (
            actor is not None and (actor.id == job.buyer.id or is_staff_member(actor))):
        raise NotFound("Job not found.")
    return job


def refuse_removed(uow: UnitOfWork, job: Job, actor: Actor) -> None:
    """A job a moderator removed is out of the marketplace until restored: it takes no hire,
    no bid placed, changed or withdrawn, and no completion (its pending bids are kept as they
    are for a restore). Those who may still see it (its buyer and staff, as `visible_job`)
    are told so (InvalidState, 409); to anyone else it does not exist (NotFound, 404), as the
    job itself. Cancelling and staff closing stay open: they take the job out for good."""
    listed = uow.content.find(ContentType.JOB, job.id or 0)
    if listed is None or not listed.removed:
        return
    if actor.id == job.buyer_id or is_staff_member(actor):
        raise InvalidState(REMOVED_JOB)
    raise NotFound("Job not found.")


def _check_job_filters(filters: JobFilters) -> None:
    check_ordering(filters.ordering, JOB_ORDERING_FIELDS)
    errors = FieldErrors()
    if filters.status is not None and filters.status not in {s.value for s in JobStatus}:
        errors.add("status", "Choose one of: " + ", ".join(s.value for s in JobStatus) + ".")
    if filters.experience_level is not None and filters.experience_level not in {
        e.value for e in ExperienceLevel
    }:
        errors.add("experience_level",
                   "Choose one of: " + ", ".join(e.value for e in ExperienceLevel) + ".")
    errors.raise_if_any()


def check_bid_filters(filters: BidFilters) -> None:
    check_ordering(filters.ordering, BID_ORDERING_FIELDS)
    if filters.status is not None and filters.status not in {s.value for s in BidStatus}:
        errors = FieldErrors()
        errors.add("status", "Choose one of: " + ", ".join(s.value for s in BidStatus) + ".")
        errors.raise_if_any()

