"""Bids: an artist's offers on open jobs, and the artist's own list of them."""

from __future__ import annotations

import attrs

from cultureup.application.collaboration.notifications import notify
from cultureup.application.collaboration.ports import Notifier
from cultureup.application.hiring.jobs import check_bid_filters, refuse_removed
from cultureup.application.ports import Clock, EventPublisher, JobQueries, UnitOfWorkFactory
from cultureup.application.views import BidFilters, BidView, Page, PageRequest
from cultureup.domain.accounts.roles import Permission, can, is_staff_member
from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import NotFound
from cultureup.domain.hiring.jobs import BidTerms
from cultureup.domain.money import Money


@attrs.frozen(kw_only=True)
class BidChanges:
    bid_amount: Money | None = None
    delivery_time: int | None = None
    cover_letter: str | None = None


class BidService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: JobQueries, clock: Clock,
                 events: EventPublisher, notifier: Notifier) -> None:
        self._uow, self._queries, self._clock, self._events = uow, queries, clock, events
        self._notifier = notifier

    def list_my_bids(self, actor: Actor, filters: BidFilters, page: PageRequest
                     ) -> Page[BidView]:
        """The artist's own bids; those on a job a moderator removed are left out (the job
        is not there for the artist until it is restored)."""
        check_bid_filters(filters)
        return self._queries.list_bids(attrs.evolve(filters, artist_id=actor.id, job_id=None,
                                                    hide_removed_jobs=True), page)

    def get_bid(self, actor: Actor, bid_id: int) -> BidView:
        """A bid is visible to its artist, the job's buyer and staff; to others it is 404,
        and to its artist too while a moderator has the job removed."""
        bid = self._queries.get_bid(bid_id)
        if actor.id not in (bid.artist.id, bid.job.buyer_id) and not can(
            actor, Permission.VIEW_PRIVATE_CONTENT
        ):
            raise NotFound("Bid not found.")
        if bid.job.removed and actor.id != bid.job.buyer_id and not is_staff_member(actor):
            raise NotFound("Bid not found.")
        return bid

    def place_bid(self, actor: Actor, job_id: int, terms: BidTerms) -> BidView:
        now = self._clock.now()
        with self._uow() as uow:
            job = uow.jobs.get(job_id)
            refuse_removed(uow, job, actor)  # a removed job takes no bids
            bid = job.place_bid(artist=actor, terms=terms, now=now)
            uow.jobs.save(job)
            notify(self._notifier, uow, job.events, now)
            uow.commit()
        self._events.publish(job.events)
        assert bid.id is not None
        return self._queries.get_bid(bid.id)

    def change_bid(self, actor: Actor, bid_id: int, changes: BidChanges) -> BidView:
        self.get_bid(actor, bid_id)
        now = self._clock.now()
        with self._uow() as uow:
            job = uow.jobs.get_by_bid(bid_id)
            refuse_removed(uow, job, actor)
            current = job.bid(bid_id)
            terms = BidTerms(
                bid_amount=changes.bid_amount if changes.bid_amount is not None
                else current.bid_amount,
                delivery_time=changes.delivery_time if changes.delivery_time is not None
                else current.delivery_time,
                cover_letter=changes.cover_letter if changes.cover_letter is not None
                else current.cover_letter,
            )
            job.change_bid(bid_id, by=actor, terms=terms, now=now)
            uow.jobs.save(job)
            uow.commit()
        return self._queries.get_bid(bid_id)

    def withdraw_bid(self, actor: Actor, bid_id: int) -> None:
        self.get_bid(actor, bid_id)
        with self._uow() as uow:
            job = uow.jobs.get_by_bid(bid_id)
            refuse_removed(uow, job, actor)
            job.withdraw_bid(bid_id, by=actor, now=self._clock.now())
            uow.jobs.save(job)
            uow.commit()
        self._events.publish(job.events)
