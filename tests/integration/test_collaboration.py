"""Contracts, messages, reviews, notifications, dashboards and analytics on the real database
(SQLite, or PostgreSQL when CULTUREUP_TEST_DATABASE_URL is set), through the services that
the HTTP API and the CLI share."""

from __future__ import annotations

import io
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.collaboration.repositories import (
    SqlAlchemyNotificationRepository,
)
from cultureup.adapters.sqlalchemy.collaboration.tables import (
    contracts,
    daily_analytics,
    messages,
    notifications,
)
from cultureup.adapters.sqlalchemy.tables import bids, jobs, users
from cultureup.application.collaboration.contracts import ContractProposal
from cultureup.application.collaboration.messages import ATTACHMENT_FILE_KIND, Upload
from cultureup.application.collaboration.views import (
    ContractFilters,
    MessageFilters,
    NotificationFilters,
    ReviewFilters,
)
from cultureup.application.views import PageRequest
from cultureup.domain.accounts.users import Actor, UserType
from cultureup.domain.collaboration.contracts import ContractTerms
from cultureup.domain.errors import NotFound, PermissionDenied, ValidationFailed
from cultureup.domain.money import Money
from tests.integration.artwork_images import artwork_image, encode
from tests.integration.conftest import ApiUser, Marketplace, QueryCounter

PAGE20 = PageRequest(page_size=20)


def actor(user: ApiUser) -> Actor:
    return Actor(id=user.id, username=user.username, user_type=UserType(user.user_type))


class Deal:
    """Through the API: a buyer's job, two artists' bids, the first artist hired."""

    def __init__(self, market: Marketplace) -> None:
        self.market, self.services = market, market.services
        self.buyer, self.other_buyer = market.user("buyer"), market.user("buyer")
        self.artist, self.other_artist = market.user("artist"), market.user("artist")
        self.job = market.job(self.buyer)
        self.bid = market.bid(self.artist, self.job["id"], "800.00")
        market.bid(self.other_artist, self.job["id"], "900.00")
        response = market.client.simulate_post(
            f"/api/jobs/{self.job['id']}/hire/", headers=self.buyer.headers,
            json={"bid_id": self.bid["id"], "final_amount": "850.00"})
        assert response.status_code == 200, response.json

    def propose(self) -> int:
        return self.services.contracts.propose(actor(self.buyer), ContractProposal(
            job_id=self.job["id"], artist_id=self.artist.id,
            terms="A logo with three rounds of revisions.", rights_type="exclusive",
            amount=None, deadline=self.market.clock.now() + timedelta(days=10))).id

    def notes(self, user: ApiUser) -> list[tuple[str, str, str]]:
        with self.services.engine.connect() as connection:
            rows = connection.execute(
                select(notifications).where(notifications.c.user_id == user.id)
                .order_by(notifications.c.id)).mappings().all()
        return [(row["notification_type"], row["title"], row["message"]) for row in rows]


@pytest.fixture
def deal(market: Marketplace) -> Deal:
    return Deal(market)


def test_the_contract_flow_and_its_digests(deal: Deal) -> None:
    contracts_service = deal.services.contracts
    buyer, artist = actor(deal.buyer), actor(deal.artist)
    contract_id = deal.propose()
    assert contracts_service.get_contract(artist, contract_id).amount == Money("850.00")
    contracts_service.sign(artist, contract_id)
    change = contracts_service.update(buyer, contract_id, {"amount": Money("900.00")})
    assert change.signatures_cleared and not change.contract.artist_signed
    contracts_service.sign(buyer, contract_id)
    view = contracts_service.sign(artist, contract_id)
    assert (view.status, view.is_fully_signed) == ("active", True)
    expected = ContractTerms(terms=view.terms, rights_type=view.rights_type,
                             amount=view.amount, deadline=view.deadline).digest()
    with deal.services.engine.connect() as connection:
        row = connection.execute(select(contracts).where(
            contracts.c.id == contract_id)).mappings().one()
    assert row["artist_terms_digest"] == row["buyer_terms_digest"] == expected
    for outsider in (deal.other_buyer, deal.other_artist):
        with pytest.raises(NotFound):
            contracts_service.get_contract(actor(outsider), contract_id)
        with pytest.raises(NotFound):
            contracts_service.sign(actor(outsider), contract_id)


def test_the_documented_notifications_reach_the_right_users(deal: Deal) -> None:
    title = deal.job["title"]
    deal.services.messages.send(actor(deal.buyer), receiver_id=deal.artist.id,
                                content="Can we discuss the timeline?", job_id=deal.job["id"])
    contract_id = deal.propose()
    deal.services.contracts.sign(actor(deal.artist), contract_id)
    response = deal.market.client.simulate_post(
        f"/api/jobs/{deal.job['id']}/complete/", headers=deal.buyer.headers)
    assert response.status_code == 200, response.json
    buyer, artist = deal.buyer.username, deal.artist.username
    assert deal.notes(deal.buyer) == [
        ("new_bid", "New Bid Received",
         f"You received a new bid from {artist} on your job '{title}'"),
        ("new_bid", "New Bid Received",
         f"You received a new bid from {deal.other_artist.username} on your job '{title}'"),
        ("contract_signed", "Contract Signed", f"{artist} signed the contract for '{title}'")]
    assert deal.notes(deal.artist) == [
        ("bid_accepted", "Bid Accepted", f"{buyer} accepted your bid on '{title}'"),
        ("new_message", "New Message", f"You have a new message from {buyer}"),
        ("job_completed", "Job Completed", f"{buyer} marked the job '{title}' as completed")]
    assert deal.notes(deal.other_artist) == [] and deal.notes(deal.other_buyer) == []
    # Completing the job ended the unsigned contract.
    assert deal.services.contracts.get_contract(actor(deal.buyer), contract_id).status == (
        "terminated")


def test_a_change_and_its_notification_commit_or_roll_back_together(
        deal: Deal, monkeypatch: pytest.MonkeyPatch) -> None:
    original = SqlAlchemyNotificationRepository.add

    def add_then_fail(self: Any, notification: Any) -> None:
        original(self, notification)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(SqlAlchemyNotificationRepository, "add", add_then_fail)
    before = deal.notes(deal.artist)
    with pytest.raises(RuntimeError):
        deal.services.messages.send(actor(deal.buyer), receiver_id=deal.artist.id,
                                    content="Lost?")
    with deal.services.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(messages)).scalar_one() == 0
    assert deal.notes(deal.artist) == before
    # A request refused by the rules notifies nobody either.
    monkeypatch.setattr(SqlAlchemyNotificationRepository, "add", original)
    with pytest.raises(ValidationFailed):
        deal.services.messages.send(actor(deal.buyer), receiver_id=deal.buyer.id,
                                    content="Myself")
    assert deal.notes(deal.buyer)[-1][0] == "new_bid"


def test_both_parties_signing_at_once_leave_one_active_contract(deal: Deal) -> None:
    for _ in range(5):
        contract_id = deal.propose()
        start = threading.Barrier(2)

        def sign(user: ApiUser, contract_id: int = contract_id,
                 start: threading.Barrier = start) -> str:
            start.wait()
            try:
                deal.services.contracts.sign(actor(user), contract_id)
            except Exception as error:  # reported below, never swallowed
                return type(error).__name__
            return "signed"

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(sign, [deal.buyer, deal.artist]))
        assert outcomes == ["signed", "signed"]
        view = deal.services.contracts.get_contract(actor(deal.buyer), contract_id)
        assert (view.status, view.artist_signed, view.buyer_signed) == ("active", True, True)
        assert view.artist_terms_digest == view.buyer_terms_digest is not None
        # Make room for the next round: one live contract per job.
        with deal.services.engine.begin() as connection:
            connection.execute(contracts.update().where(contracts.c.id == contract_id)
                               .values(status="terminated"))


def _private_files(deal: Deal) -> list[Path]:
    root = Path(deal.services.settings.private_root)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_attachments_are_judged_by_content_and_kept_private(deal: Deal) -> None:
    send = deal.services.messages.send
    buyer = actor(deal.buyer)
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(2000)
    for data in (b"x" * (12 * 2**20), exe, b""):
        with pytest.raises(ValidationFailed) as error:
            send(buyer, receiver_id=deal.artist.id, content="File",
                 attachment=Upload(filename="contract.pdf", data=data))
        assert set(error.value.details) == {"attachment"}
    assert _private_files(deal) == []
    with deal.services.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(messages)).scalar_one() == 0
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("sketch.txt", "lines")
    accepted = {
        "brief.pdf": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"),
        "sketches.zip": (archive.getvalue(), "application/zip"),
        "notes.txt": ("Plain words, ünïcode too.".encode(), "text/plain; charset=utf-8"),
        "photo.jpg": (encode(artwork_image(3)), "image/jpeg"),
    }
    sent = {}
    for name, (data, content_type) in accepted.items():
        view = send(buyer, receiver_id=deal.artist.id, content=name,
                    attachment=Upload(filename=f"../../{name}", data=data))
        assert view.attachment is not None
        assert (view.attachment.name, view.attachment.content_type) == (name, content_type)
        sent[name] = view.id
    assert len(_private_files(deal)) == 4
    files = deal.services.private_files
    for message_id in sent.values():
        assert files.fetch(actor(deal.artist), ATTACHMENT_FILE_KIND, message_id).data
        assert files.fetch(buyer, ATTACHMENT_FILE_KIND, message_id).data
    with deal.services.engine.connect() as connection:
        every_id = connection.execute(select(messages.c.id)).scalars().all()
    for outsider in (deal.other_buyer, deal.other_artist):
        for message_id in [*every_id, max(every_id) + 1]:
            with pytest.raises(NotFound):
                files.fetch(actor(outsider), ATTACHMENT_FILE_KIND, message_id)
            with pytest.raises(NotFound):
                deal.services.messages.get_message(actor(outsider), message_id)
    deal.services.messages.delete(buyer, sent["notes.txt"])
    assert len(_private_files(deal)) == 3


def test_nobody_touches_another_users_things(deal: Deal) -> None:
    services, buyer = deal.services, actor(deal.buyer)
    message = services.messages.send(buyer, receiver_id=deal.artist.id, content="Hello")
    contract_id = deal.propose()
    deal.market.client.simulate_post(f"/api/jobs/{deal.job['id']}/complete/",
                                     headers=deal.buyer.headers)
    review = services.reviews.write(buyer, job_id=deal.job["id"], rating=5, comment="Great")
    note = services.notifications.list_notifications(
        actor(deal.artist), NotificationFilters(), PAGE20).items[0]
    for outsider in (actor(deal.other_buyer), actor(deal.other_artist)):
        for call in (
            lambda who: services.messages.get_message(who, message.id),
            lambda who: services.messages.mark_read(who, message.id),
            lambda who: services.messages.edit(who, message.id, content="Forged"),
            lambda who: services.messages.delete(who, message.id),
            lambda who: services.notifications.get_notification(who, note.id),
            lambda who: services.notifications.mark_read(who, note.id),
            lambda who: services.contracts.get_contract(who, contract_id),
            lambda who: services.contracts.update(who, contract_id, {"terms": "Mine"}),
            lambda who: services.contracts.delete(who, contract_id),
            lambda who: services.reviews.get_review(who, review.id),
            lambda who: services.reviews.edit(who, review.id, rating=1),
            lambda who: services.reviews.delete(who, review.id),
        ):
            with pytest.raises((NotFound, PermissionDenied)):
                call(outsider)
    assert services.messages.get_message(buyer, message.id).content == "Hello"
    assert services.reviews.get_review(buyer, review.id).rating == 5
    assert not services.notifications.get_notification(actor(deal.artist), note.id).is_read


def test_ratings_come_from_reviews_on_profiles_and_dashboards(deal: Deal,
                                                              market: Marketplace) -> None:
    response = market.client.simulate_post(
        "/api/artist-profiles/", headers=deal.artist.headers,
        json={"experience_level": "expert", "hourly_rate": "50.00"})
    assert response.status_code == 201, response.json
    market.client.simulate_post(f"/api/jobs/{deal.job['id']}/complete/",
                                headers=deal.buyer.headers)
    deal.services.reviews.write(actor(deal.buyer), job_id=deal.job["id"], rating=5,
                                comment="Superb")
    second = market.job(deal.other_buyer)
    bid = market.bid(deal.artist, second["id"], "700.00")
    market.client.simulate_post(f"/api/jobs/{second['id']}/hire/",
                                headers=deal.other_buyer.headers, json={"bid_id": bid["id"]})
    market.client.simulate_post(f"/api/jobs/{second['id']}/complete/",
                                headers=deal.other_buyer.headers)
    deal.services.reviews.write(actor(deal.other_buyer), job_id=second["id"], rating=4,
                                comment="Good")
    third = market.job(deal.other_buyer)
    bid = market.bid(deal.artist, third["id"], "600.00")
    market.client.simulate_post(f"/api/jobs/{third['id']}/hire/",
                                headers=deal.other_buyer.headers, json={"bid_id": bid["id"]})
    market.client.simulate_post(f"/api/jobs/{third['id']}/complete/",
                                headers=deal.other_buyer.headers)
    deal.services.reviews.write(actor(deal.other_buyer), job_id=third["id"], rating=4,
                                comment="Good again")
    profile = market.client.simulate_get(f"/api/artist-profiles/{deal.artist.id}/").json
    assert (profile["rating"], profile["total_reviews"]) == (4.33, 3)
    stats = deal.services.dashboard.stats(actor(deal.artist)).stats
    assert stats is not None
    assert (stats.average_rating, stats.total_reviews,  # type: ignore[union-attr]
            stats.total_projects_completed, stats.total_earnings) == (  # type: ignore[union-attr]
        Money("4.33").amount, 3, 3, Money(profile["total_earnings"]))
    listed = deal.services.reviews.artist_reviews(deal.artist.id,
                                                  ReviewFilters(ordering="-rating"), PAGE20)
    assert [r.rating for r in listed.items] == [5, 4, 4]
    buyer_stats = deal.services.dashboard.stats(actor(deal.other_buyer)).stats
    buyer_profile = market.client.simulate_post(
        "/api/buyer-profiles/", headers=deal.other_buyer.headers, json={}).json
    assert (buyer_stats.completed_jobs, buyer_stats.total_jobs_posted,  # type: ignore[union-attr]
            buyer_stats.total_spent) == (  # type: ignore[union-attr]
        2, 2, Money(buyer_profile["total_spent"]))


def test_lists_and_conversations_are_a_constant_number_of_statements(
        deal: Deal, count_queries: QueryCounter) -> None:
    services, buyer = deal.services, actor(deal.buyer)
    others = [deal.artist, deal.other_artist, deal.other_buyer]
    rows = []
    for index in range(1000):
        sender, receiver = (buyer.id, others[index % 3].id) if index % 2 else (
            others[index % 3].id, buyer.id)
        rows.append({"sender_id": sender, "receiver_id": receiver, "content": f"m{index}",
                     "is_read": index % 5 == 0,
                     "created_at": deal.market.clock.now() + timedelta(seconds=index),
                     "updated_at": deal.market.clock.now() + timedelta(seconds=index)})
    with services.engine.begin() as connection:
        connection.execute(messages.insert(), rows)
        connection.execute(notifications.insert(), [{
            "user_id": buyer.id, "notification_type": "new_message", "title": "New Message",
            "message": f"n{index}", "is_read": False,
            "created_at": deal.market.clock.now()} for index in range(30)])
    count_queries.count = 0
    conversations = services.messages.conversations(buyer)
    assert count_queries.count <= 2  # SQLite counts its BEGIN as well
    assert len(conversations) == 3
    for other, conversation in zip(others, sorted(
            conversations, key=lambda c: [o.id for o in others].index(c.user.id)),
            strict=True):
        expected = [row for row in rows if other.id in (row["sender_id"], row["receiver_id"])]
        assert conversation.last_message.content == expected[-1]["content"]
        assert conversation.unread_count == sum(
            1 for row in expected if row["receiver_id"] == buyer.id and not row["is_read"])
    for listing in (
        lambda: services.messages.list_messages(buyer, MessageFilters(), PAGE20),
        lambda: services.notifications.list_notifications(buyer, NotificationFilters(),
                                                          PAGE20),
        lambda: services.contracts.list_contracts(buyer, ContractFilters(), PAGE20),
        lambda: services.reviews.list_reviews(buyer, ReviewFilters(), PAGE20),
    ):
        count_queries.count = 0
        listing()
        assert count_queries.count <= 3  # rows, count (and SQLite's BEGIN)


def test_twenty_contracts_and_reviews_list_in_constant_statements(
        market: Marketplace, count_queries: QueryCounter) -> None:
    services = market.services
    buyer = market.user("buyer")
    category = market.category()
    for index in range(20):
        artist = market.user("artist")
        job = market.job(buyer, category)
        bid = market.bid(artist, job["id"], "700.00")
        market.client.simulate_post(f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
                                    json={"bid_id": bid["id"]})
        services.contracts.propose(actor(buyer), ContractProposal(
            job_id=job["id"], artist_id=artist.id, terms=f"Terms {index}",
            rights_type="commercial", amount=None,
            deadline=market.clock.now() + timedelta(days=5)))
        market.client.simulate_post(f"/api/jobs/{job['id']}/complete/", headers=buyer.headers)
        services.reviews.write(actor(buyer), job_id=job["id"], rating=1 + index % 5,
                               comment="Fine")
    for listing in (
        lambda: services.contracts.list_contracts(actor(buyer), ContractFilters(), PAGE20),
        lambda: services.reviews.list_reviews(actor(buyer), ReviewFilters(), PAGE20),
        lambda: services.notifications.list_notifications(actor(buyer),
                                                          NotificationFilters(), PAGE20),
    ):
        count_queries.count = 0
        page = listing()
        assert len(page.items) == 20
        assert count_queries.count <= 3


def test_calculating_today_twice_keeps_one_row_with_direct_counts(deal: Deal) -> None:
    services = deal.services
    admin = deal.market.admin_actor()
    first = services.analytics.calculate_today(admin)
    services.messages.send(actor(deal.buyer), receiver_id=deal.artist.id, content="More")
    second = services.analytics.calculate_today(admin)
    with services.engine.connect() as connection:
        assert connection.execute(
            select(func.count()).select_from(daily_analytics)).scalar_one() == 1
        direct = {
            "total_users": connection.execute(select(func.count()).select_from(users))
            .scalar_one(),
            "jobs_posted": connection.execute(select(func.count()).select_from(jobs))
            .scalar_one(),
            "bids_placed": connection.execute(select(func.count()).select_from(bids))
            .scalar_one(),
            "messages_sent": connection.execute(select(func.count()).select_from(messages))
            .scalar_one(),
        }
    assert first.id == second.id
    assert {name: getattr(second.figures, name) for name in direct} == direct
    assert second.figures.messages_sent == first.figures.messages_sent + 1
    with pytest.raises(PermissionDenied):
        services.analytics.calculate_today(actor(deal.buyer))


# -- the command line -------------------------------------------------------------------------


def _cli(services: Any, *args: str) -> Any:
    from typer.testing import CliRunner

    from cultureup.entrypoints.cli.app import app

    env = {"CULTUREUP_DATABASE_URL": services.settings.database_url,
           "CULTUREUP_PASSWORD_HASH_TIME_COST": "1",
           "CULTUREUP_PASSWORD_HASH_MEMORY_KIB": "1024",
           "CULTUREUP_PRIVATE_ROOT": services.settings.private_root,
           "CULTUREUP_MEDIA_ROOT": services.settings.media_root}
    return CliRunner().invoke(app, list(args), env=env)


def test_the_cli_backfills_analytics_one_row_per_day(deal: Deal) -> None:
    import json

    day = deal.market.clock.now().date()
    args = ["analytics", "calculate", "--from", (day - timedelta(days=2)).isoformat(),
            "--to", day.isoformat(), "--json"]
    first = _cli(deal.services, *args)
    assert first.exit_code == 0, first.output
    rows = [json.loads(line) for line in first.stdout.splitlines() if line.startswith("{")]
    assert [row["date"] for row in rows] == [
        (day - timedelta(days=offset)).isoformat() for offset in (2, 1, 0)]
    assert (rows[-1]["jobs_posted"], rows[-1]["bids_placed"], rows[0]["jobs_posted"]) == (
        1, 2, 0)
    assert rows[-1]["revenue"] == "0.00"
    again = _cli(deal.services, *args)
    assert again.exit_code == 0, again.output
    with deal.services.engine.connect() as connection:
        assert connection.execute(
            select(func.count()).select_from(daily_analytics)).scalar_one() == 3
    future = _cli(deal.services, "analytics", "calculate", "--date", "2999-01-01")
    assert future.exit_code == 1 and "future" in future.output
    both = _cli(deal.services, "analytics", "calculate", "--date", day.isoformat(), "--from",
                day.isoformat())
    assert both.exit_code == 2


def test_the_cli_shows_a_users_messages_and_notifications(deal: Deal) -> None:
    import json

    deal.services.messages.send(actor(deal.buyer), receiver_id=deal.artist.id,
                                content="Can we discuss the timeline?")
    listed = _cli(deal.services, "messages", "list", "--user", deal.artist.username, "--json")
    assert listed.exit_code == 0, listed.output
    (message,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (message["sender"], message["receiver"], message["content"], message["is_read"]) == (
        deal.buyer.username, deal.artist.username, "Can we discuss the timeline?", False)
    notes = _cli(deal.services, "notifications", "list", "--user", str(deal.artist.id),
                 "--json")
    assert notes.exit_code == 0, notes.output
    kinds = [json.loads(line)["notification_type"] for line in notes.stdout.splitlines()]
    assert kinds == ["new_message", "bid_accepted"]
    unknown = _cli(deal.services, "messages", "list", "--user", "nobody-at-all")
    assert unknown.exit_code == 1


def test_attachments_download_through_the_private_file_route_for_their_pair_only(
        deal: Deal) -> None:
    client, buyer = deal.market.client, actor(deal.buyer)
    sent = [deal.services.messages.send(
        buyer, receiver_id=deal.artist.id, content=f"File {index}",
        attachment=Upload(filename=f"notes{index}.txt", data=f"notes {index}".encode())).id
        for index in range(3)]
    for message_id in sent:
        for user in (deal.buyer, deal.artist):
            response = client.simulate_get(f"/api/files/message-attachment/{message_id}/",
                                           headers=user.headers)
            assert response.status_code == 200
            assert response.content == f"notes {sent.index(message_id)}".encode()
            assert "no-store" in response.headers["cache-control"]
    for outsider in (deal.other_buyer, deal.other_artist):
        for message_id in [*sent, max(sent) + 1]:
            response = client.simulate_get(f"/api/files/message-attachment/{message_id}/",
                                           headers=outsider.headers)
            assert response.status_code == 404
    assert client.simulate_get(f"/api/files/message-attachment/{sent[0]}/").status_code == 401
