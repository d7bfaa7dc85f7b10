"""Jobs and the bids on them: posting, bidding, hiring, completion and cancellation.

A job and its bids form one aggregate: hiring accepts one bid and rejects the others in a
single step, and every change bumps the job's version so concurrent changes cannot both win.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.catalog.categories import Category
from cultureup.domain.errors import (
    FieldErrors,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cultureup.domain.events import (
    ArtistHired,
    BidPlaced,
    BidWithdrawn,
    DomainEvent,
    JobCancelled,
    JobClosedByStaff,
    JobCompleted,
)
from cultureup.domain.money import Money

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
SKILLS_MAX = 500
COVER_LETTER_MAX = 2000
MAX_DAYS = 3650
CLOSE_REASON_MAX = 1000


class JobStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class BidStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ExperienceLevel(enum.StrEnum):
    ENTRY = "entry"
    INTERMEDIATE = "intermediate"
    EXPERT = "expert"


# The job state machine: which status each transition may start from.
JOB_TRANSITIONS: dict[str, frozenset[JobStatus]] = {
    "hire": frozenset({JobStatus.OPEN}),
    "complete": frozenset({JobStatus.IN_PROGRESS}),
    "cancel": frozenset({JobStatus.OPEN, JobStatus.IN_PROGRESS}),
    "edit": frozenset({JobStatus.OPEN}),
    "bid": frozenset({JobStatus.OPEN}),
}


@attrs.frozen(kw_only=True)
class JobTerms:
    """Everything a buyer states when posting or editing a job."""

    title: str
    description: str
    category_id: int
    budget_min: Money
    budget_max: Money
    duration_days: int
    required_skills: str
    experience_level: str
    deadline: datetime

    def validate(self, *, category: Category | None, now: datetime,
                 deadline_changed: bool = True) -> None:
        errors = FieldErrors()
        errors.check_text("title", self.title, max_length=TITLE_MAX)
        errors.check_text("description", self.description, max_length=DESCRIPTION_MAX)
        errors.check_text("required_skills", self.required_skills, max_length=SKILLS_MAX,
                          required=False)
        if category is None:
            errors.add("category_id", f'Invalid pk "{self.category_id}" - object does not exist.')
        elif not category.is_active:
            errors.add("category_id", f'Category "{category.name}" is not active.')
        if not self.budget_min.is_positive:
            errors.add("budget_min", "Ensure this value is greater than 0.")
        if self.budget_max < self.budget_min:
            errors.add("budget_max", "Ensure this value is greater than or equal to budget_min.")
        if not 0 < self.duration_days <= MAX_DAYS:
            errors.add("duration_days", f"Ensure this value is between 1 and {MAX_DAYS}.")
        if self.experience_level not in ExperienceLevel.__members__.values():
            errors.add("experience_level",
                       f'"{self.experience_level}" is not a valid choice. '
                       "Choose one of: entry, intermediate, expert.")
        if deadline_changed and self.deadline <= now:
            errors.add("deadline", "The deadline must be in the future.")
        errors.raise_if_any()

    def clean(self) -> JobTerms:
        return attrs.evolve(self, title=self.title.strip(), description=self.description.strip(),
                            required_skills=self.required_skills.strip())


@attrs.frozen(kw_only=True)
class BidTerms:
    bid_amount: Money
    delivery_time: int
    cover_letter: str

    def validate(self, job: Job) -> None:
        errors = FieldErrors()
        if not self.bid_amount.is_positive:
            errors.add("bid_amount", "Ensure this value is greater than 0.")
        elif not job.budget_min <= self.bid_amount <= job.budget_max:
            errors.add("bid_amount",
                       f"The bid must be within the job's budget "
                       f"({job.budget_min} to {job.budget_max} PKR).")
        if not 0 < self.delivery_time <= MAX_DAYS:
            errors.add("delivery_time", f"Ensure this value is between 1 and {MAX_DAYS}.")
        if not self.cover_letter.strip():
            errors.add("cover_letter", "This field may not be blank.")
        elif len(self.cover_letter) > COVER_LETTER_MAX:
            errors.add("cover_letter",
                       f"Ensure this field has no more than {COVER_LETTER_MAX} characters.")
        errors.raise_if_any()


@attrs.define(eq=False, kw_only=True)
class Bid:
    id: int | None = None
    job_id: int | None
    artist_id: int
    bid_amount: Money
    delivery_time: int
    cover_letter: str
    status: BidStatus = BidStatus.PENDING
    created_at: datetime
    updated_at: datetime
    changed: bool = attrs.field(default=False, repr=False)

    def _set_status(self, status: BidStatus, now: datetime) -> None:
        self.status = status
        self.updated_at = now
        self.changed = True


@attrs.define(eq=False, kw_only=True)
class Job:
    id: int | None = None
    buyer_id: int
    title: str
    description: str
    category_id: int
    budget_min: Money
    budget_max: Money
    duration_days: int
    required_skills: str = ""
    experience_level: ExperienceLevel
    deadline: datetime
    status: JobStatus = JobStatus.OPEN
    hired_artist_id: int | None = None
    final_amount: Money | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 0
    bids: list[Bid] = attrs.Factory(list)
    withdrawn_bid_ids: list[int] = attrs.Factory(list)
    events: list[DomainEvent] = attrs.Factory(list)

    # -- posting and editing -------------------------------------------------------------

    @classmethod
    def post(cls, *, buyer: Actor, terms: JobTerms, category: Category | None,
             now: datetime) -> Job:
        if not buyer.is_buyer:
            raise PermissionDenied("Only buyers can post jobs.")
        terms.validate(category=category, now=now)
        terms = terms.clean()
        job = cls(
            buyer_id=buyer.id, title=terms.title, description=terms.description,
            category_id=terms.category_id, budget_min=terms.budget_min,
            budget_max=terms.budget_max, duration_days=terms.duration_days,
            required_skills=terms.required_skills,
            experience_level=ExperienceLevel(terms.experience_level), deadline=terms.deadline,
            created_at=now, updated_at=now,
        )
        return job

    @property
    def terms(self) -> JobTerms:
        return JobTerms(
            title=self.title, description=self.description, category_id=self.category_id,
            budget_min=self.budget_min, budget_max=self.budget_max,
            duration_days=self.duration_days, required_skills=self.required_skills,
            experience_level=self.experience_level.value, deadline=self.deadline,
        )

    def edit(self, *, by: Actor, terms: JobTerms, category: Category | None,
             now: datetime) -> None:
        """Replace the terms; only the buyer may, and only while the job is open."""
        self._ensure_buyer(by, "edit")
        self._ensure_can("edit", "Only an open job that has not been hired can be edited.")
        terms.validate(category=category, now=now,
                       deadline_changed=terms.deadline != self.deadline)
        terms = terms.clean()
        self.title, self.description = terms.title, terms.description
        self.category_id = terms.category_id
        self.budget_min, self.budget_max = terms.budget_min, terms.budget_max
        self.duration_days, self.required_skills = terms.duration_days, terms.required_skills
        self.experience_level = ExperienceLevel(terms.experience_level)
        self.deadline, self.updated_at = terms.deadline, now

    def ensure_deletable(self, *, by: Actor) -> None:
        self._ensure_buyer(by, "delete")
        if self.hired_artist_id is not None:
            raise InvalidState("A job cannot be deleted once an artist has been hired.")

    # -- bids ------------------------------------------------------------------------------

    def place_bid(self, *, artist: Actor, terms: BidTerms, now: datetime) -> Bid:
        if not artist.is_artist:
            raise PermissionDenied("Only artists can bid on jobs.")
        self._ensure_open_for_bids(now)
        if any(bid.artist_id == artist.id for bid in self.bids):
            raise ValidationFailed({"job_id": ["You have already placed a bid on this job."]})
        terms.validate(self)
        bid = Bid(job_id=self.id, artist_id=artist.id, bid_amount=terms.bid_amount,
                  delivery_time=terms.delivery_time, cover_letter=terms.cover_letter.strip(),
                  created_at=now, updated_at=now)
        self.bids.append(bid)
        self.updated_at = now
        assert self.id is not None, "bids are placed on stored jobs"
        self.events.append(BidPlaced(job_id=self.id, artist_id=artist.id, buyer_id=self.buyer_id,
                                    artist_username=artist.username, job_title=self.title))
        return bid

    def change_bid(self, bid_id: int, *, by: Actor, terms: BidTerms, now: datetime) -> Bid:
        bid = self._own_pending_bid(bid_id, by, "change")
        terms.validate(self)
        bid.bid_amount, bid.delivery_time = terms.bid_amount, terms.delivery_time
        bid.cover_letter = terms.cover_letter.strip()
        bid.updated_at, bid.changed = now, True
        self.updated_at = now
        return bid

    def withdraw_bid(self, bid_id: int, *, by: Actor, now: datetime) -> None:
        bid = self._own_pending_bid(bid_id, by, "withdraw")
        self.bids.remove(bid)
        self.withdrawn_bid_ids.append(bid_id)
        self.updated_at = now
        assert self.id is not None
        self.events.append(BidWithdrawn(job_id=self.id, bid_id=bid_id, artist_id=by.id))

    def bid(self, bid_id: int) -> Bid:
        for bid in self.bids:
            if bid.id == bid_id:
                return bid
        raise NotFound("Bid not found.")

    # -- hiring and after ------------------------------------------------------------------

    def hire(self, *, bid_id: int, by: Actor, final_amount: Money | None,
             now: datetime) -> Bid:
        """Accept one pending bid, reject the others, and start the work."""
        self._ensure_buyer(by, "hire for")
        if self.status is not JobStatus.OPEN:
            raise InvalidState(
                "An artist has already been hired for this job."
                if self.hired_artist_id is not None
                else f"Only an open job can be hired for; this job is {self.status.value}."
            )
        chosen = next((bid for bid in self.bids if bid.id == bid_id), None)
        if chosen is None:
            raise ValidationFailed({"bid_id": ["This bid does not belong to this job."]})
        if chosen.status is not BidStatus.PENDING:
            raise ValidationFailed({"bid_id": ["Only a pending bid can be accepted."]})
        amount = chosen.bid_amount if final_amount is None else final_amount
        lowest, highest = self.final_amount_range(chosen)
        if not lowest <= amount <= highest:
            raise ValidationFailed({"final_amount": [
                f"Ensure this value is between {lowest} (the bid amount) and {highest} "
                "(the job's maximum budget)." if lowest != highest else
                f"Ensure this value is {lowest}, the bid amount (the bid is at or above the "
                "job's maximum budget)."]})
        rejected: list[int] = []
        for bid in self.bids:
            if bid is chosen:
                bid._set_status(BidStatus.ACCEPTED, now)
            elif bid.status is BidStatus.PENDING:
                bid._set_status(BidStatus.REJECTED, now)
                rejected.append(bid.id or 0)
        self.status = JobStatus.IN_PROGRESS
        self.hired_artist_id = chosen.artist_id
        self.final_amount = amount
        self.updated_at = now
        assert self.id is not None and chosen.id is not None
        self.events.append(ArtistHired(
            job_id=self.id, bid_id=chosen.id, artist_id=chosen.artist_id,
            buyer_id=self.buyer_id, final_amount=str(amount), rejected_bid_ids=tuple(rejected),
            buyer_username=by.username, job_title=self.title,
        ))
        return chosen

    def final_amount_range(self, bid: Bid) -> tuple[Money, Money]:
        """The amounts a buyer may hire `bid` at: never below what the artist asked (a lower
        price is the artist's to offer, by changing the bid before the hire), and never above
        the job's maximum budget, unless the bid itself is above it (the budget was lowered
        after the bid), in which case the bid amount is the only one."""
        return bid.bid_amount, max(bid.bid_amount, self.budget_max)

    def complete(self, *, by: Actor, now: datetime) -> None:
        self._ensure_buyer(by, "complete")
        self._ensure_can("complete", "Only a job in progress can be completed.")
        self.status = JobStatus.COMPLETED
        self.updated_at = now
        assert self.id is not None and self.hired_artist_id is not None
        self.events.append(JobCompleted(job_id=self.id, artist_id=self.hired_artist_id,
                                        buyer_id=self.buyer_id, buyer_username=by.username,
                                        job_title=self.title))

    def cancel(self, *, by: Actor, now: datetime) -> None:
        """Stop the job; bids still pending are rejected, an accepted one stays on record."""
        self._ensure_buyer(by, "cancel")
        self._ensure_can("cancel", f"A {self.status.value} job cannot be cancelled.")
        for bid in self.bids:
            if bid.status is BidStatus.PENDING:
                bid._set_status(BidStatus.REJECTED, now)
        self.status = JobStatus.CANCELLED
        self.updated_at = now
        assert self.id is not None
        self.events.append(JobCancelled(job_id=self.id, buyer_id=self.buyer_id))

    def close(self, *, by: Actor, reason: str, now: datetime) -> None:
        """Staff close the job (Permission.MANAGE_JOBS): the buyer's cancellation, decided by
        the platform. An open or in-progress job becomes cancelled, its pending bids rejected;
        an accepted bid stays on record. The buyer and the hired artist are told, with the
        reason when one is given (at most CLOSE_REASON_MAX characters)."""
        if not can(by, Permission.MANAGE_JOBS):
            raise PermissionDenied("You do not have permission to close jobs.")
        if len(reason) > CLOSE_REASON_MAX:
            raise ValidationFailed({"reason": [
                f"Ensure this field has no more than {CLOSE_REASON_MAX} characters."]})
        self._ensure_can("cancel", f"A {self.status.value} job cannot be closed.")
        for bid in self.bids:
            if bid.status is BidStatus.PENDING:
                bid._set_status(BidStatus.REJECTED, now)
        self.status = JobStatus.CANCELLED
        self.updated_at = now
        assert self.id is not None
        self.events.append(JobCancelled(job_id=self.id, buyer_id=self.buyer_id))
        self.events.append(JobClosedByStaff(
            job_id=self.id, buyer_id=self.buyer_id, hired_artist_id=self.hired_artist_id,
            job_title=self.title, reason=reason.strip()))

    # -- guards ----------------------------------------------------------------------------

    def _ensure_buyer(self, actor: Actor, verb: str) -> None:
        if actor.id != self.buyer_id:
            raise PermissionDenied(f"Only the buyer who posted this job can {verb} it.")

    def _ensure_can(self, transition: str, message: str) -> None:
        if self.status not in JOB_TRANSITIONS[transition]:
            raise InvalidState(message)

    def _ensure_open_for_bids(self, now: datetime) -> None:
        self._ensure_can("bid", f"This job is {self.status.value} and takes no bids.")
        if self.deadline <= now:
            raise InvalidState("The deadline of this job has passed; it takes no bids.")

    def _own_pending_bid(self, bid_id: int, by: Actor, verb: str) -> Bid:
        bid = self.bid(bid_id)
        if bid.artist_id != by.id:
            raise PermissionDenied(f"Only the artist who placed this bid can {verb} it.")
        if bid.status is not BidStatus.PENDING or self.status is not JobStatus.OPEN:
            raise InvalidState(
                f"Cannot {verb} this bid: only a pending bid on an open job can change."
            )
        return bid
