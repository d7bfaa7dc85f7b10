"""Concurrent orders, refunds and releases: the database keeps each rule whole. Meaningful
on PostgreSQL (row locks, conditional updates); on SQLite writers take turns."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cultureup.bootstrap import Services
from cultureup.domain.commerce.ledger import balances
from cultureup.domain.errors import DomainError
from cultureup.domain.money import Money
from tests.integration.commerce_support import Commerce, artwork_order, equipment_order


@pytest.fixture
def shop(services: Services) -> Commerce:
    return Commerce(services)


def race(calls: list[Callable[[], Any]], *, workers: int = 20) -> Counter[str]:
    """Run the calls at once; count each outcome by its type name (results as "ok")."""
    gate = threading.Barrier(min(workers, len(calls)), timeout=60)

    def run(call: Callable[[], Any], index: int) -> str:
        if index < workers:
            gate.wait()
        try:
            call()
        except DomainError as exc:
            return type(exc).__name__
        return "ok"

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return Counter(pool.map(run, calls, range(len(calls))))


def test_two_hundred_orders_for_a_stock_of_ten(services: Services, shop: Commerce) -> None:
    item = shop.item("25.00", 10)
    buyers = [shop.user("buyer") for _ in range(20)]
    outcomes = race([lambda b=buyers[i % 20]: services.orders.place_order(
        b, equipment_order(item, 1)) for i in range(200)])
    assert outcomes["ok"] == 10, outcomes
    assert set(outcomes) <= {"ok", "ValidationFailed"}, outcomes
    assert shop.stock(item) == 0


def test_twenty_buyers_racing_for_one_artwork_get_one_order(services: Services,
                                                            shop: Commerce) -> None:
    work = shop.artwork(shop.user("artist"), "5000.00")
    buyers = [shop.user("buyer") for _ in range(20)]
    outcomes = race([lambda b=b: services.orders.place_order(b, artwork_order(work))
                     for b in buyers])
    assert outcomes["ok"] == 1, outcomes
    assert set(outcomes) <= {"ok", "ValidationFailed", "InvalidState"}, outcomes


def paid_job_payment(services: Services, shop: Commerce) -> tuple[int, Any, Any]:
    artist, buyer = shop.user("artist"), shop.user("buyer")
    job = shop.hired_job(buyer, artist, "1000.00")
    payment = services.payments.create_payment(buyer, method="bank_transfer", job_id=job)
    services.payments.confirm(buyer, payment.id, payer_reference="HBL-42")
    services.payments.verify(shop.admin, payment.id, reference="HBL-42")
    return payment.id, artist, buyer


def test_ten_concurrent_refunds_refund_once(services: Services, shop: Commerce) -> None:
    payment_id, artist, buyer = paid_job_payment(services, shop)
    outcomes = race([lambda: services.payments.refund(shop.admin, payment_id,
                                                      reason="duplicate click")] * 10)
    assert outcomes == Counter({"ok": 1, "InvalidState": 9})
    view = services.payments.get_payment(buyer, payment_id)
    assert (view.status, str(view.refunded_amount)) == ("refunded", "1000.00")
    assert services.payments.user_money(buyer.id).total_spent == Money(0)
    assert services.payments.user_money(artist.id).total_earnings == Money(0)


def test_concurrent_partial_refunds_never_exceed_the_amount(services: Services,
                                                           shop: Commerce) -> None:
    payment_id, _, buyer = paid_job_payment(services, shop)
    outcomes = race([lambda: services.payments.refund(shop.admin, payment_id,
                                                      amount=Money("300.00"))] * 10)
    assert outcomes["ok"] == 3, outcomes
    assert str(services.payments.get_payment(buyer, payment_id).refunded_amount) == "900.00"


def test_fifty_concurrent_releases_release_once(services: Services, shop: Commerce) -> None:
    payment_id, artist, _ = paid_job_payment(services, shop)
    outcomes = race([lambda: services.payments.release(shop.admin, payment_id)] * 50)
    assert outcomes == Counter({"ok": 1, "InvalidState": 49})
    money = services.payments.user_money(artist.id)
    assert (str(money.earnings_held), str(money.earnings_available)) == ("0.00", "900.00")
    from cultureup.adapters.sqlalchemy.commerce.queries import SqlAlchemyCommerceQueries
    totals = balances(SqlAlchemyCommerceQueries(services.engine).ledger_entries())
    assert sum(totals.values(), Money(0)) == Money(0)
