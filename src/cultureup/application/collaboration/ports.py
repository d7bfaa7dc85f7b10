"""Ports for contracts, messages, reviews, notifications, dashboards and daily analytics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from cultureup.application.collaboration.views import (
    AnalyticsSnapshot,
    ArtistStats,
    BuyerStats,
    ContractFilters,
    ContractView,
    ConversationView,
    DailyFigures,
    MessageFilters,
    MessageView,
    NotificationFilters,
    NotificationView,
    ReviewFilters,
    ReviewView,
)
from cultureup.application.views import Page, PageRequest
from cultureup.domain.collaboration.contracts import Contract
from cultureup.domain.collaboration.messages import Message
from cultureup.domain.collaboration.notifications import Notification
from cultureup.domain.collaboration.reviews import Review

if TYPE_CHECKING:
    from cultureup.application.ports import UnitOfWork


class ContractRepository(Protocol):
    def add(self, contract: Contract) -> None:
        """Store a new contract and give it an id."""
        ...

    def get(self, contract_id: int) -> Contract:
        """The contract, locked for this unit of work; raises NotFound."""
        ...

    def live_for_job(self, job_id: int) -> list[Contract]:
        """The job's pending or active contracts, locked for this unit of work."""
        ...

    def save(self, contract: Contract) -> None:
        """Write a loaded contract; raises ConcurrentUpdate if it changed since loaded."""
        ...

    def delete(self, contract: Contract) -> None: ...


class MessageRepository(Protocol):
    def add(self, message: Message) -> None:
        """Store a new message and give it an id."""
        ...

    def get(self, message_id: int) -> Message:
        """Raises NotFound."""
        ...

    def save(self, message: Message) -> None: ...

    def delete(self, message: Message) -> None: ...


class ReviewRepository(Protocol):
    def add(self, review: Review) -> None:
        """Store a new review; a second one for the same job is a ValidationFailed."""
        ...

    def get(self, review_id: int) -> Review:
        """Raises NotFound."""
        ...

    def exists_for_job(self, job_id: int) -> bool: ...

    def save(self, review: Review) -> None: ...

    def delete(self, review: Review) -> None: ...


class NotificationRepository(Protocol):
    def add(self, notification: Notification) -> None:
        """Store a new notification in the current transaction."""
        ...

    def get(self, notification_id: int) -> Notification:
        """Raises NotFound."""
        ...

    def save(self, notification: Notification) -> None: ...

    def mark_all_read(self, user_id: int) -> int:
        """Mark every unread notification of the user read; returns how many."""
        ...


class AnalyticsRepository(Protocol):
    def replace(self, day: date, figures: DailyFigures, *, calculated_at: datetime) -> int:
        """Store the day's one row, replacing any earlier one; returns its id."""
        ...


class Notifier(Protocol):
    def notify(self, uow: UnitOfWork, notifications: Sequence[Notification]) -> None:
        """Deliver notifications as part of the caller's unit of work, so that they exist if
        and only if the change that caused them commits."""
        ...


class CollaborationQueries(Protocol):
    """Read models, each list in a fixed number of queries whatever its size."""

    def list_contracts(self, user_id: int | None, filters: ContractFilters,
                       page: PageRequest) -> Page[ContractView]:
        """Contracts the user is party to (every contract when user_id is None)."""
        ...

    def get_contract(self, contract_id: int) -> ContractView:
        """Raises NotFound."""
        ...

    def list_messages(self, user_id: int, filters: MessageFilters,
                      page: PageRequest) -> Page[MessageView]:
        """Messages the user sent or received."""
        ...

    def get_message(self, message_id: int) -> MessageView:
        """Raises NotFound."""
        ...

    def conversations(self, user_id: int) -> list[ConversationView]:
        """One entry per counterpart, the newest conversation first."""
        ...

    def list_reviews(self, filters: ReviewFilters, page: PageRequest) -> Page[ReviewView]: ...

    def get_review(self, review_id: int) -> ReviewView:
        """Raises NotFound."""
        ...

    def list_notifications(self, user_id: int, filters: NotificationFilters,
                           page: PageRequest) -> Page[NotificationView]: ...

    def get_notification(self, notification_id: int) -> NotificationView:
        """Raises NotFound."""
        ...

    def unread_notifications(self, user_id: int) -> int: ...

    def artist_stats(self, user_id: int) -> ArtistStats: ...

    def buyer_stats(self, user_id: int) -> BuyerStats: ...

    def daily_figures(self, day: date) -> DailyFigures:
        """Counted straight from the rows for the UTC day."""
        ...

    def list_analytics(self, page: PageRequest) -> Page[AnalyticsSnapshot]:
        """Newest day first."""
        ...

    def get_analytics(self, snapshot_id: int) -> AnalyticsSnapshot:
        """Raises NotFound."""
        ...
