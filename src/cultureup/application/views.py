"""Read-side data: page requests, list filters and the views use cases return."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Generic, TypeVar

import attrs

from cultureup.domain.errors import FieldErrors, ValidationFailed
from cultureup.domain.ids import id_of
from cultureup.domain.money import Money

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@attrs.frozen(kw_only=True)
class PageRequest:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    # Keyset paging, for lists that offer it: "" asks for the first page, then each page's
    # `next_cursor` for the one after it. None: pages by number.
    cursor: str | None = None

    @classmethod
    def of(cls, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE,
           max_page_size: int = MAX_PAGE_SIZE, cursor: str | None = None) -> PageRequest:
        errors = FieldErrors()
        if page < 1:
            errors.add("page", "Page numbers start at 1.")
        if not 1 <= page_size <= max_page_size:
            errors.add("page_size", f"Ensure page_size is between 1 and {max_page_size}.")
        if cursor is not None and page != 1:
            errors.add("cursor", "Use either page or cursor, not both.")
        errors.raise_if_any()
        return cls(page=page, page_size=page_size, cursor=cursor)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@attrs.frozen(kw_only=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    request: PageRequest
    # With keyset paging: the cursor of the following page, None on the last one.
    next_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        if self.request.cursor is not None:
            return self.next_cursor is not None
        return self.request.page * self.request.page_size < self.total

    @property
    def has_previous(self) -> bool:
        return self.request.page > 1

    @property
    def last_page(self) -> int:
        return max(1, math.ceil(self.total / self.request.page_size))


def check_ordering(ordering: str | None, allowed: Sequence[str]) -> str | None:
    """Accept `field` or `-field` from the allowed list; anything else is a 400."""
    if ordering is None or ordering == "":
        return None
    if ordering.lstrip("-") not in allowed or ordering.startswith("--"):
        choices = ", ".join(f"{name}, -{name}" for name in allowed)
        raise ValidationFailed({"ordering": [f'Unknown ordering "{ordering}". Use one of: '
                                             f"{choices}."]})
    return ordering


JOB_ORDERING_FIELDS = ("budget_min", "deadline", "created_at")
BID_ORDERING_FIELDS = ("bid_amount", "delivery_time", "created_at")


@attrs.frozen(kw_only=True)
class JobFilters:
    status: str | None = None
    category_id: int | None = None
    experience_level: str | None = None
    min_budget: Money | None = None
    max_budget: Money | None = None
    search: str | None = None
    buyer_id: int | None = None
    ordering: str | None = None
    # Jobs a moderator removed too (staff); the public never sees them.
    include_removed: bool = False


@attrs.frozen(kw_only=True)
class BidFilters:
    artist_id: int | None = None
    job_id: int | None = None
    status: str | None = None
    ordering: str | None = None
    # Leave out the bids on jobs a moderator removed (the bidder's own list).
    hide_removed_jobs: bool = False


@attrs.frozen(kw_only=True)
class UserRef:
    id: int
    username: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    user_type: str = ""


@attrs.frozen(kw_only=True)
class UserView:
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    user_type: str
    phone_number: str
    is_verified: bool
    profile_image: str | None
    created_at: datetime


@attrs.frozen(kw_only=True)
class CategoryView:
    id: int
    name: str
    description: str
    is_active: bool
    created_at: datetime
    updated_at: datetime


@attrs.frozen(kw_only=True)
class JobView:
    id: int
    buyer: UserRef
    title: str
    description: str
    category: CategoryView
    budget_min: Money
    budget_max: Money
    duration_days: int
    required_skills: str
    experience_level: str
    status: str
    hired_artist: UserRef | None
    final_amount: Money | None
    deadline: datetime
    created_at: datetime
    updated_at: datetime
    average_bid: Money | None
    total_bids: int
    deadline_approaching: bool = False
    # Taken down by a moderator: when, by whom (a user id) and why.
    removed_at: datetime | None = None
    removed_by_id: int | None = None
    removal_reason: str | None = None


@attrs.frozen(kw_only=True)
class BidJobRef:
    id: int
    title: str
    buyer_id: int
    buyer_name: str
    category_name: str
    budget_min: Money
    budget_max: Money
    status: str
    removed: bool = False  # a moderator took the job down


@attrs.frozen(kw_only=True)
class BidView:
    id: int
    job: BidJobRef
    artist: UserRef
    bid_amount: Money
    delivery_time: int
    cover_letter: str
    status: str
    created_at: datetime
    updated_at: datetime
    bid_rank: int


@attrs.frozen(kw_only=True)
class HireResult:
    job_id: int
    status: str
    hired_artist: UserRef
    final_amount: Money


@attrs.frozen(kw_only=True)
class AuditFilters:
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    target_type: str | None = None  # "user", "artwork", "payment"...
    target_id: str | None = None

    @property
    def actor_id(self) -> int | None:
        """`actor` as an account id: ASCII digits within the id range; else a username."""
        return user_id_of(self.actor or "")


def user_id_of(text: str) -> int | None:
    """The text (surrounding spaces aside) as an account id when it is one (``domain/ids.py``:
    ASCII digits, 1 to 2^31-1), else None: "²" or "١٢" are digits to Python but not ids."""
    return id_of(text.strip())


@attrs.frozen(kw_only=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int
