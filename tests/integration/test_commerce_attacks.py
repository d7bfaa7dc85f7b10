"""Commerce as an attacker tries it through the HTTP app: a payment opened for one total and
the order's items changed under it, and staff roles without the money permission reaching
other people's orders and payments."""

from __future__ import annotations

from typing import Any

import pytest

from cultureup.domain.accounts.users import Actor, StaffRole, UserType
from tests.integration.assertions import assert_error
from tests.integration.commerce_support import Commerce
from tests.integration.conftest import ApiUser, Marketplace
from tests.integration.moderation_support import staff_user


class Shop:
    def __init__(self, market: Marketplace) -> None:
        self.market, self.client = market, market.client
        self.commerce = Commerce(market.services)

    def artwork(self, price: str) -> int:
        artist = self.commerce.user("artist")
        return self.commerce.artwork(Actor(id=artist.id, username=artist.username,
                                           user_type=UserType.ARTIST), price)

    def send(self, method: str, path: str, user: ApiUser, body: Any = None) -> Any:
        return self.client.simulate_request(method, path, headers=user.headers, json=body)

    def order(self, buyer: ApiUser, *artwork_ids: int, equipment: int | None = None,
              quantity: int = 1) -> dict[str, Any]:
        body: dict[str, Any] = {
            "order_type": "artwork" if artwork_ids else "equipment",
            "shipping_address": "12 Canal Road, Lahore",
            "artwork_items": [{"artwork_id": i} for i in artwork_ids]}
        if equipment is not None:
            body["equipment_items"] = [{"equipment_id": equipment, "quantity": quantity}]
        response = self.send("POST", "/api/orders/", buyer, body)
        assert response.status_code == 201, response.text
        return response.json

    def pay(self, buyer: ApiUser, order_id: int, method: str = "bank_transfer"
            ) -> dict[str, Any]:
        response = self.send("POST", "/api/payments/", buyer,
                             {"order": order_id, "payment_method": method})
        assert response.status_code == 201, response.text
        return response.json


@pytest.fixture
def shop(market: Marketplace) -> Shop:
    return Shop(market)


@pytest.mark.parametrize("method", ["bank_transfer", "jazzcash", "cash_on_delivery"])
def test_an_order_s_items_cannot_change_under_its_open_payment(shop: Shop, method: str) -> None:
    buyer = shop.market.user("buyer")
    cheap, dear = shop.artwork("100.00"), shop.artwork("5000.00")
    brushes = shop.commerce.item("40.00", stock=20)
    order = shop.order(buyer, cheap, equipment=brushes, quantity=1)
    payment = shop.pay(buyer, order["id"], method)
    assert payment["amount"] == order["total_amount"] == "140.00"
    path = f"/api/orders/{order['id']}/"
    for verb, body in (
            ("PATCH", {"artwork_items": [{"artwork_id": cheap}, {"artwork_id": dear}]}),
            ("PATCH", {"equipment_items": [{"equipment_id": brushes, "quantity": 19}]}),
            ("PUT", {"order_type": "artwork", "shipping_address": "12 Canal Road, Lahore",
                     "artwork_items": [{"artwork_id": dear}]})):
        assert_error(shop.send(verb, path, buyer, body), 409)
    after = shop.send("GET", path, buyer).json
    assert after["total_amount"] == payment["amount"] == "140.00"
    assert [line["artwork"] for line in after["artwork_items"]] == [cheap]
    assert [line["quantity"] for line in after["equipment_items"]] == [1]
    assert shop.commerce.stock(brushes) == 19
    # The dear artwork was never reserved: another buyer can still order it.
    shop.order(shop.market.user("buyer"), dear)
    # The address alone may still change.
    moved = shop.send("PATCH", path, buyer, {"shipping_address": "3 Mall Road, Lahore"})
    assert moved.status_code == 200, moved.text
    assert moved.json["shipping_address"] == "3 Mall Road, Lahore"


def test_cancelling_calls_the_payment_off_and_a_new_order_is_paid_at_its_own_total(
        shop: Shop) -> None:
    buyer = shop.market.user("buyer")
    first, second = shop.artwork("100.00"), shop.artwork("250.00")
    order = shop.order(buyer, first)
    payment = shop.pay(buyer, order["id"])
    # Cancelling the order calls its pending payment off (failed, no longer open).
    cancelled = shop.send("POST", f"/api/orders/{order['id']}/cancel/", buyer)
    assert cancelled.status_code == 200, cancelled.text
    assert shop.send("GET", f"/api/payments/{payment['id']}/", buyer).json["status"] == "failed"
    again = shop.order(buyer, first, second)
    assert shop.pay(buyer, again["id"])["amount"] == again["total_amount"] == "350.00"


@pytest.mark.parametrize("role", [StaffRole.CONTENT_MODERATOR, StaffRole.STAFF])
def test_staff_without_the_money_permission_cannot_move_money(shop: Shop,
                                                              role: StaffRole) -> None:
    buyer = shop.market.user("buyer")
    order = shop.order(buyer, shop.artwork("300.00"))
    payment = shop.pay(buyer, order["id"])
    confirm = shop.send("POST", f"/api/payments/{payment['id']}/confirm/", buyer,
                        {"transaction_reference": "HBL-778"})
    assert confirm.status_code == 200, confirm.text
    shop.commerce.services.payments.verify(shop.commerce.admin, payment["id"],
                                           reference="HBL-778")
    member = staff_user(shop.market, f"{role.value}_{buyer.id}", role)
    for path in (f"/api/admin/payments/{payment['id']}/refund/",
                 f"/api/admin/payments/{payment['id']}/release/",
                 f"/api/admin/orders/{order['id']}/force-complete/",
                 f"/api/admin/orders/{order['id']}/cancel/"):
        assert_error(shop.send("POST", path, member, {}), 403)
    # The buyer's own cancel route: a moderator does not even see the order.
    hidden = 404 if role is StaffRole.CONTENT_MODERATOR else 403
    assert_error(shop.send("POST", f"/api/orders/{order['id']}/cancel/", member), hidden)
    mine = shop.send("GET", f"/api/payments/{payment['id']}/", buyer).json
    assert (mine["status"], mine["hire_status"], mine["refunded_amount"]) == (
        "completed", "pending", "0.00")
    assert shop.send("GET", f"/api/orders/{order['id']}/", buyer).json["status"] == "pending"


def test_a_content_moderator_sees_no_one_s_orders_payments_or_addresses(shop: Shop) -> None:
    buyer = shop.market.user("buyer")
    order = shop.order(buyer, shop.artwork("300.00"))
    payment = shop.pay(buyer, order["id"])
    moderator = staff_user(shop.market, "money_blind_moderator")
    for path in (f"/api/orders/{order['id']}/", f"/api/payments/{payment['id']}/"):
        assert_error(shop.send("GET", path, moderator), 404)
    assert_error(shop.send("POST", f"/api/orders/{order['id']}/cancel/", moderator), 404)
    assert_error(shop.send("GET", f"/api/buyer-profiles/{buyer.id}/purchases/", moderator),
                 403)
    assert_error(shop.send("GET", "/api/admin/payments/", moderator), 403)
    assert_error(shop.send("GET", "/api/admin/payments/stats/", moderator), 403)
    assert shop.send("GET", f"/api/orders/{order['id']}/", buyer).json["status"] == "pending"
    # Staff (not a moderator) read them, and the admin list, as the roles table says.
    staff = staff_user(shop.market, "money_reader", StaffRole.STAFF)
    seen = shop.send("GET", f"/api/buyer-profiles/{buyer.id}/purchases/", staff)
    assert seen.status_code == 200, seen.text
    listed = shop.send("GET", "/api/admin/payments/", staff)
    assert [p["id"] for p in listed.json["results"]] == [payment["id"]]


def test_a_buyer_cannot_pass_a_cancellation_off_as_an_administrator_s(shop: Shop) -> None:
    buyer = shop.market.user("buyer")
    order = shop.order(buyer, shop.artwork("300.00"))
    assert_error(shop.send("POST", f"/api/admin/orders/{order['id']}/cancel/", buyer,
                           {"reason": "the administrator agreed"}), 403)
    assert shop.send("GET", f"/api/orders/{order['id']}/", buyer).json["status"] == "pending"
    own = shop.send("POST", f"/api/orders/{order['id']}/cancel/", buyer)
    assert own.status_code == 200, own.text
    assert own.json["order"]["status"] == "cancelled"
