"""Artist and buyer profiles: the public face of an account, one of each kind per user.

A profile is keyed by its user's id and belongs to that user alone. Its computed figures
(projects completed, earnings, completion rate, amount spent) are facts about jobs and are
read from them, never stored here or taken from the client.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import attrs

from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import FieldErrors, PermissionDenied, ValidationFailed
from cultureup.domain.money import Money

BIO_MAX = 1000
SKILLS_MAX = 500
PORTFOLIO_MAX = 2000
COMPANY_NAME_MAX = 200
ADDRESS_MAX = 500

ONE_DECIMAL = Decimal("0.1")


class ArtistLevel(enum.StrEnum):
    """How experienced an artist says they are (jobs use their own scale)."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    EXPERT = "expert"

    @classmethod
    def parse(cls, value: str) -> ArtistLevel | None:
        """The level named by `value` in any case ("Intermediate"), or None."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            return None


ARTIST_LEVELS = tuple(level.value for level in ArtistLevel)


@attrs.frozen(kw_only=True)
class ArtistProfileTerms:
    """What an artist states about themselves; `experience_level` in any case."""

    bio: str = ""
    skills: str = ""
    experience_level: str
    hourly_rate: Money
    portfolio_description: str = ""
    is_available: bool = True

    def validate(self) -> None:
        errors = FieldErrors()
        errors.check_text("bio", self.bio, max_length=BIO_MAX, required=False)
        errors.check_text("skills", self.skills, max_length=SKILLS_MAX, required=False)
        errors.check_text("portfolio_description", self.portfolio_description,
                          max_length=PORTFOLIO_MAX, required=False)
        if ArtistLevel.parse(self.experience_level) is None:
            errors.add("experience_level",
                       f'"{self.experience_level}" is not a valid choice. '
                       f"Choose one of: {', '.join(ARTIST_LEVELS)}.")
        if self.hourly_rate.amount < 0:
            errors.add("hourly_rate", "Ensure this value is greater than or equal to 0.")
        errors.raise_if_any()


@attrs.define(eq=False, kw_only=True)
class ArtistProfile:
    user_id: int
    bio: str = ""
    skills: str = ""
    experience_level: ArtistLevel
    hourly_rate: Money
    portfolio_description: str = ""
    is_available: bool = True
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(cls, *, owner: Actor, terms: ArtistProfileTerms,
               existing: ArtistProfile | None, now: datetime) -> ArtistProfile:
        """The caller's own profile; artists only, and only one."""
        if not owner.is_artist:
            raise PermissionDenied("Only artists can create an artist profile.")
        if existing is not None:
            raise ValidationFailed({"user": ["You already have an artist profile."]})
        return cls(user_id=owner.id, **_artist_values(terms), created_at=now, updated_at=now)

    @property
    def terms(self) -> ArtistProfileTerms:
        return ArtistProfileTerms(
            bio=self.bio, skills=self.skills, experience_level=self.experience_level.value,
            hourly_rate=self.hourly_rate, portfolio_description=self.portfolio_description,
            is_available=self.is_available)

    def edit(self, *, by: Actor, terms: ArtistProfileTerms, now: datetime) -> None:
        """Replace what the artist states; only the owner may."""
        self._ensure_owner(by, "change")
        for name, value in _artist_values(terms).items():
            setattr(self, name, value)
        self.updated_at = now

    def ensure_deletable(self, *, by: Actor) -> None:
        self._ensure_owner(by, "delete")

    def _ensure_owner(self, actor: Actor, verb: str) -> None:
        if actor.id != self.user_id:
            raise PermissionDenied(f"Only the owner of this profile can {verb} it.")


def _artist_values(terms: ArtistProfileTerms) -> dict[str, object]:
    """The validated, cleaned fields of an artist profile (the level in lower case)."""
    terms.validate()
    level = ArtistLevel.parse(terms.experience_level)
    assert level is not None, "validated above"
    return {"bio": terms.bio.strip(), "skills": terms.skills.strip(),
            "experience_level": level, "hourly_rate": terms.hourly_rate,
            "portfolio_description": terms.portfolio_description.strip(),
            "is_available": terms.is_available}


@attrs.frozen(kw_only=True)
class BuyerProfileTerms:
    company_name: str = ""
    address: str = ""

    def validate(self) -> None:
        errors = FieldErrors()
        errors.check_text("company_name", self.company_name, max_length=COMPANY_NAME_MAX,
                          required=False)
        errors.check_text("address", self.address, max_length=ADDRESS_MAX, required=False)
        errors.raise_if_any()


@attrs.define(eq=False, kw_only=True)
class BuyerProfile:
    user_id: int
    company_name: str = ""
    address: str = ""
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(cls, *, owner: Actor, terms: BuyerProfileTerms,
               existing: BuyerProfile | None, now: datetime) -> BuyerProfile:
        """The caller's own profile; buyers only, and only one."""
        if not owner.is_buyer:
            raise PermissionDenied("Only buyers can create a buyer profile.")
        if existing is not None:
            raise ValidationFailed({"user": ["You already have a buyer profile."]})
        terms.validate()
        return cls(user_id=owner.id, company_name=terms.company_name.strip(),
                   address=terms.address.strip(), created_at=now, updated_at=now)

    @property
    def terms(self) -> BuyerProfileTerms:
        return BuyerProfileTerms(company_name=self.company_name, address=self.address)

    def edit(self, *, by: Actor, terms: BuyerProfileTerms, now: datetime) -> None:
        """Replace the company and address; only the owner may."""
        self._ensure_owner(by, "change")
        terms.validate()
        self.company_name, self.address = terms.company_name.strip(), terms.address.strip()
        self.updated_at = now

    def ensure_deletable(self, *, by: Actor) -> None:
        self._ensure_owner(by, "delete")

    def _ensure_owner(self, actor: Actor, verb: str) -> None:
        if actor.id != self.user_id:
            raise PermissionDenied(f"Only the owner of this profile can {verb} it.")


def completion_rate(*, completed: int, cancelled: int) -> Decimal:
    """Percent of the jobs an artist was hired for and that ended, which ended completed:
    completed / (completed + cancelled) * 100, half-up to one decimal; 0.0 when none ended."""
    if completed < 0 or cancelled < 0:
        raise ValueError("job counts cannot be negative")
    ended = completed + cancelled
    if ended == 0:
        return Decimal("0.0")
    return (Decimal(completed) * 100 / Decimal(ended)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
