"""Users admin: the list, statistics, and the actions on accounts, one at a time or in bulk.

Every action asks the role table (domain/accounts/roles.py via domain/admin/users.py) and
writes one audit entry per changed account, in the transaction of the change, with the
before and after of each changed field. HTTP (`/api/admin/users/...`) and the CLI
(`cultureup users ...`) call these same methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from cultureup.application.admin.user_ports import AdminUserQueries
from cultureup.application.admin.user_views import (
    ADMIN_USER_ORDERING_FIELDS,
    ADMIN_USERS_DEFAULT_PAGE_SIZE,
    ADMIN_USERS_MAX_PAGE_SIZE,
    RECENT_DAYS,
    AdminUserFilters,
    AdminUserRow,
    BulkResult,
    UserChange,
    UserStats,
)
from cultureup.application.audit import change as before_after
from cultureup.application.audit import record
from cultureup.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest, check_ordering
from cultureup.domain.accounts.roles import Permission, Role, require
from cultureup.domain.accounts.users import Actor, User, UserType
from cultureup.domain.admin.users import (
    AUDIT_ACTION_OF,
    PERMISSION_OF,
    UserAction,
    apply,
    check_ids,
    check_reason,
    ensure_may,
    parse_action,
    parse_role,
)
from cultureup.domain.errors import NotFound, PermissionDenied, ValidationFailed
from cultureup.domain.moderation.actions import restriction_of

USER_TYPES = tuple(kind.value for kind in UserType)


def page_request(page: int | None, page_size: int | None) -> PageRequest:
    """The admin users list pages: 50 a page unless asked, at most 200."""
    return PageRequest.of(page or 1, page_size or ADMIN_USERS_DEFAULT_PAGE_SIZE,
                          max_page_size=ADMIN_USERS_MAX_PAGE_SIZE)


class UserAdminService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: AdminUserQueries,
                 clock: Clock) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock

    # -- reads -----------------------------------------------------------------------------

    def list_users(self, actor: Actor, filters: AdminUserFilters, page: PageRequest
                   ) -> Page[AdminUserRow]:
        """Every account, with e-mail and phone (``Permission.VIEW_USERS``: staff, admins,
        superusers). Filters: user_type (artist, buyer, admin), is_verified, is_active,
        is_staff (any platform role), search (in username, e-mail, first and last name, folded
        as in search), ordering (created_at, username, last_login, "-" for descending; newest
        first by default). Each row says whether the account is suspended (and until when;
        None: indefinitely) or banned now, by the moderation actions in force at the clock's
        now (domain.moderation.actions.restriction_of), and carries the mobile panel's
        figures: the artist bio, artwork views, reports made and received (AdminUserRow).
        A page is a fixed number of statements whatever its length. PermissionDenied,
        ValidationFailed."""
        require(actor, Permission.VIEW_USERS)
        errors: dict[str, list[str]] = {}
        if filters.user_type is not None and filters.user_type not in USER_TYPES:
            errors["user_type"] = [f'"{filters.user_type}" is not a valid choice. Choose one '
                                   "of: " + ", ".join(USER_TYPES) + "."]
        if errors:
            raise ValidationFailed(errors)
        check_ordering(filters.ordering, ADMIN_USER_ORDERING_FIELDS)
        filters = attrs.evolve(filters, now=self._clock.now())
        found = self._queries.list_users(filters, page)
        return attrs.evolve(found, items=self._restricted(found.items))

    def get_user(self, actor: Actor, user_id: int) -> AdminUserRow:
        require(actor, Permission.VIEW_USERS)
        return self._restricted([self._queries.get_user(user_id)])[0]

    def stats(self, actor: Actor) -> UserStats:
        """Counts over every account (``Permission.VIEW_USERS``); recent registrations are
        those of the last 30 days; suspended_users and banned_users count the accounts the
        moderation actions in force restrict at the clock's now (restriction_of: a banned
        account counts as banned only)."""
        require(actor, Permission.VIEW_USERS)
        now = self._clock.now()
        stats = self._queries.user_stats(recent_since=now - timedelta(days=RECENT_DAYS),
                                         now=now)
        restrictions = [restriction_of(actions, now)
                        for actions in self._queries.restricting_actions(None).values()]
        return attrs.evolve(
            stats,
            suspended_users=sum(1 for r in restrictions if r is not None and not r.banned),
            banned_users=sum(1 for r in restrictions if r is not None and r.banned))

    def _restricted(self, rows: Sequence[AdminUserRow]) -> list[AdminUserRow]:
        """The rows with their suspension or ban in force now (one statement for all)."""
        if not rows:
            return []
        now = self._clock.now()
        actions = self._queries.restricting_actions([row.id for row in rows])
        result = []
        for row in rows:
            restriction = restriction_of(actions.get(row.id, ()), now)
            if restriction is not None:
                row = attrs.evolve(row, banned=restriction.banned, is_active=False,
                                   suspended=not restriction.banned,
                                   suspension_until=None if restriction.banned
                                   else restriction.until)
            result.append(row)
        return result

    # -- one account -------------------------------------------------------------------------

    def verify(self, actor: Actor, user_id: int, *, reason: str = "",
               ip: str | None = None) -> UserChange:
        """Mark the account verified (``Permission.VERIFY_USERS``). NotFound, PermissionDenied."""
        return self.act(actor, UserAction.VERIFY, user_id, reason=reason, ip=ip)

    def activate(self, actor: Actor, user_id: int, *, reason: str = "",
                 ip: str | None = None) -> UserChange:
        """Let the account sign in again (``Permission.ACTIVATE_USERS``, on accounts the
        actor outranks). NotFound, PermissionDenied."""
        return self.act(actor, UserAction.ACTIVATE, user_id, reason=reason, ip=ip)

    def deactivate(self, actor: Actor, user_id: int, *, reason: str = "",
                   ip: str | None = None) -> UserChange:
        """Stop the account: it can no longer sign in, and every token it holds is revoked
        in the same transaction, so its next request is 401 (``Permission.ACTIVATE_USERS``,
        on accounts the actor outranks). NotFound, PermissionDenied."""
        return self.act(actor, UserAction.DEACTIVATE, user_id, reason=reason, ip=ip)

    def make_staff(self, actor: Actor, user_id: int, *, role: str | None = None,
                   reason: str = "", ip: str | None = None) -> UserChange:
        """Grant a platform role: `role` staff (the default), admin or content_moderator.
        Only a superuser grants staff or admin; an admin grants only content_moderator; no one
        their own role (``may_grant``). NotFound, PermissionDenied, ValidationFailed."""
        return self.act(actor, UserAction.MAKE_STAFF, user_id, role=role, reason=reason,
                        ip=ip)

    def act(self, actor: Actor, action: UserAction | str, user_id: int, *,
            role: str | None = None, reason: str = "", ip: str | None = None) -> UserChange:
        """Any of the actions on one account; the account as it is afterwards."""
        action = parse_action(action) if isinstance(action, str) else action
        granted = parse_role(role) if action is UserAction.MAKE_STAFF else None
        reason = check_reason(reason)
        now = self._clock.now()
        with self._uow() as uow:
            try:
                user = uow.users.get(user_id)
            except NotFound:
                raise NotFound("User not found") from None
            ensure_may(actor, action, user, granted)
            changed = self._apply(uow, actor, action, user, role=granted, reason=reason,
                                  ip=ip, bulk=False, now=now)
            restricted = restriction_of(
                uow.moderation_actions.unreversed_restrictions(user_id), now) is not None
            uow.commit()
        return _change(user, changed=changed, restricted=restricted)

    # -- many accounts -----------------------------------------------------------------------

    def bulk(self, actor: Actor, action: str, user_ids: list[int], *, role: str | None = None,
             reason: str = "", ip: str | None = None) -> BulkResult:
        """Apply one action to every existing id, in one transaction: all or nothing.

        At most BULK_MAX_IDS ids, repeats counted (``domain/admin/bulk.py``): more, or none,
        is ValidationFailed and changes nothing; an unknown action is InvalidAction (400,
        naming the available ones). Ids that name no account are listed in the result, not
        refused. When the actor may not apply the action to one of the accounts (their own, or
        one they may not act on), the whole request is PermissionDenied naming those ids, and
        nothing changes. One audit entry per changed account."""
        parsed = parse_action(action)
        require(actor, PERMISSION_OF[parsed])
        ids = check_ids(user_ids)
        granted = parse_role(role) if parsed is UserAction.MAKE_STAFF else None
        reason = check_reason(reason)
        now = self._clock.now()
        with self._uow() as uow:
            found = {user.id: user for user in uow.users.get_many(ids)}
            refused = []
            for user_id in ids:
                user = found.get(user_id)
                if user is None:
                    continue
                try:
                    ensure_may(actor, parsed, user, granted)
                except PermissionDenied:
                    refused.append(user_id)
            if refused:
                raise PermissionDenied(
                    "You may not apply this action to users "
                    + ", ".join(map(str, refused[:20])) + ("..." if len(refused) > 20 else "")
                    + "; nothing was changed.")
            affected = 0
            for user_id in ids:
                user = found.get(user_id)
                if user is not None and self._apply(uow, actor, parsed, user, role=granted,
                                                    reason=reason, ip=ip, bulk=True, now=now):
                    affected += 1
            uow.commit()
        missing = tuple(user_id for user_id in ids if user_id not in found)
        return BulkResult(action=parsed.value, requested=len(ids), affected=affected,
                          unchanged=len(found) - affected, not_found_ids=missing,
                          processed_at=now)

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _apply(uow: UnitOfWork, actor: Actor, action: UserAction, user: User, *,
               role: Role | None, reason: str, ip: str | None, bulk: bool, now: datetime) -> bool:
        change = apply(action, user, now=now, role=role)
        if not change.changed:
            return False
        uow.users.save(user)
        if action is UserAction.DEACTIVATE:
            assert user.id is not None
            uow.tokens.revoke_all(user.id, now=now)
        record(uow, now=now, action=AUDIT_ACTION_OF[action],
               actor_id=actor.id, actor_username=actor.username, target_type="user",
               target_id=user.id, ip_address=ip, reason=reason,
               bulk="true" if bulk else None, username=user.username,
               **before_after(change.before(), change.after()))
        return True


def _change(user: User, *, changed: bool, restricted: bool) -> UserChange:
    """The account after an action; `is_active` is whether it may be used now (activated,
    and not `restricted` by a suspension or ban in force)."""
    assert user.id is not None
    return UserChange(id=user.id, username=user.username, is_verified=user.is_verified,
                      is_active=user.is_active and not restricted, is_staff=user.is_staff,
                      staff_role=user.staff_role.value if user.staff_role else None,
                      updated_at=user.updated_at, changed=changed)

