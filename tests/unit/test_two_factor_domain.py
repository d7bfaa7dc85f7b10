"""The 2FA rules of `cultureup.domain.accounts.two_factor`: setup lifetime, replay guard, single-use
backup codes, lockout that doubles, and the 10-minute single-use login challenge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.domain.accounts.two_factor import (
    CHALLENGE_TTL,
    FAILURES_PER_LOCK,
    FIRST_LOCK,
    LONGEST_LOCK,
    SETUP_TTL,
    LoginChallenge,
    TwoFactorAccount,
)
from cultureup.domain.errors import InvalidState, RateLimited

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DIGESTS = [f"digest-{n}" for n in range(10)]
seconds_within = st.integers(min_value=0, max_value=int(SETUP_TTL.total_seconds()) - 1)


def enabled_account(step: int = 100) -> TwoFactorAccount:
    account = TwoFactorAccount(user_id=1)
    account.start_setup("sealed", NOW)
    account.enable(step=step, backup_digests=list(DIGESTS), now=NOW)
    return account


def fail(account: TwoFactorAccount, times: int, now: datetime = NOW) -> list[bool]:
    return [account.record_failure(now) for _ in range(times)]


# -- setup ----------------------------------------------------------------------------------


def test_the_constants_match_the_spec() -> None:
    assert timedelta(minutes=30) == SETUP_TTL
    assert timedelta(minutes=10) == CHALLENGE_TTL
    assert FAILURES_PER_LOCK == 5
    assert timedelta(minutes=15) == FIRST_LOCK


@given(seconds_within)
def test_a_setup_is_pending_for_30_minutes(elapsed: int) -> None:
    account = TwoFactorAccount(user_id=1)
    account.start_setup("sealed", NOW)
    later = NOW + timedelta(seconds=elapsed)
    assert account.pending_setup(later) == "sealed"
    assert 1 <= account.setup_minutes_left(later) <= 30
    assert account.setup_minutes_left(later) == -(-(1800 - elapsed) // 60)


@given(st.integers(min_value=0, max_value=10**8))
def test_a_setup_expires_after_30_minutes(extra: int) -> None:
    account = TwoFactorAccount(user_id=1)
    account.start_setup("sealed", NOW)
    assert account.pending_setup(NOW + SETUP_TTL + timedelta(seconds=extra)) is None


def test_setup_minutes_left() -> None:
    account = TwoFactorAccount(user_id=1)
    account.start_setup("sealed", NOW)
    assert account.setup_minutes_left(NOW) == 30
    assert account.setup_minutes_left(NOW + timedelta(minutes=10)) == 20
    assert account.setup_minutes_left(NOW + timedelta(minutes=10, seconds=1)) == 20
    assert account.setup_minutes_left(NOW + timedelta(minutes=29, seconds=59)) == 1


def test_reset_forgets_the_pending_secret() -> None:
    account = TwoFactorAccount(user_id=1)
    account.start_setup("sealed", NOW)
    account.reset_setup(NOW)
    assert account.pending_setup(NOW) is None
    with pytest.raises(InvalidState):
        account.enable(step=1, backup_digests=[], now=NOW)


def test_enable_moves_the_pending_secret_in_and_spends_the_step() -> None:
    account = enabled_account(step=100)
    assert account.enabled and account.sealed_secret == "sealed"
    assert account.pending_sealed_secret is None and account.pending_created_at is None
    assert account.last_used_step == 100
    assert account.backup_codes_left == 10
    assert not account.accept_step(100, NOW)


def test_enable_after_the_setup_expired_is_refused() -> None:
    account = TwoFactorAccount(user_id=1)
    account.start_setup("sealed", NOW)
    with pytest.raises(InvalidState):
        account.enable(step=1, backup_digests=DIGESTS, now=NOW + SETUP_TTL)
    assert not account.enabled


def test_no_setup_or_enable_while_enabled() -> None:
    account = enabled_account()
    with pytest.raises(InvalidState):
        account.start_setup("other", NOW)
    with pytest.raises(InvalidState):
        account.enable(step=200, backup_digests=DIGESTS, now=NOW)


def test_disable_forgets_secret_codes_and_steps() -> None:
    account = enabled_account()
    account.disable(NOW)
    assert not account.enabled and account.sealed_secret is None
    assert account.backup_codes == [] and account.last_used_step == -1
    with pytest.raises(InvalidState):
        account.disable(NOW)


# -- replay ---------------------------------------------------------------------------------


def test_a_step_is_accepted_once_and_older_steps_never() -> None:
    account = enabled_account(step=100)
    assert account.accept_step(101, NOW)
    assert not account.accept_step(101, NOW)
    assert not account.accept_step(100, NOW)
    assert not account.accept_step(99, NOW)
    assert account.accept_step(103, NOW)
    assert not account.accept_step(102, NOW)


@given(st.lists(st.integers(min_value=0, max_value=1000), max_size=40))
def test_a_step_is_accepted_exactly_when_it_is_newer_than_every_accepted_one(
        steps: list[int]) -> None:
    account = enabled_account(step=0)
    newest = 0
    for step in steps:
        assert account.accept_step(step, NOW) == (step > newest)
        newest = max(newest, step)
        assert account.last_used_step == newest


# -- backup codes ---------------------------------------------------------------------------


def test_a_backup_code_works_once() -> None:
    account = enabled_account()
    assert account.use_backup_code("digest-3", NOW)
    assert account.backup_codes_left == 9
    assert not account.use_backup_code("digest-3", NOW)
    assert account.backup_codes_left == 9
    assert not account.use_backup_code("not-a-code", NOW)
    used = [code for code in account.backup_codes if code.used_at is not None]
    assert [(code.digest, code.used_at) for code in used] == [("digest-3", NOW)]


@given(st.lists(st.sampled_from([*DIGESTS, "unknown"]), max_size=30))
def test_each_backup_code_is_spent_at_most_once(attempts: list[str]) -> None:
    account = enabled_account()
    spent: set[str] = set()
    for digest in attempts:
        expected = digest in DIGESTS and digest not in spent
        assert account.use_backup_code(digest, NOW) == expected
        if expected:
            spent.add(digest)
    assert account.backup_codes_left == 10 - len(spent)


def test_replacing_backup_codes_retires_the_old_ones() -> None:
    account = enabled_account()
    account.use_backup_code("digest-0", NOW)
    account.replace_backup_codes(["new-1", "new-2"], NOW)
    assert account.backup_codes_left == 2
    assert not account.use_backup_code("digest-1", NOW)
    assert account.use_backup_code("new-1", NOW)


# -- lockout --------------------------------------------------------------------------------


def test_the_fifth_failure_locks_for_15_minutes() -> None:
    account = enabled_account()
    assert fail(account, 5) == [False, False, False, False, True]
    assert account.locked_until == NOW + timedelta(minutes=15)
    with pytest.raises(RateLimited) as locked:
        account.ensure_not_locked(NOW)
    assert locked.value.retry_after == 900
    with pytest.raises(RateLimited) as later:
        account.ensure_not_locked(NOW + timedelta(minutes=14, seconds=59, microseconds=1))
    assert later.value.retry_after == 1
    account.ensure_not_locked(NOW + timedelta(minutes=15))


def test_four_failures_do_not_lock() -> None:
    account = enabled_account()
    fail(account, 4)
    assert account.locked_until is None
    account.ensure_not_locked(NOW)


def test_each_further_lock_is_twice_as_long() -> None:
    account = enabled_account()
    now = NOW
    for minutes in (15, 30, 60, 120):
        assert fail(account, 5, now)[-1]
        assert account.locked_until == now + timedelta(minutes=minutes)
        now = account.locked_until
        account.ensure_not_locked(now)


@given(st.integers(min_value=1, max_value=100))
def test_the_nth_lock_lasts_15_minutes_doubled_n_minus_1_times_up_to_a_week(locks: int) -> None:
    account = enabled_account()
    fail(account, FAILURES_PER_LOCK * locks)
    minutes = min(15 * 2 ** (locks - 1), int(LONGEST_LOCK.total_seconds()) // 60)
    expected = timedelta(minutes=minutes)
    assert account.locked_until == NOW + expected
    assert account.failed_attempts == FAILURES_PER_LOCK * locks


def test_a_success_clears_failures_and_lock() -> None:
    account = enabled_account(step=100)
    fail(account, 9)
    assert account.accept_step(101, NOW)
    assert account.failed_attempts == 0 and account.locked_until is None
    # So the next lock is a first lock again.
    fail(account, 5)
    assert account.locked_until == NOW + FIRST_LOCK
    account.locked_until = None
    fail(account, 3)
    assert account.use_backup_code("digest-0", NOW)
    assert account.failed_attempts == 0


def test_a_refused_replay_does_not_clear_failures() -> None:
    account = enabled_account(step=100)
    fail(account, 3)
    assert not account.accept_step(100, NOW)
    assert account.failed_attempts == 3


# -- login challenge ------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=599))
def test_a_challenge_is_usable_for_10_minutes(elapsed: int) -> None:
    challenge = LoginChallenge.issue(user_id=1, digest="d", now=NOW)
    assert challenge.expires_at == NOW + timedelta(minutes=10)
    assert challenge.is_usable(NOW + timedelta(seconds=elapsed))
    assert not challenge.is_usable(NOW + timedelta(minutes=10))
    assert not challenge.is_usable(NOW + timedelta(minutes=10, seconds=elapsed))


def test_a_challenge_is_single_use() -> None:
    challenge = LoginChallenge.issue(user_id=1, digest="d", now=NOW)
    challenge.consume(NOW + timedelta(seconds=5))
    assert challenge.used_at == NOW + timedelta(seconds=5)
    assert not challenge.is_usable(NOW + timedelta(seconds=6))
