"""The use cases (accounts, categories, jobs, bids) driven through in-memory fakes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from cultureup.application.accounts.throttling import LoginThrottle
from cultureup.application.accounts.users import (
    INVALID_CREDENTIALS,
    ProfileChanges,
    Registration,
)
from cultureup.application.hiring.bids import BidChanges
from cultureup.application.views import AuditFilters, BidFilters, JobFilters, PageRequest
from cultureup.domain.accounts.users import Actor, StaffRole, UserType
from cultureup.domain.audit import AuditAction
from cultureup.domain.errors import (
    DomainError,
    InvalidState,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from cultureup.domain.events import (
    ArtistHired,
    BidPlaced,
    BidWithdrawn,
    DomainEvent,
    JobCancelled,
    JobCompleted,
    JobPosted,
    UserRegistered,
)
from cultureup.domain.hiring.jobs import BidStatus, JobStatus
from cultureup.domain.moderation.actions import AccountRestricted, ActionKind, ModerationAction
from cultureup.domain.money import Money
from tests.unit.builders import Marketplace, bid_terms
from tests.unit.fakes import FakePasswordPolicy

PAGE = PageRequest.of(1, 20)
PASSWORD = "Sturdy-Brush-42"


def registration(**overrides: Any) -> Registration:
    values: dict[str, Any] = {
        "username": "artist_ayesha", "email": "Ayesha@Example.COM", "password": PASSWORD,
        "password_confirm": PASSWORD, "user_type": "artist", "first_name": " Ayesha ",
        "last_name": "Khan", "phone_number": "+923001234567",
    }
    values.update(overrides)
    return Registration(**values)


def details(error: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return error.value.details


# -- registration -----------------------------------------------------------------------------


def test_register_creates_the_account_and_announces_it(market: Marketplace) -> None:
    view = market.accounts.register(registration())
    stored = market.store.user(view.id)
    assert (view.username, view.user_type, view.first_name) == ("artist_ayesha", "artist",
                                                                "Ayesha")
    assert view.email == "Ayesha@example.com"  # the domain is lower-cased, the local part kept
    assert stored.password_hash == market.hasher.hash(PASSWORD)
    assert not stored.is_staff and not stored.is_superuser and stored.is_active
    assert market.events.events == [UserRegistered(user_id=view.id, user_type="artist")]


def test_register_reports_every_problem_at_once(market: Marketplace) -> None:
    with pytest.raises(ValidationFailed) as error:
        market.accounts.register(registration(
            username="a b", email="not-an-email", first_name=" ", last_name="",
            phone_number="call me", user_type="admin", password="short",
            password_confirm="shorter"))
    assert set(details(error)) == {"username", "email", "first_name", "last_name",
                                   "phone_number", "user_type", "password",
                                   "password_confirm"}
    assert market.store.users == {}
    assert market.events.events == []


@pytest.mark.parametrize("user_type", ["admin", "superuser", ""])
def test_only_artists_and_buyers_register_themselves(market: Marketplace,
                                                     user_type: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        market.accounts.register(registration(user_type=user_type))
    assert set(details(error)) == {"user_type"}


@pytest.mark.parametrize("taken", ["artist_ayesha", "ARTIST_AYESHA", "Artist_Ayesha"])
def test_duplicate_username_is_refused_ignoring_case(market: Marketplace, taken: str) -> None:
    market.accounts.register(registration())
    with pytest.raises(ValidationFailed) as error:
        market.accounts.register(registration(username=taken, email="other@example.com"))
    assert details(error) == {"username": ["A user with that username already exists."]}
    assert len(market.store.users) == 1


def test_duplicate_email_is_refused_ignoring_case(market: Marketplace) -> None:
    market.accounts.register(registration())
    with pytest.raises(ValidationFailed) as error:
        market.accounts.register(registration(username="someone_else",
                                              email="ayesha@example.com"))
    assert set(details(error)) == {"email"}


def test_password_confirm_must_match(market: Marketplace) -> None:
    with pytest.raises(ValidationFailed) as error:
        market.accounts.register(registration(password_confirm=PASSWORD + "!"))
    assert details(error) == {"password_confirm": ["Passwords do not match."]}


def test_password_policy_problems_surface_under_password(market: Marketplace) -> None:
    with pytest.raises(ValidationFailed) as error:
        market.accounts.register(registration(password="password",
                                              password_confirm="password"))
    assert details(error) == {"password": [FakePasswordPolicy.TOO_COMMON]}
    assert market.policy.calls == [
        ("password", ("artist_ayesha", "Ayesha@Example.COM", " Ayesha ", "Khan")),
    ]


def test_username_with_trailing_newline_is_refused(market: Marketplace) -> None:
    # USERNAME_PATTERN ends in `$`, which also matches just before a final "\n".
    with pytest.raises(ValidationFailed) as error:
        market.accounts.register(registration(username="artist_ayesha\n"))
    assert set(details(error)) == {"username"}


def test_staff_accounts_are_created_without_the_password_policy(market: Marketplace) -> None:
    user = market.accounts.create_staff_user(
        registration(username="admin", user_type="admin", password="admin",
                     password_confirm="admin"),
        superuser=True, staff_role=StaffRole.ADMIN, check_password=False)
    assert user.is_superuser and user.is_staff and user.user_type is UserType.ADMIN
    assert market.policy.calls == []


# -- login, tokens, logout -------------------------------------------------------------------


@pytest.fixture
def ayesha(market: Marketplace) -> Actor:
    view = market.accounts.register(registration())
    return market.store.user(view.id).as_actor()


@pytest.mark.parametrize("login", ["artist_ayesha", "ARTIST_ayesha", "Ayesha@example.com",
                                   "ayesha@example.com", " artist_ayesha "])
def test_login_with_username_or_email(market: Marketplace, ayesha: Actor, login: str) -> None:
    result = market.accounts.login(username=login, password=PASSWORD)
    assert result.user.id == ayesha.id
    assert market.accounts.authenticate(result.token) == ayesha


def test_login_records_the_time_and_stores_only_a_digest(market: Marketplace,
                                                         ayesha: Actor) -> None:
    result = market.accounts.login(username="artist_ayesha", password=PASSWORD)
    assert market.store.user(ayesha.id).last_login == market.clock.now()
    assert list(market.store.tokens) == [market.tokens.digest(result.token)]
    assert result.token not in market.store.tokens


def test_unknown_user_and_wrong_password_give_identical_errors(market: Marketplace,
                                                              ayesha: Actor) -> None:
    with pytest.raises(ValidationFailed) as unknown:
        market.accounts.login(username="nobody", password=PASSWORD)
    with pytest.raises(ValidationFailed) as wrong:
        market.accounts.login(username="artist_ayesha", password="Wrong-Brush-42")
    assert details(unknown) == details(wrong) == {"non_field_errors": [INVALID_CREDENTIALS]}
    assert unknown.value.message == wrong.value.message
    assert market.hasher.verify_calls == 2  # the unknown user was checked against a decoy
    assert market.store.tokens == {}


def test_empty_username_is_refused_like_a_wrong_password(market: Marketplace) -> None:
    with pytest.raises(ValidationFailed) as error:
        market.accounts.login(username="", password=PASSWORD)
    assert details(error) == {"non_field_errors": [INVALID_CREDENTIALS]}


def test_an_inactive_account_is_refused_as_a_wrong_password_is(market: Marketplace) -> None:
    market.add_user("retired", UserType.BUYER, is_active=False,
                    password_hash=market.hasher.hash(PASSWORD))
    for password in (PASSWORD, "Wrong-Brush-1"):
        with pytest.raises(ValidationFailed) as error:
            market.accounts.login(username="retired", password=password)
        assert details(error) == {"non_field_errors": [INVALID_CREDENTIALS]}
    assert market.store.tokens == {}


def test_an_inactive_accounts_right_password_counts_as_a_failure() -> None:
    market = Marketplace.create(throttle=LoginThrottle(per_account=2, per_client=100))
    market.add_user("retired", UserType.BUYER, is_active=False,
                    password_hash=market.hasher.hash(PASSWORD))
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            market.accounts.login(username="retired", password=PASSWORD)
    with pytest.raises(RateLimited):
        market.accounts.login(username="retired", password=PASSWORD)


def test_logout_revokes_the_token(market: Marketplace, ayesha: Actor) -> None:
    kept = market.accounts.login(username="artist_ayesha", password=PASSWORD).token
    dropped = market.accounts.login(username="artist_ayesha", password=PASSWORD).token
    market.accounts.logout(dropped)
    with pytest.raises(NotAuthenticated):
        market.accounts.authenticate(dropped)
    assert market.accounts.authenticate(kept) == ayesha


def test_logging_out_twice_or_with_an_unknown_token_is_harmless(market: Marketplace,
                                                                ayesha: Actor) -> None:
    token = market.accounts.login(username="artist_ayesha", password=PASSWORD).token
    market.accounts.logout(token)
    revoked_at = market.store.tokens[market.tokens.digest(token)].revoked_at
    market.clock.advance(timedelta(minutes=5))
    market.accounts.logout(token)
    market.accounts.logout("never-issued")
    assert market.store.tokens[market.tokens.digest(token)].revoked_at == revoked_at


def test_unknown_token_is_not_authenticated(market: Marketplace) -> None:
    with pytest.raises(NotAuthenticated):
        market.accounts.authenticate("token-that-was-never-issued")


def test_expired_token_is_not_authenticated() -> None:
    market = Marketplace.create(token_ttl=timedelta(hours=1))
    market.accounts.register(registration())
    token = market.accounts.login(username="artist_ayesha", password=PASSWORD).token
    market.clock.advance(timedelta(minutes=59))
    assert market.accounts.authenticate(token).username == "artist_ayesha"
    market.clock.advance(timedelta(minutes=1))
    with pytest.raises(NotAuthenticated):
        market.accounts.authenticate(token)


def test_token_of_a_deactivated_user_is_not_authenticated(market: Marketplace,
                                                          ayesha: Actor) -> None:
    token = market.accounts.login(username="artist_ayesha", password=PASSWORD).token
    market.store.users[ayesha.id].is_active = False
    with pytest.raises(NotAuthenticated):
        market.accounts.authenticate(token)


def test_login_rehashes_a_password_hashed_with_old_parameters(market: Marketplace) -> None:
    old = market.add_user("old_timer", UserType.BUYER, password_hash=f"old:{PASSWORD}")
    market.accounts.login(username="old_timer", password=PASSWORD)
    assert market.store.user(old.id).password_hash == market.hasher.hash(PASSWORD)


def test_login_keeps_a_current_hash(market: Marketplace, ayesha: Actor) -> None:
    before = market.store.user(ayesha.id).password_hash
    market.accounts.login(username="artist_ayesha", password=PASSWORD)
    assert market.store.user(ayesha.id).password_hash == before


def test_failed_passwords_for_one_username_are_throttled_for_a_while() -> None:
    market = Marketplace.create(throttle=LoginThrottle(per_account=3, per_client=100,
                                                       window=timedelta(minutes=15)))
    market.accounts.register(registration())
    for _ in range(3):
        with pytest.raises(ValidationFailed):
            market.accounts.login(username="artist_ayesha", password="Wrong-Brush-1")
    with pytest.raises(RateLimited) as throttled:
        market.accounts.login(username="ARTIST_AYESHA", password=PASSWORD)
    assert throttled.value.retry_after > 0
    assert market.store.tokens == {}
    market.clock.advance(timedelta(minutes=15))
    assert market.accounts.login(username="artist_ayesha", password=PASSWORD).token


def test_unknown_usernames_are_throttled_like_known_ones() -> None:
    market = Marketplace.create(throttle=LoginThrottle(per_account=2, per_client=100))
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            market.accounts.login(username="nobody", password=PASSWORD)
    with pytest.raises(RateLimited):
        market.accounts.login(username="nobody", password=PASSWORD)


def test_a_successful_login_forgets_the_earlier_failures() -> None:
    market = Marketplace.create(throttle=LoginThrottle(per_account=2, per_client=100))
    market.accounts.register(registration())
    tokens = []
    for _ in range(3):
        with pytest.raises(ValidationFailed):
            market.accounts.login(username="artist_ayesha", password="Wrong-Brush-1")
        tokens.append(market.accounts.login(username="artist_ayesha", password=PASSWORD).token)
    assert all(tokens) and len(set(tokens)) == 3


def test_failed_passwords_from_one_client_are_throttled_across_usernames() -> None:
    market = Marketplace.create(throttle=LoginThrottle(per_account=100, per_client=2))
    market.accounts.register(registration())
    for name in ("first_guess", "second_guess"):
        with pytest.raises(ValidationFailed):
            market.accounts.login(username=name, password=PASSWORD, ip="203.0.113.9")
    with pytest.raises(RateLimited):
        market.accounts.login(username="artist_ayesha", password=PASSWORD, ip="203.0.113.9")
    assert market.accounts.login(username="artist_ayesha", password=PASSWORD,
                                 ip="198.51.100.7").token


def test_logins_are_written_to_the_audit_log_even_when_they_fail(market: Marketplace,
                                                                 ayesha: Actor) -> None:
    with pytest.raises(ValidationFailed):
        market.accounts.login(username="artist_ayesha", password="Wrong-Brush-1",
                              ip="203.0.113.9")
    token = market.accounts.login(username="artist_ayesha", password=PASSWORD).token
    assert token is not None
    market.accounts.logout(token, actor=ayesha)
    assert market.store.audit_actions() == [AuditAction.USER_REGISTERED,
                                            AuditAction.LOGIN_FAILED,
                                            AuditAction.LOGIN_SUCCEEDED, AuditAction.LOGOUT]
    failed = market.store.audit[1]
    assert (failed.actor_id, failed.ip_address) == (ayesha.id, "203.0.113.9")
    assert all(PASSWORD not in str(entry) and "Wrong-Brush-1" not in str(entry)
               for entry in market.store.audit)


def test_the_audit_log_filtered_by_an_unknown_actor_says_so(market: Marketplace,
                                                             ayesha: Actor) -> None:
    with pytest.raises(ValidationFailed):
        market.accounts.login(username="ghost", password="Wrong-Brush-1")
    one = PageRequest.of(1, 20)
    for name in ("nobody", "999999", "  nobody  "):
        with pytest.raises(NotFound) as error:
            market.audit.list_entries(None, AuditFilters(actor=name), one)
        assert "Unknown user" in error.value.message
    # A known account, even without an entry in the filter, and a name typed at login.
    for name in ("artist_ayesha", "ARTIST_AYESHA", str(ayesha.id)):
        assert market.audit.list_entries(None, AuditFilters(actor=name), one).total >= 1
    quiet = market.audit.list_entries(None, AuditFilters(actor="artist_ayesha",
                                                         action="2fa."), one)
    assert quiet.total == 0
    assert [entry.action for entry in market.audit.list_entries(
        None, AuditFilters(actor="ghost"), one).items] == [AuditAction.LOGIN_FAILED]


def test_changing_the_password_revokes_every_token_and_issues_a_new_one(
        market: Marketplace, ayesha: Actor) -> None:
    old_tokens = [market.accounts.login(username="artist_ayesha", password=PASSWORD).token
                  for _ in range(2)]
    new_token = market.accounts.change_password(
        ayesha, current_password=PASSWORD, new_password="Fresh-Canvas-77",
        new_password_confirm="Fresh-Canvas-77")
    for token in old_tokens:
        with pytest.raises(NotAuthenticated):
            market.accounts.authenticate(token or "")
    assert market.accounts.authenticate(new_token) == ayesha
    assert market.accounts.login(username="artist_ayesha", password="Fresh-Canvas-77").token
    with pytest.raises(ValidationFailed):
        market.accounts.login(username="artist_ayesha", password=PASSWORD)


@pytest.mark.parametrize(("current", "new", "confirm", "fields"), [
    ("Not-My-Password-1", "Fresh-Canvas-77", "Fresh-Canvas-77", {"current_password"}),
    (PASSWORD, "Fresh-Canvas-77", "Fresh-Canvas-78", {"new_password_confirm"}),
    (PASSWORD, "short", "short", {"new_password"}),
    (PASSWORD, PASSWORD, PASSWORD, {"new_password"}),
])
def test_a_refused_password_change_keeps_the_password_and_tokens(
        market: Marketplace, ayesha: Actor, current: str, new: str, confirm: str,
        fields: set[str]) -> None:
    token = market.accounts.login(username="artist_ayesha", password=PASSWORD).token
    with pytest.raises(ValidationFailed) as error:
        market.accounts.change_password(ayesha, current_password=current, new_password=new,
                                        new_password_confirm=confirm)
    assert set(details(error)) == fields
    assert market.accounts.authenticate(token or "") == ayesha
    assert market.store.user(ayesha.id).password_hash == market.hasher.hash(PASSWORD)


# -- two-factor login ---------------------------------------------------------------------------


def enable_two_factor(market: Marketplace, actor: Actor) -> str:
    """Set up and enable 2FA for the actor; returns the TOTP secret."""
    secret = market.two_factor.setup(actor).secret_key
    market.two_factor.enable(actor, totp_code=market.otp.code_at(secret, market.clock.now()))
    market.clock.advance(timedelta(seconds=90))  # the next code is a fresh step
    return secret


def test_with_two_factor_a_password_alone_yields_a_session_not_a_token(
        market: Marketplace, ayesha: Actor) -> None:
    enable_two_factor(market, ayesha)
    result = market.accounts.login(username="artist_ayesha", password=PASSWORD)
    assert result.requires_2fa and result.token is None and result.session_token
    assert market.store.tokens == {}
    assert market.store.audit_actions()[-1] == AuditAction.LOGIN_2FA_REQUIRED


def test_a_code_turns_the_two_factor_session_into_a_token_once(market: Marketplace,
                                                               ayesha: Actor) -> None:
    secret = enable_two_factor(market, ayesha)
    session = market.accounts.login(username="artist_ayesha", password=PASSWORD).session_token
    assert session is not None
    code = market.otp.code_at(secret, market.clock.now())
    verified = market.two_factor.verify_login(session_token=session, totp_code=code,
                                              backup_code=None)
    assert market.accounts.authenticate(verified.token) == ayesha
    with pytest.raises(ValidationFailed) as error:
        market.two_factor.verify_login(session_token=session, totp_code=code, backup_code=None)
    assert set(details(error)) == {"session_token"}


def suspend(market: Marketplace, actor: Actor, *, days: int | None = 7,
            kind: ActionKind = ActionKind.SUSPENSION) -> None:
    """A suspension (or ban) in force from now, as a moderator would leave it."""
    moderator = market.add_user("mod", UserType.ADMIN)
    market.store.moderation.actions[next(market.store.moderation.ids)] = ModerationAction.record(
        kind=kind, user_id=actor.id, moderator=moderator, reason="Spam", now=market.clock.now(),
        duration_days=days if kind is ActionKind.SUSPENSION else None)


def test_a_restricted_account_without_two_factor_gets_a_restricted_token_at_login(
        market: Marketplace, ayesha: Actor) -> None:
    suspend(market, ayesha)
    with pytest.raises(AccountRestricted) as refused:
        market.accounts.login(username="artist_ayesha", password=PASSWORD)
    token = refused.value.token
    assert token is not None and refused.value.restriction.reason == "Spam"
    with pytest.raises(AccountRestricted) as again:
        market.accounts.authenticate(token)
    assert again.value.actor == ayesha
    assert market.store.audit_actions()[-1] == AuditAction.LOGIN_RESTRICTED
    assert market.store.user(ayesha.id).last_login is None


@pytest.mark.parametrize("kind", [ActionKind.SUSPENSION, ActionKind.BAN])
@pytest.mark.parametrize("with_backup_code", [False, True])
def test_a_restricted_account_with_two_factor_gets_its_restricted_token_only_after_a_code(
        market: Marketplace, ayesha: Actor, kind: ActionKind, with_backup_code: bool) -> None:
    secret = enable_two_factor(market, ayesha)
    backup = market.two_factor.regenerate_backup_codes(ayesha, password=PASSWORD,
                                                      totp_code=None)[0]
    suspend(market, ayesha, kind=kind)
    result = market.accounts.login(username="artist_ayesha", password=PASSWORD)
    assert result.requires_2fa and result.token is None and result.session_token
    tokens_before = dict(market.store.tokens)
    with pytest.raises(ValidationFailed):
        market.two_factor.verify_login(session_token=result.session_token, totp_code="000000",
                                       backup_code="WRONG")
    assert market.store.tokens == tokens_before
    codes = ({"totp_code": None, "backup_code": backup} if with_backup_code else
             {"totp_code": market.otp.code_at(secret, market.clock.now()), "backup_code": None})
    with pytest.raises(AccountRestricted) as refused:
        market.two_factor.verify_login(session_token=result.session_token, **codes)
    assert refused.value.token is not None
    assert refused.value.restriction.banned is (kind is ActionKind.BAN)
    with pytest.raises(AccountRestricted):
        market.accounts.authenticate(refused.value.token)
    assert market.store.audit_actions()[-1] == AuditAction.LOGIN_RESTRICTED
    # The code and the session were spent.
    with pytest.raises(ValidationFailed) as error:
        market.two_factor.verify_login(session_token=result.session_token, **codes)
    assert set(details(error)) == {"session_token"}


# -- profile -----------------------------------------------------------------------------------


def test_profile_changes_only_the_given_fields(market: Marketplace, ayesha: Actor) -> None:
    market.clock.advance(timedelta(days=1))
    view = market.accounts.update_profile(ayesha, ProfileChanges(last_name=" Malik "))
    stored = market.store.user(ayesha.id)
    assert (view.first_name, view.last_name) == ("Ayesha", "Malik")
    assert stored.last_name == "Malik" and stored.updated_at == market.clock.now()
    assert market.accounts.get_profile(ayesha) == view


def test_profile_email_taken_by_another_user_is_refused(market: Marketplace,
                                                        ayesha: Actor) -> None:
    market.add_buyer("buyer_sarah")
    with pytest.raises(ValidationFailed) as error:
        market.accounts.update_profile(ayesha, ProfileChanges(email="BUYER_SARAH@example.com"))
    assert set(details(error)) == {"email"}
    assert market.store.user(ayesha.id).email == "Ayesha@example.com"


def test_invalid_profile_changes_are_all_reported_and_none_applied(market: Marketplace,
                                                                   ayesha: Actor) -> None:
    with pytest.raises(ValidationFailed) as error:
        market.accounts.update_profile(ayesha, ProfileChanges(first_name="", email="nope",
                                                              phone_number="12"))
    assert set(details(error)) == {"first_name", "email", "phone_number"}
    assert market.store.user(ayesha.id).first_name == "Ayesha"


# -- categories -------------------------------------------------------------------------------


def test_only_admins_create_categories(market: Marketplace) -> None:
    admin = market.add_user("root", UserType.ADMIN, is_staff=True, is_superuser=True)
    view = market.categories.create_category(actor=admin, name=" Truck Art ")
    assert view.name == "Truck Art" and view.is_active
    with pytest.raises(PermissionDenied):
        market.categories.create_category(actor=market.add_staff(), name="Pottery")
    with pytest.raises(ValidationFailed) as error:
        market.categories.create_category(actor=admin, name="TRUCK ART")
    assert set(details(error)) == {"name"}
    assert [c.name for c in market.store.categories.values()] == ["Truck Art"]


def test_inactive_categories_are_shown_to_staff_only(market: Marketplace) -> None:
    active = market.add_category("Painting")
    hidden = market.add_category("Retired", is_active=False)
    moderator, artist = market.add_staff(), market.add_artist()
    assert [c.id for c in market.categories.list_categories(PAGE).items] == [active]
    assert [c.id for c in market.categories.list_categories(PAGE, actor=artist).items] == [
        active]
    assert [c.id for c in market.categories.list_categories(PAGE, actor=moderator).items] == [
        active, hidden]
    with pytest.raises(NotFound):
        market.categories.get_category(hidden, actor=artist)
    assert market.categories.get_category(hidden, actor=moderator).id == hidden


# -- jobs ----------------------------------------------------------------------------------------


class Scene:
    """A category, two buyers, three artists and staff; one open job with no bids."""

    def __init__(self, market: Marketplace) -> None:
        self.market = market
        self.category_id = market.add_category("Graphic Design")
        self.sarah, self.omar = market.add_buyer("buyer_sarah"), market.add_buyer("buyer_omar")
        self.ayesha = market.add_artist("artist_ayesha")
        self.bilal = market.add_artist("artist_bilal")
        self.zara = market.add_artist("artist_zara")
        self.moderator = market.add_staff("moderator")
        self.helpdesk = market.add_staff("helpdesk", role=StaffRole.STAFF)
        self.job_id = market.jobs.post_job(self.sarah, market.job_terms(
            category_id=self.category_id)).id
        market.events.clear()

    def bid(self, artist: Actor, amount: str = "750.00", job_id: int | None = None) -> int:
        return self.market.bids.place_bid(artist, job_id or self.job_id, bid_terms(amount)).id

    def hire(self, bid_id: int) -> None:
        self.market.jobs.hire(self.sarah, self.job_id, bid_id=bid_id)


@pytest.fixture
def scene(market: Marketplace) -> Scene:
    return Scene(market)


def test_posting_a_job_stores_it_and_announces_it_after_commit(market: Marketplace) -> None:
    category_id = market.add_category()
    sarah = market.add_buyer()
    seen: list[tuple[DomainEvent, bool]] = []

    def listener(event: DomainEvent) -> None:
        assert isinstance(event, JobPosted)
        seen.append((event, event.job_id in market.store.jobs))  # committed by then?

    market.events.subscribe(listener)
    view = market.jobs.post_job(sarah, market.job_terms(category_id=category_id))
    assert view.status == "open" and view.buyer.id == sarah.id
    assert view.total_bids == 0 and view.average_bid is None
    assert seen == [(JobPosted(job_id=view.id, buyer_id=sarah.id), True)]


def test_an_artist_cannot_post_and_nothing_is_stored(market: Marketplace) -> None:
    category_id = market.add_category()
    with pytest.raises(PermissionDenied):
        market.jobs.post_job(market.add_artist(), market.job_terms(category_id=category_id))
    assert market.store.jobs == {} and market.events.events == []


def test_posting_into_an_inactive_category_is_refused(market: Marketplace) -> None:
    retired = market.add_category("Retired", is_active=False)
    with pytest.raises(ValidationFailed) as error:
        market.jobs.post_job(market.add_buyer(), market.job_terms(category_id=retired))
    assert set(details(error)) == {"category_id"}


def test_update_job_changes_only_the_given_terms(scene: Scene) -> None:
    before = scene.market.store.job(scene.job_id)
    scene.market.clock.advance(timedelta(hours=2))
    view = scene.market.jobs.update_job(scene.sarah, scene.job_id,
                                        {"title": "Bigger logo", "budget_max": Money("1500")})
    after = scene.market.store.job(scene.job_id)
    assert (view.title, view.budget_max) == ("Bigger logo", Money("1500.00"))
    assert (after.description, after.budget_min, after.deadline) == (
        before.description, before.budget_min, before.deadline)
    assert after.updated_at == scene.market.clock.now()
    assert after.version == before.version + 1


def test_update_job_refuses_fields_that_are_not_terms(scene: Scene) -> None:
    with pytest.raises(ValueError, match="not job terms"):
        scene.market.jobs.update_job(scene.sarah, scene.job_id, {"status": "completed"})


def test_only_the_buyer_updates_and_a_refused_update_changes_nothing(scene: Scene) -> None:
    before = scene.market.store.job(scene.job_id)
    with pytest.raises(PermissionDenied):
        scene.market.jobs.update_job(scene.omar, scene.job_id, {"title": "Mine"})
    with pytest.raises(ValidationFailed):
        scene.market.jobs.update_job(scene.sarah, scene.job_id,
                                     {"title": "Fine", "budget_min": Money("5000")})
    after = scene.market.store.job(scene.job_id)
    assert (after.title, after.budget_min, after.version) == (before.title, before.budget_min,
                                                             before.version)


def test_updating_a_missing_job_is_not_found(scene: Scene) -> None:
    with pytest.raises(NotFound):
        scene.market.jobs.update_job(scene.sarah, 999, {"title": "Ghost"})


def test_deleting_an_open_job_removes_it_with_its_bids(scene: Scene) -> None:
    bid_id = scene.bid(scene.ayesha)
    scene.market.jobs.delete_job(scene.sarah, scene.job_id)
    with pytest.raises(NotFound):
        scene.market.jobs.get_job(scene.job_id)
    with pytest.raises(NotFound):
        scene.market.bids.get_bid(scene.ayesha, bid_id)


def test_a_hired_job_is_not_deleted(scene: Scene) -> None:
    scene.hire(scene.bid(scene.ayesha))
    with pytest.raises(InvalidState):
        scene.market.jobs.delete_job(scene.sarah, scene.job_id)
    with pytest.raises(PermissionDenied):
        scene.market.jobs.delete_job(scene.omar, scene.job_id)
    assert scene.job_id in scene.market.store.jobs


def test_hiring_returns_the_result_and_announces_it_after_commit(scene: Scene) -> None:
    market = scene.market
    chosen, other = scene.bid(scene.ayesha, "700.00"), scene.bid(scene.bilal, "800.00")
    market.events.clear()
    committed_when_published: list[JobStatus] = []
    market.events.subscribe(lambda event: committed_when_published.append(
        market.store.jobs[scene.job_id].status))
    result = market.jobs.hire(scene.sarah, scene.job_id, bid_id=chosen)
    assert (result.job_id, result.status, result.final_amount) == (
        scene.job_id, "in_progress", Money("700.00"))
    assert (result.hired_artist.id, result.hired_artist.username) == (scene.ayesha.id,
                                                                      "artist_ayesha")
    assert market.events.events == [ArtistHired(
        job_id=scene.job_id, bid_id=chosen, artist_id=scene.ayesha.id, buyer_id=scene.sarah.id,
        final_amount="700.00", rejected_bid_ids=(other,), buyer_username="buyer_sarah",
        job_title=market.store.jobs[scene.job_id].title)]
    assert committed_when_published == [JobStatus.IN_PROGRESS]
    stored = market.store.job(scene.job_id)
    assert {bid.id: bid.status for bid in stored.bids} == {chosen: BidStatus.ACCEPTED,
                                                           other: BidStatus.REJECTED}


def test_hiring_with_an_agreed_final_amount(scene: Scene) -> None:
    bid_id = scene.bid(scene.ayesha, "700.00")
    result = scene.market.jobs.hire(scene.sarah, scene.job_id, bid_id=bid_id,
                                    final_amount=Money("725.50"))
    assert result.final_amount == Money("725.50")
    assert scene.market.jobs.get_job(scene.job_id).final_amount == Money("725.50")


def test_hiring_twice_is_refused_and_announces_nothing(scene: Scene) -> None:
    first, second = scene.bid(scene.ayesha), scene.bid(scene.bilal)
    scene.hire(first)
    scene.market.events.clear()
    with pytest.raises(InvalidState):
        scene.hire(second)
    assert scene.market.events.events == []
    assert scene.market.store.job(scene.job_id).hired_artist_id == scene.ayesha.id


def test_hiring_with_a_bid_of_another_job_is_refused(scene: Scene) -> None:
    other_job = scene.market.jobs.post_job(scene.sarah, scene.market.job_terms(
        category_id=scene.category_id)).id
    foreign_bid = scene.bid(scene.ayesha, job_id=other_job)
    with pytest.raises(ValidationFailed) as error:
        scene.hire(foreign_bid)
    assert set(details(error)) == {"bid_id"}


def test_completing_and_cancelling_return_the_new_status(scene: Scene) -> None:
    market = scene.market
    scene.hire(scene.bid(scene.ayesha))
    second = market.jobs.post_job(scene.omar, market.job_terms(
        category_id=scene.category_id)).id
    assert market.jobs.complete(scene.sarah, scene.job_id) is JobStatus.COMPLETED
    assert market.jobs.cancel(scene.omar, second) is JobStatus.CANCELLED
    assert market.store.jobs[scene.job_id].status is JobStatus.COMPLETED
    assert market.store.jobs[second].status is JobStatus.CANCELLED


def test_completion_is_announced_with_the_hired_artist(scene: Scene) -> None:
    scene.hire(scene.bid(scene.ayesha))
    scene.market.events.clear()
    scene.market.jobs.complete(scene.sarah, scene.job_id)
    assert scene.market.events.events == [JobCompleted(
        job_id=scene.job_id, artist_id=scene.ayesha.id, buyer_id=scene.sarah.id,
        buyer_username=scene.sarah.username,
        job_title=scene.market.store.jobs[scene.job_id].title)]


def test_cancelling_rejects_pending_bids_and_is_announced(scene: Scene) -> None:
    bids = [scene.bid(scene.ayesha), scene.bid(scene.bilal)]
    scene.market.events.clear()
    scene.market.jobs.cancel(scene.sarah, scene.job_id)
    stored = scene.market.store.job(scene.job_id)
    assert [bid.status for bid in stored.bids] == [BidStatus.REJECTED, BidStatus.REJECTED]
    assert [bid.id for bid in stored.bids] == bids
    assert scene.market.events.events == [JobCancelled(job_id=scene.job_id,
                                                       buyer_id=scene.sarah.id)]


@pytest.mark.parametrize(("verb", "who", "error"), [
    ("complete", "sarah", InvalidState),  # the job is still open
    ("complete", "omar", PermissionDenied),
    ("cancel", "omar", PermissionDenied),
    ("cancel", "ayesha", PermissionDenied),
])
def test_a_refused_transition_changes_and_announces_nothing(
        scene: Scene, verb: str, who: str, error: type[DomainError]) -> None:
    scene.bid(scene.ayesha)
    scene.market.events.clear()
    before = scene.market.store.job(scene.job_id)
    with pytest.raises(error):
        getattr(scene.market.jobs, verb)(getattr(scene, who), scene.job_id)
    after = scene.market.store.job(scene.job_id)
    assert (after.status, after.version) == (before.status, before.version)
    assert [bid.status for bid in after.bids] == [BidStatus.PENDING]
    assert scene.market.events.events == []


def test_job_bids_are_listed_for_the_buyer_and_staff_only(scene: Scene) -> None:
    jobs = scene.market.jobs
    ids = {scene.bid(scene.ayesha, "900.00"), scene.bid(scene.bilal, "600.00")}
    # A content moderator's work is public content: another buyer's bids are not theirs.
    for outsider in (scene.omar, scene.ayesha, scene.moderator):
        with pytest.raises(PermissionDenied):
            jobs.list_job_bids(outsider, scene.job_id, BidFilters(), PAGE)
    for insider in (scene.sarah, scene.helpdesk):
        page = jobs.list_job_bids(insider, scene.job_id, BidFilters(), PAGE)
        assert {bid.id for bid in page.items} == ids and page.total == 2


def test_job_bids_are_filtered_ordered_and_ranked(scene: Scene) -> None:
    jobs = scene.market.jobs
    expensive = scene.bid(scene.ayesha, "900.00")
    cheap = scene.bid(scene.bilal, "600.00")
    tied = scene.bid(scene.zara, "600.00")
    # Another job's bids and an artist filter from the caller are ignored.
    other = jobs.post_job(scene.sarah, scene.market.job_terms(category_id=scene.category_id))
    scene.bid(scene.ayesha, "500.00", job_id=other.id)
    page = jobs.list_job_bids(scene.sarah, scene.job_id,
                              BidFilters(ordering="bid_amount", artist_id=scene.ayesha.id),
                              PAGE)
    assert [bid.bid_amount for bid in page.items] == [Money("600"), Money("600"), Money("900")]
    # Equal amounts rank by age (the older bid first) and list in the same order.
    assert [(bid.id, bid.bid_rank) for bid in page.items] == [(cheap, 1), (tied, 2),
                                                              (expensive, 3)]
    scene.hire(tied)
    accepted = jobs.list_job_bids(scene.sarah, scene.job_id, BidFilters(status="accepted"),
                                  PAGE)
    assert [bid.id for bid in accepted.items] == [tied]


@pytest.mark.parametrize("filters", [BidFilters(status="won"), BidFilters(ordering="rank"),
                                     BidFilters(ordering="--bid_amount")])
def test_unknown_bid_filters_are_refused(scene: Scene, filters: BidFilters) -> None:
    with pytest.raises(ValidationFailed):
        scene.market.jobs.list_job_bids(scene.sarah, scene.job_id, filters, PAGE)
    with pytest.raises(ValidationFailed):
        scene.market.bids.list_my_bids(scene.ayesha, filters, PAGE)


def test_job_view_shows_bid_count_and_average(scene: Scene) -> None:
    for artist, amount in ((scene.ayesha, "600.00"), (scene.bilal, "600.00"),
                           (scene.zara, "600.01")):
        scene.bid(artist, amount)
    view = scene.market.jobs.get_job(scene.job_id)
    assert view.total_bids == 3
    assert view.average_bid == Money("600.00")  # 600.003333...


def test_a_job_due_within_three_days_is_flagged_as_approaching(scene: Scene) -> None:
    jobs, clock = scene.market.jobs, scene.market.clock
    assert not jobs.get_job(scene.job_id).deadline_approaching
    clock.advance(timedelta(days=27))
    assert jobs.get_job(scene.job_id).deadline_approaching
    assert jobs.list_jobs(JobFilters(), PAGE).items[0].deadline_approaching
    clock.advance(timedelta(days=3))
    assert not jobs.get_job(scene.job_id).deadline_approaching


def test_jobs_are_listed_with_filters_ordering_and_pages(scene: Scene) -> None:
    market = scene.market
    painting = market.add_category("Painting")
    market.clock.advance(timedelta(minutes=1))
    cheap = market.jobs.post_job(scene.omar, market.job_terms(
        title="Small PORTRAIT", category_id=painting, budget_min=Money("100"),
        budget_max=Money("200"), experience_level="entry")).id
    market.clock.advance(timedelta(minutes=1))
    big = market.jobs.post_job(scene.omar, market.job_terms(
        title="Mural", description="A large portrait on a wall.", category_id=painting,
        budget_min=Money("5000"), budget_max=Money("9000"))).id
    market.jobs.cancel(scene.omar, big)

    def ids(**filters: Any) -> list[int]:
        return [job.id for job in market.jobs.list_jobs(JobFilters(**filters), PAGE).items]

    assert ids() == [big, cheap, scene.job_id]  # newest first
    assert ids(status="open") == [cheap, scene.job_id]
    assert ids(category_id=painting) == [big, cheap]
    assert ids(experience_level="entry") == [cheap]
    assert ids(search="portrait") == [big, cheap]
    assert ids(buyer_id=scene.sarah.id) == [scene.job_id]
    assert ids(min_budget=Money("1000")) == [big, scene.job_id]  # budget_max >= 1000
    assert ids(max_budget=Money("500")) == [cheap, scene.job_id]  # budget_min <= 500
    assert ids(ordering="budget_min") == [cheap, scene.job_id, big]
    assert ids(ordering="-budget_min") == [big, scene.job_id, cheap]
    second_page = market.jobs.list_jobs(JobFilters(), PageRequest.of(2, 2))
    assert [job.id for job in second_page.items] == [scene.job_id]
    assert second_page.total == 3 and not second_page.has_next and second_page.has_previous


@pytest.mark.parametrize("filters", [JobFilters(status="closed"),
                                     JobFilters(experience_level="guru"),
                                     JobFilters(ordering="title")])
def test_unknown_job_filters_are_refused(scene: Scene, filters: JobFilters) -> None:
    with pytest.raises(ValidationFailed):
        scene.market.jobs.list_jobs(filters, PAGE)


# -- bids ------------------------------------------------------------------------------------


def test_placing_a_bid_returns_its_view_and_announces_it(scene: Scene) -> None:
    view = scene.market.bids.place_bid(scene.ayesha, scene.job_id, bid_terms("650.00"))
    assert (view.status, view.bid_amount, view.bid_rank) == ("pending", Money("650.00"), 1)
    assert (view.job.id, view.job.buyer_id, view.artist.id) == (scene.job_id, scene.sarah.id,
                                                                scene.ayesha.id)
    assert scene.market.events.events == [BidPlaced(
        job_id=scene.job_id, artist_id=scene.ayesha.id, buyer_id=scene.sarah.id,
        artist_username=scene.ayesha.username,
        job_title=scene.market.store.jobs[scene.job_id].title)]


def test_a_second_bid_by_the_same_artist_is_refused(scene: Scene) -> None:
    scene.bid(scene.ayesha)
    with pytest.raises(ValidationFailed) as error:
        scene.bid(scene.ayesha, "800.00")
    assert set(details(error)) == {"job_id"}
    assert len(scene.market.store.job(scene.job_id).bids) == 1


def test_bidding_after_the_deadline_is_refused(scene: Scene) -> None:
    scene.market.clock.advance(timedelta(days=30))
    with pytest.raises(InvalidState):
        scene.bid(scene.ayesha)


def test_a_bid_is_hidden_from_strangers(scene: Scene) -> None:
    bid_id = scene.bid(scene.ayesha)
    for stranger in (scene.bilal, scene.omar, scene.moderator):
        with pytest.raises(NotFound):
            scene.market.bids.get_bid(stranger, bid_id)
    for insider in (scene.ayesha, scene.sarah, scene.helpdesk):
        assert scene.market.bids.get_bid(insider, bid_id).id == bid_id


def test_changing_a_bid_keeps_the_terms_not_given(scene: Scene) -> None:
    bid_id = scene.bid(scene.ayesha, "700.00")
    view = scene.market.bids.change_bid(scene.ayesha, bid_id, BidChanges(delivery_time=12))
    assert (view.delivery_time, view.bid_amount, view.cover_letter) == (
        12, Money("700.00"), bid_terms().cover_letter)
    view = scene.market.bids.change_bid(scene.ayesha, bid_id,
                                        BidChanges(bid_amount=Money("650.00")))
    assert (view.delivery_time, view.bid_amount) == (12, Money("650.00"))


def test_strangers_see_no_bid_to_change_and_the_buyer_may_not(scene: Scene) -> None:
    bid_id = scene.bid(scene.ayesha, "700.00")
    with pytest.raises(NotFound):
        scene.market.bids.change_bid(scene.bilal, bid_id, BidChanges(delivery_time=1))
    with pytest.raises(NotFound):
        scene.market.bids.withdraw_bid(scene.bilal, bid_id)
    with pytest.raises(PermissionDenied):
        scene.market.bids.change_bid(scene.sarah, bid_id, BidChanges(delivery_time=1))
    with pytest.raises(PermissionDenied):
        scene.market.bids.withdraw_bid(scene.sarah, bid_id)
    stored = scene.market.store.find_bid(bid_id)
    assert stored is not None and stored.delivery_time == bid_terms().delivery_time


def test_withdrawing_a_bid_deletes_it_and_announces_it(scene: Scene) -> None:
    bid_id = scene.bid(scene.ayesha)
    scene.market.events.clear()
    scene.market.bids.withdraw_bid(scene.ayesha, bid_id)
    assert scene.market.store.find_bid(bid_id) is None
    assert scene.market.jobs.get_job(scene.job_id).total_bids == 0
    assert scene.market.events.events == [BidWithdrawn(job_id=scene.job_id, bid_id=bid_id,
                                                       artist_id=scene.ayesha.id)]


def test_a_rejected_bid_can_be_neither_changed_nor_withdrawn(scene: Scene) -> None:
    accepted, rejected = scene.bid(scene.ayesha), scene.bid(scene.bilal)
    scene.hire(accepted)
    with pytest.raises(InvalidState):
        scene.market.bids.change_bid(scene.bilal, rejected, BidChanges(delivery_time=2))
    with pytest.raises(InvalidState):
        scene.market.bids.withdraw_bid(scene.bilal, rejected)
    assert scene.market.bids.get_bid(scene.bilal, rejected).status == "rejected"


def test_my_bids_lists_only_the_callers_bids(scene: Scene) -> None:
    mine = scene.bid(scene.ayesha)
    scene.bid(scene.bilal)
    other_job = scene.market.jobs.post_job(scene.omar, scene.market.job_terms(
        category_id=scene.category_id)).id
    also_mine = scene.bid(scene.ayesha, job_id=other_job)
    page = scene.market.bids.list_my_bids(scene.ayesha, BidFilters(artist_id=scene.bilal.id),
                                          PAGE)
    assert {bid.id for bid in page.items} == {mine, also_mine}
    assert all(bid.artist.id == scene.ayesha.id for bid in page.items)
