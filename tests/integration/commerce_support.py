"""Builders for commerce tests on a real database: people, artworks, equipment and hired
jobs, made through the services (artwork rows are written through the repository, since
their image pipeline is not what these tests are about)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from datetime import timedelta
from typing import Any

from cultureup.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork
from cultureup.application.accounts.users import Registration
from cultureup.bootstrap import Services
from cultureup.domain.accounts.users import Actor, UserType
from cultureup.domain.catalog.artworks import Artwork, ArtworkType
from cultureup.domain.catalog.equipment import EquipmentTerms
from cultureup.domain.commerce.orders import ItemRequest, OrderRequest
from cultureup.domain.hiring.jobs import BidTerms, JobTerms
from cultureup.domain.money import Money

PASSWORD = "Str0ng-Palette-42!"
_names = itertools.count(1)


class Commerce:
    def __init__(self, services: Services) -> None:
        self.services = services
        admin, _ = services.sample_data.ensure_superuser(
            username=f"root{next(_names)}", email=f"root{next(_names)}@example.com",
            password="a long admin passphrase")
        self.admin = admin.as_actor()
        self.category = services.categories.create_category(
            actor=self.admin, name=f"Painting {next(_names)}").id

    def user(self, user_type: str) -> Actor:
        name = f"{user_type}{next(_names)}"
        view = self.services.accounts.register(Registration(
            username=name, email=f"{name}@example.com", password=PASSWORD,
            password_confirm=PASSWORD, user_type=user_type, first_name=name.title(),
            last_name="Tester"))
        return Actor(id=view.id, username=view.username, user_type=UserType(user_type))

    def artwork(self, artist: Actor, price: str) -> int:
        now = self.services.clock.now()
        with SqlAlchemyUnitOfWork(self.services.engine) as uow:
            artwork = Artwork(artist_id=artist.id, title=f"Work {next(_names)}",
                              description="Oil on canvas", category_id=self.category,
                              artwork_type=ArtworkType.PHYSICAL, price=Money(price),
                              image_key="a.jpg", watermarked_key="a-w.jpg", created_at=now,
                              updated_at=now)
            uow.artworks.add(artwork)
            uow.commit()
        assert artwork.id is not None
        return artwork.id

    def item(self, price: str, stock: int) -> int:
        return self.services.equipment.add_equipment(self.admin, EquipmentTerms(
            name=f"Brush set {next(_names)}", equipment_type="brush", price=Money(price),
            stock_quantity=stock)).id

    def stock(self, item_id: int) -> int:
        return self.services.equipment.get_equipment(item_id).stock_quantity

    def hired_job(self, buyer: Actor, artist: Actor, amount: str) -> int:
        now = self.services.clock.now()
        job = self.services.jobs.post_job(buyer, JobTerms(
            title="Truck-art mural", description="A 3 m wall in Lahore.",
            category_id=self.category, budget_min=Money(amount), budget_max=Money(amount),
            duration_days=14, required_skills="Truck Art", experience_level="expert",
            deadline=now + timedelta(days=30)))
        bid = self.services.bids.place_bid(artist, job.id, BidTerms(
            bid_amount=Money(amount), delivery_time=10, cover_letter="I paint walls."))
        self.services.jobs.hire(buyer, job.id, bid_id=bid.id)
        return job.id


def artwork_order(*artwork_ids: int) -> OrderRequest:
    return OrderRequest(order_type="artwork", shipping_address="1 Mall Road, Lahore",
                        artwork_items=tuple(ItemRequest(item_id=i) for i in artwork_ids))


def equipment_order(item_id: int, quantity: int) -> OrderRequest:
    return OrderRequest(order_type="equipment", shipping_address="2 Clifton, Karachi",
                        equipment_items=(ItemRequest(item_id=item_id, quantity=quantity),))


def signed_event(secret: str, event: dict[str, Any], *, at: int | None = None
                 ) -> tuple[bytes, str]:
    """A webhook body and its Stripe-Signature header, computed the way Stripe does."""
    payload = json.dumps(event).encode()
    timestamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload,
                      hashlib.sha256).hexdigest()
    return payload, f"t={timestamp},v1={digest}"


def intent_event(event_id: str, kind: str, intent_id: str) -> dict[str, Any]:
    return {"id": event_id, "object": "event", "type": kind,
            "data": {"object": {"id": intent_id, "object": "payment_intent"}}}
