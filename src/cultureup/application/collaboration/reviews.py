"""Reviews: the buyer of a completed job rates its artist; everyone reads an artist's."""

from __future__ import annotations

from cultureup.application.collaboration.contracts import raise_field
from cultureup.application.collaboration.notifications import notify
from cultureup.application.collaboration.ports import CollaborationQueries, Notifier
from cultureup.application.collaboration.views import (
    REVIEW_ORDERING_FIELDS,
    ReviewFilters,
    ReviewView,
)
from cultureup.application.ports import Clock, EventPublisher, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest, check_ordering
from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.collaboration.reviews import RATINGS, Review
from cultureup.domain.errors import NotFound


def _check(filters: ReviewFilters) -> None:
    check_ordering(filters.ordering, REVIEW_ORDERING_FIELDS)
    if filters.rating is not None and filters.rating not in RATINGS:
        raise_field("rating", "Choose one of: 1, 2, 3, 4, 5.")


class ReviewService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: CollaborationQueries, clock: Clock,
                 events: EventPublisher, notifier: Notifier) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock
        self._events, self._notifier = events, notifier

    def list_reviews(self, actor: Actor, filters: ReviewFilters,
                     page: PageRequest) -> Page[ReviewView]:
        """The reviews the actor wrote or received (staff: every review)."""
        _check(filters)
        staff = can(actor, Permission.VIEW_PRIVATE_CONTENT)
        return self._queries.list_reviews(
            ReviewFilters(rating=filters.rating, ordering=filters.ordering,
                          involving_user_id=None if staff else actor.id), page)

    def artist_reviews(self, artist_id: int, filters: ReviewFilters,
                       page: PageRequest) -> Page[ReviewView]:
        """Public: the reviews an artist received (the caller checks the profile exists)."""
        _check(filters)
        return self._queries.list_reviews(
            ReviewFilters(rating=filters.rating, ordering=filters.ordering,
                          artist_id=artist_id), page)

    def get_review(self, actor: Actor, review_id: int) -> ReviewView:
        view = self._queries.get_review(review_id)
        if actor.id not in (view.reviewer.id, view.artist.id) and not can(
                actor, Permission.VIEW_PRIVATE_CONTENT):
            raise NotFound("Review not found.")
        return view

    def write(self, actor: Actor, *, job_id: int, rating: int, comment: str) -> ReviewView:
        now = self._clock.now()
        with self._uow() as uow:
            try:
                job = uow.jobs.get(job_id)
            except NotFound:
                raise_field("job", f'Invalid pk "{job_id}" - object does not exist.')
            review = Review.write(by=actor, job=job, rating=rating, comment=comment,
                                  already_reviewed=uow.reviews.exists_for_job(job_id), now=now)
            uow.reviews.add(review)
            review.posted(reviewer_username=actor.username, job_title=job.title)
            notify(self._notifier, uow, review.events, now)
            uow.commit()
        self._events.publish(review.events)
        assert review.id is not None
        return self._queries.get_review(review.id)

    def edit(self, actor: Actor, review_id: int, *, rating: int | None = None,
             comment: str | None = None) -> ReviewView:
        self.get_review(actor, review_id)
        with self._uow() as uow:
            review = uow.reviews.get(review_id)
            review.edit(by=actor, rating=rating, comment=comment, now=self._clock.now())
            uow.reviews.save(review)
            uow.commit()
        return self._queries.get_review(review_id)

    def delete(self, actor: Actor, review_id: int) -> None:
        self.get_review(actor, review_id)
        with self._uow() as uow:
            review = uow.reviews.get(review_id)
            review.ensure_author(actor, "delete")
            uow.reviews.delete(review)
            uow.commit()
