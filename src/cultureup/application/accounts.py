"""Accounts: registration, login and logout with tokens, and the caller's own profile."""

from __future__ import annotations

import hmac
from datetime import timedelta

import attrs

from cultureup.application.ports import (
    Clock,
    EventPublisher,
    PasswordHasher,
    PasswordPolicy,
    TokenService,
    UnitOfWorkFactory,
)
from cultureup.application.views import UserView
from cultureup.domain.errors import FieldErrors, NotAuthenticated, ValidationFailed
from cultureup.domain.events import UserRegistered
from cultureup.domain.users import (
    Actor,
    StaffRole,
    User,
    UserType,
    normalize_email,
    validate_email,
    validate_name,
    validate_phone,
    validate_username,
)

INVALID_CREDENTIALS = "Unable to log in with the provided credentials."
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
    token: str
    user: User


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
                 token_ttl: timedelta | None) -> None:
        self._uow, self._clock, self._hasher = uow, clock, hasher
        self._policy, self._tokens, self._events = policy, tokens, events
        self._token_ttl = token_ttl
        # Verifying against a real hash when the user is unknown keeps both answers equally slow.
        self._decoy_hash = hasher.hash("decoy password that never matches anything")

    def register(self, data: Registration) -> UserView:
        """Create an artist or buyer account."""
        return user_view(self._create_user(data, allowed_types=SELF_SERVICE_TYPES))

    def create_staff_user(self, data: Registration, *, superuser: bool,
                          staff_role: StaffRole | None, check_password: bool = True) -> User:
        """Create an admin account; used by the setup command, never by self-registration."""
        return self._create_user(data, allowed_types=(UserType.ADMIN,), superuser=superuser,
                                 staff_role=staff_role, check_password=check_password)

    def _create_user(self, data: Registration, *, allowed_types: tuple[UserType, ...],
                     superuser: bool = False, staff_role: StaffRole | None = None,
                     check_password: bool = True) -> User:
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
        now = self._clock.now()
        with self._uow() as uow:
            if "username" not in errors.fields and uow.users.username_taken(data.username):
                errors.add("username", "A user with that username already exists.")
            if "email" not in errors.fields and uow.users.email_taken(data.email):
                errors.add("email", "A user with that email already exists.")
            errors.raise_if_any()
            user = User(
                username=data.username, email=normalize_email(data.email),
                password_hash=self._hasher.hash(data.password),
                first_name=data.first_name.strip(), last_name=data.last_name.strip(),
                user_type=UserType(data.user_type), phone_number=data.phone_number.strip(),
                is_staff=staff_role is not None or superuser, is_superuser=superuser,
                staff_role=staff_role, created_at=now, updated_at=now,
            )
            uow.users.add(user)
            uow.commit()
        assert user.id is not None
        self._events.publish([UserRegistered(user_id=user.id, user_type=user.user_type.value)])
        return user

    def login(self, *, username: str, password: str) -> LoginResult:
        """Check the password and issue a token; unknown users and bad passwords look alike."""
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.find_by_login(username) if username else None
            if user is None:
                self._hasher.verify(self._decoy_hash, password)
                raise ValidationFailed({"non_field_errors": [INVALID_CREDENTIALS]})
            if not self._hasher.verify(user.password_hash, password):
                raise ValidationFailed({"non_field_errors": [INVALID_CREDENTIALS]})
            if not user.is_active:
                raise ValidationFailed({"non_field_errors": ["This account is disabled."]})
            if self._hasher.needs_rehash(user.password_hash):
                user.password_hash = self._hasher.hash(password)
            user.last_login = now
            uow.users.save(user)
            token = self._tokens.new_token()
            assert user.id is not None
            expires = now + self._token_ttl if self._token_ttl else None
            uow.tokens.add(user_id=user.id, digest=self._tokens.digest(token), created_at=now,
                           expires_at=expires)
            uow.commit()
        return LoginResult(token=token, user=user)

    def logout(self, token: str) -> None:
        with self._uow() as uow:
            uow.tokens.revoke(self._tokens.digest(token), now=self._clock.now())
            uow.commit()

    def authenticate(self, token: str) -> Actor:
        """The active user a token belongs to; raises NotAuthenticated otherwise."""
        digest = self._tokens.digest(token)
        with self._uow() as uow:
            user_id = uow.tokens.find_user_id(digest, now=self._clock.now())
            if user_id is None:
                # Compare anyway so a miss costs what a hit costs.
                hmac.compare_digest(digest, digest)
                raise NotAuthenticated("Invalid token.")
            user = uow.users.get(user_id)
            if not user.is_active:
                raise NotAuthenticated("User inactive or deleted.")
            return user.as_actor()

    def get_profile(self, actor: Actor) -> UserView:
        with self._uow() as uow:
            return user_view(uow.users.get(actor.id))

    def update_profile(self, actor: Actor, changes: ProfileChanges) -> UserView:
        with self._uow() as uow:
            user = uow.users.get(actor.id)
            if changes.email is not None and uow.users.email_taken(changes.email,
                                                                    exclude_id=actor.id):
                raise ValidationFailed({"email": ["A user with that email already exists."]})
            user.update_contact(first_name=changes.first_name, last_name=changes.last_name,
                                email=changes.email, phone_number=changes.phone_number,
                                now=self._clock.now())
            uow.users.save(user)
            uow.commit()
            return user_view(user)
