"""Orders, payments and the ledger on the real database (SQLite, or PostgreSQL when
CULTUREUP_TEST_DATABASE_URL is set), through the services."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from cultureup.adapters.sqlalchemy.commerce.queries import SqlAlchemyCommerceQueries
from cultureup.application.commerce.views import OrderFilters, PaymentFilters
from cultureup.application.views import AuditFilters, PageRequest
from cultureup.bootstrap import Services
from cultureup.domain.commerce.ledger import balances
from cultureup.domain.commerce.orders import ItemRequest, OrderRequest
from cultureup.domain.errors import InvalidState, NotFound, ValidationFailed
from cultureup.domain.money import Money
from tests.integration.commerce_support import Commerce, artwork_order, equipment_order


@pytest.fixture
def shop(services: Services) -> Commerce:
    return Commerce(services)


def test_an_order_keeps_its_prices_and_lines(services: Services, shop: Commerce) -> None:
    artist, buyer = shop.user("artist"), shop.user("buyer")
    work = shop.artwork(artist, "299.99")
    item = shop.item("150.00", 10)
    order = services.orders.place_order(buyer, OrderRequest(
        order_type="equipment", shipping_address="Lahore",
        artwork_items=(ItemRequest(item_id=work),),
        equipment_items=(ItemRequest(item_id=item, quantity=3),)))
    assert str(order.total_amount) == "749.99"
    assert [(line.artwork, line.artwork_artist, str(line.price)) for line in
            order.artwork_items] == [(work, artist.username, "299.99")]
    assert [(line.equipment, line.quantity, str(line.total_price)) for line in
            order.equipment_items] == [(item, 3, "450.00")]
    assert shop.stock(item) == 7
    changed = services.orders.update_order(buyer, order.id, shipping_address="Karachi",
                                           equipment_items=[ItemRequest(item_id=item,
                                                                        quantity=1)])
    assert (changed.shipping_address, str(changed.total_amount)) == ("Karachi", "449.99")
    assert [line.artwork for line in changed.artwork_items] == [work]
    assert shop.stock(item) == 9
    with pytest.raises(ValidationFailed, match="not available"):
        services.orders.place_order(shop.user("buyer"), artwork_order(work))
    services.orders.cancel(buyer, order.id)
    assert shop.stock(item) == 10
    assert services.orders.place_order(shop.user("buyer"), artwork_order(work)).id


def test_the_reservation_runs_out(services: Services, shop: Commerce, clock) -> None:
    artist, buyer = shop.user("artist"), shop.user("buyer")
    work = shop.artwork(artist, "100.00")
    first = services.orders.place_order(buyer, artwork_order(work))
    clock.advance(minutes=31)
    second = services.orders.place_order(shop.user("buyer"), artwork_order(work))
    assert services.orders.get_order(buyer, first.id).status == "cancelled"
    assert second.status == "pending"


def test_offline_payment_verified_and_refunded_keeps_the_books(services: Services,
                                                               shop: Commerce) -> None:
    artist, buyer = shop.user("artist"), shop.user("buyer")
    work = shop.artwork(artist, "899.97")
    order = services.orders.place_order(buyer, artwork_order(work))
    with pytest.raises(ValidationFailed) as wrong:
        services.payments.create_payment(buyer, method="jazzcash", order_id=order.id,
                                         amount=Money("1.00"))
    assert wrong.value.details == {"amount": ["The amount due is 899.97."]}
    payment = services.payments.create_payment(buyer, method="jazzcash", order_id=order.id)
    assert (str(payment.platform_fee), str(payment.artist_earning)) == ("90.00", "809.97")
    with pytest.raises(InvalidState):
        services.payments.create_payment(buyer, method="bank_transfer", order_id=order.id)
    services.payments.confirm(buyer, payment.id, payer_reference="JC-7788")
    services.orders.confirm(buyer, order.id)
    done = services.payments.verify(shop.admin, payment.id, reference="JC-7788",
                                    reason="seen in the JazzCash statement")
    assert done.status == "completed" and done.hire_status == "pending"
    money = services.payments.user_money(artist.id)
    assert (str(money.earnings_held), str(money.total_earnings)) == ("809.97", "809.97")
    refund = services.payments.refund(shop.admin, payment.id, amount=Money("99.99"),
                                      reason="frame damaged")
    assert refund.payment.status == "partially_refunded"
    assert str(refund.payment.refunded_amount) == "99.99"
    assert str(services.payments.user_money(buyer.id).total_spent) == "799.98"
    released = services.payments.release(shop.admin, payment.id, reason="delivered")
    assert released.hire_status == "released"
    with pytest.raises(InvalidState):
        services.payments.refund(shop.admin, payment.id)
    totals = balances(SqlAlchemyCommerceQueries(services.engine).ledger_entries())
    assert sum(totals.values(), Money(0)) == Money(0)
    money = services.payments.user_money(artist.id)
    # 99.99 of 899.97 refunded: the fee gives back 10.00 (90.00 x 99.99 / 899.97), the
    # artist 89.99; what is left was released.
    assert (str(money.earnings_held), str(money.earnings_available)) == ("0.00", "719.98")
    stats = services.payments.stats(shop.admin)
    assert (stats.total_payments, stats.completed_payments, stats.pending_releases) == (1, 1, 0)
    assert stats.total_revenue == Money("799.98")
    assert stats.platform_fees + services.payments.user_money(artist.id).total_earnings == (
        Money("799.98"))


def test_job_payment_by_bank_transfer_is_released_when_the_job_completes(
        services: Services, shop: Commerce) -> None:
    artist, buyer = shop.user("artist"), shop.user("buyer")
    job = shop.hired_job(buyer, artist, "850.00")
    with pytest.raises(ValidationFailed) as wrong:
        services.payments.create_payment(buyer, method="bank_transfer", job_id=job,
                                         payee_id=buyer.id, payee_sent=True)
    assert wrong.value.details == {"payee": [f"The payee is user {artist.id}."]}
    payment = services.payments.create_payment(buyer, method="bank_transfer", job_id=job)
    services.payments.confirm(buyer, payment.id, payer_reference="HBL-1")
    services.payments.verify(shop.admin, payment.id, reference="HBL-1")
    services.jobs.complete(buyer, job)
    view = services.payments.get_payment(artist, payment.id)
    assert view.hire_status == "released" and view.job is not None
    money = services.payments.user_money(artist.id)
    assert (str(money.earnings_held), str(money.earnings_available)) == ("0.00", "765.00")


def test_cash_on_delivery_and_admin_actions_are_audited(services: Services,
                                                        shop: Commerce) -> None:
    buyer = shop.user("buyer")
    item = shop.item("100.00", 5)
    order = services.orders.place_order(buyer, equipment_order(item, 2))
    payment = services.payments.create_payment(buyer, method="cash_on_delivery",
                                               order_id=order.id)
    services.orders.force_complete(shop.admin, order.id, reason="courier confirmed")
    assert services.payments.get_payment(buyer, payment.id).status == "completed"
    other = services.orders.place_order(buyer, equipment_order(item, 1))
    services.orders.cancel(shop.admin, other.id, reason="address unreachable")
    assert shop.stock(item) == 3
    entries = services.audit.list_entries(shop.admin, AuditFilters(action="admin."),
                                          PageRequest()).items
    assert {(e.action, e.details.get("reason")) for e in entries
            if e.target_type == "order"} == {
        ("admin.order_force_completed", "courier confirmed"),
        ("admin.order_cancelled", "address unreachable")}


def test_buyers_see_only_their_own(services: Services, shop: Commerce) -> None:
    artist, buyer, other = shop.user("artist"), shop.user("buyer"), shop.user("buyer")
    order = services.orders.place_order(buyer, artwork_order(shop.artwork(artist, "10.00")))
    with pytest.raises(NotFound):
        services.orders.get_order(other, order.id)
    with pytest.raises(NotFound):
        services.orders.cancel(other, order.id)
    assert services.orders.list_orders(other, OrderFilters(), PageRequest()).total == 0
    assert services.orders.list_orders(buyer, OrderFilters(status="pending"),
                                       PageRequest()).total == 1
    purchases = services.payments.purchases(buyer, buyer.id)
    assert purchases.total_orders == 1


def test_twenty_orders_and_twenty_payments_are_listed_in_constant_queries(
        services: Services, shop: Commerce) -> None:
    artist, buyer = shop.user("artist"), shop.user("buyer")
    item = shop.item("5.00", 1000)
    for _ in range(20):
        order = services.orders.place_order(buyer, OrderRequest(
            order_type="artwork", shipping_address="Lahore",
            artwork_items=(ItemRequest(item_id=shop.artwork(artist, "10.00")),),
            equipment_items=(ItemRequest(item_id=item, quantity=2),)))
        services.payments.create_payment(buyer, method="bank_transfer", order_id=order.id)
    statements: list[str] = []

    def count(*args: object) -> None:
        # BEGIN and the like are the engine's own, not the read model's
        if str(args[2]).split(maxsplit=1)[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK"}:
            statements.append(str(args[2]))

    event.listen(services.engine, "before_cursor_execute", count)
    try:
        orders = services.orders.list_orders(buyer, OrderFilters(), PageRequest())
        order_queries = len(statements)
        payments = services.payments.admin_list_payments(shop.admin, PaymentFilters(),
                                                         PageRequest())
        payment_queries = len(statements) - order_queries
    finally:
        event.remove(services.engine, "before_cursor_execute", count)
    assert len(orders.items) == 20 and all(len(o.equipment_items) == 1 for o in orders.items)
    assert len(payments.items) == 20
    assert (order_queries, payment_queries) == (3, 2)


def test_expire_reservations_cancels_only_overdue_unpaid_orders(services: Services,
                                                                shop: Commerce,
                                                                clock) -> None:
    buyer = shop.user("buyer")
    item = shop.item("1.00", 3)
    services.orders.place_order(buyer, equipment_order(item, 1))
    held = services.orders.place_order(buyer, equipment_order(item, 1))
    services.payments.create_payment(buyer, method="bank_transfer", order_id=held.id)
    clock.advance(minutes=30)
    assert services.orders.expire_reservations() == 1
    assert shop.stock(item) == 2
