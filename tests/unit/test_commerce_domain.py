"""The order and payment state machines and their guards, without any service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cultureup.domain.accounts.users import Actor, StaffRole, UserType
from cultureup.domain.commerce.fees import FeeRate, FeeSplit, SellerShare, split_by_seller
from cultureup.domain.commerce.ledger import (
    Account,
    AccountKind,
    EntryKind,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from cultureup.domain.commerce.orders import ItemRequest, Order, OrderRequest, OrderStatus
from cultureup.domain.commerce.payments import (
    HireStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    check_claims,
)
from cultureup.domain.errors import FieldErrors, InvalidState, PermissionDenied, ValidationFailed
from cultureup.domain.money import Money

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BUYER = Actor(id=1, username="sana", user_type=UserType.BUYER)
ARTIST = Actor(id=2, username="hamza", user_type=UserType.ARTIST)
# Moving money is an admin's (Permission.MANAGE_PAYMENTS).
STAFF = Actor(id=3, username="manager", user_type=UserType.ADMIN, is_staff=True,
              staff_role=StaffRole.ADMIN)


def payment(amount: str = "100.00", *, method: PaymentMethod = PaymentMethod.STRIPE) -> Payment:
    return Payment(id=7, payer_id=BUYER.id, payee_id=ARTIST.id, job_id=5, amount=Money(amount),
                   method=method, transaction_id="TXN1",
                   shares=split_by_seller([(ARTIST.id, Money(amount))],
                                          FeeRate("0.10")), created_at=NOW, updated_at=NOW)


def balanced(transaction: LedgerTransaction) -> bool:
    return sum((e.amount for e in transaction.entries), Money(0)) == Money(0)


def test_a_payment_is_for_one_order_or_one_job_and_its_shares_add_up() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Payment(payer_id=1, payee_id=2, order_id=1, job_id=1, amount=Money("1.00"),
                method=PaymentMethod.JAZZCASH, transaction_id="T", created_at=NOW,
                updated_at=NOW, shares=split_by_seller([(2, Money("1.00"))], FeeRate("0.1")))
    with pytest.raises(ValueError, match="add up"):
        Payment(payer_id=1, payee_id=2, job_id=1, amount=Money("2.00"),
                method=PaymentMethod.JAZZCASH, transaction_id="T", created_at=NOW,
                updated_at=NOW, shares=split_by_seller([(2, Money("1.00"))], FeeRate("0.1")))


def test_capture_release_and_refund_are_balanced_transactions() -> None:
    p = payment("100.05")
    capture = p.complete(now=NOW)
    assert balanced(capture) and capture.kind is TransactionKind.CAPTURE
    assert {(e.account.kind, str(e.amount)) for e in capture.entries} == {
        (AccountKind.BUYER, "-100.05"), (AccountKind.PLATFORM_FEES, "10.01"),
        (AccountKind.ARTIST_HELD, "90.04")}
    _, refund = p.refund(by=STAFF, amount=Money("50.00"), now=NOW)
    assert balanced(refund) and p.status is PaymentStatus.PARTIALLY_REFUNDED
    release = p.release(by=STAFF, now=NOW)
    assert release is not None and balanced(release)
    assert p.hire_status is HireStatus.RELEASED


def test_illegal_transitions_are_refused() -> None:
    p = payment()
    with pytest.raises(InvalidState):
        p.release(by=STAFF, now=NOW)  # not paid
    with pytest.raises(InvalidState):
        p.refund(by=STAFF, amount=None, now=NOW)
    p.fail(now=NOW, reason="declined")
    with pytest.raises(InvalidState):
        p.complete(now=NOW)
    assert p.hire_status is HireStatus.CANCELLED
    q = payment()
    q.complete(now=NOW)
    with pytest.raises(InvalidState):
        q.complete(now=NOW)
    q.refund(by=STAFF, amount=None, now=NOW)
    with pytest.raises(InvalidState):
        q.release(by=STAFF, now=NOW)  # nothing left to release


def test_released_money_is_not_refunded_and_only_staff_move_money() -> None:
    p = payment()
    p.complete(now=NOW)
    for verb in (lambda: p.release(by=BUYER, now=NOW),
                 lambda: p.refund(by=ARTIST, amount=None, now=NOW)):
        with pytest.raises(PermissionDenied):
            verb()
    p.release(by=STAFF, now=NOW)
    with pytest.raises(InvalidState, match="reversal"):
        p.refund(by=STAFF, amount=Money("1.00"), now=NOW)


def test_a_refund_is_positive_and_within_what_is_left() -> None:
    p = payment("10.00")
    p.complete(now=NOW)
    for bad in (Money("0.00"), Money("10.01")):
        with pytest.raises(ValidationFailed):
            p.refund(by=STAFF, amount=bad, now=NOW)
    assert p.refunded_amount == Money(0)


def test_offline_verification_needs_the_payers_reference() -> None:
    p = payment(method=PaymentMethod.BANK_TRANSFER)
    with pytest.raises(InvalidState):
        p.verify(by=STAFF, reference="X", now=NOW)
    with pytest.raises(PermissionDenied):
        p.submit_reference(by=ARTIST, reference="X", now=NOW)
    p.submit_reference(by=BUYER, reference=" HBL-1 ", now=NOW)
    with pytest.raises(ValidationFailed):
        p.verify(by=STAFF, reference="HBL-2", now=NOW)
    assert balanced(p.verify(by=STAFF, reference="HBL-1", now=NOW))
    with pytest.raises(InvalidState):
        payment().submit_reference(by=BUYER, reference="X", now=NOW)  # cards take none


def test_claims_that_differ_from_the_servers_name_the_right_values() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_claims(amount=Money("5.00"), payee_id=None, sent_amount=Money("5.01"),
                     sent_payee=9, payee_sent=True)
    assert exc.value.details["amount"] == ["The amount due is 5.00."]
    assert "leave payee out" in exc.value.details["payee"][0]
    check_claims(amount=Money("5.00"), payee_id=None, sent_amount=None, sent_payee=None,
                 payee_sent=True)


def test_an_order_request_reports_every_shape_problem() -> None:
    errors = FieldErrors()
    OrderRequest(order_type="art", shipping_address=" ", artwork_items=(
        ItemRequest(item_id=1, quantity=2), ItemRequest(item_id=1)),
        equipment_items=(ItemRequest(item_id=3, quantity=0),)).validate_shape(errors)
    with pytest.raises(ValidationFailed) as exc:
        errors.raise_if_any()
    details = exc.value.details
    assert set(details) == {"order_type", "shipping_address", "artwork_items",
                            "equipment_items"}
    assert any("original" in m for m in details["artwork_items"])
    assert any("twice" in m for m in details["artwork_items"])


def test_order_transitions() -> None:
    order = Order.place(buyer=BUYER, request=OrderRequest(
        order_type="equipment", shipping_address="Lahore"), lines=[], now=NOW,
        reservation=timedelta(minutes=30))
    order.id = 1
    assert not order.is_expired(NOW + timedelta(minutes=29))
    assert order.is_expired(NOW + timedelta(minutes=30))
    with pytest.raises(InvalidState):
        order.confirm(by=BUYER, payment_arranged=False, now=NOW)
    with pytest.raises(PermissionDenied):
        order.deliver(by=BUYER, now=NOW, force=True)
    order.confirm(by=BUYER, payment_arranged=True, now=NOW)
    assert order.reserved_until is None and not order.is_expired(NOW + timedelta(days=9))
    order.deliver(by=STAFF, now=NOW)
    with pytest.raises(InvalidState):
        order.cancel(by=BUYER, now=NOW)
    order.complete(by=BUYER, now=NOW)
    assert order.status is OrderStatus.COMPLETED


def test_ledger_transactions_must_balance() -> None:
    with pytest.raises(ValueError, match="balance"):
        LedgerTransaction(kind=TransactionKind.CAPTURE, payment_id=1, created_at=NOW,
                          entries=[LedgerEntry(account=Account(AccountKind.BUYER, 1),
                                               kind=EntryKind.CAPTURED, amount=Money("-1.00"))])
    with pytest.raises(ValueError):
        Account(AccountKind.PLATFORM_FEES, 4)


def test_equipment_shares_are_platform_revenue() -> None:
    share = SellerShare(seller_id=None, split=FeeSplit(amount=Money("9.00"),
                                                       platform_fee=Money("9.00"),
                                                       artist_earning=Money(0)))
    assert (share.platform_part, share.seller_part) == (Money("9.00"), Money(0))
