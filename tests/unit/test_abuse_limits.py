"""Abuse limits in the application, on fakes and the injected clock: failed passwords counted
per account (username and e-mail share one budget) in a sliding window, password checks
outside login throttled and audited like login, request budgets, and replayed TOTP codes that
do not lock the real user out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cultureup.application.accounts.throttling import (
    LoginThrottle,
    RequestBudgets,
    RequestLimiter,
)
from cultureup.application.accounts.two_factor import REPLAYED_MESSAGE, InvalidCode
from cultureup.domain.accounts.two_factor import FAILURES_PER_LOCK
from cultureup.domain.accounts.users import Actor, StaffRole, UserType
from cultureup.domain.audit import AuditAction
from cultureup.domain.errors import RateLimited, ValidationFailed
from tests.unit.builders import Marketplace
from tests.unit.fakes import FakeClock, FakeRateLimiter
from tests.unit.test_application_services import PASSWORD, registration

WRONG = "Wrong-Brush-1"
WINDOW = timedelta(minutes=15)


@pytest.fixture
def market() -> Marketplace:
    return Marketplace.create(throttle=LoginThrottle(per_account=5, per_client=100,
                                                     window=WINDOW))


@pytest.fixture
def ayesha(market: Marketplace) -> Actor:
    view = market.accounts.register(registration())  # artist_ayesha, Ayesha@Example.COM
    return market.store.user(view.id).as_actor()


def fail_login(market: Marketplace, username: str, **kwargs: str) -> None:
    with pytest.raises(ValidationFailed):
        market.accounts.login(username=username, password=WRONG, **kwargs)


def throttled_login(market: Marketplace, username: str, password: str = PASSWORD) -> int:
    with pytest.raises(RateLimited) as refused:
        market.accounts.login(username=username, password=password)
    return refused.value.retry_after


# -- login: one budget per account --------------------------------------------------------------


def test_username_and_email_logins_of_one_account_share_one_budget(
        market: Marketplace, ayesha: Actor) -> None:
    for name in ("artist_ayesha", "ayesha@example.com", "ARTIST_AYESHA", "Ayesha@Example.COM",
                 " artist_ayesha "):
        fail_login(market, name)
    # Five failures in all, through four spellings: every way of naming the account is refused.
    for name in ("artist_ayesha", "AYESHA@example.com"):
        assert throttled_login(market, name) == 15 * 60
    assert market.store.tokens == {}
    market.clock.advance(WINDOW)
    assert market.accounts.login(username="ayesha@example.com", password=PASSWORD).token


def test_an_unknown_name_is_throttled_by_what_was_typed(market: Marketplace,
                                                        ayesha: Actor) -> None:
    for _ in range(5):
        fail_login(market, "Nobody_Here")
    assert throttled_login(market, "nobody_here") == 15 * 60
    # The real account next door is not affected.
    assert market.accounts.login(username="artist_ayesha", password=PASSWORD).token


def test_the_window_slides_so_failures_at_a_window_edge_do_not_reset(
        market: Marketplace, ayesha: Actor) -> None:
    # With fixed quarter-hours, five failures at 14:41 answered Retry-After 19 s and five
    # more were allowed at 15:00. Now the five count for fifteen minutes each.
    market.clock.advance(timedelta(minutes=14, seconds=41))
    for _ in range(5):
        fail_login(market, "artist_ayesha")
    assert throttled_login(market, "artist_ayesha") == 15 * 60
    market.clock.advance(timedelta(seconds=19))
    assert throttled_login(market, "artist_ayesha") == 15 * 60 - 19
    market.clock.advance(timedelta(minutes=14, seconds=40))
    assert throttled_login(market, "artist_ayesha") == 1
    market.clock.advance(timedelta(seconds=1))
    assert market.accounts.login(username="artist_ayesha", password=PASSWORD).token


def test_spread_failures_allow_at_most_five_in_any_fifteen_minutes(
        market: Marketplace, ayesha: Actor) -> None:
    fail_login(market, "artist_ayesha")
    market.clock.advance(timedelta(minutes=10))
    for _ in range(4):
        fail_login(market, "artist_ayesha")
    # The oldest failure leaves the window five minutes later; until then, no guess.
    assert throttled_login(market, "artist_ayesha", WRONG) == 5 * 60
    market.clock.advance(timedelta(minutes=5))
    fail_login(market, "artist_ayesha")  # one slot freed, one guess
    assert throttled_login(market, "artist_ayesha") == 10 * 60


def test_a_throttled_login_does_no_password_hashing(market: Marketplace, ayesha: Actor) -> None:
    for _ in range(5):
        fail_login(market, "artist_ayesha")
        fail_login(market, "never_registered")
    before = market.hasher.verify_calls
    assert throttled_login(market, "artist_ayesha") == throttled_login(
        market, "never_registered")
    assert market.hasher.verify_calls == before
    assert market.store.audit_actions().count(AuditAction.LOGIN_THROTTLED) == 2


# -- password checks outside login --------------------------------------------------------------


def change_password(market: Marketplace, actor: Actor, current: str) -> str:
    return market.accounts.change_password(
        actor, current_password=current, new_password="Fresh-Canvas-77",
        new_password_confirm="Fresh-Canvas-77", ip="203.0.113.5")


def test_wrong_current_passwords_are_throttled_and_audited(market: Marketplace,
                                                           ayesha: Actor) -> None:
    for _ in range(5):
        with pytest.raises(ValidationFailed) as wrong:
            change_password(market, ayesha, WRONG)
        assert wrong.value.details == {"current_password": ["Invalid password"]}
    before = market.hasher.verify_calls
    with pytest.raises(RateLimited) as refused:
        change_password(market, ayesha, PASSWORD)  # even the right one, unchecked
    assert refused.value.retry_after == 15 * 60
    assert market.hasher.verify_calls == before
    assert market.store.user(ayesha.id).password_hash == market.hasher.hash(PASSWORD)
    failed = [entry for entry in market.store.audit
              if entry.action == AuditAction.PASSWORD_CHECK_FAILED]
    assert len(failed) == 5
    assert all((entry.actor_id, entry.ip_address, entry.details) ==
               (ayesha.id, "203.0.113.5", {"purpose": "password_change"}) for entry in failed)
    assert market.store.audit_actions()[-1] == AuditAction.PASSWORD_CHECK_THROTTLED
    assert all(WRONG not in str(entry) and PASSWORD not in str(entry)
               for entry in market.store.audit)
    market.clock.advance(WINDOW)
    assert change_password(market, ayesha, PASSWORD)


def test_password_checks_share_the_account_budget_with_login(market: Marketplace,
                                                             ayesha: Actor) -> None:
    for _ in range(3):
        fail_login(market, "ayesha@example.com")
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            change_password(market, ayesha, WRONG)
    # Five guesses at one password in all: login and the password change are both closed.
    throttled_login(market, "artist_ayesha")
    with pytest.raises(RateLimited):
        change_password(market, ayesha, PASSWORD)


def enable_two_factor(market: Marketplace, actor: Actor) -> str:
    secret = market.two_factor.setup(actor).secret_key
    codes = market.two_factor.enable(actor, totp_code=market.otp.code_at(
        secret, market.clock.now()))
    market.clock.advance(timedelta(seconds=90))
    market.store.audit.clear()
    return codes[0]


@pytest.mark.parametrize("purpose", ["2fa_disable", "backup_codes"])
def test_two_factor_password_confirmations_are_throttled_and_audited(
        market: Marketplace, ayesha: Actor, purpose: str) -> None:
    backup_code = enable_two_factor(market, ayesha)

    def confirm(password: str) -> object:
        if purpose == "2fa_disable":
            return market.two_factor.disable(ayesha, password=password, totp_code=None,
                                             backup_code=backup_code)
        return market.two_factor.regenerate_backup_codes(ayesha, password=password,
                                                         totp_code=None)

    for _ in range(5):
        with pytest.raises(ValidationFailed) as wrong:
            confirm(WRONG)
        assert wrong.value.details == {"password": ["Invalid password"]}
    with pytest.raises(RateLimited):
        confirm(PASSWORD)
    assert market.store.audit_actions() == (
        [AuditAction.PASSWORD_CHECK_FAILED] * 5 + [AuditAction.PASSWORD_CHECK_THROTTLED])
    assert {entry.details["purpose"] for entry in market.store.audit} == {purpose}
    # Nothing changed: 2FA still on, the backup code unused, and the 2FA lock untouched.
    account = market.store.two_factor[ayesha.id]
    assert account is not None and account.enabled and account.failed_attempts == 0
    assert account.backup_codes_left == 10
    market.clock.advance(WINDOW)
    confirm(PASSWORD)


# -- replayed TOTP codes -------------------------------------------------------------------------


def test_a_replayed_code_is_refused_but_never_locks_the_user_out(
        market: Marketplace, ayesha: Actor) -> None:
    secret = market.two_factor.setup(ayesha).secret_key
    market.two_factor.enable(ayesha, totp_code=market.otp.code_at(secret, market.clock.now()))
    market.clock.advance(timedelta(seconds=60))
    seen = market.otp.code_at(secret, market.clock.now())
    session = market.accounts.login(username="artist_ayesha", password=PASSWORD).session_token
    assert session and market.two_factor.verify_login(session_token=session, totp_code=seen,
                                                      backup_code=None).token
    # Someone who saw that code replays it, again and again, within its validity.
    for _ in range(3 * FAILURES_PER_LOCK):
        replay = market.accounts.login(username="artist_ayesha",
                                       password=PASSWORD).session_token
        with pytest.raises(InvalidCode) as refused:
            market.two_factor.verify_login(session_token=replay or "", totp_code=seen,
                                           backup_code=None)
        assert refused.value.details == {"totp_code": [REPLAYED_MESSAGE]}
    account = market.store.two_factor[ayesha.id]
    assert account is not None
    assert account.failed_attempts == 0 and account.locked_until is None
    assert market.store.audit_actions().count(AuditAction.TWO_FACTOR_REPLAYED) == 15
    assert AuditAction.TWO_FACTOR_LOCKED not in market.store.audit_actions()
    # The real user, with the next code, gets in at once.
    market.clock.advance(timedelta(seconds=30))
    session = market.accounts.login(username="artist_ayesha", password=PASSWORD).session_token
    assert market.two_factor.verify_login(
        session_token=session or "", totp_code=market.otp.code_at(secret, market.clock.now()),
        backup_code=None).token


def test_wrong_codes_still_lock(market: Marketplace, ayesha: Actor) -> None:
    enable_two_factor(market, ayesha)
    session = market.accounts.login(username="artist_ayesha", password=PASSWORD).session_token
    for _ in range(FAILURES_PER_LOCK):
        with pytest.raises(InvalidCode):
            market.two_factor.verify_login(session_token=session or "", totp_code="000000",
                                           backup_code=None)
    with pytest.raises(RateLimited):
        market.two_factor.verify_login(session_token=session or "", totp_code="000000",
                                       backup_code=None)


# -- request budgets -----------------------------------------------------------------------------


def test_request_budgets_per_client_per_user_and_none_for_admins() -> None:
    clock = FakeClock()
    requests = RequestLimiter(limiter=FakeRateLimiter(clock),
                              budgets=RequestBudgets(anonymous_per_hour=3, user_per_hour=5))
    buyer = Actor(id=7, username="buyer_sana", user_type=UserType.BUYER)
    admin = Actor(id=1, username="root", user_type=UserType.ADMIN, is_staff=True,
                  staff_role=StaffRole.ADMIN)
    anonymous = [requests.charge(None, "192.0.2.1") for _ in range(4)]
    assert [d.allowed for d in anonymous if d] == [True, True, True, False]
    assert requests.charge(None, "192.0.2.2").allowed  # type: ignore[union-attr]
    users = [requests.charge(buyer, "192.0.2.1") for _ in range(6)]
    assert [d.remaining for d in users if d] == [4, 3, 2, 1, 0, 0]
    refused = users[-1]
    assert refused is not None and not refused.allowed and refused.retry_after == 3600
    error = requests.refusal(refused)
    assert str(error) == "Request limit of 5 per hour reached. Try again later."
    assert error.retry_after == 3600
    assert all(requests.charge(admin, "192.0.2.1") is None for _ in range(20))
    clock.advance(timedelta(minutes=59, seconds=59))
    assert not requests.charge(None, "192.0.2.1").allowed  # type: ignore[union-attr]
    clock.advance(timedelta(seconds=1))
    assert requests.charge(None, "192.0.2.1").allowed  # type: ignore[union-attr]
