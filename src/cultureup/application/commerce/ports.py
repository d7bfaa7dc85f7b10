"""Ports for orders, payments and the ledger: repositories, gateways and read models."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import attrs

from cultureup.application.commerce.views import (
    OrderFilters,
    OrderView,
    PaymentFilters,
    PaymentStats,
    PaymentView,
    UserMoney,
)
from cultureup.application.views import Page, PageRequest
from cultureup.domain.commerce.ledger import LedgerEntry, LedgerTransaction
from cultureup.domain.commerce.orders import Order
from cultureup.domain.commerce.payments import Payment
from cultureup.domain.money import Money


class OrderRepository(Protocol):
    def add(self, order: Order) -> None:
        """Store a new order with its lines, giving ids to both."""
        ...

    def get(self, order_id: int) -> Order:
        """The order with its lines, locked for this unit of work; raises NotFound."""
        ...

    def save(self, order: Order) -> None:
        """Write the order and replace its lines; raises ConcurrentUpdate when stale."""
        ...

    def delete(self, order: Order) -> None:
        """Remove the order and its lines."""
        ...

    def expired_ids(self, now: datetime, *, limit: int) -> list[int]:
        """Ids of unpaid pending orders whose reservation ran out before `now`."""
        ...


class ArtworkHolds(Protocol):
    """Which open or paid order holds each artwork; at most one order per artwork."""

    def hold(self, artwork_id: int, order_id: int) -> bool:
        """Reserve the artwork for the order; False when another order holds it."""
        ...

    def held(self, artwork_ids: Sequence[int]) -> frozenset[int]:
        """Those of the artworks that some order holds (reserved or sold)."""
        ...

    def release(self, order_id: int) -> None:
        """Free every artwork the order holds (it was cancelled, or its lines changed)."""
        ...

    def mark_sold(self, order_id: int) -> None:
        """The order is paid: its artworks stay held for good."""
        ...


class EquipmentStock(Protocol):
    def take(self, equipment_id: int, quantity: int, *, now: datetime) -> bool:
        """Atomically take `quantity` from stock if at least that many are left (and the item
        is offered); False, changing nothing, otherwise."""
        ...

    def give_back(self, equipment_id: int, quantity: int, *, now: datetime) -> None:
        """Return quantity to stock (a cancelled order); a deleted item is skipped."""
        ...

    def lock(self, equipment_id: int) -> int:
        """The item's stock now, its row locked until the unit of work ends (so orders
        taking stock wait); raises NotFound."""
        ...

    def set_quantity(self, equipment_id: int, quantity: int, *, now: datetime) -> None:
        """Set the stock of an item locked by `lock` (a staff stock update)."""
        ...


class PaymentRepository(Protocol):
    def add(self, payment: Payment) -> None:
        """Store a new payment and give it an id; a second open payment for the same order or
        job is an InvalidState."""
        ...

    def get(self, payment_id: int) -> Payment:
        """The payment, locked for this unit of work; raises NotFound."""
        ...

    def save(self, payment: Payment) -> None:
        """Write the payment; raises ConcurrentUpdate when it changed since it was loaded."""
        ...

    def open_for(self, *, order_id: int | None = None,
                 job_id: int | None = None) -> Payment | None:
        """The pending or paid payment of the order or job, locked, if any."""
        ...

    def find_by_gateway_reference(self, reference: str) -> Payment | None:
        """The payment the gateway knows by this reference, locked, if any."""
        ...


class Ledger(Protocol):
    def append(self, transaction: LedgerTransaction) -> None:
        """Append a balanced transaction; entries are never changed or removed."""
        ...


class ProcessedEvents(Protocol):
    def first_time(self, event_id: str, *, now: datetime) -> bool:
        """Record the gateway event id; False when it was recorded before (also by a
        concurrent transaction, which this call waits for)."""
        ...


class CommerceUnitOfWork(Protocol):
    orders: OrderRepository
    artwork_holds: ArtworkHolds
    stock: EquipmentStock
    payments: PaymentRepository
    ledger: Ledger
    processed_events: ProcessedEvents


class IntentStatus(enum.StrEnum):
    """Where a card payment stands at the gateway (Stripe's PaymentIntent statuses)."""

    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    CANCELED = "canceled"


@attrs.frozen(kw_only=True)
class GatewayIntent:
    reference: str
    status: IntentStatus
    client_secret: str
    amount: Money
    next_action: dict[str, object] | None = None
    # Why the last attempt failed (a declined card), when it did.
    failure_message: str = ""
    # Whether an attempt was made and failed, as opposed to none being made yet.
    last_attempt_failed: bool = False


@attrs.frozen(kw_only=True)
class GatewayEvent:
    """A verified notification from the gateway."""

    id: str
    type: str
    reference: str | None
    amount_refunded: Money | None = None
    failure_message: str = ""


class PaymentGateway(Protocol):
    """One way of taking money. Card gateways run the intent flow; offline methods (JazzCash,
    bank transfer, cash on delivery) are settled by staff and only record refunds."""

    takes_cards: bool

    def start(self, *, payment_id: int, amount: Money, description: str,
              idempotency_key: str) -> GatewayIntent:
        """Create the gateway's intent for the payment."""
        ...

    def confirm(self, reference: str, *, payment_method_id: str) -> GatewayIntent:
        """Attach the payer's payment method and confirm; may require 3D Secure."""
        ...

    def fetch(self, reference: str) -> GatewayIntent:
        """Read the intent's current state."""
        ...

    def refund(self, reference: str | None, amount: Money, *, idempotency_key: str) -> str:
        """Give `amount` back to the payer; returns the gateway's refund reference."""
        ...

    def cancel(self, reference: str) -> GatewayIntent:
        """Call the intent off so that it can no longer take money; an intent that already
        succeeded is returned as it is."""
        ...


class WebhookVerifier(Protocol):
    def parse(self, payload: bytes, signature: str | None) -> GatewayEvent:
        """The event, after checking the signature and its age; raises ValidationFailed."""
        ...


class TransactionIds(Protocol):
    def new_transaction_id(self) -> str:
        """A fresh, unguessable payment reference such as TXN4F3A9C1B2D7E."""
        ...


class CommerceQueries(Protocol):
    """Read models; each page in a fixed number of queries."""

    def list_orders(self, filters: OrderFilters, page: PageRequest) -> Page[OrderView]: ...

    def get_order(self, order_id: int) -> OrderView:
        """Raises NotFound."""
        ...

    def list_payments(self, filters: PaymentFilters,
                      page: PageRequest) -> Page[PaymentView]: ...

    def get_payment(self, payment_id: int) -> PaymentView:
        """Raises NotFound."""
        ...

    def payment_stats(self) -> PaymentStats: ...

    def user_money(self, user_id: int) -> UserMoney:
        """The user's figures from the ledger."""
        ...

    def ledger_entries(self) -> list[LedgerEntry]:
        """Every entry, for audits and tests of the books."""
        ...
