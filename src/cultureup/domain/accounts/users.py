"""Users, their kinds and roles, and the Actor every use case receives."""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import datetime

import attrs

from cultureup.domain.errors import FieldErrors
from cultureup.domain.text import identity_key, is_ignorable

USERNAME_PATTERN = re.compile(r"[\w.@+-]+")
# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is proven by mail.
EMAIL_PATTERN = re.compile(r"[^@\s\x00]+@[^@\s\x00]+\.[^@\s.\x00]{2,}")
PHONE_PATTERN = re.compile(r"\+?[0-9]{7,15}")


class UserType(enum.StrEnum):
    ARTIST = "artist"
    BUYER = "buyer"
    ADMIN = "admin"


class StaffRole(enum.StrEnum):
    """Platform roles; a superuser flag sits above all of them."""

    ADMIN = "admin"
    STAFF = "staff"
    CONTENT_MODERATOR = "content_moderator"


@attrs.frozen(kw_only=True)
class Actor:
    """Who is calling a use case: enough to decide what they may do."""

    id: int
    username: str
    user_type: UserType
    is_staff: bool = False
    is_superuser: bool = False
    staff_role: StaffRole | None = None

    @property
    def is_artist(self) -> bool:
        return self.user_type is UserType.ARTIST

    @property
    def is_buyer(self) -> bool:
        return self.user_type is UserType.BUYER



@attrs.define(eq=False, kw_only=True)
class User:
    id: int | None = None
    username: str
    email: str
    password_hash: str
    first_name: str
    last_name: str
    user_type: UserType
    phone_number: str = ""
    is_verified: bool = False
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    staff_role: StaffRole | None = None
    profile_image: str | None = None
    created_at: datetime
    updated_at: datetime
    last_login: datetime | None = None
    # The TR39 skeleton of the username (see the ConfusableNames port): two usernames that
    # look alike have the same skeleton.
    username_skeleton: str = ""

    @property
    def username_key(self) -> str:
        """The username as it is compared: unique among usernames and e-mail keys."""
        return identity_key(self.username)

    @property
    def email_key(self) -> str:
        """The e-mail address as it is compared: unique among e-mails and username keys."""
        return identity_key(self.email)

    def as_actor(self) -> Actor:
        assert self.id is not None
        return Actor(
            id=self.id,
            username=self.username,
            user_type=self.user_type,
            is_staff=self.is_staff,
            is_superuser=self.is_superuser,
            staff_role=self.staff_role,
        )

    def update_contact(
        self,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        phone_number: str | None = None,
        now: datetime,
    ) -> None:
        """Change the editable profile fields; each given one is validated first."""
        errors = FieldErrors()
        if first_name is not None:
            validate_name("first_name", first_name, errors)
        if last_name is not None:
            validate_name("last_name", last_name, errors)
        if email is not None:
            validate_email(email, errors)
        if phone_number is not None:
            validate_phone(phone_number, errors)
        errors.raise_if_any()
        if first_name is not None:
            self.first_name = first_name.strip()
        if last_name is not None:
            self.last_name = last_name.strip()
        if email is not None:
            self.email = normalize_email(email)
        if phone_number is not None:
            self.phone_number = phone_number.strip()
        self.updated_at = now


def normalize_email(email: str) -> str:
    """NFC; the domain part in lower case; the local part is kept as typed (RFC 5321). It is
    compared through `identity_key`, which folds the case of the whole address."""
    local, _, domain = unicodedata.normalize("NFC", email.strip()).rpartition("@")
    return f"{local}@{domain.lower()}"


def normalize_username(username: str) -> str:
    """The username as it is stored and shown: NFC of what was typed (a decomposed `é` is
    the same name as a composed one). It is compared through `identity_key`."""
    return unicodedata.normalize("NFC", username)


def validate_username(username: str, errors: FieldErrors) -> None:
    username = normalize_username(username)
    if not 3 <= len(username) <= 150:
        errors.add("username", "Ensure this field has between 3 and 150 characters.")
    elif not USERNAME_PATTERN.fullmatch(username):
        errors.add(
            "username",
            "Enter a valid username. This value may contain only letters, numbers, "
            "and @/./+/-/_ characters.",
        )


def validate_email(email: str, errors: FieldErrors) -> None:
    invisible = any(is_ignorable(character) or unicodedata.category(character) == "Cc"
                    for character in email)
    if invisible or len(email) > 254 or not EMAIL_PATTERN.fullmatch(email.strip()):
        errors.add("email", "Enter a valid email address.")


def validate_name(field: str, value: str, errors: FieldErrors) -> None:
    if not value.strip():
        errors.add(field, "This field may not be blank.")
    elif len(value) > 150:
        errors.add(field, "Ensure this field has no more than 150 characters.")


def validate_phone(value: str, errors: FieldErrors) -> None:
    if value.strip() and not PHONE_PATTERN.fullmatch(value.strip().replace(" ", "")):
        errors.add("phone_number", "Enter a valid phone number, e.g. +923001234567.")
