"""What the public cannot see cannot be ordered: a removed artwork or equipment item, a
rejected artwork and one held for a duplicate review answer, through the HTTP app, the same
400 as an id that does not exist, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import falcon.testing
import pytest

from cultureup.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork
from cultureup.bootstrap import Services
from cultureup.domain.catalog.artworks import ModerationStatus
from tests.integration.assertions import assert_error
from tests.integration.commerce_support import PASSWORD, Commerce


def _login(client: falcon.testing.TestClient, username: str) -> dict[str, str]:
    response = client.simulate_post("/api/auth/login/", json={
        "username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Token {response.json['token']}"}


def _artwork_body(artwork_id: int) -> dict[str, Any]:
    return {"order_type": "artwork", "shipping_address": "1 Mall Road, Lahore",
            "artwork_items": [{"artwork_id": artwork_id, "quantity": 1}]}


def _equipment_body(item_id: int) -> dict[str, Any]:
    return {"order_type": "equipment", "shipping_address": "2 Clifton, Karachi",
            "equipment_items": [{"equipment_id": item_id, "quantity": 1}]}


def _change_artwork(services: Services, artwork_id: int, **values: Any) -> None:
    with SqlAlchemyUnitOfWork(services.engine) as uow:
        artwork = uow.artworks.get(artwork_id)
        for name, value in values.items():
            setattr(artwork, name, value)
        uow.artworks.save(artwork)
        uow.commit()


def _removed_artwork(services: Services, commerce: Commerce, artwork_id: int) -> None:
    services.moderation_content.remove(commerce.admin, "artwork", artwork_id, "Stolen image")


def _rejected_artwork(services: Services, commerce: Commerce, artwork_id: int) -> None:
    _change_artwork(services, artwork_id, moderation_status=ModerationStatus.REJECTED)


def _held_artwork(services: Services, commerce: Commerce, artwork_id: int) -> None:
    artist = commerce.user("artist")
    original = commerce.artwork(artist, "10.00")
    _change_artwork(services, artwork_id, duplicate_candidate_id=original,
                    duplicate_candidate_score=0.93)


HIDINGS: dict[str, Callable[[Services, Commerce, int], None]] = {
    "removed": _removed_artwork, "rejected": _rejected_artwork, "held": _held_artwork}


@pytest.fixture
def commerce(services: Services) -> Commerce:
    return Commerce(services)


@pytest.mark.parametrize("hiding", sorted(HIDINGS))
def test_a_hidden_artwork_is_refused_like_a_missing_one(
        client: falcon.testing.TestClient, services: Services, commerce: Commerce,
        hiding: str) -> None:
    artist, buyer = commerce.user("artist"), commerce.user("buyer")
    headers = _login(client, buyer.username)
    missing = assert_error(client.simulate_post(
        "/api/orders/", json=_artwork_body(987654), headers=headers), 400, "artwork_items")
    artwork_id = commerce.artwork(artist, "250.00")
    HIDINGS[hiding](services, commerce, artwork_id)
    body = assert_error(client.simulate_post(
        "/api/orders/", json=_artwork_body(artwork_id), headers=headers), 400, "artwork_items")
    assert body["details"] == {"artwork_items": [
        message.replace("987654", str(artwork_id))
        for message in missing["details"]["artwork_items"]]}
    assert body["error"] == missing["error"].replace("987654", str(artwork_id))
    listed = client.simulate_get("/api/orders/", headers=headers)
    assert listed.status_code == 200 and listed.json["count"] == 0

    # Nor can a pending order be changed to take it.
    visible = commerce.artwork(artist, "90.00")
    placed = client.simulate_post("/api/orders/", json=_artwork_body(visible),
                                  headers=headers)
    assert placed.status_code == 201, placed.text
    order_id = placed.json["id"]
    assert_error(client.simulate_patch(
        f"/api/orders/{order_id}/", headers=headers,
        json={"artwork_items": [{"artwork_id": artwork_id, "quantity": 1}]}),
        400, "artwork_items")
    again = client.simulate_get(f"/api/orders/{order_id}/", headers=headers)
    assert [line["artwork"] for line in again.json["artwork_items"]] == [visible]
    assert again.json["total_amount"] == "90.00"


def test_removed_equipment_is_refused_like_a_missing_item(
        client: falcon.testing.TestClient, services: Services, commerce: Commerce) -> None:
    buyer = commerce.user("buyer")
    headers = _login(client, buyer.username)
    missing = assert_error(client.simulate_post(
        "/api/orders/", json=_equipment_body(987654), headers=headers), 400,
        "equipment_items")
    item_id = commerce.item("40.00", 5)
    services.moderation_content.remove(commerce.admin, "equipment", item_id, "Recalled")
    body = assert_error(client.simulate_post(
        "/api/orders/", json=_equipment_body(item_id), headers=headers), 400,
        "equipment_items")
    assert body["details"] == {"equipment_items": [
        message.replace("987654", str(item_id))
        for message in missing["details"]["equipment_items"]]}
    assert services.equipment.get_equipment(item_id, actor=commerce.admin).stock_quantity == 5
    listed = client.simulate_get("/api/orders/", headers=headers)
    assert listed.status_code == 200 and listed.json["count"] == 0
