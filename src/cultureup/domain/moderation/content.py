"""Content removal: a listing taken down by a moderator, with the reason its owner is told.

A listing is an artwork, a job or equipment. A removed listing stays in the database, with
who removed it, when and why; the public no longer sees it anywhere (lists, detail, search,
featured, its owner's list), its owner and staff still do. Restoring it clears the removal.

The admin-panel document names its listings "product", "service" and "property"; those words
are read as aliases: a product is an artwork (what buyers purchase), a service is a job (work
commissioned from an artist) and a property is equipment (the platform's catalogue of things).
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from cultureup.domain.errors import FieldErrors, InvalidState

REASON_MAX = 1000


class ContentType(enum.StrEnum):
    ARTWORK = "artwork"
    JOB = "job"
    EQUIPMENT = "equipment"


# The admin-panel document's words for listings, read as CultureUp's.
CONTENT_TYPE_ALIASES = {"product": ContentType.ARTWORK, "service": ContentType.JOB,
                        "property": ContentType.EQUIPMENT}
CONTENT_TYPE_CHOICES = (*(kind.value for kind in ContentType), *CONTENT_TYPE_ALIASES)


def parse_content_type(value: str | None, *, field: str = "content_type") -> ContentType:
    """The content type named by CultureUp's word or the document's alias; a 400 naming the
    allowed values otherwise."""
    text = (value or "").strip().lower()
    if text in CONTENT_TYPE_ALIASES:
        return CONTENT_TYPE_ALIASES[text]
    try:
        return ContentType(text)
    except ValueError:
        errors = FieldErrors()
        errors.add(field, (f'"{value}" is not a valid choice. ' if text else
                           "This field is required. ")
                   + "Choose one of: " + ", ".join(CONTENT_TYPE_CHOICES) + ".")
        errors.raise_if_any()
        raise AssertionError("unreachable") from None


def check_reason(reason: str | None, *, field: str = "reason") -> str:
    """A moderation reason: required, not blank, at most REASON_MAX characters."""
    errors = FieldErrors()
    if reason is None:
        errors.add(field, "This field is required.")
    else:
        errors.check_text(field, reason, max_length=REASON_MAX)
    errors.raise_if_any()
    assert reason is not None
    return reason.strip()


@attrs.frozen(kw_only=True)
class Removal:
    reason: str
    removed_by_id: int | None
    removed_at: datetime


@attrs.frozen(kw_only=True)
class ContentItem:
    """A listing as moderation sees it."""

    content_type: ContentType
    id: int
    owner_id: int | None  # equipment is the platform's own: no owner to tell
    title: str
    removal: Removal | None = None

    @property
    def removed(self) -> bool:
        return self.removal is not None

    def ensure_removable(self) -> None:
        if self.removal is not None:
            raise InvalidState(f"This {self.content_type.value} is already removed.")

    def ensure_restorable(self) -> None:
        if self.removal is None:
            raise InvalidState(f"This {self.content_type.value} is not removed.")
