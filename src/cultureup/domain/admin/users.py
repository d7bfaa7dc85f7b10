"""What staff do to user accounts: verify, activate, deactivate, grant and remove roles.

The permission each action needs comes from the role table (``domain/accounts/roles.py``);
this module adds whom it may target and what it changes. Source: the spec's "User Management"
(admin API) and the roles table of the API conventions; choices in docs/decisions.md
("Admin: users").
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from cultureup.domain.accounts.roles import (
    Permission,
    Role,
    can,
    may_act_on,
    may_grant,
    require,
    role_of,
)
from cultureup.domain.accounts.users import Actor, StaffRole, User
from cultureup.domain.admin.bulk import bulk_ids_error, distinct_ids
from cultureup.domain.audit import AuditAction
from cultureup.domain.errors import InvalidAction, PermissionDenied, ValidationFailed

REASON_MAX = 500


class UserAction(enum.StrEnum):
    VERIFY = "verify"
    UNVERIFY = "unverify"
    ACTIVATE = "activate"
    DEACTIVATE = "deactivate"
    MAKE_STAFF = "make_staff"
    REMOVE_STAFF = "remove_staff"


USER_ACTIONS = tuple(action.value for action in UserAction)

PERMISSION_OF: dict[UserAction, Permission] = {
    UserAction.VERIFY: Permission.VERIFY_USERS,
    UserAction.UNVERIFY: Permission.VERIFY_USERS,
    UserAction.ACTIVATE: Permission.ACTIVATE_USERS,
    UserAction.DEACTIVATE: Permission.ACTIVATE_USERS,
    # Granting: GRANT_MODERATOR at least; `may_grant` then decides which role (staff and admin
    # need GRANT_STAFF, the superuser's).
    UserAction.MAKE_STAFF: Permission.GRANT_MODERATOR,
    UserAction.REMOVE_STAFF: Permission.GRANT_MODERATOR,
}

# The audit-log action of each (strings, as AuditAction keeps them).
AUDIT_ACTION_OF: dict[UserAction, str] = {
    UserAction.VERIFY: AuditAction.USER_VERIFIED,
    UserAction.UNVERIFY: AuditAction.USER_UNVERIFIED,
    UserAction.ACTIVATE: AuditAction.USER_ACTIVATED,
    UserAction.DEACTIVATE: AuditAction.USER_DEACTIVATED,
    UserAction.MAKE_STAFF: AuditAction.USER_ROLE_GRANTED,
    UserAction.REMOVE_STAFF: AuditAction.USER_ROLE_REMOVED,
}

# The words of the answers ("5 users verified successfully").
PAST_TENSE: dict[UserAction, str] = {
    UserAction.VERIFY: "verified",
    UserAction.UNVERIFY: "unverified",
    UserAction.ACTIVATE: "activated",
    UserAction.DEACTIVATE: "deactivated",
    UserAction.MAKE_STAFF: "made staff",
    UserAction.REMOVE_STAFF: "removed from staff",
}

GRANTABLE = (Role.STAFF, Role.ADMIN, Role.CONTENT_MODERATOR)

# Refusals that depend on the account acted on (the route itself is allowed).
OUTRANKED = "You may act only on accounts below your own role."
NOT_GRANTABLE = ("Only a superuser grants or removes the staff and admin roles; an admin "
                 "grants or removes only the content moderator role.")


def parse_action(action: str) -> UserAction:
    """The action named; InvalidAction (400 listing the available ones) otherwise."""
    try:
        return UserAction(action)
    except ValueError:
        raise InvalidAction(USER_ACTIONS) from None


def parse_role(role: str | None) -> Role:
    """The role `make_staff` grants: staff unless named (staff, admin, content_moderator)."""
    if role is None or role == "":
        return Role.STAFF
    try:
        parsed = Role(role)
    except ValueError:
        parsed = None
    if parsed not in GRANTABLE:
        raise ValidationFailed({"role": [
            f'"{role}" is not a valid choice. Choose one of: '
            + ", ".join(r.value for r in GRANTABLE) + "."]})
    assert parsed is not None
    return parsed


def check_reason(reason: str) -> str:
    if "\x00" in reason:
        raise ValidationFailed({"reason": ["Null characters are not allowed."]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": [
            f"Ensure this field has no more than {REASON_MAX} characters."]})
    return reason.strip()


def check_ids(user_ids: list[int]) -> list[int]:
    """The distinct ids of a bulk request, in the order given; 400 on `user_ids` when none
    or more than BULK_MAX_IDS are given (``domain/admin/bulk.py``)."""
    error = bulk_ids_error(user_ids, "user")
    if error is not None:
        raise ValidationFailed({"user_ids": [error]})
    return distinct_ids(user_ids)


def ensure_may(actor: Actor, action: UserAction, target: User,
               role: Role | None = None) -> None:
    """Raise PermissionDenied unless the actor may apply `action` to `target`.

    Everyone needs the action's permission; nobody acts on their own account; every action
    (verify, unverify, activate, deactivate and the role changes, single or bulk) touches only
    accounts the actor outranks (``may_act_on``); roles are granted and removed as
    ``may_grant`` says (only a superuser grants or removes staff or
    admin; an admin grants or removes only the content moderator role)."""
    require(actor, PERMISSION_OF[action])
    subject = target.as_actor()
    if actor.id == subject.id:
        raise PermissionDenied("You cannot change your own account this way.")
    granted = (role or Role.STAFF) if action is UserAction.MAKE_STAFF else None
    if action in (UserAction.MAKE_STAFF, UserAction.REMOVE_STAFF) and not may_grant(
            actor, subject, granted):
        raise PermissionDenied(NOT_GRANTABLE)
    if not may_act_on(actor, subject):
        raise PermissionDenied(OUTRANKED)


def may(actor: Actor, action: UserAction) -> bool:
    return can(actor, PERMISSION_OF[action])


@attrs.frozen(kw_only=True)
class Change:
    """What an action changed on one account: field -> (before, after); empty when nothing."""

    fields: dict[str, tuple[object, object]]

    @property
    def changed(self) -> bool:
        return bool(self.fields)

    def before(self) -> dict[str, object]:
        return {name: values[0] for name, values in self.fields.items()}

    def after(self) -> dict[str, object]:
        return {name: values[1] for name, values in self.fields.items()}


def _snapshot(user: User) -> dict[str, object]:
    """The fields an action may change, as JSON values (booleans, the role or None)."""
    return {"is_verified": user.is_verified, "is_active": user.is_active,
            "is_staff": user.is_staff,
            "staff_role": user.staff_role.value if user.staff_role else None}


def apply(action: UserAction, user: User, *, now: datetime, role: Role | None = None
          ) -> Change:
    """Apply the action to the account (permission already checked); the changed fields."""
    before = _snapshot(user)
    if action is UserAction.VERIFY:
        user.is_verified = True
    elif action is UserAction.UNVERIFY:
        user.is_verified = False
    elif action is UserAction.ACTIVATE:
        user.is_active = True
    elif action is UserAction.DEACTIVATE:
        user.is_active = False
    elif action is UserAction.MAKE_STAFF:
        granted = role or Role.STAFF
        user.is_staff, user.staff_role = True, StaffRole(granted.value)
    elif action is UserAction.REMOVE_STAFF:
        user.is_staff, user.staff_role = False, None
    after = _snapshot(user)
    fields = {name: (before[name], after[name]) for name in before
              if before[name] != after[name]}
    if fields:
        user.updated_at = now
    return Change(fields=fields)


def role_name(user: User) -> str:
    role = role_of(user.as_actor())
    return role.value if role else ""
