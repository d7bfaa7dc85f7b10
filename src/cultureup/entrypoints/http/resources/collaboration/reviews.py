"""/api/reviews/ and /api/artist-profiles/{id}/reviews/: the buyer of a completed job rates
its artist; the artist's page lists what they received."""

from __future__ import annotations

from typing import Any

import falcon

from cultureup.application.catalog.profiles import ArtistProfileService
from cultureup.application.collaboration.reviews import ReviewService
from cultureup.application.collaboration.views import (
    REVIEW_ORDERING_FIELDS,
    ReviewFilters,
    ReviewView,
)
from cultureup.domain.collaboration.reviews import COMMENT_MAX
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import Id, Integer, Ordering, Text, Timestamp
from cultureup.entrypoints.http.shapes import PageOf, Pagination

TAG = "Reviews"
Rating = Integer(1, 5, description="Whole stars, 1 to 5")
Comment = Text(COMMENT_MAX)


class ReviewQuery(Pagination):
    rating: Rating = None
    ordering: Ordering(REVIEW_ORDERING_FIELDS) = None

    def filters(self) -> ReviewFilters:
        return ReviewFilters(rating=self.rating, ordering=self.ordering)


class ReviewInput(Shape):
    job: Id
    rating: Rating
    comment: Comment


class ReviewReplace(Shape):
    rating: Rating
    comment: Comment


class ReviewChange(Shape):
    rating: Rating = None
    comment: Comment = None


class Person(Answer):
    id: int
    username: str
    first_name: str
    last_name: str


class JobRef(Answer):
    id: int
    title: str


class Review(Answer):
    id: int
    reviewer: Person
    artist: Person
    job: JobRef
    rating: int
    comment: str
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, view: ReviewView) -> Review:
        return cls(id=view.id, reviewer=_person(view.reviewer), artist=_person(view.artist),
                   job=JobRef(id=view.job.id, title=view.job.title), rating=view.rating,
                   comment=view.comment, created_at=view.created_at,
                   updated_at=view.updated_at)


def _person(user: Any) -> Person:
    return Person(id=user.id, username=user.username, first_name=user.first_name,
                  last_name=user.last_name)


class ReviewPage(PageOf[Review]):
    pass


class ReviewListResource:
    def __init__(self, reviews: ReviewService) -> None:
        self._reviews = reviews

    @endpoint("The reviews I wrote or received (staff: every review)", TAG, auth=True,
              query=ReviewQuery, response=ReviewPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: ReviewQuery
               ) -> ReviewPage:
        page = self._reviews.list_reviews(require_actor(req), query.filters(),
                                          query.page_request())
        return ReviewPage.of(req, page, Review.of)

    @endpoint("Review the artist of a completed job (its buyer, once per job)", TAG,
              auth=True, body=ReviewInput, response=Review, status=201, errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: ReviewInput
                ) -> Review:
        return Review.of(self._reviews.write(require_actor(req), job_id=body.job,
                                             rating=body.rating, comment=body.comment))


class ReviewResource:
    def __init__(self, reviews: ReviewService) -> None:
        self._reviews = reviews

    @endpoint("A review I wrote or received", TAG, auth=True, response=Review)
    def on_get(self, req: falcon.Request, resp: falcon.Response, review_id: int) -> Review:
        return Review.of(self._reviews.get_review(require_actor(req), review_id))

    @endpoint("Replace my review's rating and comment (its author)", TAG, auth=True,
              body=ReviewReplace, response=Review, errors=(403,))
    def on_put(self, req: falcon.Request, resp: falcon.Response, review_id: int,
               body: ReviewReplace) -> Review:
        return Review.of(self._reviews.edit(require_actor(req), review_id,
                                            rating=body.rating, comment=body.comment))

    @endpoint("Change my review's rating or comment (its author)", TAG, auth=True,
              body=ReviewChange, response=Review, errors=(403,))
    def on_patch(self, req: falcon.Request, resp: falcon.Response, review_id: int,
                 body: ReviewChange) -> Review:
        return Review.of(self._reviews.edit(require_actor(req), review_id,
                                            rating=body.rating, comment=body.comment))

    @endpoint("Delete my review (its author)", TAG, auth=True, status=204, errors=(403,))
    def on_delete(self, req: falcon.Request, resp: falcon.Response, review_id: int) -> None:
        self._reviews.delete(require_actor(req), review_id)


class ArtistReviewsResource:
    def __init__(self, reviews: ReviewService, profiles: ArtistProfileService) -> None:
        self._reviews, self._profiles = reviews, profiles

    @endpoint("The reviews an artist received", "Artist profiles", query=ReviewQuery,
              response=ReviewPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int,
               query: ReviewQuery) -> ReviewPage:
        self._profiles.get_profile(user_id)
        page = self._reviews.artist_reviews(user_id, query.filters(), query.page_request())
        return ReviewPage.of(req, page, Review.of)
