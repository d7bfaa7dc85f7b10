"""Orders and payments through the use cases, on in-memory fakes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from cultureup.application.commerce.views import OrderFilters
from cultureup.application.views import PageRequest
from cultureup.domain.accounts.users import Actor, UserType
from cultureup.domain.catalog.artworks import ModerationStatus
from cultureup.domain.commerce.ledger import AccountKind, balances
from cultureup.domain.commerce.orders import ItemRequest, OrderRequest
from cultureup.domain.errors import InvalidState, NotFound, PermissionDenied, ValidationFailed
from cultureup.domain.events import OrderCancelled, OrderPlaced, PaymentReceived
from cultureup.domain.moderation.content import ContentType, Removal
from cultureup.domain.money import Money
from tests.unit.commerce_fakes import NOW, Shop


@pytest.fixture
def shop() -> Shop:
    return Shop.create()


@pytest.fixture
def people(shop: Shop) -> dict[str, Actor]:
    return {"buyer": shop.user("sana", UserType.BUYER),
            "other": shop.user("omar", UserType.BUYER),
            "artist": shop.user("hamza", UserType.ARTIST),
            "artist2": shop.user("zara", UserType.ARTIST),
            "staff": shop.user("manager", UserType.ADMIN, staff=True)}


def artworks(*ids: int) -> OrderRequest:
    return OrderRequest(order_type="artwork", shipping_address="1 Mall Road, Lahore",
                        artwork_items=tuple(ItemRequest(item_id=i) for i in ids))


def gear(*pairs: tuple[int, int], artwork_ids: tuple[int, ...] = ()) -> OrderRequest:
    return OrderRequest(order_type="equipment", shipping_address="2 Clifton, Karachi",
                        equipment_items=tuple(ItemRequest(item_id=i, quantity=q)
                                              for i, q in pairs),
                        artwork_items=tuple(ItemRequest(item_id=i) for i in artwork_ids))


def assert_books_balance(shop: Shop) -> None:
    for transaction in shop.state.ledger:
        assert sum((e.amount for e in transaction.entries), Money(0)) == Money(0)


def details(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return exc.value.details


# -- orders ----------------------------------------------------------------------------------


def test_prices_come_from_the_catalogue_and_stay_on_the_line(shop: Shop, people) -> None:
    a1 = shop.artwork(people["artist"], "299.99")
    item = shop.item("150.00", 10)
    order = shop.orders.place_order(people["buyer"], gear((item, 3), artwork_ids=(a1,)))
    assert str(order.total_amount) == "749.99"
    assert [str(line.total_price) for line in order.equipment_items] == ["450.00"]
    shop.state.artworks[a1].price = Money("999.00")
    again = shop.orders.get_order(people["buyer"], order.id)
    assert str(again.artwork_items[0].price) == "299.99"
    assert shop.state.equipment[item].stock_quantity == 7
    assert shop.events.of_type(OrderPlaced)[0].order_id == order.id


def test_an_artwork_quantity_above_one_is_refused_with_the_reason(shop: Shop, people) -> None:
    a1 = shop.artwork(people["artist"], "100.00")
    request = OrderRequest(order_type="artwork", shipping_address="x",
                           artwork_items=(ItemRequest(item_id=a1, quantity=2),))
    with pytest.raises(ValidationFailed) as exc:
        shop.orders.place_order(people["buyer"], request)
    assert "original" in details(exc)["artwork_items"][0]
    assert not shop.state.orders


def test_only_buyers_order_and_unknown_items_are_field_errors(shop: Shop, people) -> None:
    with pytest.raises(PermissionDenied):
        shop.orders.place_order(people["artist"], artworks(1))
    with pytest.raises(ValidationFailed) as exc:
        shop.orders.place_order(people["buyer"], gear((999, 1), artwork_ids=(998,)))
    assert set(details(exc)) == {"artwork_items", "equipment_items"}


def test_what_the_public_cannot_see_is_refused_like_a_missing_item(shop: Shop, people) -> None:
    removed, rejected, held, fine = (shop.artwork(people["artist"], "100.00")
                                     for _ in range(4))
    shop.state.removals[(ContentType.ARTWORK, removed)] = Removal(
        reason="Stolen image", removed_by_id=None, removed_at=NOW)
    shop.state.artworks[rejected].moderation_status = ModerationStatus.REJECTED
    shop.state.artworks[held].duplicate_candidate_id = fine
    gone = shop.item("20.00", 5)
    shop.state.removals[(ContentType.EQUIPMENT, gone)] = Removal(
        reason="Recalled", removed_by_id=None, removed_at=NOW)
    for request in (artworks(removed), artworks(rejected), artworks(held), gear((gone, 1))):
        with pytest.raises(ValidationFailed) as exc:
            shop.orders.place_order(people["buyer"], request)
        (messages,) = details(exc).values()
        item_id = (request.artwork_items or request.equipment_items)[0].item_id
        assert messages == [f'Item 1: invalid pk "{item_id}" - object does not exist.']
    assert not shop.state.orders
    assert shop.state.equipment[gone].stock_quantity == 5
    order = shop.orders.place_order(people["buyer"], artworks(fine))
    with pytest.raises(ValidationFailed) as exc:
        shop.orders.update_order(people["buyer"], order.id,
                                 artwork_items=artworks(held).artwork_items)
    assert details(exc) == {"artwork_items": [
        f'Item 1: invalid pk "{held}" - object does not exist.']}
    assert [line.artwork for line in shop.orders.get_order(
        people["buyer"], order.id).artwork_items] == [fine]


def test_a_reserved_artwork_cannot_be_ordered_again_until_released(shop: Shop, people) -> None:
    a1 = shop.artwork(people["artist"], "100.00")
    first = shop.orders.place_order(people["buyer"], artworks(a1))
    with pytest.raises(ValidationFailed, match="not available"):
        shop.orders.place_order(people["other"], artworks(a1))
    shop.orders.cancel(people["buyer"], first.id)
    assert shop.orders.place_order(people["other"], artworks(a1)).status == "pending"


def test_stock_never_goes_below_zero_and_cancel_returns_it(shop: Shop, people) -> None:
    item = shop.item("10.00", 2)
    with pytest.raises(ValidationFailed, match="only 2"):
        shop.orders.place_order(people["buyer"], gear((item, 3)))
    order = shop.orders.place_order(people["buyer"], gear((item, 2)))
    assert shop.state.equipment[item].stock_quantity == 0
    with pytest.raises(ValidationFailed):
        shop.orders.place_order(people["other"], gear((item, 1)))
    shop.orders.cancel(people["buyer"], order.id)
    assert shop.state.equipment[item].stock_quantity == 2
    assert shop.events.of_type(OrderCancelled)


def test_an_unpaid_reservation_expires_after_the_window(shop: Shop, people) -> None:
    a1 = shop.artwork(people["artist"], "100.00")
    item = shop.item("10.00", 1)
    order = shop.orders.place_order(people["buyer"], gear((item, 1), artwork_ids=(a1,)))
    shop.clock.advance(timedelta(minutes=29))
    with pytest.raises(ValidationFailed):
        shop.orders.place_order(people["other"], artworks(a1))
    shop.clock.advance(timedelta(minutes=2))
    again = shop.orders.place_order(people["other"], gear((item, 1), artwork_ids=(a1,)))
    assert again.status == "pending"
    assert shop.orders.get_order(people["buyer"], order.id).status == "cancelled"


def test_a_buyer_sees_and_changes_only_their_own_orders(shop: Shop, people) -> None:
    a1 = shop.artwork(people["artist"], "100.00")
    order = shop.orders.place_order(people["buyer"], artworks(a1))
    for verb in (lambda: shop.orders.get_order(people["other"], order.id),
                 lambda: shop.orders.cancel(people["other"], order.id),
                 lambda: shop.orders.confirm(people["other"], order.id),
                 lambda: shop.orders.delete_order(people["other"], order.id)):
        with pytest.raises(NotFound):
            verb()
    assert shop.orders.get_order(people["staff"], order.id).id == order.id
    mine = shop.orders.list_orders(people["other"], OrderFilters(), PageRequest())
    assert mine.total == 0


def test_changing_lines_gives_back_and_retakes_items(shop: Shop, people) -> None:
    item = shop.item("10.00", 5)
    order = shop.orders.place_order(people["buyer"], gear((item, 4)))
    changed = shop.orders.update_order(people["buyer"], order.id,
                                       equipment_items=[ItemRequest(item_id=item, quantity=5)])
    assert str(changed.total_amount) == "50.00"
    assert shop.state.equipment[item].stock_quantity == 0
    with pytest.raises(ValidationFailed):
        shop.orders.update_order(people["buyer"], order.id,
                                 equipment_items=[ItemRequest(item_id=item, quantity=6)])
    assert shop.state.equipment[item].stock_quantity == 0  # nothing changed
    shop.orders.delete_order(people["buyer"], order.id)
    assert shop.state.equipment[item].stock_quantity == 5 and not shop.state.orders


# -- payments --------------------------------------------------------------------------------


def test_the_server_decides_amount_and_payee(shop: Shop, people) -> None:
    a1 = shop.artwork(people["artist"], "899.97")
    order = shop.orders.place_order(people["buyer"], artworks(a1))
    with pytest.raises(ValidationFailed) as exc:
        shop.payments.create_payment(people["buyer"], method="jazzcash", order_id=order.id,
                                     amount=Money("1.00"), payee_id=people["artist2"].id,
                                     payee_sent=True)
    assert details(exc) == {"amount": ["The amount due is 899.97."],
                            "payee": [f"The payee is user {people['artist'].id}."]}
    payment = shop.payments.create_payment(people["buyer"], method="jazzcash",
                                           order_id=order.id, amount=Money("899.97"))
    assert (str(payment.platform_fee), str(payment.artist_earning)) == ("90.00", "809.97")
    assert payment.payee is not None and payment.payee.id == people["artist"].id
    with pytest.raises(InvalidState, match="already"):
        shop.payments.create_payment(people["buyer"], method="stripe", order_id=order.id)


def test_card_payments_without_a_gateway_are_a_clear_400(people) -> None:
    shop = Shop.create(cards=False)
    buyer = shop.user("sana", UserType.BUYER)
    artist = shop.user("hamza", UserType.ARTIST)
    job = shop.hired_job(buyer, artist, "850.00")
    with pytest.raises(ValidationFailed, match="not configured"):
        shop.payments.create_payment(buyer, method="stripe", job_id=job)


def stripe_payment(shop: Shop, people, amount: str = "850.00") -> tuple[int, int]:
    job = shop.hired_job(people["buyer"], people["artist"], amount)
    payment = shop.payments.create_payment(people["buyer"], method="stripe", job_id=job)
    return job, payment.id


def test_card_flow_with_3d_secure_completes_and_holds_the_earning(shop: Shop, people) -> None:
    _, pid = stripe_payment(shop, people)
    first = shop.payments.process(people["buyer"], pid)
    again = shop.payments.process(people["buyer"], pid)
    assert again.payment_intent_id == first.payment_intent_id and shop.card.created == 1
    result = shop.payments.confirm(people["buyer"], pid, payment_method_id="pm_card_threeDSecure")
    assert result.requires_action and result.next_action == {"type": "use_stripe_sdk"}
    assert result.payment.status == "pending"
    shop.card.authenticate(first.payment_intent_id, success=True)
    done = shop.payments.complete_3d_secure(people["buyer"], pid)
    assert done.payment.status == "completed" and done.payment.hire_status == "pending"
    money = shop.payments.user_money(people["artist"].id)
    assert (str(money.earnings_held), str(money.earnings_available)) == ("765.00", "0.00")
    assert str(shop.payments.user_money(people["buyer"].id).total_spent) == "850.00"
    assert shop.events.of_type(PaymentReceived)
    assert_books_balance(shop)


def test_a_declined_card_ends_failed(shop: Shop, people) -> None:
    _, pid = stripe_payment(shop, people)
    shop.payments.process(people["buyer"], pid)
    result = shop.payments.confirm(people["buyer"], pid, payment_method_id="pm_card_declined")
    assert result.payment.status == "failed" and "declined" in result.failure_message
    assert not shop.state.ledger


def test_someone_else_cannot_pay_confirm_or_read_a_payment(shop: Shop, people) -> None:
    _, pid = stripe_payment(shop, people)
    with pytest.raises(NotFound):
        shop.payments.process(people["other"], pid)
    with pytest.raises(NotFound):
        shop.payments.get_payment(people["other"], pid)
    with pytest.raises(PermissionDenied):
        shop.payments.process(people["artist"], pid)  # the payee sees it, cannot pay it
    assert shop.payments.get_payment(people["artist"], pid).id == pid


def test_completing_the_job_releases_the_escrow(shop: Shop, people) -> None:
    job, pid = stripe_payment(shop, people)
    shop.payments.process(people["buyer"], pid)
    shop.payments.confirm(people["buyer"], pid, payment_method_id="pm_card_visa")
    shop.complete_job(people["buyer"], job)
    view = shop.payments.get_payment(people["buyer"], pid)
    assert view.hire_status == "released"
    money = shop.payments.user_money(people["artist"].id)
    assert (str(money.earnings_held), str(money.earnings_available)) == ("0.00", "765.00")
    with pytest.raises(InvalidState, match="released"):
        shop.payments.refund(people["staff"], pid)


def test_refunds_are_proportional_and_never_exceed_what_was_paid(shop: Shop, people) -> None:
    _, pid = stripe_payment(shop, people, "100.05")
    shop.payments.process(people["buyer"], pid)
    shop.payments.confirm(people["buyer"], pid, payment_method_id="pm_card_visa")
    with pytest.raises(PermissionDenied):
        shop.payments.refund(people["buyer"], pid)
    first = shop.payments.refund(people["staff"], pid, amount=Money("33.35"), reason="scratch")
    assert first.payment.status == "partially_refunded"
    with pytest.raises(ValidationFailed, match=r"At most 66\.70"):
        shop.payments.refund(people["staff"], pid, amount=Money("66.71"))
    rest = shop.payments.refund(people["staff"], pid, reason="returned")
    assert str(rest.refund_amount) == "66.70" and rest.payment.status == "refunded"
    assert rest.payment.hire_status == "cancelled"
    with pytest.raises(InvalidState):
        shop.payments.refund(people["staff"], pid)
    totals = balances(shop.store.entries())
    assert all(amount == Money(0) for amount in totals.values())
    assert [amount for _, amount in shop.card.refunds] == [Money("33.35"), Money("66.70")]
    assert [e.details["reason"] for e in shop.state.audit] == ["scratch", "returned"]


def test_the_same_webhook_event_has_one_effect(shop: Shop, people) -> None:
    _, pid = stripe_payment(shop, people)
    intent = shop.payments.process(people["buyer"], pid).payment_intent_id
    body = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded",
                       "reference": intent}).encode()
    with pytest.raises(ValidationFailed):
        shop.payments.handle_webhook(body, "forged")
    assert shop.payments.get_payment(people["buyer"], pid).status == "pending"
    outcomes = [shop.payments.handle_webhook(body, "good") for _ in range(10)]
    assert outcomes.count("payment_intent.succeeded") == 1 and outcomes.count("duplicate") == 9
    assert len(shop.state.ledger) == 1


def test_offline_transfers_complete_when_staff_verify_the_payer_reference(shop: Shop,
                                                                          people) -> None:
    a1 = shop.artwork(people["artist"], "500.00")
    order = shop.orders.place_order(people["buyer"], artworks(a1))
    pid = shop.payments.create_payment(people["buyer"], method="bank_transfer",
                                       order_id=order.id).id
    with pytest.raises(InvalidState, match="not submitted"):
        shop.payments.verify(people["staff"], pid, reference="HBL-123")
    shop.payments.confirm(people["buyer"], pid, payer_reference="HBL-123")
    shop.clock.advance(timedelta(hours=5))  # an offline payment keeps the reservation
    shop.orders.expire_reservations()
    with pytest.raises(ValidationFailed, match="does not match"):
        shop.payments.verify(people["staff"], pid, reference="HBL-999")
    with pytest.raises(PermissionDenied):
        shop.payments.verify(people["buyer"], pid, reference="HBL-123")
    assert shop.state.notifications == []  # nothing arrived yet, nobody is told
    view = shop.payments.verify(people["staff"], pid, reference="HBL-123", reason="seen")
    assert view.status == "completed"
    assert shop.orders.get_order(people["buyer"], order.id).is_paid
    assert not shop.state.artworks[a1].is_available
    # The payee is told once, in the transaction that completed the payment.
    assert [(n.user_id, n.notification_type.value, n.message)
            for n in shop.state.notifications] == [
        (people["artist"].id, "payment_received",
         f"You received a payment of PKR 500.00 for the order #{order.id}")]


def test_cash_on_delivery_completes_when_staff_deliver(shop: Shop, people) -> None:
    item = shop.item("100.00", 3)
    order = shop.orders.place_order(people["buyer"], gear((item, 2)))
    pid = shop.payments.create_payment(people["buyer"], method="cash_on_delivery",
                                       order_id=order.id).id
    shop.orders.confirm(people["buyer"], order.id)
    with pytest.raises(PermissionDenied):
        shop.orders.force_complete(people["buyer"], order.id)
    delivered = shop.orders.force_complete(people["staff"], order.id, reason="courier")
    assert delivered.status == "delivered"
    view = shop.payments.get_payment(people["buyer"], pid)
    assert view.status == "completed" and str(view.platform_fee) == "200.00"
    assert view.payee is None and str(view.artist_earning) == "0.00"
    stats = shop.payments.stats(people["staff"])
    assert (stats.platform_fees, stats.total_revenue) == (Money("200.00"), Money("200.00"))


def test_cancelling_a_paid_order_refunds_it_and_frees_the_items(shop: Shop, people) -> None:
    a1 = shop.artwork(people["artist"], "300.00")
    item = shop.item("50.00", 1)
    order = shop.orders.place_order(people["buyer"], gear((item, 1), artwork_ids=(a1,)))
    pid = shop.payments.create_payment(people["buyer"], method="stripe", order_id=order.id).id
    shop.payments.process(people["buyer"], pid)
    shop.payments.confirm(people["buyer"], pid, payment_method_id="pm_card_visa")
    shop.orders.cancel(people["staff"], order.id, reason="out of frames")
    view = shop.payments.get_payment(people["buyer"], pid)
    assert view.status == "refunded"
    assert shop.state.equipment[item].stock_quantity == 1
    assert shop.state.artworks[a1].is_available and not shop.state.holds
    assert shop.state.audit[-1].details["reason"] == "out of frames"
    assert all(amount == Money(0) for amount in balances(shop.store.entries()).values())


def test_purchases_are_for_the_buyer_and_staff(shop: Shop, people) -> None:
    a1 = shop.artwork(people["artist"], "300.00")
    shop.orders.place_order(people["buyer"], artworks(a1))
    stripe_payment(shop, people)
    mine = shop.payments.purchases(people["buyer"], people["buyer"].id)
    assert (mine.total_orders, mine.total_payments) == (1, 1)
    with pytest.raises(PermissionDenied):
        shop.payments.purchases(people["other"], people["buyer"].id)
    assert shop.payments.purchases(people["staff"], people["buyer"].id).total_orders == 1


def test_release_is_for_staff_once(shop: Shop, people) -> None:
    _, pid = stripe_payment(shop, people)
    shop.payments.process(people["buyer"], pid)
    shop.payments.confirm(people["buyer"], pid, payment_method_id="pm_card_visa")
    with pytest.raises(PermissionDenied):
        shop.payments.release(people["artist"], pid)
    assert shop.payments.release(people["staff"], pid, reason="delivered").hire_status == (
        "released")
    with pytest.raises(InvalidState):
        shop.payments.release(people["staff"], pid)
    assert [a.kind for a in balances(shop.store.entries()) if a.user_id == people[
        "artist"].id] == [AccountKind.ARTIST_HELD, AccountKind.ARTIST_AVAILABLE]



def test_cancelling_calls_off_a_card_payment_in_flight(shop: Shop, people) -> None:
    item = shop.item("10.00", 5)
    first = shop.orders.place_order(people["buyer"], gear((item, 1)))
    pid = shop.payments.create_payment(people["buyer"], method="stripe", order_id=first.id).id
    intent = shop.payments.process(people["buyer"], pid).payment_intent_id
    shop.payments.confirm(people["buyer"], pid, payment_method_id="pm_card_threeDSecure")
    shop.orders.cancel(people["buyer"], first.id)
    assert shop.card.fetch(intent).status.value == "canceled"
    assert shop.payments.get_payment(people["buyer"], pid).status == "failed"
    # authenticated at the bank, then cancelled before anyone told the server: given back
    second = shop.orders.place_order(people["buyer"], gear((item, 1)))
    pid = shop.payments.create_payment(people["buyer"], method="stripe", order_id=second.id).id
    intent = shop.payments.process(people["buyer"], pid).payment_intent_id
    shop.payments.confirm(people["buyer"], pid, payment_method_id="pm_card_threeDSecure")
    shop.card.authenticate(intent, success=True)
    shop.orders.cancel(people["buyer"], second.id)
    assert shop.payments.get_payment(people["buyer"], pid).status == "refunded"
    assert shop.card.refunds == [(intent, Money("10.00"))]
    assert_books_balance(shop)
