"""Orders: placing, changing, confirming and cancelling them, staff delivery, and the lists.

Placing an order reserves its artworks (one order per artwork) and takes its equipment from
stock, atomically, in the same transaction as the order; cancelling gives both back and
refunds what was paid. An unpaid pending order whose reservation ran out is cancelled the
next time anyone places an order (or by `expire_reservations`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from cultureup.application.audit import record
from cultureup.application.commerce.ports import CommerceQueries
from cultureup.application.commerce.settlement import Settlement
from cultureup.application.commerce.views import (
    ORDER_ORDERING_FIELDS,
    OrderFilters,
    OrderView,
)
from cultureup.application.ports import Clock, EventPublisher, UnitOfWork, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest, check_ordering
from cultureup.domain.accounts.users import Actor
from cultureup.domain.catalog.artworks import Artwork, is_public
from cultureup.domain.catalog.equipment import Equipment
from cultureup.domain.commerce.orders import (
    ORDER_CANCELLED_BY_STAFF,
    ORDER_FORCE_COMPLETED,
    ItemRequest,
    LineKind,
    Order,
    OrderLine,
    OrderRequest,
    OrderStatus,
    OrderType,
    ensure_can_order,
    price_lines,
    sees_every_order,
)
from cultureup.domain.commerce.payments import (
    REASON_MAX,
    HireStatus,
    PaymentMethod,
    PaymentStatus,
    ensure_manages_payments,
)
from cultureup.domain.errors import FieldErrors, InvalidState, NotFound, ValidationFailed
from cultureup.domain.events import DomainEvent
from cultureup.domain.moderation.content import ContentType

EXPIRY_BATCH = 50
T = TypeVar("T")


class OrderService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: CommerceQueries, clock: Clock,
                 events: EventPublisher, settlement: Settlement,
                 reservation: timedelta) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock
        self._events, self._settlement, self._reservation = events, settlement, reservation

    # -- reads -----------------------------------------------------------------------------

    def list_orders(self, actor: Actor, filters: OrderFilters,
                    page: PageRequest) -> Page[OrderView]:
        """The caller's own orders."""
        _check_filters(filters)
        return self._queries.list_orders(
            OrderFilters(buyer_id=actor.id, order_type=filters.order_type,
                         status=filters.status, ordering=filters.ordering), page)

    def get_order(self, actor: Actor, order_id: int) -> OrderView:
        view = self._queries.get_order(order_id)
        if view.buyer.id != actor.id and not sees_every_order(actor):
            raise NotFound("Order not found.")
        return view

    # -- the buyer -------------------------------------------------------------------------

    def place_order(self, actor: Actor, request: OrderRequest) -> OrderView:
        ensure_can_order(actor)
        errors = FieldErrors()
        request.validate_shape(errors)
        errors.raise_if_any()
        self.expire_reservations()
        now = self._clock.now()
        with self._uow() as uow:
            lines = self._priced_lines(uow, request)
            order = Order.place(buyer=actor, request=request, lines=lines, now=now,
                                reservation=self._reservation)
            uow.orders.add(order)
            self._reserve(uow, order)
            order.record_placed()
            uow.commit()
        self._events.publish(order.events)
        assert order.id is not None
        return self._queries.get_order(order.id)

    def update_order(self, actor: Actor, order_id: int, *,
                     shipping_address: str | None = None, order_type: str | None = None,
                     artwork_items: Sequence[ItemRequest] | None = None,
                     equipment_items: Sequence[ItemRequest] | None = None) -> OrderView:
        """Change a pending order (PUT sends everything, PATCH some fields). New lines are
        priced from the catalogue again; the old ones first give back what they held."""
        now = self._clock.now()
        self.expire_reservations()
        relines = artwork_items is not None or equipment_items is not None
        with self._uow() as uow:
            order = uow.orders.get(order_id)
            order.ensure_visible_to(actor)
            order.ensure_changeable(
                by=actor, lines=relines,
                payment_open=relines and uow.payments.open_for(order_id=order_id) is not None)
            request = OrderRequest(
                order_type=order.order_type.value if order_type is None else order_type,
                shipping_address=(order.shipping_address if shipping_address is None
                                  else shipping_address),
                artwork_items=tuple(order.item_requests(LineKind.ARTWORK)
                                    if artwork_items is None else artwork_items),
                equipment_items=tuple(order.item_requests(LineKind.EQUIPMENT)
                                      if equipment_items is None else equipment_items))
            errors = FieldErrors()
            request.validate_shape(errors)
            errors.raise_if_any()
            lines = None
            if relines:
                self._give_back(uow, order)
                lines = self._priced_lines(uow, request)
            order.change(by=actor, request=request, lines=lines, now=now,
                         reservation=self._reservation)
            uow.orders.save(order)
            if relines:
                self._reserve(uow, order)
            uow.commit()
        return self._queries.get_order(order_id)

    def delete_order(self, actor: Actor, order_id: int) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            order = uow.orders.get(order_id)
            order.ensure_visible_to(actor)
            order.ensure_deletable(by=actor)
            payment = uow.payments.open_for(order_id=order_id)
            if payment is not None:
                self._settlement.call_off(uow, payment, now=now, reason="The order was deleted.")
                uow.payments.save(payment)
            self._give_back(uow, order)
            uow.orders.delete(order)
            uow.commit()

    def confirm(self, actor: Actor, order_id: int) -> OrderView:
        """The buyer commits to a paid order, or one with an offline payment on its way."""
        now = self._clock.now()
        with self._uow() as uow:
            order = uow.orders.get(order_id)
            order.ensure_visible_to(actor)
            payment = uow.payments.open_for(order_id=order_id)
            arranged = payment is not None and (
                payment.status is not PaymentStatus.PENDING
                or payment.method is not PaymentMethod.STRIPE)
            order.confirm(by=actor, payment_arranged=arranged, now=now)
            uow.orders.save(order)
            uow.commit()
        self._events.publish(order.events)
        return self._queries.get_order(order_id)

    def cancel(self, actor: Actor, order_id: int, *, reason: str = "",
               ip: str | None = None) -> OrderView:
        """The buyer or staff cancel: items go back, a payment is refunded or called off.
        Staff cancellations are written to the audit log with their reason."""
        now = self._clock.now()
        reason = _reason(reason)
        with self._uow() as uow:
            order = uow.orders.get(order_id)
            order.ensure_visible_to(actor)
            self._cancel(uow, order, by=actor, reason=reason)
            if actor.id != order.buyer_id:
                record(uow, now=now, action=ORDER_CANCELLED_BY_STAFF, actor_id=actor.id,
                       actor_username=actor.username, target_type="order",
                       target_id=order_id, ip_address=ip, reason=reason)
            uow.commit()
        self._events.publish(order.events)
        return self._queries.get_order(order_id)

    def staff_cancel(self, actor: Actor, order_id: int, *, reason: str = "",
                     ip: str | None = None) -> OrderView:
        """The administrators' cancellation (`POST /api/admin/orders/{id}/cancel/`,
        `cultureup orders cancel`): `cancel` for holders of MANAGE_PAYMENTS (roles.py) only,
        so that a buyer cannot pass their own cancellation off as an administrator's.
        Errors: PermissionDenied (403) for anyone else, NotFound, InvalidState as `cancel`."""
        ensure_manages_payments(actor, "cancel orders as an administrator")
        return self.cancel(actor, order_id, reason=reason, ip=ip)

    def complete(self, actor: Actor, order_id: int) -> OrderView:
        """The buyer received a delivered order: the sellers' earnings are released."""
        now = self._clock.now()
        with self._uow() as uow:
            order = uow.orders.get(order_id)
            order.ensure_visible_to(actor)
            order.complete(by=actor, now=now)
            uow.orders.save(order)
            payment = uow.payments.open_for(order_id=order_id)
            if payment is not None and payment.status in (
                    PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED) and (
                    payment.hire_status is HireStatus.PENDING):
                self._settlement.release(uow, payment, by=None, now=now)
                uow.payments.save(payment)
            uow.commit()
        return self._queries.get_order(order_id)

    # -- staff -----------------------------------------------------------------------------

    def force_complete(self, actor: Actor, order_id: int, *, reason: str = "",
                       ip: str | None = None) -> OrderView:
        """Staff mark an open order delivered; cash on delivery is collected with it."""
        ensure_manages_payments(actor, "complete orders")
        reason = _reason(reason)
        now = self._clock.now()
        with self._uow() as uow:
            order = uow.orders.get(order_id)
            payment = uow.payments.open_for(order_id=order_id)
            cash = (payment is not None and payment.status is PaymentStatus.PENDING
                    and payment.method is PaymentMethod.CASH_ON_DELIVERY)
            if not order.is_paid and not cash:
                raise InvalidState("This order is not paid; it cannot be delivered.")
            order.deliver(by=actor, now=now, force=True)
            uow.orders.save(order)
            if cash:
                assert payment is not None
                self._settlement.complete(uow, payment, now=now)
                order = uow.orders.get(order_id)
            record(uow, now=now, action=ORDER_FORCE_COMPLETED, actor_id=actor.id,
                   actor_username=actor.username, target_type="order", target_id=order_id,
                   ip_address=ip, reason=reason)
            uow.commit()
        events: list[DomainEvent] = [*order.events, *(payment.events if payment else [])]
        self._events.publish(events)
        return self._queries.get_order(order_id)

    def expire_reservations(self) -> int:
        """Cancel unpaid pending orders whose reservation ran out; returns how many."""
        now = self._clock.now()
        with self._uow(read_only=True) as uow:
            expired = uow.orders.expired_ids(now, limit=EXPIRY_BATCH)
        count = 0
        for order_id in expired:
            with self._uow() as uow:
                order = uow.orders.get(order_id)
                if not order.is_expired(now):
                    continue  # paid or cancelled meanwhile
                self._cancel(uow, order, by=None, reason="The reservation expired unpaid.")
                uow.commit()
            count += 1
            self._events.publish(order.events)
        return count

    # -- helpers ---------------------------------------------------------------------------

    def _priced_lines(self, uow: UnitOfWork, request: OrderRequest) -> list[OrderLine]:
        """Lines priced from the catalogue, items locked in id order (no deadlocks).

        What the public cannot see is refused as if it did not exist (the same field error
        as a missing id): an artwork hidden by domain.catalog.artworks.is_public (removed by
        a moderator, REJECTED, or held for a duplicate review) and equipment a moderator
        removed."""
        artworks: dict[int, Artwork | None] = {}
        for artwork_id in sorted({item.item_id for item in request.artwork_items}):
            artwork = _found(uow.artworks.get, artwork_id)
            if artwork is not None and not is_public(
                    moderation_status=artwork.moderation_status,
                    duplicate_candidate_id=artwork.duplicate_candidate_id,
                    removed=_removed(uow, ContentType.ARTWORK, artwork_id)):
                artwork = None
            artworks[artwork_id] = artwork
        equipment: dict[int, Equipment | None] = {}
        for equipment_id in sorted({item.item_id for item in request.equipment_items}):
            product = _found(uow.equipment.get, equipment_id)
            if product is not None and _removed(uow, ContentType.EQUIPMENT, equipment_id):
                product = None
            equipment[equipment_id] = product
        held = uow.artwork_holds.held(sorted(artworks))
        errors = FieldErrors()
        lines = price_lines(request, artworks=artworks, reserved_artwork_ids=held,
                            equipment=equipment, errors=errors)
        errors.raise_if_any()
        return lines

    def _reserve(self, uow: UnitOfWork, order: Order) -> None:
        assert order.id is not None
        now = self._clock.now()
        for line in order.lines:
            if line.kind is LineKind.ARTWORK:
                if not uow.artwork_holds.hold(line.item_id, order.id):
                    raise InvalidState(f'"{line.title}" was just ordered by someone else.')
            elif not uow.stock.take(line.item_id, line.quantity, now=now):
                raise ValidationFailed({"equipment_items": [
                    f'Not enough "{line.title}" left in stock.']})

    def _give_back(self, uow: UnitOfWork, order: Order) -> None:
        """Free the order's artworks (offered again if the order had bought them) and
        return its equipment to stock."""
        assert order.id is not None
        uow.artwork_holds.release(order.id)
        if order.is_paid:
            for artwork_id in sorted(order.artwork_ids):
                artwork = _found(uow.artworks.get, artwork_id)
                if artwork is not None and not artwork.is_available:
                    artwork.is_available = True
                    uow.artworks.save(artwork)
        now = self._clock.now()
        for equipment_id, quantity in sorted(order.equipment_quantities().items()):
            uow.stock.give_back(equipment_id, quantity, now=now)

    def _cancel(self, uow: UnitOfWork, order: Order, *, by: Actor | None,
                reason: str) -> None:
        now = self._clock.now()
        assert order.id is not None
        payment = uow.payments.open_for(order_id=order.id)
        if payment is not None and payment.hire_status is HireStatus.RELEASED:
            raise InvalidState("The sellers were already paid for this order; it cannot be "
                               "cancelled.")
        order.cancel(by=by, now=now, reason=reason)
        if payment is not None:
            if payment.status is PaymentStatus.PENDING:
                self._settlement.call_off(uow, payment, now=now,
                                          reason="The order was cancelled.")
            else:
                self._settlement.refund(uow, payment, by=None, amount=None, now=now,
                                        reason="The order was cancelled.")
            uow.payments.save(payment)
            order.events.extend(payment.events)
        self._give_back(uow, order)
        uow.orders.save(order)


def _found(load: Callable[[int], T], item_id: int) -> T | None:
    try:
        return load(item_id)
    except NotFound:
        return None


def _removed(uow: UnitOfWork, kind: ContentType, item_id: int) -> bool:
    """Whether a moderator removed the listing (moderation keeps the removal, not the
    catalogue's aggregates)."""
    item = uow.content.find(kind, item_id)
    return item is not None and item.removed


def _reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": [f"Ensure this field has no more than {REASON_MAX} "
                                           "characters."]})
    return reason


def _check_filters(filters: OrderFilters) -> None:
    check_ordering(filters.ordering, ORDER_ORDERING_FIELDS)
    errors = FieldErrors()
    if filters.order_type is not None and filters.order_type not in OrderType.__members__.values():
        errors.add("order_type", "Choose one of: artwork, equipment.")
    if filters.status is not None and filters.status not in OrderStatus.__members__.values():
        errors.add("status", "Choose one of: " + ", ".join(s.value for s in OrderStatus) + ".")
    errors.raise_if_any()
