"""What a payment's completion, refund and release mean for its order or job.

Shared by the order and payment use cases, always inside the caller's unit of work, so that
money and goods move in one transaction (and the payee's payment_received notification is
written in that same transaction).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from cultureup.application.collaboration.notifications import notify
from cultureup.application.collaboration.ports import Notifier
from cultureup.application.commerce.ports import IntentStatus, PaymentGateway
from cultureup.application.ports import UnitOfWork
from cultureup.domain.accounts.users import Actor
from cultureup.domain.commerce.ledger import LedgerTransaction
from cultureup.domain.commerce.orders import Order, OrderStatus
from cultureup.domain.commerce.payments import Payment, PaymentMethod, PaymentStatus
from cultureup.domain.errors import ValidationFailed
from cultureup.domain.events import PaymentReceived
from cultureup.domain.hiring.jobs import JobStatus
from cultureup.domain.money import Money

CARDS_NOT_CONFIGURED = ("Card payments are not configured on this server; choose jazzcash, "
                        "bank_transfer or cash_on_delivery.")


class Settlement:
    def __init__(self, gateways: Mapping[PaymentMethod, PaymentGateway], *,
                 notifier: Notifier) -> None:
        self._gateways = dict(gateways)
        self._notifier = notifier

    def gateway(self, method: PaymentMethod) -> PaymentGateway:
        gateway = self._gateways.get(method)
        if gateway is None:
            raise ValidationFailed({"payment_method": [CARDS_NOT_CONFIGURED]})
        return gateway

    def complete(self, uow: UnitOfWork, payment: Payment, *, now: datetime,
                 gateway_reference: str | None = None) -> None:
        self.settle(uow, payment, payment.complete(now=now, gateway_reference=gateway_reference),
                    now=now)

    def settle(self, uow: UnitOfWork, payment: Payment, capture: LedgerTransaction, *,
               now: datetime) -> None:
        """The money arrived (`capture` records it): mark the order paid (its artworks sold),
        and release a job payment at once if the buyer already completed the job. Money for
        an order or a job cancelled in the meantime is given back in full."""
        uow.ledger.append(capture)
        if payment.order_id is not None:
            order = uow.orders.get(payment.order_id)
            if order.status is OrderStatus.CANCELLED:
                self.refund(uow, payment, by=None, amount=None, now=now)
            else:
                self.mark_order_paid(uow, order, now=now)
        elif payment.job_id is not None:
            job = uow.jobs.get(payment.job_id)
            if job.status is JobStatus.COMPLETED:
                self.release(uow, payment, by=None, now=now)
            elif job.status is JobStatus.CANCELLED:
                self.refund(uow, payment, by=None, amount=None, now=now,
                            reason="job cancelled")
        uow.payments.save(payment)
        if payment.status is PaymentStatus.COMPLETED:
            # Money given straight back (a cancelled order or job) is not news to the payee.
            notify(self._notifier, uow,
                   [event for event in payment.events if isinstance(event, PaymentReceived)],
                   now)

    @staticmethod
    def mark_order_paid(uow: UnitOfWork, order: Order, *, now: datetime) -> None:
        order.mark_paid(now)
        uow.artwork_holds.mark_sold(order.id or 0)
        for artwork_id in sorted(order.artwork_ids):
            artwork = uow.artworks.get(artwork_id)
            if artwork.is_available:
                artwork.is_available = False
                uow.artworks.save(artwork)
        uow.orders.save(order)

    def refund(self, uow: UnitOfWork, payment: Payment, *, by: Actor | None,
               amount: Money | None, now: datetime, reason: str = "") -> Money:
        """Record the refund (the rules are the payment's), then move the money at the
        gateway; a gateway error rolls the whole unit back."""
        refunded, transaction = payment.refund(by=by, amount=amount, now=now, reason=reason)
        uow.ledger.append(transaction)
        self.gateway(payment.method).refund(
            payment.gateway_reference, refunded,
            idempotency_key=f"cultureup-refund-{payment.id}-{payment.refunded_amount.cents}")
        return refunded

    def call_off(self, uow: UnitOfWork, payment: Payment, *, now: datetime,
                 reason: str) -> None:
        """The order is gone: a pending payment must not take money any more. A card intent
        is cancelled at the gateway; if it had succeeded meanwhile, the money is recorded and
        given back in full."""
        gateway = self.gateway(payment.method) if payment.method is PaymentMethod.STRIPE \
            else None
        if gateway is not None and payment.gateway_reference is not None:
            intent = gateway.cancel(payment.gateway_reference)
            if intent.status is IntentStatus.SUCCEEDED:
                uow.ledger.append(payment.complete(now=now))
                self.refund(uow, payment, by=None, amount=None, now=now, reason=reason)
                return
        payment.fail(now=now, reason=reason)

    @staticmethod
    def release(uow: UnitOfWork, payment: Payment, *, by: Actor | None,
                now: datetime) -> None:
        transaction = payment.release(by=by, now=now)
        if transaction is not None:
            uow.ledger.append(transaction)
