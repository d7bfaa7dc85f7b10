"""Orders, payments (Stripe's 3D Secure flow against localstripe, offline methods), the
signed webhook, buyer purchases and the admin money endpoints, through the HTTP app."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import attrs
import falcon.testing
import pytest

from cultureup.bootstrap import Services, bootstrap, http_app
from cultureup.config import Settings
from tests.integration.assertions import assert_error
from tests.integration.commerce_support import Commerce, intent_event, signed_event
from tests.integration.conftest import STRONG_PASSWORD, ApiUser
from tests.integration.test_commerce_races import race
from tests.integration.test_stripe_payments import (
    DECLINED,
    NO_AUTHENTICATION,
    SECRET_KEY,
    THREE_D_SECURE,
    WEBHOOK_SECRET,
    authenticate,
    card,
    localstripe,  # noqa: F401 - the module's fixture, shared
    stripe_client,  # noqa: F401
)


@pytest.fixture
def app(settings: Settings, clock, localstripe: str, services: Services  # noqa: F811
        ) -> Iterator[tuple[falcon.testing.TestClient, Services]]:
    configured = bootstrap(attrs.evolve(settings, stripe_secret_key=SECRET_KEY,
                                        stripe_api_base=localstripe,
                                        stripe_webhook_secret=WEBHOOK_SECRET), clock=clock)
    yield falcon.testing.TestClient(http_app(configured)), configured
    configured.close()


class Shop:
    def __init__(self, client: falcon.testing.TestClient, services: Services) -> None:
        self.client, self.services = client, services
        self.commerce = Commerce(services)
        self.admin = self._login(self.commerce.admin.username, "a long admin passphrase",
                                 self.commerce.admin.id, "admin")

    def _login(self, username: str, password: str, user_id: int, kind: str) -> ApiUser:
        response = self.client.simulate_post("/api/auth/login/", json={
            "username": username, "password": password})
        assert response.status_code == 200, response.text
        return ApiUser(id=user_id, username=username, token=response.json["token"],
                       user_type=kind)

    def user(self, kind: str) -> ApiUser:
        actor = self.commerce.user(kind)
        return self._login(actor.username, STRONG_PASSWORD, actor.id, kind)

    def post(self, path: str, user: ApiUser | None, body: Any = None,
             **headers: str) -> falcon.testing.Result:
        return self.client.simulate_post(path, json=body, headers={
            **(user.headers if user else {}), **headers})

    def get(self, path: str, user: ApiUser, **params: Any) -> falcon.testing.Result:
        return self.client.simulate_get(path, headers=user.headers, params=params)

    def artwork(self, price: str) -> int:
        from cultureup.domain.accounts.users import Actor, UserType
        artist = self.commerce.user("artist")
        return self.commerce.artwork(Actor(id=artist.id, username=artist.username,
                                           user_type=UserType.ARTIST), price)


@pytest.fixture
def shop(app) -> Shop:
    return Shop(*app)


def order_for(shop: Shop, buyer: ApiUser, artwork_id: int) -> dict[str, Any]:
    response = shop.post("/api/orders/", buyer, {
        "order_type": "artwork", "shipping_address": "1 Mall Road, Lahore",
        "total_amount": "1.00",
        "artwork_items": [{"artwork_id": artwork_id, "quantity": 1, "price": "0.01"}]})
    assert response.status_code == 201, response.text
    return response.json


def stripe_payment(shop: Shop, buyer: ApiUser, price: str = "899.97") -> int:
    order = order_for(shop, buyer, shop.artwork(price))
    response = shop.post("/api/payments/", buyer, {"order": order["id"],
                                                   "payment_method": "stripe"})
    assert response.status_code == 201, response.text
    return response.json["id"]


def test_the_documented_3d_secure_flow_end_to_end(shop: Shop, stripe_client,  # noqa: F811
                                                  localstripe: str) -> None:  # noqa: F811
    buyer = shop.user("buyer")
    work = shop.artwork("899.97")
    order = order_for(shop, buyer, work)
    assert order["total_amount"] == "899.97"  # the client's total and price are ignored
    assert order["artwork_items"][0]["price"] == "899.97"
    wrong = shop.post("/api/payments/", buyer, {"order": order["id"], "amount": "1.00",
                                                "payment_method": "stripe"})
    assert assert_error(wrong, 400, "amount")["details"]["amount"] == [
        "The amount due is 899.97."]
    created = shop.post("/api/payments/", buyer, {"order": order["id"], "amount": "899.97",
                                                  "payment_method": "stripe"})
    assert created.status_code == 201, created.text
    payment = created.json
    assert (payment["status"], payment["platform_fee"], payment["artist_earning"]) == (
        "pending", "90.00", "809.97")
    pid = payment["id"]
    processed = shop.post(f"/api/payments/{pid}/process/", buyer)
    assert processed.status_code == 200, processed.text
    assert processed.json["requires_action"] is False
    assert shop.post(f"/api/payments/{pid}/process/", buyer).json["payment_intent_id"] == (
        processed.json["payment_intent_id"])
    confirmed = shop.post(f"/api/payments/{pid}/confirm/", buyer, {
        "payment_method_id": card(stripe_client, THREE_D_SECURE),
        "return_url": "https://example.com/return"})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json == {"requires_action": True,
                              "client_secret": processed.json["client_secret"],
                              "next_action": {"type": "use_stripe_sdk"},
                              "message": "Please complete 3D Secure verification"}
    authenticate(localstripe, processed.json["payment_intent_id"],
                 processed.json["client_secret"])
    done = shop.post(f"/api/payments/{pid}/3d-secure/", buyer)
    assert done.status_code == 200, done.text
    assert done.json["success"] is True and done.json["status"] == "completed"
    assert shop.get(f"/api/orders/{order['id']}/", buyer).json["is_paid"] is True
    purchases = shop.get(f"/api/buyer-profiles/{buyer.id}/purchases/", buyer).json
    assert (purchases["total_orders"], purchases["completed_payments"]) == (1, 1)


def test_a_card_without_3d_secure_and_a_declined_one(shop: Shop,
                                                     stripe_client) -> None:  # noqa: F811
    buyer = shop.user("buyer")
    pid = stripe_payment(shop, buyer)
    shop.post(f"/api/payments/{pid}/process/", buyer)
    ok = shop.post(f"/api/payments/{pid}/confirm/", buyer, {
        "payment_method_id": card(stripe_client, NO_AUTHENTICATION)})
    assert ok.json["success"] is True and ok.json["status"] == "completed"
    declined_id = stripe_payment(shop, buyer)
    shop.post(f"/api/payments/{declined_id}/process/", buyer)
    declined = shop.post(f"/api/payments/{declined_id}/confirm/", buyer, {
        "payment_method_id": card(stripe_client, DECLINED)})
    assert declined.json["success"] is False and declined.json["status"] == "failed"


def test_ten_deliveries_of_one_signed_webhook_have_one_effect(shop: Shop) -> None:
    buyer = shop.user("buyer")
    pid = stripe_payment(shop, buyer, "500.00")
    intent = shop.post(f"/api/payments/{pid}/process/", buyer).json["payment_intent_id"]
    payload, signature = signed_event(WEBHOOK_SECRET, intent_event(
        "evt_http", "payment_intent.succeeded", intent))

    def deliver() -> None:
        response = shop.client.simulate_post("/api/payments/stripe/webhook/", body=payload,
                                             headers={"Stripe-Signature": signature,
                                                      "Content-Type": "application/json"})
        assert response.status_code == 200, response.text

    assert race([deliver] * 10, workers=10) == {"ok": 10}
    assert shop.get(f"/api/payments/{pid}/", buyer).json["status"] == "completed"
    stats = shop.get("/api/admin/payments/stats/", shop.admin).json
    assert (stats["completed_payments"], stats["total_revenue"]) == (1, "500.00")
    stale_payload, stale = signed_event(WEBHOOK_SECRET, intent_event(
        "evt_stale", "payment_intent.payment_failed", intent), at=int(time.time()) - 400)
    refused = shop.client.simulate_post("/api/payments/stripe/webhook/", body=stale_payload,
                                        headers={"Stripe-Signature": stale})
    assert_error(refused, 400, "Stripe-Signature")


def test_other_buyers_get_404_and_admin_actions_need_staff(shop: Shop) -> None:
    buyer, other = shop.user("buyer"), shop.user("buyer")
    order = order_for(shop, buyer, shop.artwork("300.00"))
    paid = shop.post("/api/payments/", buyer, {"order": order["id"],
                                               "payment_method": "bank_transfer"}).json
    for method, path in (("GET", f"/api/orders/{order['id']}/"),
                         ("POST", f"/api/orders/{order['id']}/cancel/"),
                         ("POST", f"/api/orders/{order['id']}/confirm/"),
                         ("GET", f"/api/payments/{paid['id']}/"),
                         ("POST", f"/api/payments/{paid['id']}/confirm/")):
        assert_error(shop.client.simulate_request(method, path, headers=other.headers,
                                                  json={}), 404)
    assert_error(shop.get(f"/api/buyer-profiles/{buyer.id}/purchases/", other), 403)
    assert_error(shop.post(f"/api/admin/payments/{paid['id']}/refund/", buyer), 403)
    assert_error(shop.get("/api/admin/payments/", buyer), 403)
    shop.post(f"/api/payments/{paid['id']}/confirm/", buyer, {"transaction_reference": "HB-1"})
    shop.services.payments.verify(shop.commerce.admin, paid["id"], reference="HB-1")
    refund = shop.post(f"/api/admin/payments/{paid['id']}/refund/", shop.admin,
                       {"amount": "100.00", "reason": "scratched"})
    assert refund.status_code == 200, refund.text
    assert refund.json["payment"]["refund_amount"] == "100.00"
    released = shop.post(f"/api/admin/payments/{paid['id']}/release/", shop.admin)
    assert released.json["payment"]["hire_status"] == "released"
    listed = shop.get("/api/admin/payments/", shop.admin, hire_status="released").json
    assert [p["id"] for p in listed["results"]] == [paid["id"]]
    assert listed["results"][0]["days_since_payment"] == 0
    delivered = shop.post(f"/api/admin/orders/{order['id']}/force-complete/", shop.admin)
    assert delivered.json["order"]["status"] == "delivered", delivered.text


def test_bad_input_is_a_4xx_envelope(shop: Shop) -> None:
    buyer = shop.user("buyer")
    for body, field in (({"order_type": "x", "shipping_address": "a"}, "order_type"),
                        ({"order_type": "artwork"}, "shipping_address"),
                        ({"order_type": "artwork", "shipping_address": "a",
                          "artwork_items": [{"artwork_id": "x"}]}, "artwork_items"),
                        ({"order_type": "artwork", "shipping_address": "a",
                          "artwork_items": [{"artwork_id": 1, "quantity": 2}]},
                         "artwork_items")):
        assert_error(shop.post("/api/orders/", buyer, body), 400, field)
    assert_error(shop.post("/api/payments/", buyer, {"payment_method": "gold"}), 400,
                 "payment_method")
    assert_error(shop.get("/api/orders/", buyer, ordering="price"), 400, "ordering")
    assert shop.get("/api/orders/", buyer).json["count"] == 0


def test_two_hundred_orders_for_a_stock_of_ten_through_http(shop: Shop) -> None:
    item = shop.commerce.item("25.00", 10)
    buyers = [shop.user("buyer") for _ in range(20)]
    statuses: list[int] = []

    def place(buyer: ApiUser) -> None:
        statuses.append(shop.post("/api/orders/", buyer, {
            "order_type": "equipment", "shipping_address": "Lahore",
            "equipment_items": [{"equipment_id": item, "quantity": 1}]}).status_code)

    race([lambda b=buyers[i % 20]: place(b) for i in range(200)])
    assert statuses.count(201) == 10 and set(statuses) == {201, 400}, sorted(set(statuses))
    assert shop.commerce.stock(item) == 0
    work = shop.artwork("5000.00")
    statuses.clear()
    race([lambda b=b: statuses.append(shop.post("/api/orders/", b, {
        "order_type": "artwork", "shipping_address": "Lahore",
        "artwork_items": [{"artwork_id": work}]}).status_code) for b in buyers])
    assert statuses.count(201) == 1 and all(s < 500 for s in statuses), statuses
