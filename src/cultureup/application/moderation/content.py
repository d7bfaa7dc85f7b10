"""Content removal: moderators take a listing down with a reason and put it back.

Source of the rule: the admin-panel document (Admin Content Management) and the platform's
moderation principles (docs/decisions.md, "Content removal"): every removal carries a reason
the owner is told, is recorded (who, when, why) and audited in the same transaction, and can be
reversed. The public stops seeing a removed listing everywhere (the read models filter it);
its owner and staff still see it.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from cultureup.application.audit import record
from cultureup.application.catalog.artwork_images import ArtworkImages
from cultureup.application.collaboration.ports import Notifier
from cultureup.application.moderation.ports import ContentFilters, ContentQueries, ContentRow
from cultureup.application.moderation.sanctions import ensure_may_undo
from cultureup.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest, UserRef
from cultureup.domain.accounts.roles import Permission, require
from cultureup.domain.accounts.users import Actor
from cultureup.domain.audit import AuditAction
from cultureup.domain.collaboration.notifications import (
    TITLES,
    Notification,
    NotificationType,
)
from cultureup.domain.errors import InvalidState, NotFound
from cultureup.domain.moderation.actions import ActionKind, ModerationAction
from cultureup.domain.moderation.content import (
    ContentItem,
    ContentType,
    Removal,
    check_reason,
    parse_content_type,
)


@attrs.frozen(kw_only=True)
class ContentModeration:
    """What a removal or restoration did, as the admin panel shows it."""

    content_type: ContentType
    id: int
    title: str
    removed: bool
    removal_reason: str | None
    removed_by: UserRef | None
    removed_at: datetime | None
    # The moderator's reason for this action (the removal's, or the restoration's).
    reason: str
    acted_by: UserRef
    acted_at: datetime


class ModerationContentService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: ContentQueries, clock: Clock,
                 notifier: Notifier, artwork_images: ArtworkImages | None = None) -> None:
        """`artwork_images` withdraws a removed artwork's public image and publishes it
        again on restoration, after the commit (None: files are left alone)."""
        self._uow, self._queries, self._clock, self._notifier = uow, queries, clock, notifier
        self._artwork_images = artwork_images

    def list_content(self, actor: Actor, filters: ContentFilters,
                     page: PageRequest) -> Page[ContentRow]:
        """Every artwork, job and equipment item, removed ones included, newest first
        (Permission.MODERATE_CONTENT)."""
        require(actor, Permission.MODERATE_CONTENT)
        return self._queries.list_content(filters, page)

    def remove(self, actor: Actor, content_type: str | ContentType, object_id: int,
               reason: str | None, *, report_id: int | None = None,
               ip: str | None = None) -> ContentModeration:
        """Take a listing down (Permission.MODERATE_CONTENT).

        `content_type`: "artwork", "job" or "equipment" (or the admin-panel document's
        "product", "service", "property"); `reason`: required, told to the owner. Errors:
        ValidationFailed (400) for an unknown type or a missing reason, NotFound (404) for
        an unknown id, InvalidState (409) when it is removed already, PermissionDenied (403).
        `report_id` links the audit entry to the report that led to it."""
        kind, reason = self._check(actor, content_type, reason)
        with self._uow() as uow:
            result = self.remove_within(uow, actor, kind, object_id, reason,
                                        report_id=report_id, ip=ip)
            uow.commit()
        return result

    def restore(self, actor: Actor, content_type: str | ContentType, object_id: int,
                reason: str | None, *, report_id: int | None = None,
                ip: str | None = None) -> ContentModeration:
        """Put a removed listing back; the same inputs and errors as `remove` (409 when it
        is not removed)."""
        kind, reason = self._check(actor, content_type, reason)
        with self._uow() as uow:
            result = self.restore_within(uow, actor, kind, object_id, reason,
                                         report_id=report_id, ip=ip)
            uow.commit()
        return result

    # -- inside a caller's unit of work (report resolution, appeals) -------------------------

    def remove_within(self, uow: UnitOfWork, actor: Actor, content_type: str | ContentType,
                      object_id: int, reason: str | None, *, report_id: int | None = None,
                      ip: str | None = None) -> ContentModeration:
        """`remove` as a step of the caller's transaction (the caller commits)."""
        kind, reason = self._check(actor, content_type, reason)
        now = self._clock.now()
        item = self._find(uow, kind, object_id)
        item.ensure_removable()
        removal = Removal(reason=reason, removed_by_id=actor.id, removed_at=now)
        if not uow.content.mark_removed(item, removal):
            raise InvalidState(f"This {kind.value} is already removed.")
        self._files_follow(uow, kind, object_id)
        action = self._record_action(uow, actor, ActionKind.CONTENT_REMOVAL, item, reason,
                                     now=now, report_id=report_id)
        record(uow, now=now, action=AuditAction.CONTENT_REMOVED, actor_id=actor.id,
               actor_username=actor.username, target_type=kind.value, target_id=object_id,
               ip_address=ip, reason=reason, report_id=report_id, title=item.title,
               moderation_action_id=action.id if action else None)
        self._tell_owner(uow, item, NotificationType.CONTENT_REMOVED,
                         f"Your {_noun(kind)} '{item.title}' was removed by a moderator. "
                         f"Reason: {reason}", now)
        me = UserRef(id=actor.id, username=actor.username)
        return ContentModeration(content_type=kind, id=object_id, title=item.title,
                                 removed=True, removal_reason=reason, removed_by=me,
                                 removed_at=now, reason=reason, acted_by=me, acted_at=now)

    def restore_within(self, uow: UnitOfWork, actor: Actor, content_type: str | ContentType,
                       object_id: int, reason: str | None, *, report_id: int | None = None,
                       ip: str | None = None) -> ContentModeration:
        """`restore` as a step of the caller's transaction (the caller commits)."""
        kind, reason = self._check(actor, content_type, reason)
        now = self._clock.now()
        item = self._find(uow, kind, object_id)
        item.ensure_restorable()
        removal_action = None
        if item.owner_id is not None:
            removal_action = uow.moderation_actions.unreversed_removal(
                item.owner_id, kind.value, object_id)
        if removal_action is not None:
            ensure_may_undo(uow, actor, removal_action)
        if not uow.content.clear_removal(item, now=now):
            raise InvalidState(f"This {kind.value} is not removed.")
        self._files_follow(uow, kind, object_id)
        assert item.removal is not None
        if removal_action is not None:
            removal_action.reverse(by=actor, now=now)
            uow.moderation_actions.save(removal_action)
        action = self._record_action(uow, actor, ActionKind.CONTENT_RESTORATION, item, reason,
                                     now=now, report_id=report_id)
        record(uow, now=now, action=AuditAction.CONTENT_RESTORED, actor_id=actor.id,
               actor_username=actor.username, target_type=kind.value, target_id=object_id,
               ip_address=ip, reason=reason, report_id=report_id, title=item.title,
               removal_reason=item.removal.reason,
               moderation_action_id=action.id if action else None)
        self._tell_owner(uow, item, NotificationType.CONTENT_RESTORED,
                         f"Your {_noun(kind)} '{item.title}' was restored by a moderator. "
                         f"Reason: {reason}", now)
        me = UserRef(id=actor.id, username=actor.username)
        return ContentModeration(content_type=kind, id=object_id, title=item.title,
                                 removed=False, removal_reason=None, removed_by=None,
                                 removed_at=None, reason=reason, acted_by=me, acted_at=now)

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _record_action(uow: UnitOfWork, actor: Actor, kind: ActionKind, item: ContentItem,
                       reason: str, *, now: datetime, report_id: int | None
                       ) -> ModerationAction | None:
        """The moderation action on the listing's owner, which they read and may appeal (a
        removal; a restoration is a lifting, recorded only). Equipment is the platform's own
        stock, with no user to read or appeal it: none (the audit entry records it)."""
        if item.owner_id is None:
            return None
        action = ModerationAction.record(kind=kind, user_id=item.owner_id, moderator=actor,
                                         reason=reason, now=now, report_id=report_id,
                                         target_type=item.content_type.value,
                                         target_id=item.id)
        uow.moderation_actions.add(action)
        return action

    def _files_follow(self, uow: UnitOfWork, kind: ContentType, object_id: int) -> None:
        # An artwork's public image follows its visibility once the change is committed
        # (artwork_images); jobs have no files, and equipment has no uploaded pictures.
        if kind is ContentType.ARTWORK and self._artwork_images is not None:
            self._artwork_images.sync_after_commit(uow, object_id)

    @staticmethod
    def _check(actor: Actor, content_type: str | ContentType,
               reason: str | None) -> tuple[ContentType, str]:
        require(actor, Permission.MODERATE_CONTENT)
        kind = content_type if isinstance(content_type, ContentType) \
            else parse_content_type(content_type)
        return kind, check_reason(reason)

    @staticmethod
    def _find(uow: UnitOfWork, kind: ContentType, object_id: int) -> ContentItem:
        item = uow.content.find(kind, object_id)
        if item is None:
            raise NotFound(f"No {kind.value} has id {object_id}.")
        return item

    def _tell_owner(self, uow: UnitOfWork, item: ContentItem, kind: NotificationType,
                    message: str, now: datetime) -> None:
        if item.owner_id is None:
            return
        self._notifier.notify(uow, [Notification(
            user_id=item.owner_id, notification_type=kind, title=TITLES[kind],
            message=message, created_at=now)])


def _noun(kind: ContentType) -> str:
    return {ContentType.ARTWORK: "artwork", ContentType.JOB: "job",
            ContentType.EQUIPMENT: "equipment listing"}[kind]


__all__ = ["ContentFilters", "ContentModeration", "ContentRow", "ModerationContentService"]
