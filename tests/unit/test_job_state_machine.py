"""Random sequences of job and bid use cases keep the marketplace consistent.

Hypothesis drives JobService and BidService (wired to the in-memory fakes) with several
buyers, artists and a moderator, picking actors at random, so most calls are refused. A small
model predicts, for every call, whether it succeeds and otherwise which DomainError it
raises; after every step the invariants check the committed state and compare it with the
model.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from cultureup.application.hiring.bids import BidChanges
from cultureup.application.views import BidFilters, PageRequest
from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import (
    DomainError,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cultureup.domain.events import ArtistHired
from cultureup.domain.hiring.jobs import BidStatus, JobStatus
from cultureup.domain.money import Money
from tests.unit.builders import Marketplace, bid_terms
from tests.unit.fakes import InMemoryJobQueries

R = TypeVar("R")

BUDGETS = [(Money("500.00"), Money("1000.00")), (Money("500.00"), Money("1000.00")),
           (Money("600.00"), Money("800.00")),
           (Money("1000.00"), Money("500.00"))]  # the last one is invalid
# Hypothesis favours the first elements of a list: the usual cases come first.
AMOUNTS = [Money(value) for value in ("650.00", "800.00", "500.00", "1000.00", "400.00",
                                      "1200.00")]
FINAL_AMOUNTS = [None, None, Money("999.99"), Money("0.00"), Money("0.01"), Money("700.00"),
                 Money("1000.00"), Money("9999999999.99")]
EDITS = ["title", "narrow_budget", "widen_budget", "invert_budget", "extend_deadline",
         "past_deadline"]
DEADLINE_DAYS = [10, 30, 2]
ACTORS = 6  # two buyers, three artists, one moderator
NEVER_POSTED = 10_000
NEVER_PLACED = 20_000

ALLOWED_TRANSITIONS = {
    (JobStatus.OPEN, JobStatus.IN_PROGRESS),
    (JobStatus.OPEN, JobStatus.CANCELLED),
    (JobStatus.IN_PROGRESS, JobStatus.COMPLETED),
    (JobStatus.IN_PROGRESS, JobStatus.CANCELLED),
}


@attrs.define
class ModelJob:
    buyer_id: int
    status: JobStatus
    budget_min: Money
    budget_max: Money
    deadline: datetime
    hired_artist_id: int | None = None
    final_amount: Money | None = None


@attrs.define
class ModelBid:
    job_id: int
    artist_id: int
    amount: Money
    status: BidStatus = BidStatus.PENDING


class JobLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        market = self.market = Marketplace.create()
        self.category_id = market.add_category("Painting")
        self.actors: list[Actor] = [
            market.add_buyer("buyer_sarah"), market.add_buyer("buyer_omar"),
            market.add_artist("artist_ayesha"), market.add_artist("artist_bilal"),
            market.add_artist("artist_zara"), market.add_staff("moderator"),
        ]
        assert len(self.actors) == ACTORS
        self.model_jobs: dict[int, ModelJob] = {}
        self.model_bids: dict[int, ModelBid] = {}
        self.history: dict[int, list[JobStatus]] = {}
        # Every id ever handed out, so that calls also name deleted jobs and withdrawn bids.
        self.job_ids: list[int] = []
        self.bid_ids: list[int] = []

    # -- helpers -------------------------------------------------------------------------------

    def attempt(self, expected: type[DomainError] | None, call: Callable[[], R]) -> R | None:
        """Run a use case; it must succeed when `expected` is None, else raise `expected`.
        Only DomainError subclasses are swallowed."""
        try:
            result = call()
        except DomainError as error:
            assert expected is not None, f"unexpected {error!r}"
            assert isinstance(error, expected), f"expected {expected.__name__}, got {error!r}"
            return None
        assert expected is None, f"expected {expected.__name__}, but the call succeeded"
        return result

    def now(self) -> datetime:
        return self.market.clock.now()

    def bids_of(self, job_id: int) -> list[ModelBid]:
        return [bid for bid in self.model_bids.values() if bid.job_id == job_id]

    def pick_actor(self, data: st.DataObject, rightful: Actor | None,
                   sixths: int = 4) -> Actor:
        """The one who may act in about `sixths` of six cases, else anyone, more often
        someone who may not (Hypothesis favours the first elements of a list)."""
        if rightful is not None and data.draw(st.integers(0, 5), label="rightful") < sixths:
            return rightful
        return data.draw(st.sampled_from(self.actors[::-1]), label="anyone")

    def actor_by_id(self, actor_id: int) -> Actor:
        return next(actor for actor in self.actors if actor.id == actor_id)

    def pick_job(self, data: st.DataObject,
                 prefer: Callable[[int, ModelJob], bool] = lambda _id, _job: True) -> int:
        """Mostly a job that still exists, preferably one the caller wants (say, open);
        sometimes a deleted one or one never posted."""
        # Hypothesis favours small numbers, so the usual case comes first.
        choice = data.draw(st.integers(0, 9), label="which job")
        live = sorted(self.model_jobs)
        preferred = [job_id for job_id in live if prefer(job_id, self.model_jobs[job_id])]
        if preferred and choice < 5:
            return data.draw(st.sampled_from(preferred), label="job")
        if live and choice < 8:
            return data.draw(st.sampled_from(live), label="job")
        if choice < 9:
            return data.draw(st.sampled_from(self.job_ids), label="job")
        return NEVER_POSTED

    def is_open(self, _job_id: int, job: ModelJob) -> bool:
        return job.status is JobStatus.OPEN

    def has_pending_bids(self, job_id: int, job: ModelJob) -> bool:
        return job.status is JobStatus.OPEN and any(
            bid.status is BidStatus.PENDING for bid in self.bids_of(job_id))

    def is_in_progress(self, _job_id: int, job: ModelJob) -> bool:
        return job.status is JobStatus.IN_PROGRESS

    def pick_bid(self, data: st.DataObject, job_id: int | None = None) -> int:
        """Mostly a bid that still exists (on `job_id`, when given); sometimes a withdrawn
        one, one on another job, or one never placed."""
        own = sorted(bid_id for bid_id, bid in self.model_bids.items()
                     if job_id is None or bid.job_id == job_id)
        choice = data.draw(st.integers(0, 9), label="which bid")
        if own and choice < 7:
            return data.draw(st.sampled_from(own), label="bid")
        if choice < 9:
            return data.draw(st.sampled_from(self.bid_ids), label="bid")
        return NEVER_PLACED

    def job_guard(self, actor: Actor, job_id: int) -> tuple[ModelJob | None,
                                                             type[DomainError] | None]:
        job = self.model_jobs.get(job_id)
        if job is None:
            return None, NotFound
        if actor.id != job.buyer_id:
            return job, PermissionDenied
        return job, None

    def bid_guard(self, actor: Actor, bid_id: int) -> tuple[ModelBid | None,
                                                             type[DomainError] | None]:
        bid = self.model_bids.get(bid_id)
        if bid is None:
            return None, NotFound
        job = self.model_jobs[bid.job_id]
        sees_all = can(actor, Permission.VIEW_PRIVATE_CONTENT)
        if actor.id not in (bid.artist_id, job.buyer_id) and not sees_all:
            return bid, NotFound
        if actor.id != bid.artist_id:
            return bid, PermissionDenied
        if bid.status is not BidStatus.PENDING or job.status is not JobStatus.OPEN:
            return bid, InvalidState
        return bid, None

    # -- rules -----------------------------------------------------------------------------------

    @initialize()
    def a_job_with_two_bids(self) -> None:
        buyer = self.actors[0]
        terms = self.market.job_terms(category_id=self.category_id)
        job = self.market.jobs.post_job(buyer, terms)
        self.model_jobs[job.id] = ModelJob(buyer_id=buyer.id, status=JobStatus.OPEN,
                                           budget_min=terms.budget_min,
                                           budget_max=terms.budget_max,
                                           deadline=terms.deadline)
        self.job_ids.append(job.id)
        for artist, amount in ((self.actors[2], "700.00"), (self.actors[3], "900.00")):
            bid = self.market.bids.place_bid(artist, job.id, bid_terms(amount))
            self.model_bids[bid.id] = ModelBid(job_id=job.id, artist_id=artist.id,
                                               amount=Money(amount))
            self.bid_ids.append(bid.id)

    @rule(data=st.data(), budget=st.sampled_from(BUDGETS),
          days=st.sampled_from(DEADLINE_DAYS))
    def post_job(self, data: st.DataObject, budget: tuple[Money, Money], days: int) -> None:
        actor = self.pick_actor(data, data.draw(st.sampled_from(self.actors[:2])))
        low, high = budget
        deadline = self.now() + timedelta(days=days)
        expected: type[DomainError] | None = None
        if not actor.is_buyer:
            expected = PermissionDenied
        elif high < low:
            expected = ValidationFailed
        view = self.attempt(expected, lambda: self.market.jobs.post_job(
            actor, self.market.job_terms(category_id=self.category_id, budget_min=low,
                                         budget_max=high, deadline=deadline)))
        if view is not None:
            self.model_jobs[view.id] = ModelJob(buyer_id=actor.id, status=JobStatus.OPEN,
                                                budget_min=low, budget_max=high,
                                                deadline=deadline)
            self.job_ids.append(view.id)

    @precondition(lambda self: self.job_ids)
    @rule(data=st.data(), amount=st.sampled_from(AMOUNTS))
    def place_bid(self, data: st.DataObject, amount: Money) -> None:
        job_id = self.pick_job(data, prefer=self.is_open)
        actor = self.pick_actor(data, data.draw(st.sampled_from(self.actors[2:5])))
        job = self.model_jobs.get(job_id)
        expected: type[DomainError] | None = None
        if job is None:
            expected = NotFound
        elif not actor.is_artist:
            expected = PermissionDenied
        elif job.status is not JobStatus.OPEN or job.deadline <= self.now():
            expected = InvalidState
        elif (any(bid.artist_id == actor.id for bid in self.bids_of(job_id))  # a second bid
              or not job.budget_min <= amount <= job.budget_max):
            expected = ValidationFailed
        view = self.attempt(expected, lambda: self.market.bids.place_bid(
            actor, job_id, bid_terms(str(amount))))
        if view is not None:
            assert view.status == "pending" and view.bid_amount == amount
            self.model_bids[view.id] = ModelBid(job_id=job_id, artist_id=actor.id,
                                                amount=amount)
            self.bid_ids.append(view.id)

    @precondition(lambda self: self.bid_ids)
    @rule(data=st.data(), amount=st.sampled_from(AMOUNTS))
    def change_bid(self, data: st.DataObject, amount: Money) -> None:
        bid_id = self.pick_bid(data)
        bid = self.model_bids.get(bid_id)
        actor = self.pick_actor(data, self.actor_by_id(bid.artist_id) if bid else None)
        bid, expected = self.bid_guard(actor, bid_id)
        if expected is None:
            assert bid is not None
            job = self.model_jobs[bid.job_id]
            if not job.budget_min <= amount <= job.budget_max:
                expected = ValidationFailed
        view = self.attempt(expected, lambda: self.market.bids.change_bid(
            actor, bid_id, BidChanges(bid_amount=amount)))
        if view is not None:
            assert bid is not None and view.bid_amount == amount
            bid.amount = amount

    @precondition(lambda self: self.bid_ids)
    @rule(data=st.data())
    def withdraw_bid(self, data: st.DataObject) -> None:
        bid_id = self.pick_bid(data)
        bid = self.model_bids.get(bid_id)
        actor = self.pick_actor(data, self.actor_by_id(bid.artist_id) if bid else None)
        _, expected = self.bid_guard(actor, bid_id)
        self.attempt(expected, lambda: self.market.bids.withdraw_bid(actor, bid_id))
        if expected is None:
            del self.model_bids[bid_id]

    @precondition(lambda self: self.job_ids and self.bid_ids)
    @rule(data=st.data(), final_amount=st.sampled_from(FINAL_AMOUNTS))
    def hire(self, data: st.DataObject, final_amount: Money | None) -> None:
        job_id = self.pick_job(data, prefer=self.has_pending_bids)
        bid_id = self.pick_bid(data, job_id)
        job = self.model_jobs.get(job_id)
        actor = self.pick_actor(data, self.actor_by_id(job.buyer_id) if job else None, sixths=5)
        job, expected = self.job_guard(actor, job_id)
        bid = self.model_bids.get(bid_id)
        if expected is None:
            assert job is not None
            if job.status is not JobStatus.OPEN:
                expected = InvalidState
            elif (bid is None or bid.job_id != job_id or bid.status is not BidStatus.PENDING
                  or (final_amount is not None
                      and not bid.amount <= final_amount <= max(bid.amount, job.budget_max))):
                expected = ValidationFailed
        self.market.events.clear()
        result = self.attempt(expected, lambda: self.market.jobs.hire(
            actor, job_id, bid_id=bid_id, final_amount=final_amount))
        if result is None:
            assert self.market.events.events == []
            return
        assert job is not None and bid is not None
        assert result.final_amount == (final_amount or bid.amount)
        assert result.hired_artist.id == bid.artist_id
        rejected = []
        for other_id, other in self.model_bids.items():
            if other.job_id == job_id and other is not bid and other.status is BidStatus.PENDING:
                other.status = BidStatus.REJECTED
                rejected.append(other_id)
        bid.status = BidStatus.ACCEPTED
        job.status, job.hired_artist_id = JobStatus.IN_PROGRESS, bid.artist_id
        job.final_amount = result.final_amount
        (event,) = self.market.events.of_type(ArtistHired)
        assert (event.job_id, event.bid_id, event.artist_id) == (job_id, bid_id, bid.artist_id)
        assert sorted(event.rejected_bid_ids) == sorted(rejected)

    def _buyer_of(self, data: st.DataObject, sixths: int = 4,
                  prefer: Callable[[int, ModelJob], bool] = lambda _id, _job: True
                  ) -> tuple[int, Actor]:
        job_id = self.pick_job(data, prefer)
        job = self.model_jobs.get(job_id)
        rightful = self.actor_by_id(job.buyer_id) if job else None
        return job_id, self.pick_actor(data, rightful, sixths)

    @precondition(lambda self: self.job_ids)
    @rule(data=st.data())
    def complete(self, data: st.DataObject) -> None:
        job_id, actor = self._buyer_of(data, prefer=self.is_in_progress)
        job, expected = self.job_guard(actor, job_id)
        if expected is None and job is not None and job.status is not JobStatus.IN_PROGRESS:
            expected = InvalidState
        status = self.attempt(expected, lambda: self.market.jobs.complete(actor, job_id))
        if status is not None:
            assert job is not None and status is JobStatus.COMPLETED
            job.status = status

    @precondition(lambda self: self.job_ids)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        job_id, actor = self._buyer_of(data, sixths=0)
        job, expected = self.job_guard(actor, job_id)
        if expected is None and job is not None and job.status not in (JobStatus.OPEN,
                                                                       JobStatus.IN_PROGRESS):
            expected = InvalidState
        status = self.attempt(expected, lambda: self.market.jobs.cancel(actor, job_id))
        if status is not None:
            assert job is not None and status is JobStatus.CANCELLED
            job.status = status
            for bid in self.bids_of(job_id):
                if bid.status is BidStatus.PENDING:
                    bid.status = BidStatus.REJECTED

    @precondition(lambda self: self.job_ids)
    @rule(data=st.data(), edit=st.sampled_from(EDITS))
    def edit_job(self, data: st.DataObject, edit: str) -> None:
        job_id, actor = self._buyer_of(data, prefer=self.is_open)
        job, expected = self.job_guard(actor, job_id)
        changes: dict[str, object] = {
            "title": {"title": "Edited title"},
            "narrow_budget": {"budget_min": Money("600.00"), "budget_max": Money("800.00")},
            "widen_budget": {"budget_min": Money("400.00"), "budget_max": Money("1200.00")},
            "invert_budget": {"budget_min": Money("900.00"), "budget_max": Money("700.00")},
            "extend_deadline": {"deadline": self.now() + timedelta(days=30)},
            "past_deadline": {"deadline": self.now() - timedelta(days=1)},
        }[edit]
        if expected is None:
            assert job is not None
            low = changes.get("budget_min", job.budget_min)
            high = changes.get("budget_max", job.budget_max)
            deadline = changes.get("deadline", job.deadline)
            assert isinstance(low, Money) and isinstance(high, Money)
            assert isinstance(deadline, datetime)
            if job.status is not JobStatus.OPEN:
                expected = InvalidState
            elif high < low or (deadline != job.deadline and deadline <= self.now()):
                expected = ValidationFailed
        view = self.attempt(expected, lambda: self.market.jobs.update_job(actor, job_id,
                                                                          changes))
        if view is not None:
            assert job is not None
            assert (view.budget_min, view.budget_max, view.deadline) == (low, high, deadline)
            job.budget_min, job.budget_max, job.deadline = low, high, deadline

    @precondition(lambda self: self.job_ids)
    @rule(data=st.data())
    def delete_job(self, data: st.DataObject) -> None:
        job_id = self.pick_job(data)
        # Deleting succeeds so easily that it is left to chance who tries.
        actor = self.pick_actor(data, None)
        job, expected = self.job_guard(actor, job_id)
        if expected is None and job is not None and job.hired_artist_id is not None:
            expected = InvalidState
        self.attempt(expected, lambda: self.market.jobs.delete_job(actor, job_id))
        if expected is None:
            del self.model_jobs[job_id]
            for bid_id in [i for i, bid in self.model_bids.items() if bid.job_id == job_id]:
                del self.model_bids[bid_id]

    @rule(days=st.sampled_from([3, 12]))
    def time_passes(self, days: int) -> None:
        self.market.clock.advance(timedelta(days=days))

    # -- invariants over the committed state -------------------------------------------------

    @invariant()
    def hired_jobs_have_exactly_one_accepted_bid_of_the_hired_artist(self) -> None:
        for job in self.market.store.jobs.values():
            accepted = [bid for bid in job.bids if bid.status is BidStatus.ACCEPTED]
            assert len(accepted) <= 1, f"job {job.id} has {len(accepted)} accepted bids"
            if job.status in (JobStatus.IN_PROGRESS, JobStatus.COMPLETED):
                assert len(accepted) == 1
                assert job.hired_artist_id == accepted[0].artist_id
                assert job.final_amount is not None
                assert (accepted[0].bid_amount <= job.final_amount
                        <= max(accepted[0].bid_amount, job.budget_max))
            if job.status is JobStatus.OPEN:
                assert accepted == []
                assert job.hired_artist_id is None and job.final_amount is None
            if accepted:
                assert job.hired_artist_id == accepted[0].artist_id

    @invariant()
    def pending_bids_exist_only_on_open_jobs(self) -> None:
        for job in self.market.store.jobs.values():
            if job.status is not JobStatus.OPEN:
                assert all(bid.status is not BidStatus.PENDING for bid in job.bids)

    @invariant()
    def each_artist_bids_at_most_once_per_job(self) -> None:
        for job in self.market.store.jobs.values():
            artists = [bid.artist_id for bid in job.bids]
            assert len(artists) == len(set(artists)), f"job {job.id}: {artists}"

    @invariant()
    def every_bid_belongs_to_an_existing_job(self) -> None:
        store = self.market.store
        for job in store.jobs.values():
            assert all(bid.job_id == job.id and bid.id is not None for bid in job.bids)
        page = InMemoryJobQueries(store).list_bids(BidFilters(), PageRequest.of(1, 100))
        assert page.total == sum(len(job.bids) for job in store.jobs.values())
        assert all(view.job.id in store.jobs for view in page.items)
        assert all(bid.job_id in self.model_jobs for bid in self.model_bids.values())

    @invariant()
    def statuses_only_move_along_the_state_machine(self) -> None:
        for job_id, job in self.market.store.jobs.items():
            history = self.history.setdefault(job_id, [])
            if not history:
                assert job.status is JobStatus.OPEN, "jobs start open"
            elif history[-1] is not job.status:
                assert (history[-1], job.status) in ALLOWED_TRANSITIONS, (history, job.status)
            if not history or history[-1] is not job.status:
                history.append(job.status)
            if job.status is JobStatus.COMPLETED:
                assert JobStatus.IN_PROGRESS in history

    @invariant()
    def the_committed_state_matches_the_model(self) -> None:
        store = self.market.store
        assert {job_id: (job.status, job.hired_artist_id, job.final_amount, job.budget_min,
                         job.budget_max, job.deadline)
                for job_id, job in store.jobs.items()} == {
            job_id: (job.status, job.hired_artist_id, job.final_amount, job.budget_min,
                     job.budget_max, job.deadline)
            for job_id, job in self.model_jobs.items()}
        assert {bid.id: (bid.job_id, bid.artist_id, bid.status, bid.bid_amount)
                for bid in store.bids()} == {
            bid_id: (bid.job_id, bid.artist_id, bid.status, bid.amount)
            for bid_id, bid in self.model_bids.items()}


JobLifecycle.TestCase.settings = settings(
    max_examples=100, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestJobLifecycle = JobLifecycle.TestCase
