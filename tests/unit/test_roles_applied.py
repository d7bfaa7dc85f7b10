"""The role table applied to the existing staff actions: each action asks one permission, so
what a role may do follows docs/decisions.md ("Roles") wherever the check sits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.application.accounts.throttling import RequestBudgets, RequestLimiter
from cultureup.domain.accounts.roles import PERMISSIONS, Permission, Role, role_of
from cultureup.domain.accounts.users import Actor, StaffRole, UserType
from cultureup.domain.catalog.equipment import Equipment, EquipmentTerms, can_manage_equipment
from cultureup.domain.collaboration.contracts import check_visible
from cultureup.domain.commerce.fees import FeeRate, split_by_seller
from cultureup.domain.commerce.orders import manages_orders, sees_every_order
from cultureup.domain.commerce.payments import Payment, PaymentMethod, sees_every_payment
from cultureup.domain.errors import NotFound, PermissionDenied
from cultureup.domain.money import Money
from tests.unit.fakes import FakeRateLimiter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BUYER = Actor(id=1, username="sana", user_type=UserType.BUYER)
ARTIST = Actor(id=2, username="hamza", user_type=UserType.ARTIST)


def member(role: Role | None, actor_id: int = 50) -> Actor:
    if role is None:
        return Actor(id=actor_id, username=f"u{actor_id}", user_type=UserType.BUYER)
    if role is Role.SUPERUSER:
        return Actor(id=actor_id, username="root", user_type=UserType.ADMIN, is_staff=True,
                     is_superuser=True)
    return Actor(id=actor_id, username=role.value, user_type=UserType.ADMIN, is_staff=True,
                 staff_role=StaffRole(role.value))


def holds(role: Role | None, permission: Permission) -> bool:
    return role is not None and permission in PERMISSIONS[role]


def terms() -> EquipmentTerms:
    return EquipmentTerms(name="Brushes", equipment_type="brush", price=Money("5.00"),
                          stock_quantity=3)


def paid_payment() -> Payment:
    payment = Payment(id=7, payer_id=BUYER.id, payee_id=ARTIST.id, job_id=5,
                      amount=Money("100.00"), method=PaymentMethod.STRIPE, transaction_id="T1",
                      shares=split_by_seller([(ARTIST.id, Money("100.00"))], FeeRate("0.10")),
                      created_at=NOW, updated_at=NOW)
    payment.complete(now=NOW)
    return payment


roles = st.sampled_from([None, *Role])


@given(roles)
def test_the_catalogue_is_kept_by_whoever_manages_it(role: Role | None) -> None:
    actor = member(role)
    assert can_manage_equipment(actor) == holds(role, Permission.MANAGE_CATALOG)
    if holds(role, Permission.MANAGE_CATALOG):
        item = Equipment.add(by=actor, terms=terms(), now=NOW)
        item.ensure_deletable(by=actor)
    else:
        with pytest.raises(PermissionDenied):
            Equipment.add(by=actor, terms=terms(), now=NOW)


@given(roles)
def test_money_moves_only_for_those_who_manage_payments(role: Role | None) -> None:
    actor, payment = member(role), paid_payment()
    assert manages_orders(actor) == holds(role, Permission.MANAGE_PAYMENTS)
    if holds(role, Permission.MANAGE_PAYMENTS):
        payment.release(by=actor, now=NOW)
    else:
        with pytest.raises(PermissionDenied):
            payment.release(by=actor, now=NOW)
        with pytest.raises((PermissionDenied, NotFound)):
            payment.refund(by=actor, amount=None, now=NOW)


@given(roles)
def test_others_orders_payments_and_contracts_are_private_content(role: Role | None) -> None:
    actor = member(role)
    expected = holds(role, Permission.VIEW_PRIVATE_CONTENT)
    assert sees_every_order(actor) == sees_every_payment(actor) == expected
    if expected:
        paid_payment().ensure_visible_to(actor)
    else:
        with pytest.raises(NotFound):
            paid_payment().ensure_visible_to(actor)


def test_the_sample_moderator_moderates_but_neither_keeps_stock_nor_moves_money() -> None:
    moderator = member(Role.CONTENT_MODERATOR)
    assert role_of(moderator) is Role.CONTENT_MODERATOR
    assert not can_manage_equipment(moderator)
    assert not sees_every_payment(moderator) and not manages_orders(moderator)
    staff = member(Role.STAFF)
    assert not can_manage_equipment(staff) and not manages_orders(staff)
    assert sees_every_payment(staff)


def test_a_contract_is_seen_by_its_parties_and_private_content_readers() -> None:
    class Contract:
        def party_of(self, actor: Actor) -> str | None:
            return "buyer" if actor.id == BUYER.id else None

    assert check_visible(Contract(), BUYER)  # type: ignore[arg-type]
    assert not check_visible(Contract(), member(Role.CONTENT_MODERATOR))  # type: ignore[arg-type]
    assert check_visible(Contract(), member(Role.STAFF))  # type: ignore[arg-type]


@given(roles)
def test_only_the_roles_holding_unmetered_requests_skip_the_request_budget(
        role: Role | None) -> None:
    limiter = RequestLimiter(limiter=FakeRateLimiter(), budgets=RequestBudgets(user_per_hour=2))
    actor = member(role)
    decisions = [limiter.charge(actor, "203.0.113.9") for _ in range(3)]
    if holds(role, Permission.UNMETERED_REQUESTS):
        assert decisions == [None, None, None]
    else:
        assert [decision.allowed for decision in decisions if decision] == [True, True, False]
    # As before the role table decided it: admins and the superuser, no other role.
    assert holds(role, Permission.UNMETERED_REQUESTS) == (role in (Role.ADMIN, Role.SUPERUSER))
