"""Users admin rules and use cases, on the in-memory fakes: who may act on whom, what each
action changes, and bulk requests that are all or nothing, audited per changed account."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.application.admin.users import UserAdminService
from cultureup.domain.accounts.roles import Role, can, may_act_on, may_grant, role_of
from cultureup.domain.accounts.users import StaffRole, User, UserType
from cultureup.domain.admin.bulk import BULK_MAX_IDS
from cultureup.domain.admin.users import (
    PERMISSION_OF,
    UserAction,
    apply,
    ensure_may,
)
from cultureup.domain.errors import InvalidAction, NotFound, PermissionDenied, ValidationFailed
from tests.unit.builders import NOW, Marketplace

ROLE_FIELDS: dict[Role | None, dict[str, Any]] = {
    None: {},
    Role.CONTENT_MODERATOR: {"is_staff": True, "staff_role": StaffRole.CONTENT_MODERATOR},
    Role.STAFF: {"is_staff": True, "staff_role": StaffRole.STAFF},
    Role.ADMIN: {"is_staff": True, "staff_role": StaffRole.ADMIN},
    Role.SUPERUSER: {"is_staff": True, "is_superuser": True, "staff_role": StaffRole.ADMIN},
}
roles = st.sampled_from(list(ROLE_FIELDS))
actions = st.sampled_from(list(UserAction))
grants = st.sampled_from([Role.STAFF, Role.ADMIN, Role.CONTENT_MODERATOR])


def account(user_id: int, role: Role | None) -> User:
    return User(id=user_id, username=f"user{user_id}", email=f"user{user_id}@example.com",
                password_hash="x", first_name="A", last_name="B",
                user_type=UserType.ADMIN if role else UserType.ARTIST, created_at=NOW,
                updated_at=NOW, **ROLE_FIELDS[role])


@given(roles, roles, actions, grants)
def test_an_action_is_allowed_exactly_as_the_role_table_says(
        mine: Role | None, theirs: Role | None, action: UserAction, granted: Role) -> None:
    me, them = account(1, mine).as_actor(), account(2, theirs)
    # Every action, verification included, reaches only accounts the actor outranks.
    expected = can(me, PERMISSION_OF[action]) and may_act_on(me, them.as_actor())
    if action is UserAction.MAKE_STAFF:
        expected = expected and may_grant(me, them.as_actor(), granted)
    elif action is UserAction.REMOVE_STAFF:
        expected = expected and may_grant(me, them.as_actor(), None)
    try:
        ensure_may(me, action, them, granted)
        allowed = True
    except PermissionDenied:
        allowed = False
    assert allowed == expected
    # Nobody acts on their own account, whatever their role.
    with pytest.raises(PermissionDenied):
        ensure_may(me, action, account(1, mine), granted)
    # Staff and moderators never grant staff or admin.
    if mine in (None, Role.CONTENT_MODERATOR, Role.STAFF):
        assert not (action is UserAction.MAKE_STAFF and allowed)


@given(roles, actions, grants)
def test_applying_twice_changes_nothing_the_second_time(
        theirs: Role | None, action: UserAction, granted: Role) -> None:
    user = account(2, theirs)
    first = apply(action, user, now=NOW, role=granted)
    second = apply(action, user, now=NOW, role=granted)
    assert not second.changed
    for name, (before, after) in first.fields.items():
        assert before != after
        assert first.before()[name] == before and first.after()[name] == after
    if action is UserAction.MAKE_STAFF and theirs is not Role.SUPERUSER:
        assert role_of(user.as_actor()) is granted


def service(market: Marketplace) -> UserAdminService:
    return UserAdminService(uow=market.store.unit_of_work, queries=None,  # type: ignore[arg-type]
                            clock=market.clock)


def test_bulk_verifies_every_existing_id_and_names_the_unknown(market: Marketplace) -> None:
    staff = market.add_staff("helpdesk", role=StaffRole.STAFF)
    ids = [market.add_buyer(f"buyer{n}").id for n in range(6)]
    result = service(market).bulk(staff, "verify", [*ids, 9001, ids[0], 9002], reason="ok")
    assert (result.affected, result.unchanged) == (6, 0)
    assert result.not_found_ids == (9001, 9002)
    assert all(market.store.users[user_id].is_verified for user_id in ids)
    assert market.store.audit_actions().count("admin.user_verified") == 6
    again = service(market).bulk(staff, "verify", ids)
    assert (again.affected, again.unchanged) == (0, 6)
    assert market.store.audit_actions().count("admin.user_verified") == 6


def test_a_refused_or_oversized_bulk_changes_nothing(market: Marketplace) -> None:
    admin = market.add_staff("boss", role=StaffRole.ADMIN)
    other_admin = market.add_staff("boss2", role=StaffRole.ADMIN)
    ids = [market.add_buyer(f"buyer{n}").id for n in range(3)]
    users = service(market)
    with pytest.raises(PermissionDenied, match=str(other_admin.id)):
        users.bulk(admin, "deactivate", [*ids, other_admin.id])
    with pytest.raises(ValidationFailed):
        users.bulk(admin, "deactivate", list(range(1, BULK_MAX_IDS + 2)))
    with pytest.raises(ValidationFailed):
        users.bulk(admin, "deactivate", [])
    with pytest.raises(InvalidAction):
        users.bulk(admin, "promote", ids)
    assert all(market.store.users[user_id].is_active for user_id in ids)
    assert not [a for a in market.store.audit_actions() if a.startswith("admin.user")]


def test_deactivating_revokes_the_tokens_and_is_audited(market: Marketplace) -> None:
    admin = market.add_staff("boss", role=StaffRole.ADMIN)
    buyer = market.add_buyer()
    tokens = market.store.unit_of_work()
    with tokens as uow:
        uow.tokens.add(user_id=buyer.id, digest="d1", created_at=NOW, expires_at=None)
        uow.commit()
    change = service(market).deactivate(admin, buyer.id, reason="fraud")
    assert change.changed and not change.is_active
    [entry] = [e for e in market.store.audit if e.action == "admin.user_deactivated"]
    assert entry.details == {"reason": "fraud", "username": buyer.username,
                             "before": '{"is_active": true}',
                             "after": '{"is_active": false}'}
    with market.store.unit_of_work(read_only=True) as uow:
        assert uow.tokens.find_user_id("d1", now=NOW) is None
    with pytest.raises(NotFound):
        service(market).verify(admin, 424242)
