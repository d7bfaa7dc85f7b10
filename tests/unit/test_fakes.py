"""The fakes keep the promises of the ports they stand for, so that tests built on them
mean something: transactions, copies, versions, ids, and the read models' arithmetic."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cultureup.application.views import BidFilters, JobFilters, PageRequest
from cultureup.domain.accounts.users import User, UserType
from cultureup.domain.errors import ConcurrentUpdate, NotFound, ValidationFailed
from cultureup.domain.hiring.jobs import Job, JobStatus
from cultureup.domain.money import Money
from cultureup.domain.text import identity_key
from tests.unit.builders import NOW, Marketplace, bid_terms, job_terms
from tests.unit.fakes import (
    FakeClock,
    FakeOneTimePasswords,
    FakeRateLimiter,
    FakeSecretSealer,
    InMemoryJobQueries,
    InMemoryStore,
    mean_amount,
)

PAGE = PageRequest.of(1, 50)


@pytest.fixture
def store() -> InMemoryStore:
    store = InMemoryStore()
    store.seed_category(name="Graphic Design")
    store.seed_user(username="buyer_sarah", user_type=UserType.BUYER)
    for name in ("artist_ayesha", "artist_bilal", "artist_zara"):
        store.seed_user(username=name, user_type=UserType.ARTIST)
    return store


def new_job(store: InMemoryStore) -> int:
    buyer = store.user(1).as_actor()
    with store.unit_of_work() as uow:
        job = Job.post(buyer=buyer, terms=job_terms(), category=uow.categories.find(1), now=NOW)
        uow.jobs.add(job)
        uow.commit()
    assert job.id is not None
    return job.id


def bid_on(store: InMemoryStore, job_id: int, artist_id: int, amount: str) -> int:
    with store.unit_of_work() as uow:
        job = uow.jobs.get(job_id)
        bid = job.place_bid(artist=store.user(artist_id).as_actor(), terms=bid_terms(amount),
                            now=NOW)
        uow.jobs.save(job)
        uow.commit()
    assert bid.id is not None
    return bid.id


def test_changes_are_dropped_unless_committed(store: InMemoryStore) -> None:
    job_id = new_job(store)
    with store.unit_of_work() as uow:
        job = uow.jobs.get(job_id)
        job.title = "Changed"
        uow.jobs.save(job)
        assert uow.jobs.get(job_id).title == "Changed"  # a transaction sees its own writes
    assert store.job(job_id).title != "Changed"
    assert store.job(job_id).version == 0


def test_an_error_inside_the_unit_rolls_it_back(store: InMemoryStore) -> None:
    job_id = new_job(store)
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.jobs.delete(uow.jobs.get(job_id))
        raise RuntimeError("boom")
    assert job_id in store.jobs


def test_loaded_aggregates_are_copies(store: InMemoryStore) -> None:
    job_id = new_job(store)
    with store.unit_of_work() as uow:
        uow.jobs.get(job_id).title = "Not saved"
        assert uow.jobs.get(job_id).title != "Not saved"
    assert store.jobs[job_id].title != "Not saved"


def test_saving_a_stale_job_is_a_concurrent_update(store: InMemoryStore) -> None:
    job_id = new_job(store)
    with store.unit_of_work() as first, store.unit_of_work() as second:
        mine, theirs = first.jobs.get(job_id), second.jobs.get(job_id)
        mine.title, theirs.title = "Mine", "Theirs"
        first.jobs.save(mine)
        second.jobs.save(theirs)
        first.commit()
        with pytest.raises(ConcurrentUpdate):
            second.commit()
    with store.unit_of_work() as third:
        stale = third.jobs.get(job_id)
        stale.version -= 1
        with pytest.raises(ConcurrentUpdate):
            third.jobs.save(stale)
    assert store.job(job_id).title == "Mine"


def test_ids_come_from_sequences_that_a_rollback_does_not_rewind(store: InMemoryStore) -> None:
    buyer = store.user(1).as_actor()
    with store.unit_of_work() as uow:
        lost = Job.post(buyer=buyer, terms=job_terms(), category=uow.categories.find(1), now=NOW)
        uow.jobs.add(lost)
    assert lost.id == 1
    assert new_job(store) == 2


def test_saving_gives_new_bids_ids_and_forgets_events(store: InMemoryStore) -> None:
    job_id = new_job(store)
    first = bid_on(store, job_id, 2, "600.00")
    second = bid_on(store, job_id, 3, "700.00")
    stored = store.job(job_id)
    assert [bid.id for bid in stored.bids] == [first, second]
    assert all(bid.job_id == job_id for bid in stored.bids)
    assert stored.events == [] and stored.version == 2


def test_a_withdrawn_bid_is_deleted(store: InMemoryStore) -> None:
    job_id = new_job(store)
    bid_id = bid_on(store, job_id, 2, "600.00")
    with store.unit_of_work() as uow:
        job = uow.jobs.get_by_bid(bid_id)
        job.withdraw_bid(bid_id, by=store.user(2).as_actor(), now=NOW)
        uow.jobs.save(job)
        uow.commit()
        with pytest.raises(NotFound):
            uow.jobs.get_by_bid(bid_id)
    assert store.find_bid(bid_id) is None


def test_usernames_and_emails_stay_unique_ignoring_case(store: InMemoryStore) -> None:
    with store.unit_of_work() as uow:
        uow.users.add(User(username="BUYER_SARAH", email="other@example.com",
                           password_hash="x", first_name="A", last_name="B",
                           user_type=UserType.BUYER, created_at=NOW, updated_at=NOW))
        with pytest.raises(ValidationFailed):
            uow.commit()
    assert len(store.users) == 4


def test_login_lookup_prefers_the_owner_of_the_email(store: InMemoryStore) -> None:
    # Only accounts stored before the rule that keeps them apart can share a key like this.
    store.seed_user(username="artist_ayesha@example.com", user_type=UserType.ARTIST,
                    email="someone@example.com")
    with store.unit_of_work() as uow:
        found = uow.users.find_by_login(identity_key(" ARTIST_AYESHA@example.com "))
        assert found is not None and found.username == "artist_ayesha"
        by_email = uow.users.find_by_login(identity_key("BUYER_SARAH@EXAMPLE.COM"))
        assert by_email is not None and by_email.username == "buyer_sarah"
        assert uow.users.find_by_login("nobody") is None


def test_tokens_expire_and_revoke(store: InMemoryStore) -> None:
    with store.unit_of_work() as uow:
        uow.tokens.add(user_id=1, digest="a", created_at=NOW, expires_at=NOW + timedelta(hours=1))
        uow.tokens.add(user_id=1, digest="b", created_at=NOW, expires_at=None)
        uow.tokens.add(user_id=2, digest="c", created_at=NOW, expires_at=None)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.tokens.find_user_id("a", now=NOW + timedelta(minutes=59)) == 1
        assert uow.tokens.find_user_id("a", now=NOW + timedelta(hours=1)) is None
        uow.tokens.revoke_all(1, now=NOW)
        uow.commit()
    with store.unit_of_work() as uow:
        assert [uow.tokens.find_user_id(d, now=NOW) for d in "abc"] == [None, None, 2]


@pytest.mark.parametrize(("amounts", "mean"), [
    ([], None),
    (["1.00", "1.01"], "1.01"),  # 1.005 rounds half up
    (["1.00", "1.00", "1.01"], "1.00"),  # 1.00333...
    (["0.01", "0.02"], "0.02"),
    (["9999999999.99", "9999999999.99", "9999999999.98"], "9999999999.99"),
])
def test_the_mean_is_exact_and_rounds_half_up(amounts: list[str], mean: str | None) -> None:
    expected = Money(mean) if mean is not None else None
    assert mean_amount([Money(amount) for amount in amounts]) == expected


def test_bid_rank_counts_cheaper_bids_and_older_equal_ones(store: InMemoryStore) -> None:
    job_id = new_job(store)
    dear = bid_on(store, job_id, 2, "900.00")
    cheap = bid_on(store, job_id, 3, "600.00")
    tied = bid_on(store, job_id, 4, "600.00")
    queries = InMemoryJobQueries(store)
    assert {bid_id: queries.get_bid(bid_id).bid_rank for bid_id in (dear, cheap, tied)} == {
        cheap: 1, tied: 2, dear: 3}
    by_amount = queries.list_bids(BidFilters(ordering="-bid_amount"), PAGE)
    assert [bid.id for bid in by_amount.items] == [dear, tied, cheap]  # ties: newest first


def test_job_lists_page_without_overlap(store: InMemoryStore) -> None:
    ids = [new_job(store) for _ in range(5)]
    queries = InMemoryJobQueries(store)
    pages = [queries.list_jobs(JobFilters(), PageRequest.of(n, 2)) for n in (1, 2, 3)]
    assert [job.id for page in pages for job in page.items] == ids[::-1]
    assert [page.total for page in pages] == [5, 5, 5]
    assert (pages[0].has_next, pages[2].has_next, pages[2].last_page) == (True, False, 3)


def test_queries_read_only_committed_state(store: InMemoryStore) -> None:
    job_id = new_job(store)
    queries = InMemoryJobQueries(store)
    with store.unit_of_work() as uow:
        job = uow.jobs.get(job_id)
        job.cancel(by=store.user(1).as_actor(), now=NOW)
        uow.jobs.save(job)
        assert queries.get_job(job_id).status == JobStatus.OPEN.value
        uow.commit()
    assert queries.get_job(job_id).status == JobStatus.CANCELLED.value


def test_the_rate_limiter_counts_within_the_window() -> None:
    clock = FakeClock(NOW)
    limiter, window = FakeRateLimiter(clock), timedelta(minutes=15)
    assert limiter.peek("k", limit=2, window=window).allowed
    decisions = [limiter.hit("k", limit=2, window=window) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert [d.remaining for d in decisions] == [1, 0, 0]
    assert decisions[-1].retry_after == 15 * 60
    assert not limiter.peek("k", limit=2, window=window).allowed
    clock.advance(window)
    assert limiter.peek("k", limit=2, window=window).allowed
    clock.set(NOW)
    limiter.reset("k", limit=2, window=window)
    assert limiter.peek("k", limit=2, window=window).allowed


def test_one_time_codes_match_one_step_either_side_only() -> None:
    otp = FakeOneTimePasswords()
    secret = otp.new_secret()
    step = otp.step_at(NOW)
    for offset in (-1, 0, 1):
        assert otp.matching_step(secret, otp.code_for(secret, step + offset), now=NOW) == (
            step + offset)
    assert otp.matching_step(secret, otp.code_for(secret, step + 2), now=NOW) is None
    assert otp.matching_step(otp.new_secret(), otp.code_at(secret, NOW), now=NOW) is None


def test_a_tampered_sealed_secret_is_refused() -> None:
    sealer = FakeSecretSealer()
    assert sealer.unseal(sealer.seal("SECRET")) == "SECRET"
    with pytest.raises(ValueError):
        sealer.unseal("SECRET")


def test_the_marketplace_wires_every_service_to_one_store() -> None:
    market = Marketplace.create()
    category_id = market.add_category()
    buyer = market.add_buyer()
    job = market.jobs.post_job(buyer, market.job_terms(category_id=category_id))
    assert market.store.job(job.id).buyer_id == buyer.id
    assert market.categories.get_category(category_id).name == "Graphic Design"
