"""Payments: paying for an order or a hired job by card (Stripe, with 3D Secure) or offline
(JazzCash, bank transfer, cash on delivery), the gateway's webhook, escrow release and
refunds by staff, and the money figures read from the ledger."""

from __future__ import annotations

from datetime import datetime, timedelta

from cultureup.application.audit import record
from cultureup.application.commerce.ports import (
    CommerceQueries,
    GatewayEvent,
    GatewayIntent,
    IntentStatus,
    TransactionIds,
    WebhookVerifier,
)
from cultureup.application.commerce.settlement import Settlement
from cultureup.application.commerce.views import (
    PAYMENT_ORDERING_FIELDS,
    ConfirmResult,
    OrderFilters,
    PaymentFilters,
    PaymentStats,
    PaymentView,
    ProcessResult,
    Purchases,
    RefundResult,
    UserMoney,
)
from cultureup.application.ports import Clock, EventPublisher, UnitOfWork, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest, check_ordering
from cultureup.domain.accounts.roles import Permission, require
from cultureup.domain.accounts.users import Actor
from cultureup.domain.commerce.fees import FeeRate, split_by_seller
from cultureup.domain.commerce.orders import OrderStatus
from cultureup.domain.commerce.payments import (
    OFFLINE_VERIFIED,
    PAYMENT_REFUNDED,
    PAYMENT_RELEASED,
    PAYMENT_VERIFIED,
    REASON_MAX,
    HireStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    check_claims,
    ensure_manages_payments,
    sees_every_payment,
)
from cultureup.domain.errors import (
    FieldErrors,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cultureup.domain.events import DomainEvent, JobCancelled, JobCompleted
from cultureup.domain.hiring.jobs import JobStatus
from cultureup.domain.money import Money

PAYMENT_METHODS = tuple(method.value for method in PaymentMethod)
PAYMENT_STATUSES = tuple(status.value for status in PaymentStatus)
HIRE_STATUSES = tuple(status.value for status in HireStatus)
PAYMENT_METHOD_ID_MAX = 255


def _choice(errors: FieldErrors, field: str, value: str | None,
            choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        errors.add(field, f'"{value}" is not a valid choice. Choose one of: '
                   f"{', '.join(choices)}.")


class PaymentService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: CommerceQueries, clock: Clock,
                 events: EventPublisher, settlement: Settlement, fee_rate: FeeRate,
                 ids: TransactionIds, reservation: timedelta,
                 webhooks: WebhookVerifier | None = None) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock
        self._events, self._settlement, self._rate = events, settlement, fee_rate
        self._ids, self._webhooks, self._reservation = ids, webhooks, reservation

    # -- reads -----------------------------------------------------------------------------

    def list_payments(self, actor: Actor, filters: PaymentFilters,
                      page: PageRequest) -> Page[PaymentView]:
        """The payments the caller makes or receives."""
        _check_filters(filters)
        return self._queries.list_payments(
            PaymentFilters(party_id=actor.id, payment_method=filters.payment_method,
                           status=filters.status, ordering=filters.ordering), page)

    def admin_list_payments(self, actor: Actor, filters: PaymentFilters,
                            page: PageRequest) -> Page[PaymentView]:
        require(actor, Permission.VIEW_PRIVATE_CONTENT)
        _check_filters(filters)
        return self._queries.list_payments(filters, page)

    def days_since_payment(self, view: PaymentView) -> int:
        """Whole days since the payment completed (or, if it has not, was opened)."""
        return max(0, (self._clock.now() - (view.completed_at or view.created_at)).days)

    def get_payment(self, actor: Actor, payment_id: int) -> PaymentView:
        view = self._queries.get_payment(payment_id)
        payee_id = view.payee.id if view.payee else None
        if actor.id not in (view.payer.id, payee_id) and not sees_every_payment(actor):
            raise NotFound("Payment not found.")
        return view

    def stats(self, actor: Actor) -> PaymentStats:
        require(actor, Permission.VIEW_DASHBOARD)
        return self._queries.payment_stats()

    def user_money(self, user_id: int) -> UserMoney:
        return self._queries.user_money(user_id)

    def purchases(self, actor: Actor, buyer_id: int) -> Purchases:
        """A buyer's orders and the payments they made; the buyer and staff only."""
        if actor.id != buyer_id and not sees_every_payment(actor):
            raise PermissionDenied("Only the buyer and staff can see these purchases.")
        everything = PageRequest(page=1, page_size=10**6)
        orders = self._queries.list_orders(OrderFilters(buyer_id=buyer_id), everything).items
        payments = self._queries.list_payments(PaymentFilters(payer_id=buyer_id),
                                               everything).items
        return Purchases(
            orders=tuple(orders), payments=tuple(payments), total_orders=len(orders),
            total_payments=len(payments),
            completed_orders=sum(o.status in ("delivered", "completed") for o in orders),
            completed_payments=sum(p.status in ("completed", "partially_refunded")
                                   for p in payments))

    # -- the payer -------------------------------------------------------------------------

    def create_payment(self, actor: Actor, *, method: str, order_id: int | None = None,
                       job_id: int | None = None, amount: Money | None = None,
                       payee_id: int | None = None, payee_sent: bool = False) -> PaymentView:
        """A pending payment for an order or a hired job. The server decides amount and payee;
        stating other values is a 400 that names the right ones."""
        errors = FieldErrors()
        _choice(errors, "payment_method", method, PAYMENT_METHODS)
        if (order_id is None) == (job_id is None):
            errors.add("non_field_errors", "Give either an order or a job.")
        if job_id is not None and method == PaymentMethod.CASH_ON_DELIVERY:
            errors.add("payment_method", "Cash on delivery is for orders, not jobs.")
        errors.raise_if_any()
        chosen = PaymentMethod(method)
        self._settlement.gateway(chosen)
        now = self._clock.now()
        with self._uow() as uow:
            if order_id is not None:
                order = uow.orders.get(order_id)
                order.ensure_visible_to(actor)
                if actor.id != order.buyer_id:
                    raise PermissionDenied("Only the buyer pays for an order.")
                if order.status is OrderStatus.CANCELLED:
                    raise InvalidState("This order is cancelled.")
                _ensure_no_open_payment(uow.payments.open_for(order_id=order_id))
                shares = split_by_seller(order.seller_totals(), self._rate)
                artists = {s.seller_id for s in shares if s.seller_id is not None}
                due, payee = order.total_amount, (next(iter(artists)) if len(artists) == 1
                                                  else None)
            else:
                assert job_id is not None
                job = uow.jobs.get(job_id)
                if job.buyer_id != actor.id:
                    raise PermissionDenied("Only the buyer who posted this job pays for it.")
                if job.status not in (JobStatus.IN_PROGRESS, JobStatus.COMPLETED):
                    raise InvalidState("Only a job with a hired artist can be paid for.")
                assert job.final_amount is not None and job.hired_artist_id is not None
                _ensure_no_open_payment(uow.payments.open_for(job_id=job_id))
                due, payee = job.final_amount, job.hired_artist_id
                shares = split_by_seller([(payee, due)], self._rate)
            check_claims(amount=due, payee_id=payee, sent_amount=amount, sent_payee=payee_id,
                         payee_sent=payee_sent)
            payment = Payment(payer_id=actor.id, payee_id=payee, order_id=order_id,
                              job_id=job_id, amount=due, method=chosen,
                              transaction_id=self._ids.new_transaction_id(), shares=shares,
                              created_at=now, updated_at=now)
            uow.payments.add(payment)
            if order_id is not None and chosen is not PaymentMethod.STRIPE:
                order.hold_until_cancelled(now)
                uow.orders.save(order)
            uow.commit()
        assert payment.id is not None
        return self._queries.get_payment(payment.id)

    def process(self, actor: Actor, payment_id: int) -> ProcessResult:
        """Create (or, on a retry, re-read) the card payment's PaymentIntent."""
        with self._uow() as uow:
            payment = self._own_card_payment(uow, actor, payment_id)
            intent = self._intent_for(payment)
            uow.payments.save(payment)
            uow.commit()
        return ProcessResult(client_secret=intent.client_secret,
                             payment_intent_id=intent.reference,
                             requires_action=intent.status is IntentStatus.REQUIRES_ACTION)

    def confirm(self, actor: Actor, payment_id: int, *, payment_method_id: str | None = None,
                payer_reference: str | None = None) -> ConfirmResult:
        """Card: confirm with the payer's payment method (3D Secure may be required).
        JazzCash and bank transfer: record the payer's transaction reference for staff."""
        now = self._clock.now()
        with self._uow() as uow:
            payment = uow.payments.get(payment_id)
            payment.ensure_payer(actor)
            if payment.method in OFFLINE_VERIFIED:
                if payer_reference is None:
                    raise ValidationFailed({"transaction_reference": [
                        "Give the transaction id of your transfer."]})
                payment.submit_reference(by=actor, reference=payer_reference, now=now)
                uow.payments.save(payment)
                uow.commit()
                return ConfirmResult(payment=self._queries.get_payment(payment_id))
            if payment.method is PaymentMethod.CASH_ON_DELIVERY:
                raise InvalidState("A cash on delivery payment completes when the order is "
                                   "delivered.")
            if payment.status is not PaymentStatus.PENDING:
                raise InvalidState(f"This payment is already {payment.status.value}.")
            errors = FieldErrors()
            if not payment_method_id or not payment_method_id.strip():
                errors.add("payment_method_id", "This field is required.")
            elif len(payment_method_id) > PAYMENT_METHOD_ID_MAX:
                errors.add("payment_method_id", "Ensure this field has no more than "
                           f"{PAYMENT_METHOD_ID_MAX} characters.")
            errors.raise_if_any()
            assert payment_method_id is not None
            self._intent_for(payment)
            assert payment.gateway_reference is not None
            intent = self._settlement.gateway(payment.method).confirm(
                payment.gateway_reference, payment_method_id=payment_method_id.strip())
            self._apply(uow, payment, intent, now=now)
            uow.commit()
        self._events.publish(payment.events)
        return self._confirm_result(payment_id, intent)

    def complete_3d_secure(self, actor: Actor, payment_id: int) -> ConfirmResult:
        """Re-read the intent after the payer's bank checked them; complete or fail."""
        now = self._clock.now()
        with self._uow() as uow:
            payment = self._own_card_payment(uow, actor, payment_id)
            if payment.gateway_reference is None:
                raise InvalidState("Process and confirm the payment first.")
            intent = self._settlement.gateway(payment.method).fetch(payment.gateway_reference)
            self._apply(uow, payment, intent, now=now)
            uow.commit()
        self._events.publish(payment.events)
        return self._confirm_result(payment_id, intent)

    # -- the gateway -----------------------------------------------------------------------

    def handle_webhook(self, payload: bytes, signature: str | None) -> str:
        """A signed gateway event: applied once per event id, whoever delivers it how often.
        Returns what was done, for the log."""
        if self._webhooks is None:
            raise ValidationFailed({"non_field_errors": ["Webhooks are not configured."]})
        event = self._webhooks.parse(payload, signature)
        now = self._clock.now()
        with self._uow() as uow:
            if not uow.processed_events.first_time(event.id, now=now):
                return "duplicate"
            outcome, events = self._apply_event(uow, event, now=now)
            uow.commit()
        self._events.publish(events)
        return outcome

    def _apply_event(self, uow: UnitOfWork, event: GatewayEvent, *,
                     now: datetime) -> tuple[str, list[DomainEvent]]:
        payment = (uow.payments.find_by_gateway_reference(event.reference)
                   if event.reference else None)
        if payment is None:
            return "ignored", []
        if event.type == "payment_intent.succeeded":
            if payment.status is not PaymentStatus.PENDING:
                return "already settled", []
            self._settlement.complete(uow, payment, now=now)
        elif event.type == "payment_intent.payment_failed":
            if payment.status is not PaymentStatus.PENDING:
                return "already settled", []
            payment.fail(now=now, reason=event.failure_message or "The card was declined.")
            self._after_failure(uow, payment, now=now)
        elif event.type == "charge.refunded" and event.amount_refunded is not None:
            missing = event.amount_refunded - payment.refunded_amount
            if not missing.is_positive:
                return "already recorded", []
            _, transaction = payment.refund(by=None, amount=missing, now=now,
                                                   reason="refunded at the gateway")
            uow.ledger.append(transaction)
            uow.payments.save(payment)
        else:
            return "ignored", []
        return event.type, payment.events

    # -- staff -----------------------------------------------------------------------------

    def verify(self, actor: Actor, payment_id: int, *, reference: str, reason: str = "",
               ip: str | None = None) -> PaymentView:
        """Staff saw an offline transfer arrive under the payer's reference."""
        ensure_manages_payments(actor, "verify payments")
        now = self._clock.now()
        with self._uow() as uow:
            payment = uow.payments.get(payment_id)
            self._settlement.settle(
                uow, payment, payment.verify(by=actor, reference=reference, now=now), now=now)
            record(uow, now=now, action=PAYMENT_VERIFIED, actor_id=actor.id,
                   actor_username=actor.username, target_type="payment",
                   target_id=payment_id, ip_address=ip, reason=_reason(reason),
                   reference=reference)
            uow.commit()
        self._events.publish(payment.events)
        return self._queries.get_payment(payment_id)

    def release(self, actor: Actor, payment_id: int, *, reason: str = "",
                ip: str | None = None) -> PaymentView:
        ensure_manages_payments(actor, "release payments")
        now = self._clock.now()
        with self._uow() as uow:
            payment = uow.payments.get(payment_id)
            self._settlement.release(uow, payment, by=actor, now=now)
            uow.payments.save(payment)
            record(uow, now=now, action=PAYMENT_RELEASED, actor_id=actor.id,
                   actor_username=actor.username, target_type="payment",
                   target_id=payment_id, ip_address=ip, reason=_reason(reason),
                   artist_earning=str(payment.artist_earning))
            uow.commit()
        self._events.publish(payment.events)
        return self._queries.get_payment(payment_id)

    def refund(self, actor: Actor, payment_id: int, *, amount: Money | None = None,
               reason: str = "", ip: str | None = None) -> RefundResult:
        """Refund in full (no amount) or in part, through the gateway for cards."""
        ensure_manages_payments(actor, "refund payments")
        now = self._clock.now()
        with self._uow() as uow:
            payment = uow.payments.get(payment_id)
            refunded = self._settlement.refund(uow, payment, by=actor, amount=amount, now=now,
                                               reason=reason)
            uow.payments.save(payment)
            record(uow, now=now, action=PAYMENT_REFUNDED, actor_id=actor.id,
                   actor_username=actor.username, target_type="payment",
                   target_id=payment_id, ip_address=ip, reason=_reason(reason),
                   amount=str(refunded))
            uow.commit()
        self._events.publish(payment.events)
        return RefundResult(payment=self._queries.get_payment(payment_id),
                            refund_amount=refunded)

    def release_for_completed_job(self, event: JobCompleted) -> None:
        """Escrow ends when the buyer completes the job: the artist's earning is released."""
        now = self._clock.now()
        with self._uow() as uow:
            payment = uow.payments.open_for(job_id=event.job_id)
            if (payment is None or payment.status not in (PaymentStatus.COMPLETED,
                                                          PaymentStatus.PARTIALLY_REFUNDED)
                    or payment.hire_status is not HireStatus.PENDING):
                return
            self._settlement.release(uow, payment, by=None, now=now)
            uow.payments.save(payment)
            uow.commit()
        self._events.publish(payment.events)

    def settle_cancelled_job(self, job_id: int, *, reason: str = "job cancelled"
                             ) -> PaymentView | None:
        """Escrow when a hired job is cancelled (by its buyer, or by staff closing it): the
        job's payment ends, whoever cancelled and however.

        - A pending payment is called off (a card intent is cancelled at Stripe; if it had
          succeeded meanwhile, the money is recorded and given back in full).
        - A paid payment whose earning is still held is refunded to the buyer in full (what
          is left of it), through the gateway for cards; the fee and the held earning go
          back with it, so the ledger stays balanced.
        - A payment already released stays the artist's: taking it back is a reversal, a
          staff decision, never automatic.

        Runs after the cancellation committed (subscribed to `JobCancelled`), in its own
        transaction; a payment completing afterwards is refunded by `Settlement.settle`.
        Returns the payment as it ends, or None when the job has no open payment (or the job
        is not cancelled). Errors: `ServiceUnavailable` when the card gateway cannot be
        reached (nothing changes; staff refund by hand or call this again)."""
        now = self._clock.now()
        with self._uow() as uow:
            # The payment's row first, then the job's: the order every payment path locks in.
            payment = uow.payments.open_for(job_id=job_id)
            if payment is None or uow.jobs.get(job_id).status is not JobStatus.CANCELLED:
                return None
            if payment.status is PaymentStatus.PENDING:
                self._settlement.call_off(uow, payment, now=now, reason=reason)
            elif payment.hire_status is HireStatus.PENDING:
                refunded = self._settlement.refund(uow, payment, by=None, amount=None,
                                                   now=now, reason=reason)
                record(uow, now=now, action=PAYMENT_REFUNDED, actor_id=None,
                       actor_username="system", target_type="payment", target_id=payment.id,
                       reason=reason, amount=str(refunded), job_id=job_id)
            else:
                return None
            uow.payments.save(payment)
            uow.commit()
        self._events.publish(payment.events)
        assert payment.id is not None
        return self._queries.get_payment(payment.id)

    def refund_for_cancelled_job(self, event: JobCancelled) -> None:
        """`settle_cancelled_job` for the event a job's cancellation publishes."""
        self.settle_cancelled_job(event.job_id)

    # -- helpers ---------------------------------------------------------------------------

    def _own_card_payment(self, uow: UnitOfWork, actor: Actor, payment_id: int) -> Payment:
        payment = uow.payments.get(payment_id)
        payment.ensure_payer(actor)
        if payment.method is not PaymentMethod.STRIPE:
            raise InvalidState(f"A {payment.method.value} payment is not processed by card.")
        return payment

    def _intent_for(self, payment: Payment) -> GatewayIntent:
        """The payment's intent: created once, then always the same one (the gateway's own
        idempotency cannot be relied on, so the reference is kept on the payment)."""
        gateway = self._settlement.gateway(payment.method)
        if payment.gateway_reference is not None:
            return gateway.fetch(payment.gateway_reference)
        if payment.status is not PaymentStatus.PENDING:
            raise InvalidState(f"This payment is already {payment.status.value}.")
        assert payment.id is not None
        intent = gateway.start(payment_id=payment.id, amount=payment.amount,
                               description=f"CultureUp payment {payment.transaction_id}",
                               idempotency_key=f"cultureup-payment-{payment.id}")
        payment.gateway_reference = intent.reference
        return intent

    def _apply(self, uow: UnitOfWork, payment: Payment, intent: GatewayIntent, *,
               now: datetime) -> None:
        if payment.status is PaymentStatus.PENDING:
            if intent.status is IntentStatus.SUCCEEDED:
                self._settlement.complete(uow, payment, now=now)
            elif intent.status is IntentStatus.CANCELED or (
                    intent.status is IntentStatus.REQUIRES_PAYMENT_METHOD
                    and intent.last_attempt_failed):
                payment.fail(now=now, reason=intent.failure_message or "The card was declined.")
                self._after_failure(uow, payment, now=now)
        uow.payments.save(payment)

    def _after_failure(self, uow: UnitOfWork, payment: Payment, *, now: datetime) -> None:
        """A failed payment gives an unpaid order its reservation window back."""
        if payment.order_id is not None:
            order = uow.orders.get(payment.order_id)
            if not order.is_paid and order.status is OrderStatus.PENDING:
                order.hold_for(self._reservation, now)
                uow.orders.save(order)

    def _confirm_result(self, payment_id: int, intent: GatewayIntent) -> ConfirmResult:
        view = self._queries.get_payment(payment_id)
        requires_action = (view.status == PaymentStatus.PENDING
                           and intent.status is IntentStatus.REQUIRES_ACTION)
        return ConfirmResult(payment=view, requires_action=requires_action,
                             client_secret=intent.client_secret if requires_action else None,
                             next_action=intent.next_action if requires_action else None,
                             failure_message=intent.failure_message)


def _ensure_no_open_payment(payment: Payment | None) -> None:
    if payment is not None:
        raise InvalidState(f"There is already a {payment.status.value} payment "
                           f"(#{payment.id}) for this; use it.")


def _reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": [f"Ensure this field has no more than {REASON_MAX} "
                                           "characters."]})
    return reason


def _check_filters(filters: PaymentFilters) -> None:
    check_ordering(filters.ordering, PAYMENT_ORDERING_FIELDS)
    errors = FieldErrors()
    _choice(errors, "payment_method", filters.payment_method, PAYMENT_METHODS)
    _choice(errors, "status", filters.status, PAYMENT_STATUSES)
    _choice(errors, "hire_status", filters.hire_status, HIRE_STATUSES)
    if filters.search is not None and len(filters.search) > 200:
        errors.add("search", "Ensure this field has no more than 200 characters.")
    errors.raise_if_any()
