"""What moderation needs from storage: listings by kind, their removal state, the content list."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import attrs

from cultureup.application.views import Page, PageRequest, UserRef
from cultureup.domain.moderation.content import ContentItem, ContentType, Removal
from cultureup.domain.moderation.verification import Document, VerificationApplication
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


# -- verification applications ------------------------------------------------------------


class VerificationRepository(Protocol):
    def add(self, application: VerificationApplication) -> None:
        """Insert it and its documents, setting their ids."""
        ...

    def get(self, application_id: int) -> VerificationApplication:
        """The application (locked for the transaction on PostgreSQL); NotFound otherwise."""
        ...

    def pending_of(self, user_id: int) -> VerificationApplication | None:
        ...

    def save(self, application: VerificationApplication) -> None:
        """Write its status and decision."""
        ...

    def document(self, document_id: int) -> tuple[Document, int] | None:
        """A document and the id of the user whose application holds it."""
        ...


@attrs.frozen(kw_only=True)
class ApplicationFilters:
    status: str | None = None
    search: str | None = None  # in the applicant's username or e-mail
    user_id: int | None = None


@attrs.frozen(kw_only=True)
class DocumentView:
    id: int
    filename: str
    content_type: str
    size: int


@attrs.frozen(kw_only=True)
class ApplicationView:
    id: int
    user: UserRef
    status: str
    notes: str
    documents: list[DocumentView]
    submitted_at: datetime
    decided_by: UserRef | None
    decided_at: datetime | None
    decision_reason: str | None


class VerificationQueries(Protocol):
    def list_applications(self, filters: ApplicationFilters,
                          page: PageRequest) -> Page[ApplicationView]:
        """Oldest first (the queue order), in three statements: rows, their documents,
        the count."""
        ...

    def get_application(self, application_id: int) -> ApplicationView:
        ...
