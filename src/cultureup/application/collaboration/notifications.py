"""Notifications: created from domain events inside the unit of work that caused them, and
read, marked and counted by their owner."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from cultureup.application.collaboration.ports import CollaborationQueries, Notifier
from cultureup.application.collaboration.views import (
    NOTIFICATION_ORDERING_FIELDS,
    NotificationFilters,
    NotificationView,
)
from cultureup.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest, check_ordering
from cultureup.domain.accounts.users import Actor
from cultureup.domain.collaboration.notifications import NotificationType, notifications_for
from cultureup.domain.errors import FieldErrors, NotFound
from cultureup.domain.events import DomainEvent


def notify(notifier: Notifier, uow: UnitOfWork, events: Iterable[DomainEvent],
           now: datetime) -> None:
    """Hand the notifications these events cause to the notifier, before the commit."""
    notes = [note for event in events for note in notifications_for(event, now=now)]
    if notes:
        notifier.notify(uow, notes)


class NotificationService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: CollaborationQueries,
                 clock: Clock) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock

    def list_notifications(self, actor: Actor, filters: NotificationFilters,
                           page: PageRequest) -> Page[NotificationView]:
        check_ordering(filters.ordering, NOTIFICATION_ORDERING_FIELDS)
        kinds = {kind.value for kind in NotificationType}
        if filters.notification_type is not None and filters.notification_type not in kinds:
            errors = FieldErrors()
            errors.add("notification_type", "Choose one of: " + ", ".join(sorted(kinds)) + ".")
            errors.raise_if_any()
        return self._queries.list_notifications(actor.id, filters, page)

    def get_notification(self, actor: Actor, notification_id: int) -> NotificationView:
        """Only the owner sees a notification; to anyone else it does not exist."""
        view = self._queries.get_notification(notification_id)
        if view.user_id != actor.id:
            raise NotFound("Notification not found.")
        return view

    def mark_read(self, actor: Actor, notification_id: int) -> NotificationView:
        with self._uow() as uow:
            note = uow.notifications.get(notification_id)
            if note.user_id != actor.id:
                raise NotFound("Notification not found.")
            if note.mark_read():
                uow.notifications.save(note)
                uow.commit()
        return self.get_notification(actor, notification_id)

    def mark_all_read(self, actor: Actor) -> int:
        with self._uow() as uow:
            count = uow.notifications.mark_all_read(actor.id)
            uow.commit()
        return count

    def unread_count(self, actor: Actor) -> int:
        return self._queries.unread_notifications(actor.id)
