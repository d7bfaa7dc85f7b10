"""Moderation actions as records, the standing of an account they give, and appeals.

Every sanction (suspension, ban, warning, content removal) and every lifting of one is a
`ModerationAction`: who acted, on whom, what, why, for how long, because of which report. The
affected user reads their own actions and may appeal a sanction once, within
`APPEAL_WINDOW` of it; a moderator other than the one who acted decides the appeal, and an
approved appeal reverses the sanction.

Whether an account may be used is computed from its sanctions in force and the clock
(`restriction_of`): a suspension whose `until` has passed is simply no longer in force, so no
job lifts it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs

from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import FieldErrors, InvalidState, PermissionDenied

APPEAL_WINDOW = timedelta(days=20)
REASON_MAX = 1000
# Longer than any suspension anyone means; keeps `until` inside every database's range.
MAX_SUSPENSION_DAYS = 3650


class ActionKind(enum.StrEnum):
    SUSPENSION = "suspension"
    BAN = "ban"
    WARNING = "warning"
    CONTENT_REMOVAL = "content_removal"
    UNSUSPENSION = "unsuspension"
    UNBAN = "unban"
    CONTENT_RESTORATION = "content_restoration"


# The sanctions a user may appeal; liftings (unsuspension, unban, content restoration) are
# records only.
APPEALABLE = frozenset({ActionKind.SUSPENSION, ActionKind.BAN, ActionKind.WARNING,
                        ActionKind.CONTENT_REMOVAL})
RESTRICTING = frozenset({ActionKind.SUSPENSION, ActionKind.BAN})


class AppealStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Decision(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


def check_reason(reason: str | None, errors: FieldErrors, field: str = "reason") -> None:
    """A reason is required, not blank, at most REASON_MAX characters."""
    if reason is None:
        errors.add(field, "This field is required.")
    else:
        errors.check_text(field, reason, max_length=REASON_MAX)


def check_duration(duration_days: int | None, errors: FieldErrors) -> None:
    """None means indefinite; otherwise a whole number of days, 1 to MAX_SUSPENSION_DAYS."""
    if duration_days is not None and not 1 <= duration_days <= MAX_SUSPENSION_DAYS:
        errors.add("duration_days", "Ensure this value is a whole number of days between 1 "
                   f"and {MAX_SUSPENSION_DAYS} (leave it out for an indefinite suspension).")


@attrs.define(eq=False, kw_only=True)
class ModerationAction:
    id: int | None = None
    kind: ActionKind
    user_id: int  # the affected account
    moderator_id: int
    moderator_username: str
    reason: str
    target_type: str = "user"  # user, artwork, job, equipment, message, review
    target_id: int
    duration_days: int | None = None
    until: datetime | None = None  # the end of a suspension; None: indefinite
    report_id: int | None = None
    created_at: datetime
    reversed_at: datetime | None = None
    reversed_by_id: int | None = None
    # The appeal, at most one per action.
    appeal_reason: str | None = None
    appealed_at: datetime | None = None
    appeal_status: AppealStatus | None = None
    appeal_decided_by_id: int | None = None
    appeal_decision_reason: str | None = None
    appeal_decided_at: datetime | None = None

    @classmethod
    def record(cls, *, kind: ActionKind, user_id: int, moderator: Actor, reason: str,
               now: datetime, target_type: str = "user", target_id: int | None = None,
               duration_days: int | None = None, report_id: int | None = None
               ) -> ModerationAction:
        """A new action; `reason` and `duration_days` are checked here (ValidationFailed)."""
        errors = FieldErrors()
        check_reason(reason, errors)
        if kind is ActionKind.SUSPENSION:
            check_duration(duration_days, errors)
        elif duration_days is not None:
            errors.add("duration_days", "Only a suspension has a duration.")
        errors.raise_if_any()
        until = now + timedelta(days=duration_days) if duration_days else None
        return cls(kind=kind, user_id=user_id, moderator_id=moderator.id,
                   moderator_username=moderator.username, reason=reason.strip(),
                   target_type=target_type,
                   target_id=user_id if target_id is None else target_id,
                   duration_days=duration_days, until=until, report_id=report_id,
                   created_at=now)

    def in_force(self, now: datetime) -> bool:
        """A suspension or ban that is not reversed and (a suspension) not yet over."""
        if self.kind not in RESTRICTING or self.reversed_at is not None:
            return False
        return self.until is None or now < self.until

    def reverse(self, *, by: Actor, now: datetime) -> None:
        self.reversed_at, self.reversed_by_id = now, by.id

    def appeal(self, *, by: Actor, reason: str, now: datetime) -> None:
        """The affected user appeals, once, within APPEAL_WINDOW of the action."""
        if by.id != self.user_id:
            raise PermissionDenied("Only the user an action was taken against may appeal it.")
        errors = FieldErrors()
        check_reason(reason, errors)
        errors.raise_if_any()
        if self.kind not in APPEALABLE:
            raise InvalidState("Only a suspension, ban, warning or content removal can be "
                               "appealed.")
        if self.appealed_at is not None:
            raise InvalidState("This action has already been appealed; an action can be "
                               "appealed once.")
        if self.reversed_at is not None:
            raise InvalidState("This action has already been lifted.")
        if now > self.created_at + APPEAL_WINDOW:
            raise InvalidState(f"The appeal window of {APPEAL_WINDOW.days} days after the "
                               "action has passed.")
        self.appeal_reason, self.appealed_at = reason.strip(), now
        self.appeal_status = AppealStatus.PENDING

    def decide_appeal(self, *, by: Actor, decision: Decision, reason: str,
                      now: datetime) -> None:
        """A moderator other than the one who acted approves (reversing the action) or
        rejects a pending appeal."""
        if by.id == self.moderator_id:
            raise PermissionDenied("An appeal must be decided by a moderator other than the "
                                   "one who took the action.")
        if by.id == self.user_id:
            raise PermissionDenied("Nobody decides an appeal against an action on their own "
                                   "account.")
        errors = FieldErrors()
        check_reason(reason, errors)
        errors.raise_if_any()
        if self.appeal_status is not AppealStatus.PENDING:
            raise InvalidState("This appeal has already been decided.")
        approved = decision is Decision.APPROVE
        self.appeal_status = AppealStatus.APPROVED if approved else AppealStatus.REJECTED
        self.appeal_decided_by_id, self.appeal_decided_at = by.id, now
        self.appeal_decision_reason = reason.strip()
        if approved and self.reversed_at is None:
            self.reverse(by=by, now=now)


@attrs.frozen(kw_only=True)
class Restriction:
    """Why an account may not be used now: banned, or suspended until `until` (None:
    indefinitely)."""

    banned: bool
    reason: str
    until: datetime | None


def restriction_of(actions: Iterable[ModerationAction], now: datetime) -> Restriction | None:
    """The restriction the account's actions in force give at `now`, or None. A ban wins over
    a suspension; of several suspensions the one ending last (an indefinite one first)."""
    live = [action for action in actions if action.in_force(now)]
    bans = [action for action in live if action.kind is ActionKind.BAN]
    if bans:
        latest = max(bans, key=lambda action: action.created_at)
        return Restriction(banned=True, reason=latest.reason, until=None)
    if not live:
        return None
    longest = max(live, key=lambda action: (action.until is None, action.until or now))
    return Restriction(banned=False, reason=longest.reason, until=longest.until)


class AccountRestricted(PermissionDenied):
    """The account is suspended or banned: its tokens are refused with this (403), and
    login answers it too. `actor` is who the token belongs to, so that the few routes open
    to a restricted account (their moderation actions, appeals, logout) can serve them."""

    def __init__(self, restriction: Restriction, *, actor: Actor | None = None,
                 token: str | None = None) -> None:
        until = restriction.until
        if restriction.banned:
            message = f"This account is banned: {restriction.reason}"
        elif until is None:
            message = f"This account is suspended: {restriction.reason}"
        else:
            message = (f"This account is suspended until {until:%Y-%m-%dT%H:%M:%SZ}: "
                       f"{restriction.reason}")
        super().__init__(message)
        self.restriction, self.actor, self.token = restriction, actor, token
