"""A marketplace with one of everything, and every route of the app with its path ids filled
in: the ground the whole-route tests (personal data, odd input) walk."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import attrs
import falcon
import falcon.inspect

from cultureup.application.views import PageRequest
from cultureup.domain.catalog.equipment import EquipmentTerms
from cultureup.domain.money import Money
from tests.integration.artwork_images import jpeg
from tests.integration.conftest import ApiUser, Marketplace

BOUNDARY = "walk-boundary"


def multipart(fields: dict[str, Any], image: bytes | None = None) -> tuple[bytes, str]:
    chunks = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
              f"{value}\r\n".encode() for name, value in fields.items()]
    if image is not None:
        chunks.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="image"; '
                      f'filename="art.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                      + image + b"\r\n")
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={BOUNDARY}"


@attrs.frozen
class Place:
    """The users and the id of each kind of record."""

    buyer: ApiUser
    artist: ApiUser
    stranger: ApiUser
    ids: dict[str, list[Any]]
    secrets: dict[int, list[str]]  # user id -> their e-mail, phone and address


def populate(market: Marketplace) -> Place:
    client = market.client
    buyer = market.user("buyer")
    artist = market.user("artist")
    stranger = market.user("buyer")
    secrets: dict[int, list[str]] = {}
    for number, user in enumerate((buyer, artist, stranger), start=1):
        phone = f"+9230077700{number:02d}"
        response = client.simulate_patch("/api/auth/profile/", headers=user.headers,
                                         json={"phone_number": phone})
        assert response.status_code == 200, response.text
        secrets[user.id] = [response.json["email"], phone]
    address = "77 Hidden Garden Lane, Lahore"
    response = client.simulate_post("/api/buyer-profiles/", headers=buyer.headers,
                                    json={"company_name": "Acme", "address": address})
    assert response.status_code == 201, response.text
    secrets[buyer.id].append(address)
    response = client.simulate_post("/api/artist-profiles/", headers=artist.headers, json={
        "experience_level": "expert", "hourly_rate": "500.00", "skills": "Oil"})
    assert response.status_code == 201, response.text
    category = market.category()
    job = market.job(buyer, category)
    bid = market.bid(artist, job["id"])
    body, content_type = multipart({
        "title": "Walk", "description": "An artwork", "category_id": category,
        "artwork_type": "digital", "price": "300.00"}, jpeg(4242))
    response = client.simulate_post("/api/artworks/", body=body, headers={
        **artist.headers, "Content-Type": content_type})
    assert response.status_code == 201, response.text
    artwork = response.json["artwork"]["id"]
    item = market.services.equipment.add_equipment(market.admin_actor(), EquipmentTerms(
        name="Brushes", equipment_type="brush", price=Money.parse("5"), stock_quantity=3))
    response = client.simulate_post("/api/orders/", headers=buyer.headers, json={
        "order_type": "equipment", "shipping_address": address,
        "equipment_items": [{"equipment_id": item.id, "quantity": 1}]})
    assert response.status_code == 201, response.text
    order = response.json["id"]
    response = client.simulate_post("/api/payments/", headers=buyer.headers, json={
        "order": order, "payment_method": "bank_transfer"})
    assert response.status_code == 201, response.text
    payment = response.json["id"]
    notes = client.simulate_get("/api/notifications/", headers=buyer.headers)
    assert notes.status_code == 200 and notes.json["results"], notes.text
    contract, message, review = _collaboration(market, buyer, artist, category)
    analytics = market.services.analytics.calculate(market.clock.now().date()).id
    # A report on the artwork, resolved with a warning: a report and an action to walk.
    services = market.services
    report = services.moderation_reports.file(
        services.accounts.find_actor(stranger.username), content_type="artwork",
        object_id=artwork, reason="spam")
    assert report.report.id is not None
    services.moderation_reports.update(market.admin_actor(), report.report.id,
                                       status="resolved", action="warned_user",
                                       reason="Walk warning")
    action = services.sanctions.my_actions(services.accounts.find_actor(artist.username),
                                           PageRequest.of()).items[0].action.id
    ids = {"job_id": [job["id"]], "bid_id": [bid["id"]], "artwork_id": [artwork],
           "notification_id": [notes.json["results"][0]["id"]],
           "category_id": [category], "equipment_id": [item.id],
           "user_id": [artist.id, buyer.id], "ref_id": [artwork], "kind": ["artwork-original"],
           "order_id": [order], "payment_id": [payment], "contract_id": [contract],
           "message_id": [message], "review_id": [review], "analytics_id": [analytics],
           "report_id": [report.report.id], "action_id": [action]}
    ids["content_id"] = [artwork, job["id"]]
    body, content_type = multipart({"notes": "My studio"})
    response = client.simulate_post("/api/verification-applications/", body=body, headers={
        **artist.headers, "Content-Type": content_type})
    assert response.status_code == 201, response.text
    ids["application_id"] = [response.json["id"]]
    return Place(buyer=buyer, artist=artist, stranger=stranger, ids=ids, secrets=secrets)


def _hired(market: Marketplace, buyer: ApiUser, artist: ApiUser, category: int) -> int:
    job = market.job(buyer, category)
    bid = market.bid(artist, job["id"])
    response = market.client.simulate_post(f"/api/jobs/{job['id']}/hire/",
                                           headers=buyer.headers,
                                           json={"bid_id": bid["id"], "final_amount": "800.00"})
    assert response.status_code == 200, response.text
    return int(job["id"])


def _collaboration(market: Marketplace, buyer: ApiUser, artist: ApiUser,
                   category: int) -> tuple[int, int, int]:
    """A pending contract on one hired job, a message about it, and a review of another,
    completed job."""
    client = market.client
    job = _hired(market, buyer, artist, category)
    deadline = (market.clock.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = client.simulate_post("/api/contracts/", headers=buyer.headers, json={
        "job": job, "artist": artist.id, "terms": "A logo in three rounds.",
        "rights_type": "exclusive", "deadline": deadline})
    assert response.status_code == 201, response.text
    contract = response.json["id"]
    response = client.simulate_post("/api/messages/", headers=buyer.headers, json={
        "receiver_id": artist.id, "job": job, "content": "Can we discuss the timeline?"})
    assert response.status_code == 201, response.text
    message = response.json["id"]
    done = _hired(market, buyer, artist, category)
    response = client.simulate_post(f"/api/jobs/{done}/complete/", headers=buyer.headers)
    assert response.status_code == 200, response.text
    response = client.simulate_post("/api/reviews/", headers=buyer.headers, json={
        "job": done, "rating": 5, "comment": "Delivered on time."})
    assert response.status_code == 201, response.text
    return contract, message, response.json["id"]


def routes(app: falcon.App) -> Iterator[tuple[str, str]]:
    """(method, URI template) of every route the app serves, except the static assets."""
    for route in falcon.inspect.inspect_routes(app):
        for method in route.methods:
            if not method.internal and method.method != "OPTIONS":
                yield method.method, route.path


def fill(template: str, ids: dict[str, list[Any]]) -> list[str]:
    """The template's concrete paths: each {name:...} by every id of that kind."""
    paths = [template]
    for name in re.findall(r"\{(\w+)(?::[^}]*)?\}", template):
        paths = [re.sub(r"\{" + name + r"(?::[^}]*)?\}", str(value), path, count=1)
                 for path in paths for value in ids[name]]
    return [path + "/" if not path.endswith((".json", "/")) else path for path in paths]
