"""The marketplace rules of `cultureup.domain.hiring.jobs`, one sentence each."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.domain.accounts.users import Actor
from cultureup.domain.catalog.categories import Category
from cultureup.domain.errors import InvalidState, NotFound, PermissionDenied, ValidationFailed
from cultureup.domain.events import (
    ArtistHired,
    BidPlaced,
    BidWithdrawn,
    JobCancelled,
    JobCompleted,
)
from cultureup.domain.hiring.jobs import (
    COVER_LETTER_MAX,
    DESCRIPTION_MAX,
    MAX_DAYS,
    SKILLS_MAX,
    TITLE_MAX,
    Bid,
    BidStatus,
    ExperienceLevel,
    Job,
    JobStatus,
)
from cultureup.domain.money import Money
from tests.unit.builders import NOW, artist, bid_terms, buyer, job_terms, staff

BUYER = buyer(1, "buyer_sarah")
OTHER_BUYER = buyer(2, "buyer_omar")
ARTIST = artist(10, "artist_ayesha")
ARTIST_2 = artist(11, "artist_bilal")
ARTIST_3 = artist(12, "artist_zara")
STAFF = staff(100)

CATEGORY = Category(id=1, name="Graphic Design", created_at=NOW, updated_at=NOW)
INACTIVE_CATEGORY = Category(id=2, name="Retired", is_active=False, created_at=NOW,
                             updated_at=NOW)
LATER = NOW + timedelta(hours=1)

_bid_ids = itertools.count(1)


def store(job: Job) -> Job:
    """Give ids to the job and its new bids, as the repository does when it saves them."""
    if job.id is None:
        job.id = 1
    for bid in job.bids:
        bid.job_id = job.id
        if bid.id is None:
            bid.id = next(_bid_ids)
    return job


def posted_job(**overrides: object) -> Job:
    return store(Job.post(buyer=BUYER, terms=job_terms(**overrides), category=CATEGORY,
                          now=NOW))


def place(job: Job, by: Actor, amount: str = "750.00") -> Bid:
    bid = job.place_bid(artist=by, terms=bid_terms(amount), now=NOW)
    store(job)
    assert bid.id is not None
    return bid


def job_with_bids(*amounts: str) -> tuple[Job, list[Bid]]:
    job = posted_job()
    bids = [place(job, by, amount) for by, amount in zip((ARTIST, ARTIST_2, ARTIST_3),
                                                         amounts, strict=False)]
    job.events.clear()
    return job, bids


def hired_job() -> tuple[Job, Bid]:
    job, (first, _) = job_with_bids("600.00", "700.00")
    job.hire(bid_id=first.id or 0, by=BUYER, final_amount=None, now=LATER)
    job.events.clear()
    return job, first


def fields_of(error: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return set(error.value.details)


# -- posting ---------------------------------------------------------------------------------


def test_a_posted_job_is_open_with_cleaned_terms_and_no_hire() -> None:
    job = Job.post(buyer=BUYER, terms=job_terms(title="  Logo  ", description=" Draw it. ",
                                                required_skills=" Ink "),
                   category=CATEGORY, now=NOW)
    assert (job.title, job.description, job.required_skills) == ("Logo", "Draw it.", "Ink")
    assert job.status is JobStatus.OPEN
    assert job.buyer_id == BUYER.id
    assert job.experience_level is ExperienceLevel.EXPERT
    assert job.hired_artist_id is None and job.final_amount is None
    assert job.bids == [] and job.created_at == job.updated_at == NOW


@pytest.mark.parametrize("who", [ARTIST, STAFF], ids=["artist", "staff"])
def test_only_buyers_post_jobs(who: Actor) -> None:
    with pytest.raises(PermissionDenied):
        Job.post(buyer=who, terms=job_terms(), category=CATEGORY, now=NOW)


def test_every_invalid_term_is_reported_at_once() -> None:
    terms = job_terms(title=" ", description="", budget_min=Money("0"), duration_days=0,
                      experience_level="guru", deadline=NOW - timedelta(days=1))
    with pytest.raises(ValidationFailed) as error:
        Job.post(buyer=BUYER, terms=terms, category=None, now=NOW)
    assert fields_of(error) == {"title", "description", "budget_min", "duration_days",
                                "experience_level", "deadline", "category_id"}


def test_budget_max_must_not_be_below_budget_min() -> None:
    terms = job_terms(budget_min=Money("500.00"), budget_max=Money("499.99"))
    with pytest.raises(ValidationFailed) as error:
        Job.post(buyer=BUYER, terms=terms, category=CATEGORY, now=NOW)
    assert fields_of(error) == {"budget_max"}


def test_budget_max_may_equal_budget_min() -> None:
    job = posted_job(budget_min=Money("500.00"), budget_max=Money("500.00"))
    assert job.budget_min == job.budget_max == Money("500.00")


@pytest.mark.parametrize("budget_min", ["0", "-1"])
def test_budget_min_must_be_positive(budget_min: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        Job.post(buyer=BUYER, terms=job_terms(budget_min=Money(budget_min)),
                 category=CATEGORY, now=NOW)
    assert "budget_min" in fields_of(error)


@pytest.mark.parametrize("deadline", [NOW, NOW - timedelta(seconds=1), NOW - timedelta(days=9)])
def test_deadline_must_be_in_the_future(deadline: object) -> None:
    with pytest.raises(ValidationFailed) as error:
        Job.post(buyer=BUYER, terms=job_terms(deadline=deadline), category=CATEGORY, now=NOW)
    assert fields_of(error) == {"deadline"}


def test_inactive_category_is_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        Job.post(buyer=BUYER, terms=job_terms(category_id=2), category=INACTIVE_CATEGORY,
                 now=NOW)
    assert fields_of(error) == {"category_id"}


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        Job.post(buyer=BUYER, terms=job_terms(category_id=99), category=None, now=NOW)
    assert fields_of(error) == {"category_id"}


@pytest.mark.parametrize(("field", "limit"), [
    ("title", TITLE_MAX), ("description", DESCRIPTION_MAX), ("required_skills", SKILLS_MAX),
])
def test_text_terms_longer_than_their_limit_are_refused(field: str, limit: int) -> None:
    assert posted_job(**{field: "x" * limit})
    with pytest.raises(ValidationFailed) as error:
        posted_job(**{field: "x" * (limit + 1)})
    assert fields_of(error) == {field}


@pytest.mark.parametrize(("days", "valid"), [(0, False), (1, True), (MAX_DAYS, True),
                                             (MAX_DAYS + 1, False), (-5, False)])
def test_duration_is_between_one_day_and_ten_years(days: int, valid: bool) -> None:
    if valid:
        assert posted_job(duration_days=days).duration_days == days
    else:
        with pytest.raises(ValidationFailed) as error:
            posted_job(duration_days=days)
        assert fields_of(error) == {"duration_days"}


@pytest.mark.parametrize("level", ["entry", "intermediate", "expert"])
def test_every_experience_level_is_accepted(level: str) -> None:
    assert posted_job(experience_level=level).experience_level == ExperienceLevel(level)


# -- editing and deleting --------------------------------------------------------------------


def test_the_buyer_edits_an_open_job() -> None:
    job = posted_job()
    job.edit(by=BUYER, terms=job_terms(title=" New title ", budget_max=Money("2000")),
             category=CATEGORY, now=LATER)
    assert job.title == "New title"
    assert job.budget_max == Money("2000")
    assert job.updated_at == LATER


def test_an_unchanged_past_deadline_does_not_block_an_edit() -> None:
    job = posted_job(deadline=NOW + timedelta(days=1))
    two_days_later = NOW + timedelta(days=2)
    job.edit(by=BUYER, terms=job_terms(deadline=job.deadline, title="Still wanted"),
             category=CATEGORY, now=two_days_later)
    assert job.title == "Still wanted"


def test_a_changed_deadline_must_be_in_the_future() -> None:
    job = posted_job()
    with pytest.raises(ValidationFailed) as error:
        job.edit(by=BUYER, terms=job_terms(deadline=NOW - timedelta(minutes=1)),
                 category=CATEGORY, now=NOW)
    assert fields_of(error) == {"deadline"}


def test_an_invalid_edit_changes_nothing() -> None:
    job = posted_job()
    before = job.terms
    with pytest.raises(ValidationFailed):
        job.edit(by=BUYER, terms=job_terms(title="Fine", budget_max=Money("1")),
                 category=CATEGORY, now=LATER)
    assert job.terms == before
    assert job.updated_at == NOW


@pytest.mark.parametrize("status", [JobStatus.IN_PROGRESS, JobStatus.COMPLETED,
                                    JobStatus.CANCELLED])
def test_only_an_open_job_is_edited(status: JobStatus) -> None:
    job = posted_job()
    job.status = status
    with pytest.raises(InvalidState):
        job.edit(by=BUYER, terms=job_terms(title="Too late"), category=CATEGORY, now=LATER)


OPERATIONS_OF_THE_BUYER: dict[str, Callable[[Job, Actor, int], object]] = {
    "edit": lambda job, who, _: job.edit(by=who, terms=job_terms(title="Mine now"),
                                         category=CATEGORY, now=LATER),
    "hire": lambda job, who, bid_id: job.hire(bid_id=bid_id, by=who, final_amount=None,
                                              now=LATER),
    "complete": lambda job, who, _: job.complete(by=who, now=LATER),
    "cancel": lambda job, who, _: job.cancel(by=who, now=LATER),
    "delete": lambda job, who, _: job.ensure_deletable(by=who),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS_OF_THE_BUYER))
@pytest.mark.parametrize("who", [OTHER_BUYER, ARTIST, STAFF],
                         ids=["another buyer", "the bidding artist", "staff"])
def test_only_the_buyer_edits_hires_completes_cancels(operation: str, who: Actor) -> None:
    job, (bid,) = job_with_bids("700.00")
    if operation == "complete":
        job.hire(bid_id=bid.id or 0, by=BUYER, final_amount=None, now=LATER)
    before = (job.status, job.title, [b.status for b in job.bids], job.hired_artist_id)
    with pytest.raises(PermissionDenied):
        OPERATIONS_OF_THE_BUYER[operation](job, who, bid.id or 0)
    assert (job.status, job.title, [b.status for b in job.bids], job.hired_artist_id) == before


@pytest.mark.parametrize("status", [JobStatus.OPEN, JobStatus.CANCELLED])
def test_the_buyer_may_delete_a_job_nobody_was_hired_for(status: JobStatus) -> None:
    job, _ = job_with_bids("700.00")
    job.status = status
    job.ensure_deletable(by=BUYER)
    assert job.hired_artist_id is None


def test_job_cannot_be_deleted_after_hiring() -> None:
    job, _ = hired_job()
    with pytest.raises(InvalidState):
        job.ensure_deletable(by=BUYER)
    job.cancel(by=BUYER, now=LATER)
    with pytest.raises(InvalidState):
        job.ensure_deletable(by=BUYER)


# -- bids ------------------------------------------------------------------------------------


def test_placing_a_bid_records_a_pending_bid_and_announces_it() -> None:
    job = posted_job()
    bid = job.place_bid(artist=ARTIST, terms=bid_terms("750.00", cover_letter="  Hi  "),
                        now=LATER)
    assert bid in job.bids
    assert bid.status is BidStatus.PENDING
    assert (bid.job_id, bid.artist_id, bid.bid_amount) == (1, ARTIST.id, Money("750.00"))
    assert bid.cover_letter == "Hi"
    assert job.updated_at == LATER
    assert job.events == [BidPlaced(job_id=1, artist_id=ARTIST.id, buyer_id=BUYER.id,
                                    artist_username=ARTIST.username, job_title=job.title)]


@pytest.mark.parametrize("who", [BUYER, OTHER_BUYER, STAFF],
                         ids=["the job's buyer", "another buyer", "staff"])
def test_only_artists_bid(who: Actor) -> None:
    job = posted_job()
    with pytest.raises(PermissionDenied):
        job.place_bid(artist=who, terms=bid_terms(), now=NOW)
    assert job.bids == []


def test_one_bid_per_artist_per_job() -> None:
    job, _ = job_with_bids("700.00")
    with pytest.raises(ValidationFailed) as error:
        job.place_bid(artist=ARTIST, terms=bid_terms("800.00"), now=NOW)
    assert fields_of(error) == {"job_id"}
    assert len(job.bids) == 1


def test_an_artist_may_bid_again_after_withdrawing() -> None:
    job, (bid,) = job_with_bids("700.00")
    job.withdraw_bid(bid.id or 0, by=ARTIST, now=NOW)
    again = place(job, ARTIST, "650.00")
    assert [b.id for b in job.bids] == [again.id]


@pytest.mark.parametrize(("amount", "accepted"), [
    ("499.99", False), ("500.00", True), ("750.00", True), ("1000.00", True),
    ("1000.01", False),
])
def test_bid_must_be_inside_the_budget_range(amount: str, accepted: bool) -> None:
    job = posted_job(budget_min=Money("500.00"), budget_max=Money("1000.00"))
    if accepted:
        assert place(job, ARTIST, amount).bid_amount == Money(amount)
    else:
        with pytest.raises(ValidationFailed) as error:
            job.place_bid(artist=ARTIST, terms=bid_terms(amount), now=NOW)
        assert fields_of(error) == {"bid_amount"}
        assert job.bids == []


@pytest.mark.parametrize("amount", ["0", "-10"])
def test_bid_amount_must_be_positive(amount: str) -> None:
    job = posted_job()
    with pytest.raises(ValidationFailed) as error:
        job.place_bid(artist=ARTIST, terms=bid_terms(amount), now=NOW)
    assert error.value.details["bid_amount"] == ["Ensure this value is greater than 0."]


@pytest.mark.parametrize("days", [0, MAX_DAYS + 1])
def test_delivery_time_is_between_one_day_and_ten_years(days: int) -> None:
    job = posted_job()
    with pytest.raises(ValidationFailed) as error:
        job.place_bid(artist=ARTIST, terms=bid_terms(delivery_time=days), now=NOW)
    assert fields_of(error) == {"delivery_time"}


def test_cover_letter_must_not_be_blank() -> None:
    job = posted_job()
    with pytest.raises(ValidationFailed) as error:
        job.place_bid(artist=ARTIST, terms=bid_terms(cover_letter="  \n "), now=NOW)
    assert fields_of(error) == {"cover_letter"}


def test_cover_letter_longer_than_2000_chars_is_refused() -> None:
    job = posted_job()
    longest = job.place_bid(artist=ARTIST, terms=bid_terms(cover_letter="x" * COVER_LETTER_MAX),
                            now=NOW)
    assert len(longest.cover_letter) == 2000
    with pytest.raises(ValidationFailed) as error:
        job.place_bid(artist=ARTIST_2, terms=bid_terms(cover_letter="x" * 2001), now=NOW)
    assert fields_of(error) == {"cover_letter"}
    assert job.bids == [longest]


def test_every_invalid_bid_term_is_reported_at_once() -> None:
    job = posted_job()
    with pytest.raises(ValidationFailed) as error:
        job.place_bid(artist=ARTIST,
                      terms=bid_terms("5000.00", delivery_time=0, cover_letter=""), now=NOW)
    assert fields_of(error) == {"bid_amount", "delivery_time", "cover_letter"}


@pytest.mark.parametrize("status", [JobStatus.CANCELLED, JobStatus.COMPLETED,
                                    JobStatus.IN_PROGRESS])
def test_bids_on_cancelled_or_completed_jobs_are_refused(status: JobStatus) -> None:
    job = posted_job()
    job.status = status
    with pytest.raises(InvalidState):
        job.place_bid(artist=ARTIST, terms=bid_terms(), now=NOW)
    assert job.bids == []


@pytest.mark.parametrize("after", [timedelta(0), timedelta(seconds=1), timedelta(days=3)])
def test_bid_after_deadline_is_refused(after: timedelta) -> None:
    job = posted_job(deadline=NOW + timedelta(days=1))
    with pytest.raises(InvalidState):
        job.place_bid(artist=ARTIST, terms=bid_terms(), now=job.deadline + after)
    assert job.bids == []


def test_a_bid_just_before_the_deadline_is_accepted() -> None:
    job = posted_job(deadline=NOW + timedelta(days=1))
    bid = job.place_bid(artist=ARTIST, terms=bid_terms(),
                        now=job.deadline - timedelta(microseconds=1))
    assert bid.status is BidStatus.PENDING


def test_the_artist_changes_a_pending_bid() -> None:
    job, (bid,) = job_with_bids("700.00")
    changed = job.change_bid(bid.id or 0, by=ARTIST,
                             terms=bid_terms("900.00", delivery_time=9, cover_letter=" New "),
                             now=LATER)
    assert changed is bid
    assert (bid.bid_amount, bid.delivery_time, bid.cover_letter) == (Money("900.00"), 9, "New")
    assert bid.updated_at == LATER and bid.changed
    assert bid.status is BidStatus.PENDING


def test_a_changed_bid_must_stay_inside_the_budget() -> None:
    job, (bid,) = job_with_bids("700.00")
    with pytest.raises(ValidationFailed) as error:
        job.change_bid(bid.id or 0, by=ARTIST, terms=bid_terms("1500.00"), now=LATER)
    assert fields_of(error) == {"bid_amount"}
    assert bid.bid_amount == Money("700.00")


def test_the_artist_withdraws_a_pending_bid() -> None:
    job, (bid, other) = job_with_bids("700.00", "800.00")
    job.withdraw_bid(bid.id or 0, by=ARTIST, now=LATER)
    assert job.bids == [other]
    assert job.withdrawn_bid_ids == [bid.id]
    assert job.events == [BidWithdrawn(job_id=1, bid_id=bid.id or 0, artist_id=ARTIST.id)]


@pytest.mark.parametrize("who", [ARTIST_2, BUYER, STAFF],
                         ids=["another artist", "the job's buyer", "staff"])
def test_only_the_bid_owner_changes_or_withdraws_it(who: Actor) -> None:
    job, (bid, _) = job_with_bids("700.00", "800.00")
    with pytest.raises(PermissionDenied):
        job.change_bid(bid.id or 0, by=who, terms=bid_terms("900.00"), now=LATER)
    with pytest.raises(PermissionDenied):
        job.withdraw_bid(bid.id or 0, by=who, now=LATER)
    assert bid in job.bids and bid.bid_amount == Money("700.00")


def test_bids_cannot_change_or_be_withdrawn_once_the_job_is_hired() -> None:
    job, accepted = hired_job()
    rejected = next(bid for bid in job.bids if bid is not accepted)
    for bid, owner in ((accepted, ARTIST), (rejected, ARTIST_2)):
        with pytest.raises(InvalidState):
            job.change_bid(bid.id or 0, by=owner, terms=bid_terms("900.00"), now=LATER)
        with pytest.raises(InvalidState):
            job.withdraw_bid(bid.id or 0, by=owner, now=LATER)
    assert len(job.bids) == 2


def test_a_bid_the_job_does_not_hold_is_not_found() -> None:
    job, _ = job_with_bids("700.00")
    with pytest.raises(NotFound):
        job.bid(9999)
    with pytest.raises(NotFound):
        job.change_bid(9999, by=ARTIST, terms=bid_terms(), now=LATER)
    with pytest.raises(NotFound):
        job.withdraw_bid(9999, by=ARTIST, now=LATER)


# -- hiring, completion, cancellation -------------------------------------------------------


def test_hiring_accepts_one_bid_and_rejects_the_others() -> None:
    job, (first, chosen, third) = job_with_bids("600.00", "700.00", "800.00")
    result = job.hire(bid_id=chosen.id or 0, by=BUYER, final_amount=None, now=LATER)
    assert result is chosen
    assert chosen.status is BidStatus.ACCEPTED
    assert first.status is third.status is BidStatus.REJECTED
    assert all(bid.changed and bid.updated_at == LATER for bid in job.bids)
    assert job.status is JobStatus.IN_PROGRESS
    assert job.hired_artist_id == ARTIST_2.id
    assert job.events == [ArtistHired(
        job_id=1, bid_id=chosen.id or 0, artist_id=ARTIST_2.id, buyer_id=BUYER.id,
        final_amount="700.00", rejected_bid_ids=(first.id or 0, third.id or 0),
        buyer_username=BUYER.username, job_title=job.title,
    )]


def test_final_amount_defaults_to_bid_amount() -> None:
    job, (bid,) = job_with_bids("654.32")
    job.hire(bid_id=bid.id or 0, by=BUYER, final_amount=None, now=LATER)
    assert job.final_amount == Money("654.32")


def test_the_buyer_may_agree_on_another_final_amount() -> None:
    job, (bid,) = job_with_bids("654.32")
    job.hire(bid_id=bid.id or 0, by=BUYER, final_amount=Money("700.00"), now=LATER)
    assert job.final_amount == Money("700.00")
    assert bid.bid_amount == Money("654.32")


@pytest.mark.parametrize("amount", ["0", "-1"])
def test_final_amount_must_be_positive(amount: str) -> None:
    job, (bid,) = job_with_bids("654.32")
    with pytest.raises(ValidationFailed) as error:
        job.hire(bid_id=bid.id or 0, by=BUYER, final_amount=Money(amount), now=LATER)
    assert fields_of(error) == {"final_amount"}
    assert job.status is JobStatus.OPEN and bid.status is BidStatus.PENDING


def test_job_is_hired_at_most_once() -> None:
    job, accepted = hired_job()
    rejected = next(bid for bid in job.bids if bid is not accepted)
    with pytest.raises(InvalidState, match="already been hired"):
        job.hire(bid_id=rejected.id or 0, by=BUYER, final_amount=None, now=LATER)
    with pytest.raises(InvalidState):
        job.hire(bid_id=accepted.id or 0, by=BUYER, final_amount=None, now=LATER)
    assert [bid.status for bid in job.bids] == [BidStatus.ACCEPTED, BidStatus.REJECTED]
    assert job.hired_artist_id == ARTIST.id


def test_hire_requires_bid_of_this_job_and_pending() -> None:
    job, (bid, other) = job_with_bids("700.00", "800.00")
    with pytest.raises(ValidationFailed) as error:
        job.hire(bid_id=9999, by=BUYER, final_amount=None, now=LATER)
    assert fields_of(error) == {"bid_id"}
    other.status = BidStatus.REJECTED
    with pytest.raises(ValidationFailed) as error:
        job.hire(bid_id=other.id or 0, by=BUYER, final_amount=None, now=LATER)
    assert fields_of(error) == {"bid_id"}
    assert job.status is JobStatus.OPEN and bid.status is BidStatus.PENDING


@pytest.mark.parametrize("status", [JobStatus.CANCELLED, JobStatus.COMPLETED])
def test_only_an_open_job_is_hired_for(status: JobStatus) -> None:
    job, (bid,) = job_with_bids("700.00")
    job.status = status
    with pytest.raises(InvalidState):
        job.hire(bid_id=bid.id or 0, by=BUYER, final_amount=None, now=LATER)
    assert job.hired_artist_id is None


def test_completing_a_job_in_progress_announces_it() -> None:
    job, accepted = hired_job()
    job.complete(by=BUYER, now=LATER)
    assert job.status is JobStatus.COMPLETED
    assert job.hired_artist_id == accepted.artist_id
    assert job.events == [JobCompleted(job_id=1, artist_id=ARTIST.id, buyer_id=BUYER.id,
                                       buyer_username=BUYER.username, job_title=job.title)]


def test_only_in_progress_job_completes() -> None:
    open_job, _ = job_with_bids("700.00")
    cancelled, _ = job_with_bids("700.00")
    cancelled.cancel(by=BUYER, now=LATER)
    completed, _ = hired_job()
    completed.complete(by=BUYER, now=LATER)
    for job, status in ((open_job, JobStatus.OPEN), (cancelled, JobStatus.CANCELLED),
                        (completed, JobStatus.COMPLETED)):
        with pytest.raises(InvalidState):
            job.complete(by=BUYER, now=LATER)
        assert job.status is status


def test_cancel_rejects_pending_bids() -> None:
    job, bids = job_with_bids("600.00", "700.00")
    job.cancel(by=BUYER, now=LATER)
    assert job.status is JobStatus.CANCELLED
    assert [bid.status for bid in bids] == [BidStatus.REJECTED, BidStatus.REJECTED]
    assert job.events == [JobCancelled(job_id=1, buyer_id=BUYER.id)]


def test_cancelling_a_job_in_progress_keeps_the_accepted_bid_on_record() -> None:
    job, accepted = hired_job()
    job.cancel(by=BUYER, now=LATER)
    assert job.status is JobStatus.CANCELLED
    assert accepted.status is BidStatus.ACCEPTED
    assert job.hired_artist_id == accepted.artist_id


@pytest.mark.parametrize("status", [JobStatus.CANCELLED, JobStatus.COMPLETED])
def test_a_cancelled_or_completed_job_cannot_be_cancelled(status: JobStatus) -> None:
    job, _ = hired_job()
    job.status = status
    with pytest.raises(InvalidState):
        job.cancel(by=BUYER, now=LATER)
    assert job.status is status


# -- the hire amount ---------------------------------------------------------------------------


@pytest.mark.parametrize(("budget", "bid", "final", "accepted"), [
    (("100.00", "1000.00"), "500.00", "0.01", False),
    (("100.00", "1000.00"), "500.00", "9999999999.99", False),
    (("100.00", "1000.00"), "500.00", "499.99", False),
    (("100.00", "1000.00"), "500.00", "1000.01", False),
    (("100.00", "1000.00"), "500.00", "500.00", True),
    (("100.00", "1000.00"), "500.00", "1000.00", True),
    (("100.00", "1000.00"), "500.00", "742.10", True),
])
def test_the_final_amount_lies_between_the_bid_and_the_maximum_budget(
        budget: tuple[str, str], bid: str, final: str, accepted: bool) -> None:
    job = posted_job(budget_min=Money(budget[0]), budget_max=Money(budget[1]))
    chosen = place(job, ARTIST, bid)
    if accepted:
        job.hire(bid_id=chosen.id or 0, by=BUYER, final_amount=Money(final), now=LATER)
        assert job.final_amount == Money(final)
    else:
        with pytest.raises(ValidationFailed) as error:
            job.hire(bid_id=chosen.id or 0, by=BUYER, final_amount=Money(final), now=LATER)
        assert fields_of(error) == {"final_amount"}
        assert job.status is JobStatus.OPEN and job.final_amount is None


def test_a_bid_above_a_lowered_budget_is_hired_only_at_its_own_amount() -> None:
    job, (chosen,) = job_with_bids("900.00")
    job.edit(by=BUYER, terms=attrs.evolve(job.terms, budget_max=Money("800.00")),
             category=CATEGORY, now=NOW)
    assert job.final_amount_range(chosen) == (Money("900.00"), Money("900.00"))
    for wrong in ("800.00", "900.01"):
        with pytest.raises(ValidationFailed):
            job.hire(bid_id=chosen.id or 0, by=BUYER, final_amount=Money(wrong), now=LATER)
    job.hire(bid_id=chosen.id or 0, by=BUYER, final_amount=None, now=LATER)
    assert job.final_amount == Money("900.00")


CENTS = st.integers(min_value=1, max_value=10**12 - 1).map(Money.from_cents)


@given(low=CENTS, high=CENTS, bid=CENTS, final=st.none() | CENTS)
def test_a_hire_succeeds_exactly_within_the_range_and_changes_nothing_otherwise(
        low: Money, high: Money, bid: Money, final: Money | None) -> None:
    low, high = min(low, high), max(low, high)
    bid = min(max(bid, low), high)  # bids are placed within the budget
    job = posted_job(budget_min=low, budget_max=high)
    chosen = place(job, ARTIST, str(bid))
    job.events.clear()
    lowest, highest = job.final_amount_range(chosen)
    assert lowest == bid and highest == max(bid, high)
    expected = bid if final is None else final
    if lowest <= expected <= highest:
        job.hire(bid_id=chosen.id or 0, by=BUYER, final_amount=final, now=LATER)
        assert job.final_amount == expected
        assert job.status is JobStatus.IN_PROGRESS
    else:
        with pytest.raises(ValidationFailed):
            job.hire(bid_id=chosen.id or 0, by=BUYER, final_amount=final, now=LATER)
        assert job.status is JobStatus.OPEN and job.final_amount is None
        assert chosen.status is BidStatus.PENDING and job.events == []
