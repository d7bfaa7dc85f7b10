"""Orders: a buyer's purchase of artworks (originals, one of each) and equipment (from stock).

Prices are taken from the catalogue when the order is placed and kept on the line, so later
price changes do not alter an order. An artwork in an open order is reserved for it; equipment
quantities are taken from stock when the order is placed and returned when it is cancelled.
An unpaid pending order keeps its reservation for a limited time (`reserved_until`).

State machine: pending -> confirmed -> shipped -> delivered -> completed, and pending or
confirmed -> cancelled. Staff may mark any open order delivered ("force complete").
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.catalog.artworks import Artwork, ModerationStatus
from cultureup.domain.catalog.equipment import MAX_STOCK, Equipment
from cultureup.domain.errors import FieldErrors, InvalidState, NotFound, PermissionDenied
from cultureup.domain.events import (
    DomainEvent,
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderPlaced,
)
from cultureup.domain.money import Money

ADDRESS_MAX = 500
MAX_LINES = 100
DEFAULT_RESERVATION = timedelta(minutes=30)

ORDER_CANCELLED_BY_STAFF = "admin.order_cancelled"
ORDER_FORCE_COMPLETED = "admin.order_force_completed"


class OrderType(enum.StrEnum):
    ARTWORK = "artwork"
    EQUIPMENT = "equipment"


class OrderStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class LineKind(enum.StrEnum):
    ARTWORK = "artwork"
    EQUIPMENT = "equipment"


OPEN_STATUSES = frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SHIPPED})

# The order state machine: which statuses each transition may start from.
ORDER_TRANSITIONS: dict[str, frozenset[OrderStatus]] = {
    "edit": frozenset({OrderStatus.PENDING}),
    "delete": frozenset({OrderStatus.PENDING}),
    "confirm": frozenset({OrderStatus.PENDING}),
    "ship": frozenset({OrderStatus.CONFIRMED}),
    "deliver": frozenset({OrderStatus.CONFIRMED, OrderStatus.SHIPPED}),
    "force_complete": frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED,
                                 OrderStatus.SHIPPED}),
    "complete": frozenset({OrderStatus.DELIVERED}),
    "cancel": frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED}),
}


def sees_every_order(actor: Actor) -> bool:
    """Anyone's order is visible to ``Permission.VIEW_PRIVATE_CONTENT`` (staff, admins)."""
    return can(actor, Permission.VIEW_PRIVATE_CONTENT)


def manages_orders(actor: Actor) -> bool:
    """Shipping, delivering, force-completing and cancelling anyone's order is money work:
    ``Permission.MANAGE_PAYMENTS`` (admins, superusers)."""
    return can(actor, Permission.MANAGE_PAYMENTS)


@attrs.frozen(kw_only=True)
class ItemRequest:
    """One line as the buyer asks for it: which item and how many."""

    item_id: int
    quantity: int = 1


@attrs.frozen(kw_only=True)
class OrderRequest:
    order_type: str
    shipping_address: str
    artwork_items: tuple[ItemRequest, ...] = ()
    equipment_items: tuple[ItemRequest, ...] = ()

    def validate_shape(self, errors: FieldErrors) -> None:
        """The rules that need no catalogue: type, address, quantities, duplicates."""
        if self.order_type not in OrderType.__members__.values():
            errors.add("order_type", f'"{self.order_type}" is not a valid choice. '
                       "Choose one of: artwork, equipment.")
        errors.check_text("shipping_address", self.shipping_address, max_length=ADDRESS_MAX)
        if self.order_type == OrderType.ARTWORK and not self.artwork_items:
            errors.add("artwork_items", "An artwork order needs at least one artwork.")
        if not self.artwork_items and not self.equipment_items:
            errors.add("non_field_errors", "An order needs at least one item.")
        for field, items in (("artwork_items", self.artwork_items),
                             ("equipment_items", self.equipment_items)):
            if len(items) > MAX_LINES:
                errors.add(field, f"An order holds at most {MAX_LINES} lines.")
            seen: set[int] = set()
            for position, item in enumerate(items, start=1):
                if item.item_id in seen:
                    errors.add(field, f"Item {position}: {item.item_id} is listed twice; "
                               "give each item once with its quantity.")
                seen.add(item.item_id)
                if field == "artwork_items" and item.quantity != 1:
                    errors.add(field, f"Item {position}: an artwork is an original, so its "
                               "quantity must be 1.")
                elif not 1 <= item.quantity <= MAX_STOCK:
                    errors.add(field, f"Item {position}: quantity must be between 1 and "
                               f"{MAX_STOCK}.")


@attrs.define(eq=False, kw_only=True)
class OrderLine:
    id: int | None = None
    kind: LineKind
    item_id: int
    # The artist who sells an artwork; None for equipment, which the platform sells.
    seller_id: int | None
    title: str
    quantity: int
    price: Money

    @property
    def total_price(self) -> Money:
        return Money(self.price.amount * self.quantity)


def price_lines(request: OrderRequest, *, artworks: Mapping[int, Artwork | None],
                reserved_artwork_ids: frozenset[int],
                equipment: Mapping[int, Equipment | None],
                errors: FieldErrors) -> list[OrderLine]:
    """Lines priced from the catalogue; each missing or unavailable item is a field error."""
    lines: list[OrderLine] = []
    for position, item in enumerate(request.artwork_items, start=1):
        artwork = artworks.get(item.item_id)
        if artwork is None or artwork.moderation_status is ModerationStatus.REJECTED:
            errors.add("artwork_items", f'Item {position}: invalid pk "{item.item_id}" - '
                       "object does not exist.")
        elif item.item_id in reserved_artwork_ids or not artwork.is_available:
            errors.add("artwork_items", f'Item {position}: "{artwork.title}" is not available; '
                       "it is sold or reserved by another order.")
        else:
            lines.append(OrderLine(kind=LineKind.ARTWORK, item_id=item.item_id,
                                   seller_id=artwork.artist_id, title=artwork.title,
                                   quantity=1, price=artwork.price))
    for position, item in enumerate(request.equipment_items, start=1):
        product = equipment.get(item.item_id)
        if product is None:
            errors.add("equipment_items", f'Item {position}: invalid pk "{item.item_id}" - '
                       "object does not exist.")
        elif not product.is_available:
            errors.add("equipment_items", f'Item {position}: "{product.name}" is not available.')
        elif product.stock_quantity < item.quantity:
            errors.add("equipment_items", f'Item {position}: only {product.stock_quantity} of '
                       f'"{product.name}" left in stock.')
        else:
            lines.append(OrderLine(kind=LineKind.EQUIPMENT, item_id=item.item_id,
                                   seller_id=None, title=product.name,
                                   quantity=item.quantity, price=product.price))
    return lines


@attrs.define(eq=False, kw_only=True)
class Order:
    id: int | None = None
    buyer_id: int
    order_type: OrderType
    status: OrderStatus = OrderStatus.PENDING
    shipping_address: str
    lines: list[OrderLine] = attrs.Factory(list)
    # Until when an unpaid pending order holds its items; None: until it is cancelled.
    reserved_until: datetime | None = None
    paid_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 0
    events: list[DomainEvent] = attrs.field(factory=list, repr=False)

    @classmethod
    def place(cls, *, buyer: Actor, request: OrderRequest, lines: Sequence[OrderLine],
              now: datetime, reservation: timedelta) -> Order:
        ensure_can_order(buyer)
        return cls(buyer_id=buyer.id, order_type=OrderType(request.order_type),
                   shipping_address=request.shipping_address.strip(), lines=list(lines),
                   reserved_until=now + reservation, created_at=now, updated_at=now)

    def record_placed(self) -> None:
        assert self.id is not None
        self.events.append(OrderPlaced(order_id=self.id, buyer_id=self.buyer_id,
                                       total_amount=str(self.total_amount)))

    # -- reading ---------------------------------------------------------------------------

    @property
    def total_amount(self) -> Money:
        return sum((line.total_price for line in self.lines), Money(0))

    @property
    def artwork_ids(self) -> frozenset[int]:
        return frozenset(line.item_id for line in self.lines if line.kind is LineKind.ARTWORK)

    def equipment_quantities(self) -> dict[int, int]:
        return {line.item_id: line.quantity for line in self.lines
                if line.kind is LineKind.EQUIPMENT}

    def seller_totals(self) -> list[tuple[int | None, Money]]:
        return [(line.seller_id, line.total_price) for line in self.lines]

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    def is_expired(self, now: datetime) -> bool:
        """An unpaid pending order whose reservation ran out."""
        return (self.status is OrderStatus.PENDING and not self.is_paid
                and self.reserved_until is not None and self.reserved_until <= now)

    def ensure_visible_to(self, actor: Actor) -> None:
        if actor.id != self.buyer_id and not sees_every_order(actor):
            raise NotFound("Order not found.")

    # -- transitions -----------------------------------------------------------------------

    def item_requests(self, kind: LineKind) -> list[ItemRequest]:
        return [ItemRequest(item_id=line.item_id, quantity=line.quantity)
                for line in self.lines if line.kind is kind]

    def ensure_changeable(self, *, by: Actor, lines: bool, payment_open: bool = False
                          ) -> None:
        """`payment_open`: a payment (pending or paid) stands for this order. Its amount and
        split were fixed from the lines when it was opened, so the lines may not change under
        it: a buyer would otherwise pay the old total for the new items."""
        self._ensure_buyer(by, "change")
        self._ensure_can("edit", "Only a pending order can be changed.")
        if lines and self.is_paid:
            raise InvalidState("A paid order's items cannot be changed; cancel it instead.")
        if lines and payment_open:
            raise InvalidState("A payment is open for this order's total, so its items cannot "
                               "be changed; cancel the order (or let the payment fail) first.")

    def change(self, *, by: Actor, request: OrderRequest, lines: Sequence[OrderLine] | None,
               now: datetime, reservation: timedelta) -> None:
        """Apply a validated request; `lines` (priced again) when the items changed."""
        self.ensure_changeable(by=by, lines=lines is not None)
        self.shipping_address = request.shipping_address.strip()
        self.order_type = OrderType(request.order_type)
        if lines is not None:
            self.lines = list(lines)
            if self.reserved_until is not None:
                self.reserved_until = now + reservation
        self.updated_at = now

    def ensure_deletable(self, *, by: Actor) -> None:
        self._ensure_buyer(by, "delete")
        self._ensure_can("delete", "Only a pending order can be deleted.")
        if self.is_paid:
            raise InvalidState("A paid order cannot be deleted; cancel it to be refunded.")

    def confirm(self, *, by: Actor, payment_arranged: bool, now: datetime) -> None:
        self._ensure_buyer(by, "confirm")
        self._ensure_can("confirm", "Only a pending order can be confirmed.")
        if not (self.is_paid or payment_arranged):
            raise InvalidState("Pay for the order (or choose an offline payment method) "
                               "before confirming it.")
        self.status = OrderStatus.CONFIRMED
        self.reserved_until = None
        self.updated_at = now
        assert self.id is not None
        self.events.append(OrderConfirmed(order_id=self.id, buyer_id=self.buyer_id))

    def hold_until_cancelled(self, now: datetime) -> None:
        """An offline payment is on its way: keep the items until the order is cancelled."""
        self.reserved_until = None
        self.updated_at = now

    def hold_for(self, reservation: timedelta, now: datetime) -> None:
        if self.status is OrderStatus.PENDING and not self.is_paid:
            self.reserved_until = now + reservation
            self.updated_at = now

    def mark_paid(self, now: datetime) -> None:
        if self.status is OrderStatus.CANCELLED:
            raise InvalidState("The order was cancelled.")
        self.paid_at = now
        self.reserved_until = None
        self.updated_at = now

    def ship(self, *, by: Actor, now: datetime) -> None:
        self._ensure_manager(by, "ship")
        self._ensure_can("ship", "Only a confirmed order can be shipped.")
        self.status = OrderStatus.SHIPPED
        self.updated_at = now

    def deliver(self, *, by: Actor, now: datetime, force: bool = False) -> None:
        self._ensure_manager(by, "deliver")
        transition = "force_complete" if force else "deliver"
        self._ensure_can(transition, f"An order that is {self.status.value} cannot be "
                         "marked delivered.")
        self.status = OrderStatus.DELIVERED
        self.reserved_until = None
        self.updated_at = now
        assert self.id is not None
        self.events.append(OrderDelivered(order_id=self.id, buyer_id=self.buyer_id))

    def complete(self, *, by: Actor, now: datetime) -> None:
        self._ensure_buyer(by, "complete")
        self._ensure_can("complete", "Only a delivered order can be completed.")
        self.status = OrderStatus.COMPLETED
        self.updated_at = now

    def cancel(self, *, by: Actor | None, now: datetime, reason: str = "") -> None:
        """Cancel (buyer or staff; `by=None` is the reservation running out)."""
        if by is not None and by.id != self.buyer_id and not manages_orders(by):
            raise PermissionDenied("Only the buyer or an admin can cancel this order.")
        self._ensure_can("cancel", f"An order that is {self.status.value} cannot be cancelled.")
        self.status = OrderStatus.CANCELLED
        self.reserved_until = None
        self.updated_at = now
        assert self.id is not None
        self.events.append(OrderCancelled(
            order_id=self.id, buyer_id=self.buyer_id,
            by_staff=by is not None and by.id != self.buyer_id, reason=reason))

    def _ensure_buyer(self, actor: Actor, verb: str) -> None:
        if actor.id != self.buyer_id:
            raise PermissionDenied(f"Only the buyer who placed this order can {verb} it.")

    @staticmethod
    def _ensure_manager(actor: Actor, verb: str) -> None:
        if not manages_orders(actor):
            raise PermissionDenied(f"Only admins can {verb} orders.")

    def _ensure_can(self, transition: str, message: str) -> None:
        if self.status not in ORDER_TRANSITIONS[transition]:
            raise InvalidState(message)


def ensure_can_order(actor: Actor) -> None:
    if not actor.is_buyer:
        raise PermissionDenied("Only buyers can place orders.")
