"""Who may do what: the platform's roles as permission sets.

This module is the one place that answers "may this actor do that?" for staff work. Every
admin and moderation use case asks ``require(actor, Permission.X)`` (or ``can``) before it
acts, so the same rule holds for the HTTP API, the CLI and library callers.

Source of the table: the roles table of the API conventions ("superuser: everything; admin: all
admin endpoints; staff: read admin lists and statistics, verify users, moderate content;
content moderator: artwork moderation, reports, content removal only"). Where that table is
silent the choice is written next to the permission and in docs/decisions.md.

Role of an actor (``role_of``):

- ``superuser``: ``is_superuser`` set; holds every permission.
- ``admin``: ``staff_role == "admin"``.
- ``staff``: ``staff_role == "staff"``, or ``is_staff`` set without a staff role (accounts made
  before roles existed).
- ``content_moderator``: ``staff_role == "content_moderator"``.
- ``None``: a plain artist or buyer; holds no staff permission.
"""

from __future__ import annotations

import enum

from cultureup.domain.accounts.users import Actor, StaffRole
from cultureup.domain.errors import PermissionDenied

# The answer of a refused staff action (the spec's "Admin Error Responses", 403).
PERMISSION_DENIED = "You do not have permission to perform this action. Admin access required."


class Role(enum.StrEnum):
    SUPERUSER = "superuser"
    ADMIN = "admin"
    STAFF = "staff"
    CONTENT_MODERATOR = "content_moderator"


class Permission(enum.StrEnum):
    # Reading
    VIEW_DASHBOARD = "view_dashboard"  # dashboard, revenue report, overview, charts, stats
    VIEW_USERS = "view_users"  # admin users list and stats, users' e-mail/phone/address
    VIEW_AUDIT_LOG = "view_audit_log"
    VIEW_PRIVATE_CONTENT = "view_private_content"  # any job's bids, any contract/payment
    # Users
    VERIFY_USERS = "verify_users"  # verify/unverify, verification applications
    ACTIVATE_USERS = "activate_users"  # activate/deactivate accounts
    SUSPEND_USERS = "suspend_users"  # suspend/unsuspend, ban/unban
    GRANT_MODERATOR = "grant_moderator"  # give or take the content_moderator role
    GRANT_STAFF = "grant_staff"  # give or take staff/admin (superuser only)
    # Content
    MODERATE_CONTENT = "moderate_content"  # approve/reject/feature artworks, remove/restore
    HANDLE_REPORTS = "handle_reports"  # report queue, appeals
    MANAGE_JOBS = "manage_jobs"  # close jobs
    MANAGE_CATALOG = "manage_catalog"  # categories, equipment and its stock
    # Money
    MANAGE_PAYMENTS = "manage_payments"  # release, refund, force-complete/cancel orders
    # The platform
    UNMETERED_REQUESTS = "unmetered_requests"  # no hourly request budget (admins and up)


_MODERATOR = frozenset({
    Permission.MODERATE_CONTENT,
    Permission.HANDLE_REPORTS,
    # A moderator acts on reports, which includes suspending or banning the reported user
    # (never staff: see ``may_act_on``).
    Permission.SUSPEND_USERS,
})

_STAFF = _MODERATOR | {
    Permission.VIEW_DASHBOARD,
    Permission.VIEW_USERS,
    Permission.VIEW_PRIVATE_CONTENT,
    Permission.VERIFY_USERS,
}

_ADMIN = frozenset(Permission) - {Permission.GRANT_STAFF}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SUPERUSER: frozenset(Permission),
    Role.ADMIN: _ADMIN,
    Role.STAFF: frozenset(_STAFF),
    Role.CONTENT_MODERATOR: _MODERATOR,
}

# Higher outranks lower; used to decide whom an actor may act on.
_RANK = {None: 0, Role.CONTENT_MODERATOR: 1, Role.STAFF: 2, Role.ADMIN: 3, Role.SUPERUSER: 4}


def role_of(actor: Actor | None) -> Role | None:
    """The actor's platform role, or None for anonymous callers, artists and buyers."""
    if actor is None:
        return None
    if actor.is_superuser:
        return Role.SUPERUSER
    if actor.staff_role is StaffRole.ADMIN:
        return Role.ADMIN
    if actor.staff_role is StaffRole.CONTENT_MODERATOR:
        return Role.CONTENT_MODERATOR
    if actor.staff_role is StaffRole.STAFF or actor.is_staff:
        return Role.STAFF
    return None


def is_staff_member(actor: Actor | None) -> bool:
    """True for any platform role (superuser, admin, staff, content moderator)."""
    return role_of(actor) is not None


def can(actor: Actor | None, permission: Permission) -> bool:
    role = role_of(actor)
    return role is not None and permission in PERMISSIONS[role]


def require(actor: Actor | None, permission: Permission) -> None:
    """Raise PermissionDenied unless the actor holds the permission."""
    if not can(actor, permission):
        raise PermissionDenied(PERMISSION_DENIED)


def outranks(actor: Actor, target: Actor) -> bool:
    """True when the actor's role is strictly above the target's (superusers outrank all)."""
    return _RANK[role_of(actor)] > _RANK[role_of(target)] or role_of(actor) is Role.SUPERUSER


def may_act_on(actor: Actor, target: Actor) -> bool:
    """Whether a staff action on an account (suspend, ban, deactivate) may target this user.

    Nobody acts on their own account; a role acts only on accounts it outranks, so a moderator
    cannot suspend staff and an admin cannot ban another admin (a superuser can).
    """
    return actor.id != target.id and outranks(actor, target)


def may_undo(actor: Actor, acted_by: Actor | None) -> bool:
    """Whether the actor may undo or judge a staff member's action: lift their suspension or
    ban (early, or by a new suspension that replaces theirs) or decide an appeal against it.

    It takes a rank at least that of the staff member who took the action, as they hold it
    now (`acted_by`; None when that account is gone), so a content moderator never overturns
    an admin's or the superuser's ban (docs/decisions.md, "Trust and safety").
    """
    return acted_by is None or _RANK[role_of(actor)] >= _RANK[role_of(acted_by)]


def may_grant(actor: Actor, target: Actor, new_role: Role | None) -> bool:
    """Whether the actor may set the target's role to ``new_role`` (None removes it).

    Nobody changes their own role. Only a superuser grants or removes staff, admin or
    superuser; an admin may grant or remove only the content moderator role, and only on
    accounts that hold no higher role.
    """
    if actor.id == target.id:
        return False
    current = role_of(target)
    if can(actor, Permission.GRANT_STAFF):
        return True
    if not can(actor, Permission.GRANT_MODERATOR):
        return False
    return current in (None, Role.CONTENT_MODERATOR) and new_role in (None, Role.CONTENT_MODERATOR)
