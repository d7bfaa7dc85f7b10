"""Reviews: the buyer of a completed job rates the artist hired for it, once per job."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import attrs

from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import FieldErrors, PermissionDenied
from cultureup.domain.events import DomainEvent, ReviewPosted
from cultureup.domain.hiring.jobs import Job, JobStatus

COMMENT_MAX = 1000
RATINGS = range(1, 6)


def check_rating(rating: object, errors: FieldErrors) -> None:
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        errors.add("rating", "Ensure this value is an integer between 1 and 5.")


@attrs.define(eq=False, kw_only=True)
class Review:
    id: int | None = None
    job_id: int
    reviewer_id: int
    artist_id: int
    rating: int
    comment: str
    created_at: datetime
    updated_at: datetime
    events: list[DomainEvent] = attrs.Factory(list)

    @classmethod
    def write(cls, *, by: Actor, job: Job, rating: int, comment: str, already_reviewed: bool,
              now: datetime) -> Review:
        if by.id != job.buyer_id:
            raise PermissionDenied("Only the buyer of a job can review its artist.")
        errors = FieldErrors()
        if job.status is not JobStatus.COMPLETED or job.hired_artist_id is None:
            errors.add("job", "Only a completed job can be reviewed.")
        elif already_reviewed:
            errors.add("job", "You have already reviewed this job.")
        check_rating(rating, errors)
        errors.check_text("comment", comment, max_length=COMMENT_MAX)
        errors.raise_if_any()
        assert job.id is not None and job.hired_artist_id is not None
        return cls(job_id=job.id, reviewer_id=by.id, artist_id=job.hired_artist_id,
                   rating=rating, comment=comment.strip(), created_at=now, updated_at=now)

    def posted(self, *, reviewer_username: str, job_title: str) -> None:
        assert self.id is not None
        self.events.append(ReviewPosted(
            review_id=self.id, job_id=self.job_id, artist_id=self.artist_id,
            reviewer_username=reviewer_username, rating=self.rating, job_title=job_title))

    def edit(self, *, by: Actor, rating: int | None, comment: str | None,
             now: datetime) -> None:
        self.ensure_author(by, "change")
        errors = FieldErrors()
        if rating is not None:
            check_rating(rating, errors)
        if comment is not None:
            errors.check_text("comment", comment, max_length=COMMENT_MAX)
        errors.raise_if_any()
        if rating is not None:
            self.rating = rating
        if comment is not None:
            self.comment = comment.strip()
        self.updated_at = now

    def ensure_author(self, by: Actor, verb: str) -> None:
        if by.id != self.reviewer_id:
            raise PermissionDenied(f"Only the author of a review can {verb} it.")


def average_rating(total: int, count: int) -> Decimal:
    """The mean of `count` ratings summing to `total`, exact, half-up to two decimals;
    0.00 without reviews."""
    if count <= 0:
        return Decimal("0.00")
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
