"""Contracts, messages, reviews and notifications: the rules, without any database."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from cultureup.domain.collaboration.contracts import (
    Contract,
    ContractStatus,
    ContractTerms,
    Party,
)
from cultureup.domain.collaboration.messages import EDIT_WINDOW, Message, Recipient
from cultureup.domain.collaboration.notifications import NotificationType, notifications_for
from cultureup.domain.collaboration.reviews import Review
from cultureup.domain.errors import InvalidState, PermissionDenied, ValidationFailed
from cultureup.domain.events import (
    ArtistHired,
    BidPlaced,
    ContractSigned,
    JobCompleted,
    MessageSent,
    PaymentReceived,
    ReviewPosted,
)
from cultureup.domain.hiring.jobs import Job, JobStatus
from cultureup.domain.money import Money
from tests.unit.builders import NOW, artist, bid_terms, buyer, job_terms, staff
from tests.unit.test_jobs_domain import CATEGORY

BUYER, OTHER_BUYER = buyer(1, "buyer_sarah"), buyer(2, "buyer_omar")
ARTIST, OTHER_ARTIST = artist(10, "artist_ayesha"), artist(11, "artist_bilal")
STAFF = staff(100)
LATER = NOW + timedelta(hours=1)


def hired_job() -> Job:
    job = Job.post(buyer=BUYER, terms=job_terms(), category=CATEGORY, now=NOW)
    job.id = 5
    for who in (ARTIST, OTHER_ARTIST):
        bid = job.place_bid(artist=who, terms=bid_terms("800.00"), now=NOW)
        bid.id = who.id
    job.hire(bid_id=ARTIST.id, by=BUYER, final_amount=Money("850.00"), now=NOW)
    job.events.clear()
    return job


def contract_terms(**overrides: object) -> ContractTerms:
    values: dict[str, object] = {
        "terms": "A logo with three rounds of revisions; AI, PNG and SVG files.",
        "rights_type": "exclusive", "amount": Money("850.00"),
        "deadline": NOW + timedelta(days=10)}
    values.update(overrides)
    return ContractTerms(**values)  # type: ignore[arg-type]


def proposed(job: Job | None = None) -> Contract:
    contract = Contract.propose(by=BUYER, job=job or hired_job(), artist_id=ARTIST.id,
                                terms=contract_terms(), now=NOW, has_live_contract=False)
    contract.id = 1
    return contract


def fields(error: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return set(error.value.details)


# -- contracts ---------------------------------------------------------------------------------


def test_a_proposed_contract_is_pending_and_unsigned() -> None:
    contract = proposed()
    assert contract.status is ContractStatus.PENDING
    assert (contract.job_id, contract.artist_id, contract.buyer_id) == (5, ARTIST.id, BUYER.id)
    assert contract.artist_signature is None and contract.buyer_signature is None
    assert not contract.is_fully_signed


def test_only_the_buyer_of_the_job_proposes() -> None:
    for who in (OTHER_BUYER, ARTIST, STAFF):
        with pytest.raises(PermissionDenied):
            Contract.propose(by=who, job=hired_job(), artist_id=ARTIST.id,
                             terms=contract_terms(), now=NOW, has_live_contract=False)


def test_the_contract_is_with_the_hired_artist_only() -> None:
    with pytest.raises(ValidationFailed) as error:
        Contract.propose(by=BUYER, job=hired_job(), artist_id=OTHER_ARTIST.id,
                         terms=contract_terms(), now=NOW, has_live_contract=False)
    assert fields(error) == {"artist"}


def test_an_open_job_has_no_contract() -> None:
    job = Job.post(buyer=BUYER, terms=job_terms(), category=CATEGORY, now=NOW)
    job.id = 5
    with pytest.raises(ValidationFailed) as error:
        Contract.propose(by=BUYER, job=job, artist_id=ARTIST.id, terms=contract_terms(),
                         now=NOW, has_live_contract=False)
    assert fields(error) == {"job"}


def test_one_live_contract_per_job() -> None:
    with pytest.raises(ValidationFailed) as error:
        Contract.propose(by=BUYER, job=hired_job(), artist_id=ARTIST.id,
                         terms=contract_terms(), now=NOW, has_live_contract=True)
    assert fields(error) == {"job"}


def test_every_bad_term_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as error:
        Contract.propose(by=BUYER, job=hired_job(), artist_id=ARTIST.id,
                         terms=contract_terms(terms=" ", rights_type="forever",
                                              amount=Money("0.00"), deadline=NOW),
                         now=NOW, has_live_contract=False)
    assert fields(error) == {"terms", "rights_type", "amount", "deadline"}


def test_both_parties_sign_once_and_the_contract_becomes_active() -> None:
    contract = proposed()
    contract.sign(by=ARTIST, now=NOW)
    assert contract.status is ContractStatus.PENDING
    with pytest.raises(InvalidState):
        contract.sign(by=ARTIST, now=LATER)
    contract.sign(by=BUYER, now=LATER)
    assert contract.status is ContractStatus.ACTIVE and contract.is_fully_signed
    digest = contract.current_terms.digest()
    assert contract.artist_signature is not None and contract.buyer_signature is not None
    assert contract.artist_signature.terms_digest == digest == contract.buyer_signature.terms_digest
    assert (contract.artist_signature.signed_at, contract.buyer_signature.signed_at) == (NOW, LATER)
    assert [e.fully_signed for e in contract.events if isinstance(e, ContractSigned)] == [
        False, True]
    assert [e.other_party_id for e in contract.events if isinstance(e, ContractSigned)] == [
        BUYER.id, ARTIST.id]


@pytest.mark.parametrize("who", [OTHER_BUYER, OTHER_ARTIST, STAFF])
def test_a_third_user_cannot_sign(who: object) -> None:
    contract = proposed()
    with pytest.raises(PermissionDenied):
        contract.sign(by=who, now=NOW)  # type: ignore[arg-type]
    assert contract.artist_signature is None and contract.buyer_signature is None


def test_changing_the_terms_clears_both_signatures() -> None:
    contract = proposed()
    contract.sign(by=ARTIST, now=NOW)
    cleared = contract.edit(by=BUYER, terms=contract_terms(amount=Money("900.00")), now=LATER)
    assert cleared and contract.artist_signature is None and contract.buyer_signature is None
    assert contract.amount == Money("900.00")


def test_an_unchanged_edit_keeps_the_signatures() -> None:
    contract = proposed()
    contract.sign(by=ARTIST, now=NOW)
    assert contract.edit(by=BUYER, terms=contract_terms(), now=LATER) is False
    assert contract.artist_signature is not None


@pytest.mark.parametrize("field,value", [
    ("terms", "Other words."), ("rights_type", "commercial"), ("amount", Money("851.00")),
    ("deadline", NOW + timedelta(days=11))])
def test_each_term_is_part_of_the_digest(field: str, value: object) -> None:
    assert contract_terms().digest() != contract_terms(**{field: value}).digest()


def test_only_the_buyer_edits_and_an_active_contract_is_frozen() -> None:
    contract = proposed()
    with pytest.raises(PermissionDenied):
        contract.edit(by=ARTIST, terms=contract_terms(terms="Mine."), now=LATER)
    contract.sign(by=ARTIST, now=NOW)
    contract.sign(by=BUYER, now=NOW)
    with pytest.raises(InvalidState):
        contract.edit(by=BUYER, terms=contract_terms(terms="Changed."), now=LATER)
    with pytest.raises(InvalidState):
        contract.ensure_deletable(by=BUYER)
    assert contract.terms == contract_terms().terms


def test_the_contract_follows_its_job() -> None:
    active, pending, cancelled = proposed(), proposed(), proposed()
    for party in (ARTIST, BUYER):
        active.sign(by=party, now=NOW)
    active.follow_job(JobStatus.COMPLETED, now=LATER)
    pending.follow_job(JobStatus.COMPLETED, now=LATER)
    cancelled.follow_job(JobStatus.CANCELLED, now=LATER)
    assert (active.status, pending.status, cancelled.status) == (
        ContractStatus.COMPLETED, ContractStatus.TERMINATED, ContractStatus.TERMINATED)
    with pytest.raises(InvalidState):
        pending.sign(by=ARTIST, now=LATER)


class SigningMachine(RuleBasedStateMachine):
    """Random sign / edit / follow sequences by anyone keep the signing invariants."""

    def __init__(self) -> None:
        super().__init__()
        self.contract = proposed()
        self.now = NOW

    @rule(who=st.sampled_from([ARTIST, BUYER, OTHER_BUYER, OTHER_ARTIST, STAFF]))
    def sign(self, who: object) -> None:
        before = (self.contract.artist_signature, self.contract.buyer_signature)
        party = self.contract.party_of(who)  # type: ignore[arg-type]
        try:
            self.contract.sign(by=who, now=self.now)  # type: ignore[arg-type]
        except (PermissionDenied, InvalidState):
            assert (self.contract.artist_signature, self.contract.buyer_signature) == before
        else:
            assert party is not None and before[0 if party is Party.ARTIST else 1] is None

    @rule(who=st.sampled_from([ARTIST, BUYER]),
          amount=st.sampled_from(["850.00", "900.00"]),
          rights=st.sampled_from(["exclusive", "commercial"]))
    def edit(self, who: object, amount: str, rights: str) -> None:
        terms = contract_terms(amount=Money(amount), rights_type=rights)
        was = self.contract.current_terms
        try:
            cleared = self.contract.edit(by=who, terms=terms, now=self.now)  # type: ignore[arg-type]
        except (PermissionDenied, InvalidState):
            assert self.contract.current_terms == was
        else:
            assert cleared is False or (terms != was)

    @rule(status=st.sampled_from([JobStatus.COMPLETED, JobStatus.CANCELLED]))
    def job_ends(self, status: JobStatus) -> None:
        self.contract.follow_job(status, now=self.now)

    @rule()
    def time_passes(self) -> None:
        self.now += timedelta(minutes=7)

    @invariant()
    def signatures_bind_the_current_terms(self) -> None:
        digest = self.contract.current_terms.digest()
        for signature in (self.contract.artist_signature, self.contract.buyer_signature):
            assert signature is None or signature.terms_digest == digest

    @invariant()
    def active_exactly_when_both_signed(self) -> None:
        if self.contract.status in (ContractStatus.PENDING, ContractStatus.ACTIVE):
            assert (self.contract.status is ContractStatus.ACTIVE) == (
                self.contract.is_fully_signed)
        if self.contract.status is ContractStatus.COMPLETED:
            assert self.contract.is_fully_signed


TestSigningMachine = SigningMachine.TestCase
TestSigningMachine.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)


# -- messages ----------------------------------------------------------------------------------


def send(**overrides: object) -> Message:
    values: dict[str, object] = {
        "sender": BUYER, "receiver": Recipient(id=ARTIST.id, is_active=True),
        "content": "  Can we discuss the timeline?  ", "job_id": None,
        "job_participants": None, "attachment": None, "now": NOW}
    values.update(overrides)
    return Message.send(**values)  # type: ignore[arg-type]


def test_a_message_is_sent_trimmed_and_unread() -> None:
    message = send()
    assert (message.content, message.is_read) == ("Can we discuss the timeline?", False)
    message.id = 3
    message.sent(sender_username=BUYER.username)
    assert message.events == [MessageSent(message_id=3, sender_id=BUYER.id,
                                          sender_username="buyer_sarah", receiver_id=ARTIST.id)]


@pytest.mark.parametrize("content", ["", "   ", "x" * 2001])
def test_content_is_one_to_two_thousand_characters(content: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        send(content=content)
    assert fields(error) == {"content"}
    assert send(content="x" * 2000).content == "x" * 2000


@pytest.mark.parametrize("receiver", [None, Recipient(id=ARTIST.id, is_active=False),
                                      Recipient(id=BUYER.id, is_active=True)])
def test_the_receiver_exists_is_active_and_is_not_the_sender(receiver: object) -> None:
    with pytest.raises(ValidationFailed) as error:
        send(receiver=receiver)
    assert fields(error) == {"receiver_id"}


def test_a_job_message_involves_one_of_its_participants() -> None:
    participants = frozenset({BUYER.id, ARTIST.id})
    assert send(job_id=5, job_participants=participants).job_id == 5
    outsider = Recipient(id=OTHER_ARTIST.id, is_active=True)
    assert send(sender=OTHER_ARTIST, receiver=Recipient(id=BUYER.id, is_active=True),
                job_id=5, job_participants=participants).job_id == 5
    with pytest.raises(ValidationFailed) as error:
        send(sender=OTHER_BUYER, receiver=outsider, job_id=5, job_participants=participants)
    assert fields(error) == {"job"}
    with pytest.raises(ValidationFailed) as error:
        send(job_id=99, job_participants=None)
    assert fields(error) == {"job"}


def test_only_the_receiver_marks_read_and_only_the_sender_edits_in_time() -> None:
    message = send()
    with pytest.raises(PermissionDenied):
        message.mark_read(by=BUYER, now=LATER)
    assert message.mark_read(by=ARTIST, now=LATER) and not message.mark_read(by=ARTIST,
                                                                             now=LATER)
    with pytest.raises(PermissionDenied):
        message.edit(by=ARTIST, content="Forged", now=NOW)
    message.edit(by=BUYER, content="Fixed typo", now=NOW + EDIT_WINDOW)
    with pytest.raises(InvalidState):
        message.edit(by=BUYER, content="Too late", now=NOW + EDIT_WINDOW + timedelta(seconds=1))
    assert message.content == "Fixed typo"
    with pytest.raises(PermissionDenied):
        message.ensure_deletable(by=ARTIST)


# -- reviews -----------------------------------------------------------------------------------


def completed_job() -> Job:
    job = hired_job()
    job.complete(by=BUYER, now=LATER)
    job.events.clear()
    return job


def test_the_buyer_of_a_completed_job_reviews_its_artist() -> None:
    review = Review.write(by=BUYER, job=completed_job(), rating=5, comment=" Superb ",
                          already_reviewed=False, now=LATER)
    assert (review.artist_id, review.reviewer_id, review.rating, review.comment) == (
        ARTIST.id, BUYER.id, 5, "Superb")


def test_review_eligibility() -> None:
    for who in (OTHER_BUYER, ARTIST):
        with pytest.raises(PermissionDenied):
            Review.write(by=who, job=completed_job(), rating=5, comment="x",
                         already_reviewed=False, now=LATER)
    with pytest.raises(ValidationFailed) as error:
        Review.write(by=BUYER, job=hired_job(), rating=5, comment="x", already_reviewed=False,
                     now=LATER)
    assert fields(error) == {"job"}
    with pytest.raises(ValidationFailed) as error:
        Review.write(by=BUYER, job=completed_job(), rating=5, comment="x",
                     already_reviewed=True, now=LATER)
    assert fields(error) == {"job"}


@pytest.mark.parametrize("rating,comment,bad", [
    (0, "ok", {"rating"}), (6, "ok", {"rating"}), (True, "ok", {"rating"}),
    (4.5, "ok", {"rating"}), (3, "", {"comment"}), (3, "y" * 1001, {"comment"}),
    (9, " ", {"rating", "comment"})])
def test_rating_and_comment_limits(rating: object, comment: str, bad: set[str]) -> None:
    with pytest.raises(ValidationFailed) as error:
        Review.write(by=BUYER, job=completed_job(), rating=rating,  # type: ignore[arg-type]
                     comment=comment, already_reviewed=False, now=LATER)
    assert fields(error) == bad


def test_only_the_author_edits_a_review() -> None:
    review = Review.write(by=BUYER, job=completed_job(), rating=5, comment="Great",
                          already_reviewed=False, now=LATER)
    with pytest.raises(PermissionDenied):
        review.edit(by=ARTIST, rating=1, comment=None, now=LATER)
    review.edit(by=BUYER, rating=4, comment=None, now=LATER)
    assert (review.rating, review.comment) == (4, "Great")


# -- notifications -----------------------------------------------------------------------------


def test_each_event_notifies_the_right_user_in_the_documented_words() -> None:
    cases = [
        (BidPlaced(job_id=5, artist_id=10, buyer_id=1, artist_username="artist_john",
                   job_title="Logo Design for Tech Startup"),
         1, NotificationType.NEW_BID, "New Bid Received",
         "You received a new bid from artist_john on your job 'Logo Design for Tech Startup'"),
        (MessageSent(message_id=2, sender_id=1, sender_username="buyer_sarah", receiver_id=10),
         10, NotificationType.NEW_MESSAGE, "New Message",
         "You have a new message from buyer_sarah"),
        (ArtistHired(job_id=5, bid_id=3, artist_id=10, buyer_id=1, final_amount="850.00",
                     rejected_bid_ids=(), buyer_username="buyer_sarah", job_title="Logo"),
         10, NotificationType.BID_ACCEPTED, "Bid Accepted",
         "buyer_sarah accepted your bid on 'Logo'"),
        (JobCompleted(job_id=5, artist_id=10, buyer_id=1, buyer_username="buyer_sarah",
                      job_title="Logo"),
         10, NotificationType.JOB_COMPLETED, "Job Completed",
         "buyer_sarah marked the job 'Logo' as completed"),
        (ContractSigned(contract_id=1, job_id=5, signer_id=10, signer_username="artist_john",
                        other_party_id=1, job_title="Logo", fully_signed=False),
         1, NotificationType.CONTRACT_SIGNED, "Contract Signed",
         "artist_john signed the contract for 'Logo'"),
        (ReviewPosted(review_id=1, job_id=5, artist_id=10, reviewer_username="buyer_sarah",
                      rating=5, job_title="Logo"),
         10, NotificationType.NEW_REVIEW, "New Review",
         "buyer_sarah left a 5-star review on 'Logo'"),
        (PaymentReceived(payment_id=4, payer_id=1, payee_id=10, amount="850.00", order_id=None,
                         job_id=5),
         10, NotificationType.PAYMENT_RECEIVED, "Payment Received",
         "You received a payment of PKR 850.00 for the job #5"),
        (PaymentReceived(payment_id=4, payer_id=1, payee_id=10, amount="300.00", order_id=7,
                         job_id=None),
         10, NotificationType.PAYMENT_RECEIVED, "Payment Received",
         "You received a payment of PKR 300.00 for the order #7"),
    ]
    for event, user_id, kind, title, message in cases:
        (note,) = notifications_for(event, now=NOW)
        assert (note.user_id, note.notification_type, note.title, note.message,
                note.is_read, note.created_at) == (user_id, kind, title, message, False, NOW)


def test_other_events_notify_nobody() -> None:
    from cultureup.domain.events import JobCancelled, JobPosted
    assert notifications_for(JobPosted(job_id=1, buyer_id=1), now=NOW) == []
    assert notifications_for(JobCancelled(job_id=1, buyer_id=1), now=NOW) == []
    # A payment without a single payee (the platform's, several sellers') tells nobody.
    assert notifications_for(PaymentReceived(payment_id=4, payer_id=1, payee_id=None,
                                             amount="45.00", order_id=7, job_id=None),
                             now=NOW) == []


def test_terms_digest_is_stable_for_equal_terms() -> None:
    first = contract_terms()
    assert first.digest() == attrs.evolve(first).digest() and len(first.digest()) == 64
