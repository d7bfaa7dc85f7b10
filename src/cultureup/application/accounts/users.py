"""Accounts: registration, login and logout with tokens, and the caller's own profile."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from cultureup.application.accounts.throttling import (
    LOGIN_THROTTLED_MESSAGE,
    AttemptKeys,
    PasswordAttempts,
)
from cultureup.application.audit import record
from cultureup.application.ports import (
    Clock,
    ConfusableNames,
    EventPublisher,
    PasswordHasher,
    PasswordPolicy,
    TokenService,
    UnitOfWork,
    UnitOfWorkFactory,
)
from cultureup.application.views import UserView, user_id_of
from cultureup.domain.accounts.roles import is_staff_member
from cultureup.domain.accounts.two_factor import LoginChallenge
from cultureup.domain.accounts.users import (
    Actor,
    StaffRole,
    User,
    UserType,
    normalize_email,
    normalize_username,
    validate_email,
    validate_name,
    validate_phone,
    validate_username,
)
from cultureup.domain.audit import AuditAction
from cultureup.domain.errors import (
    FieldErrors,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cultureup.domain.events import UserRegistered
from cultureup.domain.moderation.actions import AccountRestricted, restriction_of
from cultureup.domain.text import identity_key

INVALID_CREDENTIALS = "Unable to log in with the provided credentials."
USERNAME_TAKEN = "A user with that username already exists."
USERNAME_CONFUSABLE = "This username looks too much like an existing one; choose another."
USERNAME_SUSPICIOUS = ("Enter a username in one script (Latin may be mixed with one other "
                       "script, but not with Cyrillic or Greek) and one kind of digits.")
EMAIL_TAKEN = "A user with that email already exists."
SELF_SERVICE_TYPES = (UserType.ARTIST, UserType.BUYER)


@attrs.frozen(kw_only=True)
class Registration:
    username: str
    email: str
    password: str
    password_confirm: str
    user_type: str
    first_name: str
    last_name: str
    phone_number: str = ""


@attrs.frozen(kw_only=True)
class ProfileChanges:
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone_number: str | None = None


@attrs.frozen(kw_only=True)
class LoginResult:
    """Either a token, or (2FA on) a session token to exchange for one with a code."""

    user: User
    token: str | None = None
    session_token: str | None = None

    @property
    def requires_2fa(self) -> bool:
        return self.token is None


def user_view(user: User) -> UserView:
    assert user.id is not None
    return UserView(
        id=user.id, username=user.username, email=user.email, first_name=user.first_name,
        last_name=user.last_name, user_type=user.user_type.value,
        phone_number=user.phone_number, is_verified=user.is_verified,
        profile_image=user.profile_image, created_at=user.created_at,
    )


class AccountService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, hasher: PasswordHasher,
                 policy: PasswordPolicy, tokens: TokenService, events: EventPublisher,
                 token_ttl: timedelta | None, attempts: PasswordAttempts,
                 names: ConfusableNames) -> None:
        self._uow, self._clock, self._hasher, self._names = uow, clock, hasher, names
        self._policy, self._tokens, self._events = policy, tokens, events
        self._token_ttl, self._attempts = token_ttl, attempts
        # Verifying against a real hash when the user is unknown keeps both answers equally slow.
        self._decoy_hash = hasher.hash("decoy password that never matches anything")

    def register(self, data: Registration, *, ip: str | None = None) -> UserView:
        """Create an artist or buyer account."""
        return user_view(self._create_user(data, allowed_types=SELF_SERVICE_TYPES, ip=ip))

    def create_staff_user(self, data: Registration, *, superuser: bool,
                          staff_role: StaffRole | None, check_password: bool = True,
                          by: Actor | None = None) -> User:
        """Create an admin account (by the setup command, never by self-registration);
        `by` is the admin doing it, None for the first superuser."""
        return self._create_user(data, allowed_types=(UserType.ADMIN,), superuser=superuser,
                                 staff_role=staff_role, check_password=check_password, by=by)

    def _create_user(self, data: Registration, *, allowed_types: tuple[UserType, ...],
                     superuser: bool = False, staff_role: StaffRole | None = None,
                     check_password: bool = True, ip: str | None = None,
                     by: Actor | None = None) -> User:
        errors = FieldErrors()
        validate_username(data.username, errors)
        validate_email(data.email, errors)
        validate_name("first_name", data.first_name, errors)
        validate_name("last_name", data.last_name, errors)
        validate_phone(data.phone_number, errors)
        if data.user_type not in {t.value for t in allowed_types}:
            errors.add("user_type", f'"{data.user_type}" is not a valid choice. Choose one of: '
                       + ", ".join(t.value for t in allowed_types) + ".")
        if data.password != data.password_confirm:
            errors.add("password_confirm", "Passwords do not match.")
        if check_password:
            for problem in self._policy.problems(
                data.password,
                user_attributes=(data.username, data.email, data.first_name, data.last_name),
            ):
                errors.add("password", problem)
        username = normalize_username(data.username)
        if "username" not in errors.fields and self._names.is_suspicious(username):
            errors.add("username", USERNAME_SUSPICIOUS)
        now = self._clock.now()
        with self._uow() as uow:
            uow.users.lock_login_names()
            if "username" not in errors.fields:
                self._check_username(uow, username, own_email=data.email, errors=errors)
            if "email" not in errors.fields:
                self._check_email(uow, data.email, own_username=username, errors=errors)
            errors.raise_if_any()
            user = User(
                username=username, email=normalize_email(data.email),
                password_hash=self._hasher.hash(data.password),
                first_name=data.first_name.strip(), last_name=data.last_name.strip(),
                user_type=UserType(data.user_type), phone_number=data.phone_number.strip(),
                is_staff=staff_role is not None or superuser, is_superuser=superuser,
                staff_role=staff_role, created_at=now, updated_at=now,
                username_skeleton=self._names.skeleton(username),
            )
            uow.users.add(user)
            action = (AuditAction.SUPERUSER_CREATED if superuser else
                      AuditAction.STAFF_USER_CREATED if staff_role else
                      AuditAction.USER_REGISTERED)
            record(uow, now=now, action=action, actor_id=by.id if by else user.id,
                   actor_username=by.username if by else user.username, target_type="user",
                   target_id=user.id,
                   ip_address=ip, user_type=user.user_type.value,
                   staff_role=staff_role.value if staff_role else "")
            uow.commit()
        assert user.id is not None
        self._events.publish([UserRegistered(user_id=user.id, user_type=user.user_type.value)])
        return user

    def _check_username(self, uow: UnitOfWork, username: str, *, own_email: str,
                        errors: FieldErrors, exclude_id: int | None = None) -> None:
        """A username is refused when its key is another account's username or e-mail key
        (a username may look like an e-mail address, but never like someone else's), or
        when it looks like another account's username."""
        key = identity_key(username)
        taken = uow.users.username_taken(key, exclude_id=exclude_id) or (
            key != identity_key(own_email) and uow.users.email_taken(key, exclude_id=exclude_id))
        if taken:
            errors.add("username", USERNAME_TAKEN)
        elif uow.users.skeleton_taken(self._names.skeleton(username), exclude_id=exclude_id):
            errors.add("username", USERNAME_CONFUSABLE)

    def _check_email(self, uow: UnitOfWork, email: str, *, own_username: str,
                     errors: FieldErrors, exclude_id: int | None = None) -> None:
        """An e-mail is refused when its key is another account's e-mail or username key."""
        key = identity_key(email)
        if uow.users.email_taken(key, exclude_id=exclude_id) or (
                key != identity_key(own_username)
                and uow.users.username_taken(key, exclude_id=exclude_id)):
            errors.add("email", EMAIL_TAKEN)

    def login(self, *, username: str, password: str, ip: str | None = None) -> LoginResult:
        """Check the password; issue a token, or a 2FA session when the account has 2FA.
        Unknown users, wrong passwords and deactivated accounts get the same answer
        (ValidationFailed, INVALID_CREDENTIALS) after the same work, and
        repeated failures per account (or name typed) and per client are refused for a while
        (see `PasswordAttempts`)."""
        now = self._clock.now()
        with self._uow() as uow:
            key = identity_key(username)
            user = uow.users.find_by_login(key) if key else None
            keys = self._attempts.keys(user=user, typed=username, ip=ip)
            refused = self._attempts.refusal(keys, LOGIN_THROTTLED_MESSAGE)
            if refused is not None:
                # Throttled before any hashing, for known and unknown names alike.
                record(uow, now=now, action=AuditAction.LOGIN_THROTTLED, actor_id=None,
                       actor_username=username[:150], target_type="login", ip_address=ip)
                uow.commit()
                raise refused
            if user is None:
                self._hasher.verify(self._decoy_hash, password)
            if user is None or not self._hasher.verify(user.password_hash, password) \
                    or not user.is_active:
                # A deactivated account answers as a wrong password does, and counts as a
                # failure, whatever the password: neither whether it was right nor whether
                # the account exists is told to whoever typed it (docs/decisions.md, "Login").
                inactive = {"account_inactive": True} if user and not user.is_active else {}
                self._record_failure(uow, keys, now, username, user, ip, **inactive)
                raise ValidationFailed({"non_field_errors": [INVALID_CREDENTIALS]})
            assert user.id is not None
            self._attempts.succeeded(keys)
            if self._hasher.needs_rehash(user.password_hash):
                user.password_hash = self._hasher.hash(password)
            if uow.two_factor.get(user.id).enabled:
                # The restriction is told only after the second factor too (`sign_in`), so a
                # password alone never yields even a restricted token.
                session_token = self._tokens.new_token()
                uow.challenges.add(LoginChallenge.issue(
                    user_id=user.id, digest=self._tokens.digest(session_token), now=now))
                uow.users.save(user)
                record(uow, now=now, action=AuditAction.LOGIN_2FA_REQUIRED, actor_id=user.id,
                       actor_username=user.username, target_type="user", target_id=user.id,
                       ip_address=ip)
                uow.commit()
                return LoginResult(user=user, session_token=session_token)
            token = self.sign_in(uow, user, ip=ip, action=AuditAction.LOGIN_SUCCEEDED)
            uow.commit()
        return LoginResult(user=user, token=token)

    def sign_in(self, uow: UnitOfWork, user: User, *, ip: str | None, action: AuditAction,
                **details: object) -> str:
        """The token of a login whose every factor has been checked (the password, and the
        2FA code when the account has 2FA), recorded as `action` with `details`; the caller
        commits.

        While the account is suspended or banned (`restriction_of` its moderation actions in
        force) this raises AccountRestricted instead (403 with the reason and the end),
        committed first and audited as `login.restricted` (with `details`) in place of
        `action`: it carries a token that serves
        only what a restricted account may still do (read its moderation actions, appeal,
        log out), so that a suspended user can appeal without a token kept from before.
        """
        assert user.id is not None
        now = self._clock.now()
        restriction = restriction_of(
            uow.moderation_actions.unreversed_restrictions(user.id), now)
        if restriction is None:
            user.last_login = now
        uow.users.save(user)
        token = self.issue_token(uow, user)
        if restriction is None:
            record(uow, now=now, action=action, actor_id=user.id,
                   actor_username=user.username, target_type="user", target_id=user.id,
                   ip_address=ip, **details)
        else:
            record(uow, now=now, action=AuditAction.LOGIN_RESTRICTED, actor_id=user.id,
                   actor_username=user.username, target_type="user", target_id=user.id,
                   ip_address=ip, banned=restriction.banned, **details)
            uow.commit()
            raise AccountRestricted(restriction, actor=user.as_actor(), token=token)
        return token

    def issue_token(self, uow: UnitOfWork, user: User) -> str:
        """Store the digest of a new API token for the user and return the token."""
        assert user.id is not None
        now = self._clock.now()
        token = self._tokens.new_token()
        expires = now + self._token_ttl if self._token_ttl else None
        uow.tokens.add(user_id=user.id, digest=self._tokens.digest(token), created_at=now,
                       expires_at=expires)
        return token

    def _record_failure(self, uow: UnitOfWork, keys: AttemptKeys, now: datetime,
                        username: str, user: User | None, ip: str | None,
                        **details: object) -> None:
        self._attempts.failed(keys)
        record(uow, now=now, action=AuditAction.LOGIN_FAILED,
               actor_id=user.id if user else None, actor_username=username[:150],
               target_type="login", ip_address=ip, **details)
        uow.commit()

    def logout(self, token: str, *, actor: Actor | None = None, ip: str | None = None) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            uow.tokens.revoke(self._tokens.digest(token), now=now)
            if actor is not None:
                record(uow, now=now, action=AuditAction.LOGOUT, actor_id=actor.id,
                       actor_username=actor.username, target_type="user", target_id=actor.id,
                       ip_address=ip)
            uow.commit()

    def change_password(self, actor: Actor, *, current_password: str, new_password: str,
                        new_password_confirm: str, ip: str | None = None) -> str:
        """Replace the password (the current one is required), revoke every token, and
        return a fresh token for the caller."""
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.get(actor.id)
            self._attempts.confirm(uow, actor, user, current_password,
                                   purpose="password_change", field="current_password", ip=ip,
                                   message="The current password is wrong.")
            errors = FieldErrors()
            if new_password != new_password_confirm:
                errors.add("new_password_confirm", "Passwords do not match.")
            for problem in self._policy.problems(new_password, user_attributes=(
                    user.username, user.email, user.first_name, user.last_name)):
                errors.add("new_password", problem)
            if self._hasher.verify(user.password_hash, new_password):
                errors.add("new_password", "The new password must differ from the current one.")
            errors.raise_if_any()
            user.password_hash = self._hasher.hash(new_password)
            user.updated_at = now
            uow.users.save(user)
            uow.tokens.revoke_all(actor.id, now=now)
            token = self.issue_token(uow, user)
            record(uow, now=now, action=AuditAction.PASSWORD_CHANGED, actor_id=actor.id,
                   actor_username=actor.username, target_type="user", target_id=actor.id,
                   ip_address=ip)
            uow.commit()
        return token

    def authenticate(self, token: str) -> Actor:
        """The active user a token belongs to; raises NotAuthenticated otherwise, and
        AccountRestricted (carrying the actor) while the account is suspended or banned:
        the token is refused, not revoked, so it works again when the suspension ends."""
        digest = self._tokens.digest(token)
        now = self._clock.now()
        with self._uow(read_only=True) as uow:
            user_id = uow.tokens.find_user_id(digest, now=now)
            if user_id is None:
                raise NotAuthenticated("Invalid token.")
            user = uow.users.get(user_id)
            if not user.is_active:
                raise NotAuthenticated("User inactive or deleted.")
            restriction = restriction_of(
                uow.moderation_actions.unreversed_restrictions(user_id), now)
            if restriction is not None:
                raise AccountRestricted(restriction, actor=user.as_actor())
            return user.as_actor()
    def staff_actor(self, username: str) -> Actor:
        """The active staff account an operator acts as at the command line (so that the
        audit log names a person)."""
        with self._uow(read_only=True) as uow:
            user = uow.users.find_by_login(identity_key(username))
        if user is None or not user.is_active:
            raise NotFound(f"No active user named '{username}'.")
        if not is_staff_member(user.as_actor()):
            raise PermissionDenied(f"'{username}' is not a staff account.")
        return user.as_actor()

    def find_actor(self, user: str) -> Actor:
        """The user named by id, username or e-mail, as an Actor: for an operator at the
        command line acting on a user's behalf (support). Raises NotFound."""
        with self._uow(read_only=True) as uow:
            found = uow.users.find_by_login(identity_key(user))
            user_id = user_id_of(user)
            if found is None and user_id is not None:
                found = uow.users.get(user_id)
            if found is None:
                raise NotFound(f"No user {user!r}.")
            return found.as_actor()

    def get_profile(self, actor: Actor) -> UserView:
        with self._uow(read_only=True) as uow:
            return user_view(uow.users.get(actor.id))

    def update_profile(self, actor: Actor, changes: ProfileChanges) -> UserView:
        with self._uow() as uow:
            if changes.email is not None:
                uow.users.lock_login_names()
            user = uow.users.get(actor.id)
            if changes.email is not None:
                errors = FieldErrors()
                self._check_email(uow, changes.email, own_username=user.username,
                                  errors=errors, exclude_id=actor.id)
                errors.raise_if_any()
            user.update_contact(first_name=changes.first_name, last_name=changes.last_name,
                                email=changes.email, phone_number=changes.phone_number,
                                now=self._clock.now())
            uow.users.save(user)
            uow.commit()
            return user_view(user)
