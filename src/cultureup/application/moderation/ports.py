"""What moderation needs from storage: listings by kind, their removal state, the content list."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import attrs

from cultureup.application.views import Page, PageRequest, UserRef
from cultureup.domain.moderation.content import ContentItem, ContentType, Removal
from cultureup.domain.money import Money


class ContentRepository(Protocol):
    """Listings of every kind, as moderation sees them, inside a unit of work."""

    def find(self, content_type: ContentType, object_id: int) -> ContentItem | None:
        """The listing (locked for the rest of the transaction on PostgreSQL), or None."""
        ...

    def mark_removed(self, item: ContentItem, removal: Removal) -> bool:
        """Record the removal unless the listing is removed already; whether it changed."""
        ...

    def clear_removal(self, item: ContentItem, *, now: datetime) -> bool:
        """Clear the removal unless the listing is not removed; whether it changed."""
        ...


@attrs.frozen(kw_only=True)
class ContentFilters:
    content_type: ContentType | None = None
    search: str | None = None
    is_active: bool | None = None


@attrs.frozen(kw_only=True)
class ContentRow:
    """One row of the admin content list: a listing of any kind."""

    content_type: ContentType
    id: int
    title: str
    description: str
    owner: UserRef | None  # equipment belongs to the platform
    price: Money
    views: int
    images: list[str]
    is_active: bool
    created_at: datetime
    updated_at: datetime
    removed_at: datetime | None
    removal_reason: str | None


class ContentQueries(Protocol):
    def list_content(self, filters: ContentFilters, page: PageRequest) -> Page[ContentRow]:
        """Every listing of the kinds asked for, newest first, in two statements."""
        ...
