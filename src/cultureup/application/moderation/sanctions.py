"""Suspensions, bans, warnings and their appeals.

Rules: `domain/accounts/roles.py` decides who may act (`Permission.SUSPEND_USERS` to suspend,
ban and lift; `Permission.HANDLE_REPORTS` to read and decide appeals) and on whom
(`may_act_on`: nobody on themselves, a role only on accounts it outranks, so a moderator
never on staff); `domain/moderation/actions.py` holds the records, the appeal window and
who may decide an appeal. Every action writes its audit entry and tells the user, with the
reason, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from cultureup.application.audit import record
from cultureup.application.moderation.sanction_ports import ContentRemoval, ModerationQueries
from cultureup.application.moderation.views import ActionView, SanctionResult
from cultureup.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest
from cultureup.domain.accounts.roles import Permission, may_act_on, may_undo, require
from cultureup.domain.accounts.users import Actor, User
from cultureup.domain.audit import AuditAction
from cultureup.domain.collaboration.notifications import TITLES, Notification, NotificationType
from cultureup.domain.errors import FieldErrors, InvalidState, NotFound, PermissionDenied
from cultureup.domain.moderation.actions import (
    ActionKind,
    AppealStatus,
    Decision,
    ModerationAction,
    Restriction,
    check_duration,
    check_reason,
    restriction_of,
)

AUDIT = {
    ActionKind.SUSPENSION: AuditAction.USER_SUSPENDED,
    ActionKind.UNSUSPENSION: AuditAction.USER_UNSUSPENDED,
    ActionKind.BAN: AuditAction.USER_BANNED,
    ActionKind.UNBAN: AuditAction.USER_UNBANNED,
    ActionKind.WARNING: AuditAction.USER_WARNED,
}


def restriction_for(uow: UnitOfWork, user_id: int, now: datetime) -> Restriction | None:
    """The suspension or ban in force on the account at `now`, if any."""
    return restriction_of(uow.moderation_actions.unreversed_restrictions(user_id), now)


def tell(uow: UnitOfWork, user_id: int, message: str, now: datetime) -> None:
    """A moderation notification to the user, in the caller's transaction."""
    uow.notifications.add(Notification(
        user_id=user_id, notification_type=NotificationType.MODERATION,
        title=TITLES[NotificationType.MODERATION], message=message, created_at=now))


def _message(action: ModerationAction) -> str:
    reason = action.reason
    match action.kind:
        case ActionKind.SUSPENSION if action.until is not None:
            return (f"Your account is suspended until {action.until:%Y-%m-%d %H:%M} UTC. "
                    f"Reason: {reason}. You may appeal within 20 days.")
        case ActionKind.SUSPENSION:
            return f"Your account is suspended. Reason: {reason}. You may appeal within 20 days."
        case ActionKind.BAN:
            return f"Your account is banned. Reason: {reason}. You may appeal within 20 days."
        case ActionKind.WARNING:
            return f"You have received a warning. Reason: {reason}."
        case ActionKind.CONTENT_REMOVAL:
            return (f"Your {action.target_type} #{action.target_id} was removed. "
                    f"Reason: {reason}. You may appeal within 20 days.")
        case ActionKind.UNSUSPENSION:
            return f"Your suspension was lifted. Reason: {reason}."
        case _:
            return f"Your ban was lifted. Reason: {reason}."


def ensure_may_undo(uow: UnitOfWork, actor: Actor, action: ModerationAction) -> None:
    """PermissionDenied unless `may_undo`: the actor's rank is at least that of the staff
    member who took `action`."""
    try:
        acted_by: Actor | None = uow.users.get(action.moderator_id).as_actor()
    except NotFound:
        acted_by = None
    if not may_undo(actor, acted_by):
        raise PermissionDenied(f"This {action.kind.value} was taken by a higher role than "
                               "yours; only that role or a higher one may undo it or decide "
                               "an appeal against it.")


def impose(uow: UnitOfWork, actor: Actor, kind: ActionKind, target: User, *, reason: str,
           now: datetime, duration_days: int | None = None, report_id: int | None = None,
           target_type: str = "user", target_id: int | None = None,
           ip: str | None = None) -> ModerationAction:
    """Record a sanction (or a lifting) on `target` inside the caller's transaction: checks
    the rules, reverses what a lifting lifts, writes the audit entry and tells the user."""
    assert target.id is not None
    if kind is not ActionKind.CONTENT_REMOVAL:
        require(actor, Permission.SUSPEND_USERS if kind is not ActionKind.WARNING
                else Permission.HANDLE_REPORTS)
        if not may_act_on(actor, target.as_actor()):
            raise PermissionDenied("You may not act on this account: nobody acts on their "
                                   "own account, and only a higher role acts on staff.")
    action = ModerationAction.record(kind=kind, user_id=target.id, moderator=actor,
                                     reason=reason, now=now, duration_days=duration_days,
                                     report_id=report_id, target_type=target_type,
                                     target_id=target_id)
    if kind in (ActionKind.SUSPENSION, ActionKind.BAN, ActionKind.UNSUSPENSION,
                ActionKind.UNBAN):
        # The account's row is locked for the transaction, so that two moderators acting on
        # it at once (two reports, or the admin and a report) take turns: the second sees
        # the first one's ban (409) instead of adding a second one.
        uow.users.get_many([target.id])
    unreversed = uow.moderation_actions.unreversed_restrictions(target.id)
    live = [each for each in unreversed if each.in_force(now)]
    banned = any(each.kind is ActionKind.BAN for each in live)
    lifted: list[ModerationAction] = []
    match kind:
        case ActionKind.SUSPENSION | ActionKind.BAN if banned:
            raise InvalidState("This account is already banned.")
        case ActionKind.SUSPENSION:
            # A new suspension replaces the one in force.
            lifted = [each for each in live if each.kind is ActionKind.SUSPENSION]
        case ActionKind.UNSUSPENSION:
            lifted = [each for each in live if each.kind is ActionKind.SUSPENSION]
            if not lifted:
                raise InvalidState("This account is not suspended.")
        case ActionKind.UNBAN:
            lifted = [each for each in live if each.kind is ActionKind.BAN]
            if not lifted:
                raise InvalidState("This account is not banned.")
    for each in lifted:
        ensure_may_undo(uow, actor, each)
        each.reverse(by=actor, now=now)
        uow.moderation_actions.save(each)
    uow.moderation_actions.add(action)
    if kind in AUDIT:
        record(uow, now=now, action=AUDIT[kind], actor_id=actor.id,
               actor_username=actor.username, target_type="user", target_id=target.id,
               ip_address=ip, reason=action.reason, duration_days=duration_days,
               until=action.until.isoformat() if action.until else None,
               report_id=report_id, moderation_action_id=action.id)
    if kind is not ActionKind.CONTENT_REMOVAL:  # the content use case tells the owner
        tell(uow, target.id, _message(action), now)
    return action


class SanctionService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: ModerationQueries, clock: Clock,
                 content: ContentRemoval | None = None) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock
        self.content = content

    def _act(self, actor: Actor, user_id: int, kind: ActionKind, reason: str | None, *,
             duration_days: int | None = None, ip: str | None = None) -> SanctionResult:
        errors = FieldErrors()
        check_reason(reason, errors)
        if kind is ActionKind.SUSPENSION:
            check_duration(duration_days, errors)
        require(actor, Permission.SUSPEND_USERS)
        errors.raise_if_any()
        assert reason is not None
        now = self._clock.now()
        with self._uow() as uow:
            target = uow.users.get(user_id)
            action = impose(uow, actor, kind, target, reason=reason, now=now,
                            duration_days=duration_days, ip=ip)
            restriction = restriction_for(uow, user_id, now)
            uow.commit()
        return SanctionResult(user_id=user_id, username=target.username,
                              is_active=target.is_active and restriction is None,
                              action=action, restriction=restriction)

    def suspend(self, actor: Actor, user_id: int, *, reason: str | None,
                duration_days: int | None = None, ip: str | None = None) -> SanctionResult:
        """Suspend an account for `duration_days` whole days from now (None: until lifted).

        While suspended, the account's tokens and login are refused with 403 carrying the
        reason and the end; at `until` the suspension is over by itself (the check compares
        with the clock). A new suspension replaces the one in force. Errors: ValidationFailed
        (reason missing or blank, duration not 1-3650), PermissionDenied (no SUSPEND_USERS,
        or `may_act_on` refuses: oneself, staff for a moderator), NotFound (no such user),
        InvalidState (the account is banned)."""
        return self._act(actor, user_id, ActionKind.SUSPENSION, reason,
                         duration_days=duration_days, ip=ip)

    def ban(self, actor: Actor, user_id: int, *, reason: str | None,
            ip: str | None = None) -> SanctionResult:
        """Ban an account until an unban (or an approved appeal). Errors as `suspend`;
        InvalidState when already banned."""
        return self._act(actor, user_id, ActionKind.BAN, reason, ip=ip)

    def unsuspend(self, actor: Actor, user_id: int, *, reason: str | None,
                  ip: str | None = None) -> SanctionResult:
        """Lift the suspension in force early; InvalidState when there is none."""
        return self._act(actor, user_id, ActionKind.UNSUSPENSION, reason, ip=ip)

    def unban(self, actor: Actor, user_id: int, *, reason: str | None,
              ip: str | None = None) -> SanctionResult:
        """Lift the ban; InvalidState when the account is not banned."""
        return self._act(actor, user_id, ActionKind.UNBAN, reason, ip=ip)

    # -- the affected user ----------------------------------------------------------------

    def my_actions(self, actor: Actor, page: PageRequest) -> Page[ActionView]:
        """The caller's own moderation actions, newest first (open to a restricted account)."""
        return self._queries.list_actions(actor.id, page)

    def appeal(self, actor: Actor, action_id: int, *, reason: str | None,
               ip: str | None = None) -> ActionView:
        """Appeal one of one's own sanctions, once, within 20 days of it (domain rule).
        Errors: NotFound (not the caller's action), ValidationFailed (reason), InvalidState
        (not appealable, already appealed, lifted, too late)."""
        errors = FieldErrors()
        check_reason(reason, errors)
        errors.raise_if_any()
        assert reason is not None
        now = self._clock.now()
        with self._uow() as uow:
            action = uow.moderation_actions.get(action_id)
            if action.user_id != actor.id:
                raise NotFound("Moderation action not found.")
            action.appeal(by=actor, reason=reason, now=now)
            uow.moderation_actions.save(action)
            record(uow, now=now, action=AuditAction.APPEAL_FILED, actor_id=actor.id,
                   actor_username=actor.username, target_type="moderation_action",
                   target_id=action_id, ip_address=ip, reason=action.appeal_reason)
            uow.commit()
        return self._queries.get_action(action_id)

    # -- staff ----------------------------------------------------------------------------

    def list_appeals(self, actor: Actor, status: str | None,
                     page: PageRequest) -> Page[ActionView]:
        """Appeals (HANDLE_REPORTS), oldest first; `status` pending, approved or rejected."""
        require(actor, Permission.HANDLE_REPORTS)
        chosen = None
        if status is not None:
            try:
                chosen = AppealStatus(status)
            except ValueError:
                errors = FieldErrors()
                errors.add("status", "Choose one of: "
                           + ", ".join(s.value for s in AppealStatus) + ".")
                errors.raise_if_any()
        return self._queries.list_appeals(chosen, page)

    def decide_appeal(self, actor: Actor, action_id: int, *, decision: str,
                      reason: str | None, ip: str | None = None) -> ActionView:
        """Approve or reject a pending appeal (HANDLE_REPORTS; never the moderator who acted:
        PermissionDenied). Approval reverses the action: lifts the suspension or ban, or
        restores the removed content through the content use case. The user is told the
        decision and its reason. Errors: NotFound, ValidationFailed, InvalidState (no
        pending appeal), PermissionDenied (the one who acted, the affected user, or a rank
        below that of the staff member who acted: `may_undo`)."""
        require(actor, Permission.HANDLE_REPORTS)
        errors = FieldErrors()
        check_reason(reason, errors)
        if decision not in {d.value for d in Decision}:
            errors.add("decision", "Choose one of: approve, reject.")
        errors.raise_if_any()
        assert reason is not None
        now = self._clock.now()
        with self._uow() as uow:
            action = uow.moderation_actions.get(action_id)
            if action.appealed_at is None:
                raise NotFound("Appeal not found.")
            ensure_may_undo(uow, actor, action)
            action.decide_appeal(by=actor, decision=Decision(decision), reason=reason, now=now)
            uow.moderation_actions.save(action)
            approved = action.appeal_status is AppealStatus.APPROVED
            record(uow, now=now, action=AuditAction.APPEAL_DECIDED, actor_id=actor.id,
                   actor_username=actor.username, target_type="moderation_action",
                   target_id=action_id, ip_address=ip, decision=decision, reason=reason,
                   user_id=action.user_id, reversed=approved)
            outcome = "approved; the action was reversed" if approved else "rejected"
            tell(uow, action.user_id, f"Your appeal against the {action.kind.value} was "
                 f"{outcome}. Reason: {reason.strip()}.", now)
            if approved and action.kind is ActionKind.CONTENT_REMOVAL:
                # The content use case restores it in this transaction (its audit entry,
                # the owner's notice).
                if self.content is None:
                    raise InvalidState("Content cannot be restored here: no content "
                                       "moderation is configured.")
                self.content.restore_within(uow, actor, action.target_type, action.target_id,
                                            reason, report_id=action.report_id, ip=ip)
            uow.commit()
        return self._queries.get_action(action_id)
