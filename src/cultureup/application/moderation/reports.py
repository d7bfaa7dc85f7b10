"""Reports: filed by any signed-in user, worked by staff (Permission.HANDLE_REPORTS).

Filing checks that the target exists and that the reporter may see it (a message only by
its two parties; a rejected artwork by nobody but its artist), refuses reporting oneself or
one's own content, and allows one open report per reporter and target. Resolving with an
action performs it: `banned_user` bans the reported account (`sanctions.impose`, in the same
transaction as the report), `warned_user` records a warning, `removed_content` removes the
listing through the content use case, and `no_action` does nothing; each is audited and the
user is told the reason.
"""

from __future__ import annotations

from cultureup.application.audit import record
from cultureup.application.moderation.sanction_ports import ContentRemoval, ModerationQueries
from cultureup.application.moderation.sanctions import impose
from cultureup.application.moderation.views import ReportFilters, ReportView
from cultureup.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest
from cultureup.domain.accounts.roles import Permission, may_act_on, require
from cultureup.domain.accounts.users import Actor
from cultureup.domain.audit import AuditAction
from cultureup.domain.catalog.artworks import is_public
from cultureup.domain.errors import (
    FieldErrors,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cultureup.domain.moderation.actions import ActionKind
from cultureup.domain.moderation.content import ContentType as ContentKind
from cultureup.domain.moderation.reports import (
    DESCRIPTION_MAX,
    FILTER_CHOICES,
    REPORTABLE,
    ContentType,
    Report,
    ReportAction,
    ReportReason,
    ReportStatus,
    content_type_of,
)

LISTINGS = (ContentType.ARTWORK, ContentType.JOB, ContentType.EQUIPMENT)


def _removed(uow: UnitOfWork, kind: ContentType, object_id: int) -> bool:
    """Whether a moderator removed the listing (moderation keeps the removal)."""
    item = uow.content.find(ContentKind(kind.value), object_id)
    return item is not None and item.removed


def _choice(errors: FieldErrors, field: str, value: str, choices: tuple[str, ...] | list[str]
            ) -> None:
    errors.add(field, f'"{value}" is not a valid choice. Choose one of: '
               + ", ".join(choices) + ".")


class ReportService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: ModerationQueries, clock: Clock,
                 content: ContentRemoval | None = None) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock
        self.content = content

    def file(self, actor: Actor, *, content_type: str, object_id: int, reason: str,
             description: str = "", ip: str | None = None) -> ReportView:
        """Report a listing, message, review or account.

        `content_type`: artwork, job, message, review or user; `reason`: spam, plagiarism,
        offensive, scam, off_platform_payment or other; `description` up to 2000 characters.
        Errors (ValidationFailed, nothing stored): an unknown type or reason, a target that
        does not exist or is not visible to the reporter, one's own account or content, a
        second open report by the same reporter on the same target."""
        errors = FieldErrors()
        kinds = [kind.value for kind in REPORTABLE]
        if content_type not in kinds:
            _choice(errors, "content_type", content_type, kinds)
        if reason not in {r.value for r in ReportReason}:
            _choice(errors, "reason", reason, [r.value for r in ReportReason])
        if len(description) > DESCRIPTION_MAX:
            errors.add("description",
                       f"Ensure this field has no more than {DESCRIPTION_MAX} characters.")
        errors.raise_if_any()
        kind = ContentType(content_type)
        now = self._clock.now()
        with self._uow() as uow:
            owner_id, title = self._target(uow, actor, kind, object_id)
            if owner_id == actor.id:
                raise ValidationFailed({"object_id": [
                    "You cannot report yourself or your own content."]})
            if uow.reports.open_report(actor.id, kind, object_id) is not None:
                raise ValidationFailed({"object_id": [
                    "You already have an open report on this; it is being looked at."]})
            report = Report(reporter_id=actor.id, content_type=kind, object_id=object_id,
                            reported_user_id=owner_id, title=title[:200],
                            reason=ReportReason(reason), description=description.strip(),
                            created_at=now, updated_at=now)
            uow.reports.add(report)
            record(uow, now=now, action=AuditAction.REPORT_FILED, actor_id=actor.id,
                   actor_username=actor.username, target_type=kind.value,
                   target_id=object_id, ip_address=ip, reason=reason, report_id=report.id)
            uow.commit()
        assert report.id is not None
        return self._queries.get_report(report.id)

    @staticmethod
    def _target(uow: UnitOfWork, actor: Actor, kind: ContentType,
                object_id: int) -> tuple[int, str]:
        """(owner id, title) of a target the actor may see; ValidationFailed otherwise.

        A listing is seen as the public sees it (docs/decisions.md, "Reports"): one a
        moderator removed, and an artwork `is_public` hides (REJECTED, held for a duplicate
        review) that is not the reporter's own, answer as a missing id, so a report never
        tells that it exists nor its title."""
        missing = ValidationFailed({"object_id": [f"No {kind.value} with this id."]})
        try:
            match kind:
                case ContentType.ARTWORK:
                    artwork = uow.artworks.get(object_id)
                    if _removed(uow, kind, object_id) or (not is_public(
                            moderation_status=artwork.moderation_status,
                            duplicate_candidate_id=artwork.duplicate_candidate_id,
                            removed=False) and artwork.artist_id != actor.id):
                        raise missing
                    return artwork.artist_id, artwork.title
                case ContentType.JOB:
                    job = uow.jobs.get(object_id)
                    if _removed(uow, kind, object_id):
                        raise missing
                    return job.buyer_id, job.title
                case ContentType.MESSAGE:
                    message = uow.messages.get(object_id)
                    if actor.id == message.receiver_id:
                        return message.sender_id, message.content[:80]
                    if actor.id == message.sender_id:
                        return message.sender_id, message.content[:80]
                    raise missing
                case ContentType.REVIEW:
                    review = uow.reviews.get(object_id)
                    return review.reviewer_id, review.comment[:80]
                case ContentType.USER:
                    user = uow.users.get(object_id)
                    if not user.is_active:
                        raise missing
                    return object_id, user.username
                case _:  # equipment is the platform's own stock: not reportable
                    raise missing
        except NotFound:
            raise missing from None

    def my_reports(self, actor: Actor, page: PageRequest) -> Page[ReportView]:
        """The caller's own reports, newest first."""
        return self._queries.list_reports(ReportFilters(reporter_id=actor.id), page)

    def list_reports(self, actor: Actor, *, status: str | None = None,
                     content_type: str | None = None, group_by_target: bool = False,
                     page: PageRequest) -> Page[ReportView]:
        """The report queue (HANDLE_REPORTS), newest first, each row with the number of open
        reports on its target; `group_by_target` keeps one row (the newest) per target.
        `content_type` takes CultureUp's names or the admin-panel document's aliases
        (product: artwork, service: job, property: equipment)."""
        require(actor, Permission.HANDLE_REPORTS)
        errors = FieldErrors()
        if status is not None and status not in {s.value for s in ReportStatus}:
            _choice(errors, "status", status, [s.value for s in ReportStatus])
        if content_type is not None and content_type not in FILTER_CHOICES:
            _choice(errors, "content_type", content_type, list(FILTER_CHOICES))
        errors.raise_if_any()
        return self._queries.list_reports(ReportFilters(
            status=ReportStatus(status) if status else None,
            content_type=content_type_of(content_type) if content_type else None,
            group_by_target=group_by_target), page)

    def update(self, actor: Actor, report_id: int, *, status: str, action: str | None = None,
               reason: str | None = None, resolve_all: bool = False,
               ip: str | None = None) -> ReportView:
        """Change a report's status (HANDLE_REPORTS), and with status resolved perform
        `action` on the reported user or content, with `reason` (required for every action
        but no_action; the user is told it). `resolve_all` closes every open report on the
        same target the same way. Errors: NotFound, ValidationFailed (status, action,
        reason), InvalidState (the report is closed, or the account already banned),
        PermissionDenied (no permission, or `may_act_on` refuses the reported account: the
        actor themselves, or staff of the actor's rank or above; for every status and
        action)."""
        require(actor, Permission.HANDLE_REPORTS)
        errors = FieldErrors()
        if status not in {s.value for s in ReportStatus}:
            _choice(errors, "status", status, [s.value for s in ReportStatus])
        if action is not None and action not in {a.value for a in ReportAction}:
            _choice(errors, "action", action, [a.value for a in ReportAction])
        errors.raise_if_any()
        chosen = ReportAction(action) if action else None
        if chosen is ReportAction.BANNED_USER:
            require(actor, Permission.SUSPEND_USERS)
        if chosen is ReportAction.REMOVED_CONTENT:
            require(actor, Permission.MODERATE_CONTENT)
        now = self._clock.now()
        with self._uow() as uow:
            # With resolve_all every open report on the target is locked first, in id order
            # (the report itself among them), so that two resolve_all on one target queue
            # up instead of deadlocking; the loser finds its report closed (409).
            targeted = uow.reports.open_on_target_of(report_id) if resolve_all else []
            report = uow.reports.get(report_id)
            # Nobody resolves a report on themselves or their content, and a report on staff
            # only a higher role does, whatever the status or action (`may_act_on`, as for
            # suspending).
            if not may_act_on(actor, uow.users.get(report.reported_user_id).as_actor()):
                raise PermissionDenied("You may not handle this report: nobody handles a "
                                       "report on themselves or their content, and only a "
                                       "higher role handles one on staff.")
            others = [each for each in targeted if each.id != report.id]
            for each in (report, *others):
                each.review(status=ReportStatus(status), action=chosen, notes=reason,
                            by_id=actor.id, now=now)
                uow.reports.save(each)
                record(uow, now=now, action=AuditAction.REPORT_UPDATED, actor_id=actor.id,
                       actor_username=actor.username, target_type="report",
                       target_id=each.id, ip_address=ip, status=status, report_action=action,
                       reason=reason)
            if chosen is ReportAction.REMOVED_CONTENT and \
                    report.content_type not in LISTINGS:
                raise ValidationFailed({"action": [
                    "removed_content applies to a listing (artwork, job, equipment); "
                    "warn or ban the user instead."]})
            if chosen is ReportAction.REMOVED_CONTENT:
                if self.content is None:
                    raise InvalidState("Content removal is not available: no content "
                                       "moderation is configured.")
                self.content.remove_within(uow, actor, report.content_type.value,
                                           report.object_id, reason, report_id=report.id,
                                           ip=ip)
            if chosen in (ReportAction.BANNED_USER, ReportAction.WARNED_USER):
                # (A removal's moderation action is recorded by the content use case, as
                # for every removal.)
                assert reason is not None
                target = uow.users.get(report.reported_user_id)
                kind = {ReportAction.BANNED_USER: ActionKind.BAN,
                        ReportAction.WARNED_USER: ActionKind.WARNING}[chosen]
                impose(uow, actor, kind, target, reason=reason, now=now, report_id=report.id,
                       ip=ip)
            uow.commit()
        return self._queries.get_report(report_id)
