"""Notifier adapters. The database one writes through the caller's unit of work, so a
notification commits or rolls back with the change that caused it. E-mail or push adapters
would implement the same port (and may add an outbox row here for sending after commit)."""

from __future__ import annotations

from collections.abc import Sequence

from cultureup.application.ports import UnitOfWork
from cultureup.domain.collaboration.notifications import Notification


class DatabaseNotifier:
    def notify(self, uow: UnitOfWork, notifications: Sequence[Notification]) -> None:
        for notification in notifications:
            uow.notifications.add(notification)
