"""/api/notifications/: the caller's own notifications."""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field

from cultureup.application.collaboration.notifications import NotificationService
from cultureup.application.collaboration.views import (
    NOTIFICATION_ORDERING_FIELDS,
    NotificationFilters,
)
from cultureup.domain.collaboration.notifications import NotificationType
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, endpoint
from cultureup.entrypoints.http.fields import Choice, Flag, Ordering, Timestamp
from cultureup.entrypoints.http.shapes import PageOf, Pagination

TAG = "Notifications"
KINDS = [kind.value for kind in NotificationType]
Kind = Choice(KINDS)
NotificationOrdering = Ordering(NOTIFICATION_ORDERING_FIELDS)


class NotificationQuery(Pagination):
    notification_type: Kind = None
    is_read: Flag = None
    ordering: NotificationOrdering = None

    def filters(self) -> NotificationFilters:
        return NotificationFilters(notification_type=self.notification_type,
                                   is_read=self.is_read, ordering=self.ordering)


class Notification(Answer):
    id: int
    notification_type: str = Field(json_schema_extra={"enum": KINDS})
    title: str
    message: str
    is_read: bool
    created_at: Timestamp

    @classmethod
    def of(cls, view: Any) -> Notification:
        return cls(id=view.id, notification_type=view.notification_type, title=view.title,
                   message=view.message, is_read=view.is_read, created_at=view.created_at)


class NotificationPage(PageOf[Notification]):
    pass


class MarkedRead(Answer):
    message: str
    notification_id: int
    is_read: bool


class AllMarkedRead(Answer):
    message: str
    count: int


class UnreadCount(Answer):
    unread_count: int


class NotificationListResource:
    def __init__(self, notifications: NotificationService) -> None:
        self._notifications = notifications

    @endpoint("The caller's own notifications", TAG, auth=True, query=NotificationQuery,
              response=NotificationPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: NotificationQuery
               ) -> NotificationPage:
        page = self._notifications.list_notifications(require_actor(req), query.filters(),
                                                      query.page_request())
        return NotificationPage.of(req, page, Notification.of)


class NotificationResource:
    def __init__(self, notifications: NotificationService) -> None:
        self._notifications = notifications

    @endpoint("One of the caller's notifications", TAG, auth=True, response=Notification)
    def on_get(self, req: falcon.Request, resp: falcon.Response, notification_id: int
               ) -> Notification:
        return Notification.of(self._notifications.get_notification(require_actor(req),
                                                                    notification_id))


class MarkReadResource:
    def __init__(self, notifications: NotificationService) -> None:
        self._notifications = notifications

    @endpoint("Mark one of the caller's notifications read", TAG, auth=True,
              response=MarkedRead)
    def on_post(self, req: falcon.Request, resp: falcon.Response, notification_id: int
                ) -> MarkedRead:
        view = self._notifications.mark_read(require_actor(req), notification_id)
        return MarkedRead(message="Notification marked as read", notification_id=view.id,
                          is_read=view.is_read)


class MarkAllReadResource:
    def __init__(self, notifications: NotificationService) -> None:
        self._notifications = notifications

    @endpoint("Mark all the caller's notifications read", TAG, auth=True,
              response=AllMarkedRead)
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> AllMarkedRead:
        count = self._notifications.mark_all_read(require_actor(req))
        return AllMarkedRead(message="All notifications marked as read", count=count)


class UnreadCountResource:
    def __init__(self, notifications: NotificationService) -> None:
        self._notifications = notifications

    @endpoint("How many of the caller's notifications are unread", TAG, auth=True,
              response=UnreadCount)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> UnreadCount:
        return UnreadCount(unread_count=self._notifications.unread_count(require_actor(req)))
