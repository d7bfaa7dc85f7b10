"""The Idempotency-Key header on the money requests, through the HTTP app: a repeated request
replays the first answer and acts once, also when the repeats arrive at the same time."""

from __future__ import annotations

import uuid
from typing import Any

import attrs
import falcon.testing
import pytest
from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.commerce.tables import idempotency_keys
from cultureup.bootstrap import Services, bootstrap, http_app
from cultureup.config import Settings
from tests.integration.assertions import assert_error
from tests.integration.conftest import ApiUser, SteppingClock
from tests.integration.test_commerce_api import Shop
from tests.integration.test_commerce_races import race

IDEMPOTENT = {("post", "/api/orders/"), ("post", "/api/payments/"),
              ("post", "/api/payments/{payment_id}/process/"),
              ("post", "/api/payments/{payment_id}/confirm/"),
              ("post", "/api/payments/{payment_id}/3d-secure/"),
              ("post", "/api/admin/payments/{payment_id}/release/"),
              ("post", "/api/admin/payments/{payment_id}/refund/")}


@pytest.fixture
def shop(client: falcon.testing.TestClient, services: Services) -> Shop:
    return Shop(client, services)


def equipment_body(item: int, quantity: int = 1) -> dict[str, Any]:
    return {"order_type": "equipment", "shipping_address": "2 Clifton, Karachi",
            "equipment_items": [{"equipment_id": item, "quantity": quantity}]}


def keyed(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


def order_count(shop: Shop, buyer: ApiUser) -> int:
    return int(shop.get("/api/orders/", buyer).json["count"])


def test_the_same_key_and_body_replays_the_first_answer_and_orders_once(shop: Shop) -> None:
    item = shop.commerce.item("40.00", 5)
    buyer = shop.user("buyer")
    key = str(uuid.uuid4())
    first = shop.post("/api/orders/", buyer, equipment_body(item, 2), **keyed(key))
    again = shop.post("/api/orders/", buyer, equipment_body(item, 2), **keyed(key))
    assert first.status_code == again.status_code == 201, again.text
    assert again.content == first.content
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert order_count(shop, buyer) == 1
    assert shop.commerce.stock(item) == 3
    # a new key is a new request
    third = shop.post("/api/orders/", buyer, equipment_body(item, 2), **keyed("another-key"))
    assert third.status_code == 201 and third.json["id"] != first.json["id"]
    assert shop.commerce.stock(item) == 1


def test_the_same_key_with_another_body_is_a_409_that_changes_nothing(shop: Shop) -> None:
    item = shop.commerce.item("40.00", 5)
    buyer = shop.user("buyer")
    assert shop.post("/api/orders/", buyer, equipment_body(item, 1),
                     **keyed("k-1")).status_code == 201
    reused = shop.post("/api/orders/", buyer, equipment_body(item, 3), **keyed("k-1"))
    refused = assert_error(reused, 409)
    assert "different request" in refused["error"]
    assert "Retry-After" not in reused.headers  # a client bug, not a race: never retry as is
    # the same key on another operation is another request too
    assert_error(shop.post("/api/payments/", buyer, {"order": 1,
                                                      "payment_method": "bank_transfer"},
                           **keyed("k-1")), 409)
    assert order_count(shop, buyer) == 1 and shop.commerce.stock(item) == 4


def test_keys_belong_to_their_user(shop: Shop) -> None:
    item = shop.commerce.item("40.00", 5)
    one, two = shop.user("buyer"), shop.user("buyer")
    for buyer in (one, two):
        assert shop.post("/api/orders/", buyer, equipment_body(item),
                         **keyed("shared")).status_code == 201
    assert (order_count(shop, one), order_count(shop, two)) == (1, 1)
    assert shop.commerce.stock(item) == 3


def test_an_error_is_not_stored_so_the_key_can_be_retried(shop: Shop) -> None:
    item = shop.commerce.item("40.00", 1)
    buyer = shop.user("buyer")
    assert_error(shop.post("/api/orders/", buyer, equipment_body(item, 2), **keyed("retry")),
                 400)
    assert shop.post("/api/orders/", buyer, equipment_body(item, 1),
                     **keyed("retry")).status_code == 201
    assert shop.commerce.stock(item) == 0


def test_keys_expire_after_the_configured_hours(shop: Shop, clock: SteppingClock,
                                                services: Services) -> None:
    assert services.settings.idempotency_key_hours == 24
    item = shop.commerce.item("40.00", 5)
    buyer = shop.user("buyer")
    shop.post("/api/orders/", buyer, equipment_body(item), **keyed("daily"))
    clock.advance(hours=23, minutes=59)
    assert shop.post("/api/orders/", buyer, equipment_body(item),
                     **keyed("daily")).headers.get("Idempotent-Replayed") == "true"
    clock.advance(minutes=2)
    fresh = shop.post("/api/orders/", buyer, equipment_body(item), **keyed("daily"))
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    assert order_count(shop, buyer) == 2
    clock.advance(hours=25)
    assert services.idempotency.purge_expired() == 1
    with services.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(idempotency_keys)
                                  ).scalar_one() == 0


@pytest.mark.parametrize("key", ["", "a b", "x" * 256, "ключ"])
def test_a_malformed_key_is_a_400(shop: Shop, key: str) -> None:
    item = shop.commerce.item("40.00", 5)
    buyer = shop.user("buyer")
    response = shop.client.simulate_post(
        "/api/orders/", json=equipment_body(item),
        headers={**buyer.headers, "Idempotency-Key": key} if key.isascii() else
        [*buyer.headers.items(), ("Idempotency-Key", key.encode().decode("latin-1"))])
    assert_error(response, 400)
    assert order_count(shop, buyer) == 0 and shop.commerce.stock(item) == 5


def test_offline_payment_refund_and_release_are_replayed_not_repeated(shop: Shop) -> None:
    work = shop.artwork("300.00")
    buyer = shop.user("buyer")
    order = shop.post("/api/orders/", buyer, {
        "order_type": "artwork", "shipping_address": "1 Mall Road, Lahore",
        "artwork_items": [{"artwork_id": work}]}).json
    body = {"order": order["id"], "payment_method": "bank_transfer"}
    created = [shop.post("/api/payments/", buyer, body, **keyed("pay-1")) for _ in range(2)]
    assert [r.status_code for r in created] == [201, 201]
    assert created[0].content == created[1].content
    pid = created[0].json["id"]
    confirms = [shop.post(f"/api/payments/{pid}/confirm/", buyer,
                          {"transaction_reference": "HBL-7"}, **keyed("conf-1"))
                for _ in range(2)]
    assert [r.status_code for r in confirms] == [200, 200]
    shop.services.payments.verify(shop.commerce.admin, pid, reference="HBL-7")
    refunds = [shop.post(f"/api/admin/payments/{pid}/refund/", shop.admin,
                         {"amount": "100.00"}, **keyed("refund-1")) for _ in range(3)]
    assert [r.status_code for r in refunds] == [200] * 3
    assert refunds[2].content == refunds[0].content
    assert shop.get(f"/api/payments/{pid}/", buyer).json["refunded_amount"] == "100.00"
    # no body and an empty body are the same request
    releases = [shop.post(f"/api/admin/payments/{pid}/release/", shop.admin,
                          **keyed("release-1")),
                shop.post(f"/api/admin/payments/{pid}/release/", shop.admin, {},
                          **keyed("release-1"))]
    assert [r.status_code for r in releases] == [200, 200]
    assert releases[1].headers.get("Idempotent-Replayed") == "true"
    assert shop.get(f"/api/payments/{pid}/", buyer).json["hire_status"] == "released"
    # without a key, a second release is refused as before
    assert_error(shop.post(f"/api/admin/payments/{pid}/release/", shop.admin), 409)


def test_concurrent_requests_with_one_key_have_one_effect(shop: Shop) -> None:
    """Row locks make this meaningful on PostgreSQL; SQLite writers take turns."""
    item = shop.commerce.item("40.00", 50)
    buyer = shop.user("buyer")
    answers: list[Any] = []

    def place() -> None:
        answers.append(shop.post("/api/orders/", buyer, equipment_body(item),
                                 **keyed("same-click")))

    race([place] * 12, workers=12)
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409} and 201 in statuses, statuses
    assert len({a.content for a in answers if a.status_code == 201}) == 1
    for refused in (a for a in answers if a.status_code == 409):
        assert "still being processed" in refused.json["error"]
        assert refused.headers.get("Retry-After") == "1"
    assert order_count(shop, buyer) == 1 and shop.commerce.stock(item) == 49


def test_the_header_is_documented_on_the_money_operations(
        client: falcon.testing.TestClient) -> None:
    document = client.simulate_get("/api/openapi.json").json
    keyed_operations = {
        (method, path) for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if any(p["name"] == "Idempotency-Key" and p["in"] == "header"
               for p in operation.get("parameters", []))}
    assert keyed_operations == IDEMPOTENT
    for method, path in IDEMPOTENT:
        assert {"409"} <= set(document["paths"][path][method]["responses"])
    for path in ("/api/payments/", "/api/payments/{payment_id}/process/",
                 "/api/payments/{payment_id}/confirm/",
                 "/api/payments/{payment_id}/3d-secure/",
                 "/api/admin/payments/{payment_id}/refund/",
                 "/api/orders/{order_id}/cancel/"):
        assert "503" in document["paths"][path]["post"]["responses"], path


def test_a_browser_client_may_send_the_key_and_read_the_replay_mark(
        settings: Settings, clock: SteppingClock, services: Services) -> None:
    opened = bootstrap(attrs.evolve(settings, cors_allowed_origins=("https://app.example",)),
                       clock=clock)
    try:
        client = falcon.testing.TestClient(http_app(opened))
        origin = {"Origin": "https://app.example"}
        preflight = client.simulate_request("OPTIONS", "/api/orders/", headers={
            **origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type, Idempotency-Key"})
        assert preflight.status_code == 200
        assert "idempotency-key" in preflight.headers["Access-Control-Allow-Headers"].lower()
        answer = client.simulate_get("/api/health/", headers=origin)
        assert "Idempotent-Replayed" in answer.headers["Access-Control-Expose-Headers"]
    finally:
        opened.close()
