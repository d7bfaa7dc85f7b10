"""Money races through the HTTP app (threads calling the WSGI app at once, and the served
app under gunicorn; meaningful on PostgreSQL, where they really overlap), a refund made in
Stripe's dashboard arriving by webhook, and an unreachable Stripe answering 503 without
changing anything."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import falcon.testing
import pytest
import stripe

from cultureup.adapters.sqlalchemy.commerce.queries import SqlAlchemyCommerceQueries
from cultureup.bootstrap import Services, bootstrap, http_app
from cultureup.config import Settings
from cultureup.domain.accounts.users import Actor, UserType
from cultureup.domain.commerce.ledger import balances
from cultureup.domain.money import Money
from tests.integration.assertions import assert_error
from tests.integration.commerce_support import PASSWORD, signed_event
from tests.integration.conftest import ApiUser
from tests.integration.test_commerce_api import Shop, app, stripe_payment  # noqa: F401
from tests.integration.test_commerce_races import race
from tests.integration.test_server import served_api
from tests.integration.test_stripe_payments import (
    NO_AUTHENTICATION,
    SECRET_KEY,
    WEBHOOK_SECRET,
    card,
    localstripe,  # noqa: F401 - the module's fixture, shared
    stripe_client,  # noqa: F401
)


@pytest.fixture
def shop(client: falcon.testing.TestClient, services: Services) -> Shop:
    return Shop(client, services)


def as_actor(user: ApiUser) -> Actor:
    return Actor(id=user.id, username=user.username, user_type=UserType(user.user_type))


def paid_job(shop: Shop) -> tuple[ApiUser, ApiUser, int]:
    artist, buyer = shop.user("artist"), shop.user("buyer")
    job = shop.commerce.hired_job(as_actor(buyer), as_actor(artist), "1000.00")
    pid = shop.post("/api/payments/", buyer, {"job": job,
                                             "payment_method": "bank_transfer"}).json["id"]
    shop.post(f"/api/payments/{pid}/confirm/", buyer, {"transaction_reference": "HBL-42"})
    shop.services.payments.verify(shop.commerce.admin, pid, reference="HBL-42")
    return artist, buyer, int(pid)


def ledger_total(services: Services) -> Money:
    return sum(balances(SqlAlchemyCommerceQueries(services.engine).ledger_entries()).values(),
               Money(0))


def statuses(shop: Shop, calls: int, path: str, body: dict | None = None) -> Counter[int]:
    seen: list[int] = []
    race([lambda: seen.append(shop.post(path, shop.admin, body).status_code)] * calls,
         workers=min(calls, 25))
    return Counter(seen)


def test_ten_concurrent_refund_requests_refund_once(shop: Shop) -> None:
    artist, buyer, pid = paid_job(shop)
    outcomes = statuses(shop, 10, f"/api/admin/payments/{pid}/refund/",
                        {"reason": "double click"})
    assert outcomes == Counter({200: 1, 409: 9}), outcomes
    payment = shop.get(f"/api/payments/{pid}/", buyer).json
    assert (payment["status"], payment["refunded_amount"]) == ("refunded", "1000.00")
    assert shop.services.payments.user_money(buyer.id).total_spent == Money(0)
    assert shop.services.payments.user_money(artist.id).total_earnings == Money(0)
    assert ledger_total(shop.services) == Money(0)


def test_concurrent_partial_refunds_stop_at_the_amount_paid(shop: Shop) -> None:
    _, buyer, pid = paid_job(shop)
    outcomes = statuses(shop, 10, f"/api/admin/payments/{pid}/refund/", {"amount": "300.00"})
    assert outcomes == Counter({200: 3, 400: 7}), outcomes
    assert shop.get(f"/api/payments/{pid}/", buyer).json["refunded_amount"] == "900.00"
    assert ledger_total(shop.services) == Money(0)


def test_fifty_concurrent_releases_release_once(shop: Shop) -> None:
    artist, _, pid = paid_job(shop)
    outcomes = statuses(shop, 50, f"/api/admin/payments/{pid}/release/")
    assert outcomes == Counter({200: 1, 409: 49}), outcomes
    money = shop.services.payments.user_money(artist.id)
    assert (str(money.earnings_held), str(money.earnings_available)) == ("0.00", "900.00")
    assert ledger_total(shop.services) == Money(0)


@pytest.fixture
def card_shop(app) -> Shop:  # noqa: F811
    return Shop(*app)


def test_a_refund_made_in_stripe_arrives_by_webhook_once(card_shop: Shop,
                                                         stripe_client: stripe.StripeClient  # noqa: F811
                                                         ) -> None:
    shop = card_shop
    buyer = shop.user("buyer")
    pid = stripe_payment(shop, buyer, "500.00")
    intent = shop.post(f"/api/payments/{pid}/process/", buyer).json["payment_intent_id"]
    done = shop.post(f"/api/payments/{pid}/confirm/", buyer,
                     {"payment_method_id": card(stripe_client, NO_AUTHENTICATION)})
    assert done.json["status"] == "completed", done.text
    # staff refund 120.00 in Stripe's dashboard; Stripe then posts charge.refunded
    stripe_client.v1.refunds.create(params={"payment_intent": intent, "amount": 12000})
    event = {"id": "evt_dashboard_refund", "object": "event", "type": "charge.refunded",
             "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": intent,
                                 "amount_refunded": 12000}}}
    payload, signature = signed_event(WEBHOOK_SECRET, event)

    def deliver() -> None:
        response = shop.client.simulate_post(
            "/api/payments/stripe/webhook/", body=payload,
            headers={"Stripe-Signature": signature, "Content-Type": "application/json"})
        assert response.status_code == 200, response.text

    assert race([deliver] * 5, workers=5) == {"ok": 5}
    payment = shop.get(f"/api/payments/{pid}/", buyer).json
    assert (payment["status"], payment["refunded_amount"]) == ("partially_refunded", "120.00")
    assert str(shop.services.payments.user_money(buyer.id).total_spent) == "380.00"
    assert ledger_total(shop.services) == Money(0)
    # our own record was not sent back to Stripe as a second refund
    refunds = stripe_client.v1.refunds.list(params={"payment_intent": intent}).data
    assert [r.amount for r in refunds] == [12000]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def offline_stripe(settings: Settings, clock, services: Services
                   ) -> Iterator[tuple[falcon.testing.TestClient, Services]]:
    """Stripe configured, but nothing answers at its address."""
    configured = bootstrap(attrs.evolve(
        settings, stripe_secret_key=SECRET_KEY,
        stripe_api_base=f"http://127.0.0.1:{_closed_port()}"), clock=clock)
    yield falcon.testing.TestClient(http_app(configured)), configured
    configured.close()


def test_an_unreachable_stripe_is_a_503_that_changes_nothing(offline_stripe) -> None:
    shop = Shop(*offline_stripe)
    buyer = shop.user("buyer")
    pid = stripe_payment(shop, buyer, "250.00")
    refused = assert_error(shop.post(f"/api/payments/{pid}/process/", buyer), 503)
    assert "card processor" in refused["error"]
    payment = shop.get(f"/api/payments/{pid}/", buyer).json
    assert payment["status"] == "pending"
    listed = shop.get("/api/admin/payments/", shop.admin).json["results"]
    assert [(p["id"], p["stripe_payment_intent"]) for p in listed] == [(pid, None)]


def test_another_buyer_cannot_pay_or_act_on_a_payment(shop: Shop) -> None:
    buyer, other = shop.user("buyer"), shop.user("buyer")
    work = shop.artwork("300.00")
    order = shop.post("/api/orders/", buyer, {"order_type": "artwork",
                                              "shipping_address": "Lahore",
                                              "artwork_items": [{"artwork_id": work}]}).json
    assert_error(shop.post("/api/payments/", other, {"order": order["id"],
                                                     "payment_method": "jazzcash"}), 404)
    pid = shop.post("/api/payments/", buyer, {"order": order["id"],
                                              "payment_method": "jazzcash"}).json["id"]
    for action in ("process", "confirm", "3d-secure"):
        response = shop.post(f"/api/payments/{pid}/{action}/", other,
                             {"transaction_reference": "MINE"})
        assert response.status_code in (403, 404), (action, response.text)
    assert shop.get("/api/payments/", other).json["count"] == 0
    payment = shop.get(f"/api/payments/{pid}/", buyer).json
    assert payment["status"] == "pending"
    assert shop.services.payments.get_payment(shop.commerce.admin, pid).status == "pending"


def test_twenty_orders_and_payments_cost_the_queries_of_one_over_http(
        shop: Shop, count_queries) -> None:  # type: ignore[no-untyped-def]
    buyer = shop.user("buyer")
    item = shop.commerce.item("5.00", 1000)

    def order_and_pay() -> None:
        order = shop.post("/api/orders/", buyer, {
            "order_type": "artwork", "shipping_address": "Lahore",
            "artwork_items": [{"artwork_id": shop.artwork("10.00")}],
            "equipment_items": [{"equipment_id": item, "quantity": 2}]}).json
        assert shop.post("/api/payments/", buyer, {"order": order["id"],
                                                   "payment_method": "bank_transfer"}
                         ).status_code == 201

    def cost(path: str, user: ApiUser) -> tuple[int, int]:
        count_queries.count = 0
        page = shop.get(path, user, page_size=20).json
        return count_queries.count, len(page["results"])

    order_and_pay()
    one = (cost("/api/orders/", buyer), cost("/api/payments/", buyer),
           cost("/api/admin/payments/", shop.admin))
    for _ in range(19):
        order_and_pay()
    twenty = (cost("/api/orders/", buyer), cost("/api/payments/", buyer),
              cost("/api/admin/payments/", shop.admin))
    assert [n for _, n in one] == [1, 1, 1] and [n for _, n in twenty] == [20, 20, 20]
    assert [q for q, _ in twenty] == [q for q, _ in one], (one, twenty)


def test_orders_race_through_the_served_api(shop: Shop, services: Services,
                                            tmp_path: Path) -> None:
    """`cultureup serve` (gunicorn, two workers of eight threads): sixty buyers' orders for a
    stock of ten, then ten copies of one keyed order."""
    item, other = shop.commerce.item("25.00", 10), shop.commerce.item("5.00", 100)
    buyers = [shop.commerce.user("buyer") for _ in range(12)]
    with served_api(services.settings.database_url, tmp_path) as server:
        tokens = [server.call("POST", "/api/auth/login/", {
            "username": b.username, "password": PASSWORD})[1]["token"] for b in buyers]

        def order(token: str, item_id: int, key: str | None = None) -> tuple[int, bytes]:
            request = urllib.request.Request(
                server.base + "/api/orders/", method="POST",
                data=json.dumps(equipment(item_id)).encode(),
                headers={"Content-Type": "application/json",
                         "Authorization": f"Token {token}",
                         **({"Idempotency-Key": key} if key else {})})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.read()

        seen: list[tuple[int, bytes]] = []
        race([lambda t=tokens[i % 12]: seen.append(order(t, item)) for i in range(60)])
        statuses = Counter(status for status, _ in seen)
        assert statuses == Counter({201: 10, 400: 50}), statuses
        assert shop.commerce.stock(item) == 0
        seen.clear()
        race([lambda: seen.append(order(tokens[0], other, "one-click"))] * 10, workers=10)
        assert {status for status, _ in seen} <= {201, 409}, seen
        assert len({body for status, body in seen if status == 201}) == 1
        assert shop.commerce.stock(other) == 99


def equipment(item_id: int) -> dict[str, Any]:
    return {"order_type": "equipment", "shipping_address": "Lahore",
            "equipment_items": [{"equipment_id": item_id, "quantity": 1}]}


def test_a_forged_or_stale_webhook_is_a_400_that_changes_nothing(card_shop: Shop) -> None:
    shop = card_shop
    buyer = shop.user("buyer")
    pid = stripe_payment(shop, buyer, "75.00")
    intent = shop.post(f"/api/payments/{pid}/process/", buyer).json["payment_intent_id"]
    event = {"id": "evt_forged_http", "object": "event", "type": "payment_intent.succeeded",
             "data": {"object": {"id": intent, "object": "payment_intent"}}}
    genuine, signature = signed_event(WEBHOOK_SECRET, event)
    forged, forged_signature = signed_event("whsec_not_ours", event)
    stale, stale_signature = signed_event(WEBHOOK_SECRET, event, at=1_700_000_000)
    for body, header in ((forged, forged_signature), (stale, stale_signature),
                         (genuine, None), (genuine, signature.replace("v1=", "v1=0"))):
        response = shop.client.simulate_post(
            "/api/payments/stripe/webhook/", body=body,
            headers={"Content-Type": "application/json",
                     **({"Stripe-Signature": header} if header else {})})
        assert_error(response, 400)
    assert shop.get(f"/api/payments/{pid}/", buyer).json["status"] == "pending"
    accepted = shop.client.simulate_post(
        "/api/payments/stripe/webhook/", body=genuine,
        headers={"Content-Type": "application/json", "Stripe-Signature": signature})
    assert accepted.json == {"received": True, "result": "payment_intent.succeeded"}
    assert shop.get(f"/api/payments/{pid}/", buyer).json["status"] == "completed"


def test_cancelling_a_job_refunds_its_held_card_payment_at_stripe(
        card_shop: Shop, stripe_client: stripe.StripeClient) -> None:  # noqa: F811
    shop = card_shop
    artist, buyer = shop.user("artist"), shop.user("buyer")
    job = shop.commerce.hired_job(as_actor(buyer), as_actor(artist), "640.00")
    pid = shop.post("/api/payments/", buyer, {"job": job, "payment_method": "stripe"}
                    ).json["id"]
    intent = shop.post(f"/api/payments/{pid}/process/", buyer).json["payment_intent_id"]
    paid = shop.post(f"/api/payments/{pid}/confirm/", buyer,
                     {"payment_method_id": card(stripe_client, NO_AUTHENTICATION)})
    assert paid.json["status"] == "completed", paid.text
    assert shop.post(f"/api/jobs/{job}/cancel/", buyer).status_code == 200
    payment = shop.get(f"/api/payments/{pid}/", buyer).json
    assert (payment["status"], payment["refunded_amount"]) == ("refunded", "640.00")
    refunds = stripe_client.v1.refunds.list(params={"payment_intent": intent}).data
    assert [r.amount for r in refunds] == [64000]
    assert shop.services.payments.user_money(artist.id).earnings_held == Money(0)
    assert ledger_total(shop.services) == Money(0)
