"""The rules behind the admin catalogue: moderation of an artwork, a staff closure of a job,
a category's activation, and the stock a staff update leaves."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.domain.accounts.users import Actor, StaffRole, UserType
from cultureup.domain.catalog.artworks import (
    REJECTION_REASON_MAX,
    Artwork,
    ArtworkType,
    ModerationStatus,
)
from cultureup.domain.catalog.categories import Category
from cultureup.domain.catalog.equipment import MAX_STOCK, stock_after
from cultureup.domain.collaboration.notifications import NotificationType, notifications_for
from cultureup.domain.errors import InvalidState, PermissionDenied, ValidationFailed
from cultureup.domain.events import ArtworkRejected, JobCancelled, JobClosedByStaff
from cultureup.domain.hiring.jobs import BidStatus, Job, JobStatus
from cultureup.domain.money import Money
from tests.unit.builders import NOW, artist, bid_terms, buyer, job_terms

ARTIST = artist(10, "artist_ayesha")
BUYER = buyer(1, "buyer_sarah")
MODERATOR = Actor(id=100, username="mod", user_type=UserType.ADMIN,
                  staff_role=StaffRole.CONTENT_MODERATOR)
STAFF = Actor(id=101, username="desk", user_type=UserType.ADMIN, is_staff=True,
              staff_role=StaffRole.STAFF)
ADMIN = Actor(id=102, username="boss", user_type=UserType.ADMIN, is_staff=True,
              staff_role=StaffRole.ADMIN)


def an_artwork(**overrides: object) -> Artwork:
    values: dict[str, object] = {
        "id": 7, "artist_id": ARTIST.id, "title": "Dunes", "description": "Oil",
        "category_id": 1, "artwork_type": ArtworkType.PHYSICAL, "price": Money("100.00"),
        "image_key": "a.jpg", "watermarked_key": "a-w.jpg", "created_at": NOW,
        "updated_at": NOW}
    values.update(overrides)
    return Artwork(**values)  # type: ignore[arg-type]


def test_a_moderator_approves_and_settles_a_held_duplicate_case() -> None:
    work = an_artwork(duplicate_candidate_id=3, duplicate_candidate_score=77.0)
    work.approve(by=MODERATOR, now=NOW)
    assert work.moderation_status is ModerationStatus.APPROVED
    assert (work.duplicate_candidate_id, work.duplicate_candidate_score) == (None, None)


@pytest.mark.parametrize("who", [ARTIST, BUYER])
def test_only_staff_roles_moderate_or_feature(who: Actor) -> None:
    work = an_artwork()
    with pytest.raises(PermissionDenied):
        work.approve(by=who, now=NOW)
    with pytest.raises(PermissionDenied):
        work.set_featured(by=who, featured=True, now=NOW)
    assert (work.moderation_status, work.is_featured) == (ModerationStatus.PENDING, False)


@pytest.mark.parametrize("reason", ["", "   ", "x" * (REJECTION_REASON_MAX + 1)])
def test_a_rejection_needs_a_reason_of_sensible_length(reason: str) -> None:
    work = an_artwork()
    with pytest.raises(ValidationFailed) as error:
        work.reject(by=MODERATOR, reason=reason, now=NOW)
    assert set(error.value.details) == {"reason"}
    assert work.moderation_status is ModerationStatus.PENDING and work.events == []


def test_the_artist_is_told_why_an_artwork_was_rejected() -> None:
    work = an_artwork()
    work.reject(by=MODERATOR, reason="  Traced from a photo ", now=NOW)
    [event] = work.events
    assert event == ArtworkRejected(artwork_id=7, artist_id=ARTIST.id, title="Dunes",
                                    reason="Traced from a photo")
    [note] = notifications_for(event, now=NOW)
    assert (note.user_id, note.notification_type) == (ARTIST.id,
                                                      NotificationType.ARTWORK_REJECTED)
    assert note.message.endswith(": Traced from a photo")


def open_job_with_bids() -> Job:
    job = Job.post(buyer=BUYER, terms=job_terms(), category=_category(), now=NOW)
    job.id = 5
    for number in range(3):
        job.place_bid(artist=artist(20 + number, f"artist{number}"), terms=bid_terms(),
                      now=NOW)
    return job


def _category() -> Category:
    return Category(id=1, name="Graphic Design", created_at=NOW, updated_at=NOW)


def test_an_admin_closes_a_job_rejecting_its_pending_bids() -> None:
    job = open_job_with_bids()
    job.events.clear()
    job.close(by=ADMIN, reason=" spam ", now=NOW)
    assert job.status is JobStatus.CANCELLED
    assert {bid.status for bid in job.bids} == {BidStatus.REJECTED}
    assert job.events == [JobCancelled(job_id=5, buyer_id=BUYER.id),
                          JobClosedByStaff(job_id=5, buyer_id=BUYER.id, hired_artist_id=None,
                                           job_title=job.title, reason="spam")]
    with pytest.raises(InvalidState):
        job.close(by=ADMIN, reason="", now=NOW)


@pytest.mark.parametrize("who", [MODERATOR, STAFF, BUYER])
def test_only_admins_close_jobs(who: Actor) -> None:
    job = open_job_with_bids()
    with pytest.raises(PermissionDenied):
        job.close(by=who, reason="", now=NOW)
    assert job.status is JobStatus.OPEN
    assert {bid.status for bid in job.bids} == {BidStatus.PENDING}


def test_a_category_reports_whether_its_state_changed() -> None:
    category = _category()
    assert category.set_active(True, now=NOW) is False
    assert category.set_active(False, now=NOW) is True and not category.is_active


@given(current=st.integers(0, MAX_STOCK), adjustment=st.integers(-MAX_STOCK, MAX_STOCK))
def test_an_adjustment_never_leaves_the_stock_outside_its_range(current: int,
                                                                  adjustment: int) -> None:
    if 0 <= current + adjustment <= MAX_STOCK:
        assert stock_after(current, stock_quantity=None, adjustment=adjustment) == (
            current + adjustment)
    else:
        with pytest.raises(ValidationFailed) as error:
            stock_after(current, stock_quantity=None, adjustment=adjustment)
        assert set(error.value.details) == {"adjustment"}


@given(current=st.integers(0, MAX_STOCK), wanted=st.integers(-10, MAX_STOCK + 10))
def test_setting_the_stock_keeps_it_in_range(current: int, wanted: int) -> None:
    if 0 <= wanted <= MAX_STOCK:
        assert stock_after(current, stock_quantity=wanted, adjustment=None) == wanted
    else:
        with pytest.raises(ValidationFailed):
            stock_after(current, stock_quantity=wanted, adjustment=None)


@pytest.mark.parametrize(("quantity", "adjustment"), [(None, None), (3, 1)])
def test_exactly_one_of_set_or_adjust(quantity: int | None, adjustment: int | None) -> None:
    with pytest.raises(ValidationFailed) as error:
        stock_after(5, stock_quantity=quantity, adjustment=adjustment)
    assert set(error.value.details) == {"non_field_errors"}
