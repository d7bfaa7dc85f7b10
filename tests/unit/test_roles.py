"""The role table: who holds which permission, whom they may act on, what they may grant."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.domain.accounts.roles import (
    PERMISSIONS,
    Permission,
    Role,
    can,
    may_act_on,
    may_grant,
    may_undo,
    require,
    role_of,
)
from cultureup.domain.accounts.users import Actor, StaffRole, UserType
from cultureup.domain.errors import PermissionDenied


def actor(id_: int, role: Role | None, user_type: UserType = UserType.ADMIN) -> Actor:
    if role is None:
        return Actor(id=id_, username=f"u{id_}", user_type=UserType.BUYER)
    if role is Role.SUPERUSER:
        return Actor(id=id_, username=f"u{id_}", user_type=user_type, is_staff=True,
                     is_superuser=True, staff_role=StaffRole.ADMIN)
    return Actor(id=id_, username=f"u{id_}", user_type=user_type, is_staff=True,
                 staff_role=StaffRole(role.value))


roles = st.sampled_from([None, *Role])


def test_the_role_table_reads_as_documented() -> None:
    assert PERMISSIONS[Role.SUPERUSER] == frozenset(Permission)
    assert PERMISSIONS[Role.ADMIN] == frozenset(Permission) - {Permission.GRANT_STAFF}
    moderator = PERMISSIONS[Role.CONTENT_MODERATOR]
    assert Permission.MODERATE_CONTENT in moderator
    assert Permission.HANDLE_REPORTS in moderator
    for forbidden in (Permission.VERIFY_USERS, Permission.MANAGE_PAYMENTS,
                      Permission.MANAGE_CATALOG, Permission.VIEW_USERS):
        assert forbidden not in moderator
    staff = PERMISSIONS[Role.STAFF]
    assert {Permission.VIEW_DASHBOARD, Permission.VIEW_USERS, Permission.VERIFY_USERS,
            Permission.MODERATE_CONTENT} <= staff
    assert Permission.GRANT_STAFF not in staff and Permission.MANAGE_PAYMENTS not in staff


def test_plain_users_and_anonymous_hold_nothing() -> None:
    for permission in Permission:
        assert not can(None, permission)
        assert not can(actor(1, None), permission)
    with pytest.raises(PermissionDenied):
        require(actor(1, None), Permission.VIEW_DASHBOARD)


def test_staff_flag_without_a_role_is_staff() -> None:
    legacy = Actor(id=3, username="old", user_type=UserType.ADMIN, is_staff=True)
    assert role_of(legacy) is Role.STAFF


RANK = {None: 0, Role.CONTENT_MODERATOR: 1, Role.STAFF: 2, Role.ADMIN: 3, Role.SUPERUSER: 4}


@given(roles, roles)
def test_nobody_acts_on_themselves_and_only_on_lower_roles(a: Role | None,
                                                          b: Role | None) -> None:
    assert not may_act_on(actor(1, a), actor(1, a))
    allowed = may_act_on(actor(1, a), actor(2, b))
    assert allowed == (a is Role.SUPERUSER or RANK[a] > RANK[b])


@given(roles, roles)
def test_undoing_an_action_takes_a_rank_at_least_its_takers(a: Role | None,
                                                           b: Role | None) -> None:
    assert may_undo(actor(1, a), actor(2, b)) == (RANK[a] >= RANK[b])
    assert may_undo(actor(1, a), actor(1, a))  # one's own action, as far as ranks go
    assert may_undo(actor(1, a), None)  # the account that acted is gone


@given(roles, roles, roles)
def test_only_a_superuser_grants_staff_or_admin(a: Role | None, current: Role | None,
                                                new: Role | None) -> None:
    me, target = actor(1, a), actor(2, current)
    assert not may_grant(me, actor(1, current), new)  # never one's own role
    allowed = may_grant(me, target, new)
    touches_high = {current, new} & {Role.STAFF, Role.ADMIN, Role.SUPERUSER}
    if touches_high:
        assert allowed == (a is Role.SUPERUSER)
    elif a in (Role.SUPERUSER, Role.ADMIN):
        assert allowed
    else:
        assert not allowed
