"""Contracts, messages, reviews, notifications, dashboards and analytics through the
application services, on the in-memory fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cultureup.application.collaboration.contracts import ContractProposal
from cultureup.application.collaboration.messages import Upload
from cultureup.application.collaboration.views import (
    ContractFilters,
    MessageFilters,
    NotificationFilters,
    ReviewFilters,
)
from cultureup.application.views import PageRequest
from cultureup.domain.accounts.users import Actor, StaffRole
from cultureup.domain.errors import (
    ConcurrentUpdate,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cultureup.domain.money import Money
from tests.unit.builders import Marketplace, bid_terms

PAGE = PageRequest()


class Hired:
    """A job of buyer_sarah with bids by ayesha and bilal; ayesha hired at 850.00."""

    def __init__(self, market: Marketplace) -> None:
        self.market = market
        category_id = market.add_category("Graphic Design")
        self.sarah, self.omar = market.add_buyer("buyer_sarah"), market.add_buyer("buyer_omar")
        self.ayesha = market.add_artist("artist_ayesha")
        self.bilal = market.add_artist("artist_bilal")
        self.moderator = market.add_staff("moderator")
        self.staff = market.add_staff("staff_sana", StaffRole.STAFF)
        self.job = market.jobs.post_job(self.sarah, market.job_terms(category_id=category_id))
        self.bid_id = market.bids.place_bid(self.ayesha, self.job.id, bid_terms("800.00")).id
        market.bids.place_bid(self.bilal, self.job.id, bid_terms("900.00"))
        market.jobs.hire(self.sarah, self.job.id, bid_id=self.bid_id,
                         final_amount=Money("850.00"))

    def notes(self, user: Actor) -> list[tuple[str, str]]:
        page = self.market.notifications.list_notifications(
            user, NotificationFilters(ordering="created_at"), PageRequest(page_size=100))
        return [(n.notification_type, n.message) for n in page.items]

    def propose(self, **overrides: object) -> int:
        values: dict[str, object] = {
            "job_id": self.job.id, "artist_id": self.ayesha.id, "terms": "Three revisions.",
            "rights_type": "exclusive", "amount": None,
            "deadline": self.market.clock.now() + timedelta(days=10)}
        values.update(overrides)
        return self.market.contracts.propose(
            self.sarah, ContractProposal(**values)).id  # type: ignore[arg-type]


@pytest.fixture
def hired(market: Marketplace) -> Hired:
    return Hired(market)


def test_bids_and_hires_notify_the_right_users(hired: Hired) -> None:
    title = hired.job.title
    assert hired.notes(hired.sarah) == [
        ("new_bid", f"You received a new bid from artist_ayesha on your job '{title}'"),
        ("new_bid", f"You received a new bid from artist_bilal on your job '{title}'")]
    assert hired.notes(hired.ayesha) == [
        ("bid_accepted", f"buyer_sarah accepted your bid on '{title}'")]
    assert hired.notes(hired.bilal) == []


def test_a_failed_commit_leaves_no_notification(hired: Hired,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    market = hired.market
    contract_id = hired.propose()
    before = market.store.collaboration.rows["notifications"].copy()

    def refuse(self: object) -> None:
        raise ConcurrentUpdate("Someone else changed this at the same time; try again.")

    from tests.unit.fakes import InMemoryUnitOfWork
    monkeypatch.setattr(InMemoryUnitOfWork, "commit", refuse)
    with pytest.raises(ConcurrentUpdate):
        market.contracts.sign(hired.ayesha, contract_id)
    with pytest.raises(ConcurrentUpdate):
        market.messages.send(hired.sarah, receiver_id=hired.ayesha.id, content="Hello")
    assert market.store.collaboration.rows["notifications"] == before


def test_the_contract_flow(hired: Hired) -> None:
    market = hired.market
    contract_id = hired.propose()
    view = market.contracts.get_contract(hired.ayesha, contract_id)
    assert (view.status, view.amount, view.is_fully_signed) == ("pending", Money("850.00"),
                                                                False)
    assert market.contracts.sign(hired.ayesha, contract_id).artist_signed
    change = market.contracts.update(hired.sarah, contract_id, {"amount": Money("900.00")})
    assert change.signatures_cleared
    assert not (change.contract.artist_signed or change.contract.buyer_signed)
    market.contracts.sign(hired.sarah, contract_id)
    view = market.contracts.sign(hired.ayesha, contract_id)
    assert (view.status, view.is_fully_signed) == ("active", True)
    stored = market.store.collaboration.rows["contracts"][contract_id]
    digest = stored.current_terms.digest()
    assert view.artist_terms_digest == view.buyer_terms_digest == digest
    with pytest.raises(InvalidState):
        market.contracts.update(hired.sarah, contract_id, {"terms": "Changed"})
    with pytest.raises(InvalidState):
        market.contracts.delete(hired.sarah, contract_id)
    title = hired.job.title
    assert hired.notes(hired.sarah)[-2:] == [
        ("contract_signed", f"artist_ayesha signed the contract for '{title}'"),
        ("contract_signed", f"artist_ayesha signed the contract for '{title}'; it is now "
                            "active")]
    assert hired.notes(hired.ayesha)[-1] == (
        "contract_signed", f"buyer_sarah signed the contract for '{title}'")
    market.jobs.complete(hired.sarah, hired.job.id)
    assert market.contracts.get_contract(hired.sarah, contract_id).status == "completed"


def test_third_users_neither_see_nor_sign_a_contract(hired: Hired) -> None:
    market = hired.market
    contract_id = hired.propose()
    for outsider in (hired.omar, hired.bilal):
        with pytest.raises(NotFound):
            market.contracts.get_contract(outsider, contract_id)
        with pytest.raises(NotFound):
            market.contracts.sign(outsider, contract_id)
        assert market.contracts.list_contracts(outsider, ContractFilters(), PAGE).total == 0
    # Staff who may see private content read it (roles.py), and still cannot sign it; a
    # content moderator may not see it at all.
    assert market.contracts.get_contract(hired.staff, contract_id).id == contract_id
    assert market.contracts.list_contracts(hired.staff, ContractFilters(), PAGE).total == 1
    with pytest.raises(PermissionDenied):
        market.contracts.sign(hired.staff, contract_id)
    with pytest.raises(NotFound):
        market.contracts.get_contract(hired.moderator, contract_id)


def test_proposals_are_checked(hired: Hired) -> None:
    with pytest.raises(ValidationFailed) as error:
        hired.propose(artist_id=hired.bilal.id)
    assert set(error.value.details) == {"artist"}
    with pytest.raises(ValidationFailed) as error:
        hired.propose(job_id=999)
    assert set(error.value.details) == {"job"}
    hired.propose()
    with pytest.raises(ValidationFailed) as error:
        hired.propose()
    assert set(error.value.details) == {"job"}


def test_cancelling_the_job_terminates_its_contract(hired: Hired) -> None:
    contract_id = hired.propose()
    hired.market.jobs.cancel(hired.sarah, hired.job.id)
    assert hired.market.contracts.get_contract(hired.sarah, contract_id).status == "terminated"


def test_messages_are_private_to_their_two_users(hired: Hired) -> None:
    market = hired.market
    sent = market.messages.send(hired.sarah, receiver_id=hired.ayesha.id, content="Timeline?",
                                job_id=hired.job.id,
                                attachment=Upload(filename="brief.txt", data=b"brief"))
    assert sent.attachment is not None and sent.attachment.name == "brief.txt"
    assert hired.notes(hired.ayesha)[-1] == ("new_message",
                                             "You have a new message from buyer_sarah")
    for outsider in (hired.omar, hired.bilal, hired.moderator):
        for action in (market.messages.get_message, market.messages.mark_read,
                       market.messages.delete, market.messages.attachment_file):
            with pytest.raises(NotFound):
                action(outsider, sent.id)
    with pytest.raises(PermissionDenied):
        market.messages.mark_read(hired.sarah, sent.id)
    assert market.messages.mark_read(hired.ayesha, sent.id).is_read
    file = market.messages.attachment_file(hired.ayesha, sent.id)
    assert market.files.read(file.key) == b"brief"
    market.messages.delete(hired.sarah, sent.id)
    assert market.files.files == {}


def test_a_refused_message_stores_no_file(hired: Hired) -> None:
    with pytest.raises(ValidationFailed):
        hired.market.messages.send(hired.sarah, receiver_id=hired.sarah.id, content="Me",
                                   attachment=Upload(filename="a.txt", data=b"x"))
    with pytest.raises(ValidationFailed):
        hired.market.messages.send(hired.sarah, receiver_id=hired.ayesha.id, content="Hi",
                                   attachment=Upload(filename="a.txt", data=b""))
    assert hired.market.files.files == {}


def test_conversations_have_one_entry_per_counterpart(hired: Hired) -> None:
    market = hired.market
    market.messages.send(hired.sarah, receiver_id=hired.ayesha.id, content="One")
    market.clock.advance(timedelta(minutes=1))
    market.messages.send(hired.bilal, receiver_id=hired.sarah.id, content="Two")
    market.clock.advance(timedelta(minutes=1))
    market.messages.send(hired.bilal, receiver_id=hired.sarah.id, content="Three")
    conversations = market.messages.conversations(hired.sarah)
    assert [(c.user.username, c.last_message.content, c.unread_count)
            for c in conversations] == [("artist_bilal", "Three", 2), ("artist_ayesha", "One", 0)]
    assert market.messages.list_messages(hired.sarah, MessageFilters(), PAGE).total == 3


def test_reviews_once_per_completed_job_and_the_rating(hired: Hired) -> None:
    market = hired.market
    with pytest.raises(ValidationFailed):
        market.reviews.write(hired.sarah, job_id=hired.job.id, rating=5, comment="Early")
    market.jobs.complete(hired.sarah, hired.job.id)
    review = market.reviews.write(hired.sarah, job_id=hired.job.id, rating=4, comment="Good")
    assert (review.artist.id, review.rating) == (hired.ayesha.id, 4)
    with pytest.raises(ValidationFailed):
        market.reviews.write(hired.sarah, job_id=hired.job.id, rating=5, comment="Again")
    with pytest.raises(PermissionDenied):
        market.reviews.edit(hired.ayesha, review.id, rating=5)
    with pytest.raises(NotFound):
        market.reviews.delete(hired.omar, review.id)
    stats = market.dashboard.stats(hired.ayesha).stats
    assert stats is not None
    assert (stats.average_rating, stats.total_reviews) == (4, 1)  # type: ignore[union-attr]
    assert market.reviews.artist_reviews(hired.ayesha.id, ReviewFilters(), PAGE).total == 1
    assert [kind for kind, _ in hired.notes(hired.ayesha)] == [
        "bid_accepted", "job_completed", "new_review"]


def test_notifications_are_marked_by_their_owner_only(hired: Hired) -> None:
    market = hired.market
    first = market.notifications.list_notifications(hired.sarah, NotificationFilters(),
                                                    PAGE).items[0]
    with pytest.raises(NotFound):
        market.notifications.mark_read(hired.ayesha, first.id)
    with pytest.raises(NotFound):
        market.notifications.get_notification(hired.ayesha, first.id)
    assert market.notifications.mark_read(hired.sarah, first.id).is_read
    assert market.notifications.unread_count(hired.sarah) == 1
    assert market.notifications.mark_all_read(hired.sarah) == 1
    assert market.notifications.unread_count(hired.sarah) == 0
    assert market.notifications.unread_count(hired.ayesha) == 1


def test_calculating_a_day_twice_keeps_one_row(hired: Hired) -> None:
    market = hired.market
    first = market.analytics.calculate_today(hired.staff)
    second = market.analytics.calculate_today(hired.staff)
    assert first.id == second.id and first.figures == second.figures
    assert market.analytics.list_snapshots(hired.staff, PAGE).total == 1
    with pytest.raises(PermissionDenied):  # Permission.VIEW_DASHBOARD: not a moderator's
        market.analytics.list_snapshots(hired.moderator, PAGE)
    assert (first.figures.bids_placed, first.figures.jobs_posted) == (2, 1)
    with pytest.raises(PermissionDenied):
        market.analytics.calculate_today(hired.sarah)
    with pytest.raises(ValidationFailed):
        market.analytics.calculate(market.clock.now().date() + timedelta(days=1))
