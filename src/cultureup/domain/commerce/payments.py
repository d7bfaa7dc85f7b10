"""Payments: what a payer owes for an order or a hired job, its split, escrow and refunds.

State machine: pending -> completed | failed; completed -> partially_refunded -> refunded
(a full refund goes straight to refunded). The artist's earning of a completed payment is
held in escrow (`hire_status` pending) until it is released (staff, or automatically when the
buyer completes the job or the order is delivered) or refunded in full (cancelled). Released
money is never refunded: that would need an explicit reversal, which is not a refund.

Each money movement returns the balanced ledger transaction that records it.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.commerce.fees import SellerShare, proportional_parts
from cultureup.domain.commerce.ledger import (
    Account,
    AccountKind,
    EntryKind,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)
from cultureup.domain.errors import (
    FieldErrors,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cultureup.domain.events import (
    DomainEvent,
    PaymentFailed,
    PaymentReceived,
    PaymentRefunded,
    PaymentReleased,
)
from cultureup.domain.money import Money

ZERO = Money(0)
REFERENCE_MAX = 100
REASON_MAX = 500

PAYMENT_RELEASED = "admin.payment_released"
PAYMENT_REFUNDED = "admin.payment_refunded"
PAYMENT_VERIFIED = "admin.payment_verified"


class PaymentMethod(enum.StrEnum):
    STRIPE = "stripe"
    JAZZCASH = "jazzcash"
    BANK_TRANSFER = "bank_transfer"
    CASH_ON_DELIVERY = "cash_on_delivery"


OFFLINE_VERIFIED = frozenset({PaymentMethod.JAZZCASH, PaymentMethod.BANK_TRANSFER})


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class HireStatus(enum.StrEnum):
    PENDING = "pending"
    RELEASED = "released"
    CANCELLED = "cancelled"


PAID_STATUSES = frozenset({PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED})
# A payment that still stands for its order or job: a second one may not be opened.
OPEN_STATUSES = frozenset({PaymentStatus.PENDING, *PAID_STATUSES})

PAYMENT_TRANSITIONS: dict[str, frozenset[PaymentStatus]] = {
    "complete": frozenset({PaymentStatus.PENDING}),
    "fail": frozenset({PaymentStatus.PENDING}),
    "submit_reference": frozenset({PaymentStatus.PENDING}),
    "release": PAID_STATUSES,
    "refund": PAID_STATUSES,
}


def sees_every_payment(actor: Actor) -> bool:
    """Anyone's payment is visible to ``Permission.VIEW_PRIVATE_CONTENT`` (staff, admins)."""
    return can(actor, Permission.VIEW_PRIVATE_CONTENT)


def check_claims(*, amount: Money, payee_id: int | None, sent_amount: Money | None,
                 sent_payee: int | None, payee_sent: bool) -> None:
    """The server decides amount and payee; a client that states other values is told the
    right ones instead of having them silently replaced."""
    errors = FieldErrors()
    if sent_amount is not None and sent_amount != amount:
        errors.add("amount", f"The amount due is {amount}.")
    if payee_sent and sent_payee != payee_id:
        if payee_id is None:
            errors.add("payee", "This order has no single payee (its items come from several "
                       "sellers or from the platform); leave payee out.")
        else:
            errors.add("payee", f"The payee is user {payee_id}.")
    errors.raise_if_any()


@attrs.define(eq=False, kw_only=True)
class Payment:
    id: int | None = None
    payer_id: int
    payee_id: int | None
    order_id: int | None = None
    job_id: int | None = None
    amount: Money
    method: PaymentMethod
    status: PaymentStatus = PaymentStatus.PENDING
    hire_status: HireStatus = HireStatus.PENDING
    transaction_id: str
    # The gateway's handle (a Stripe PaymentIntent id) and the payer's own reference for an
    # offline transfer.
    gateway_reference: str | None = None
    payer_reference: str | None = None
    shares: tuple[SellerShare, ...] = attrs.field(converter=tuple)
    refunded_amount: Money = ZERO
    failure_reason: str = ""
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    released_at: datetime | None = None
    version: int = 0
    events: list[DomainEvent] = attrs.field(factory=list, repr=False)

    def __attrs_post_init__(self) -> None:
        if (self.order_id is None) == (self.job_id is None):
            raise ValueError("a payment is for exactly one order or one job")
        total = sum((share.split.amount for share in self.shares), Money(0))
        if total != self.amount:
            raise ValueError("the shares must add up to the amount")

    # -- figures ---------------------------------------------------------------------------

    @property
    def platform_fee(self) -> Money:
        return sum((share.platform_part for share in self.shares), Money(0))

    @property
    def artist_earning(self) -> Money:
        return sum((share.seller_part for share in self.shares), Money(0))

    @property
    def refundable(self) -> Money:
        return self.amount - self.refunded_amount

    def _parts(self) -> list[tuple[Account, EntryKind, Money]]:
        """The credit side of the capture, fee first (so that it is refunded in proportion)."""
        fees = sum((s.split.platform_fee for s in self.shares if s.seller_id is not None),
                   Money(0))
        sales = sum((s.split.amount for s in self.shares if s.seller_id is None), Money(0))
        parts = [(Account(AccountKind.PLATFORM_FEES), EntryKind.FEE, fees),
                 (Account(AccountKind.PLATFORM_SALES), EntryKind.SALE, sales)]
        parts += [(Account(AccountKind.ARTIST_HELD, s.seller_id), EntryKind.EARNING_HELD,
                   s.split.artist_earning) for s in self.shares if s.seller_id is not None]
        return parts

    def _refunded_parts(self, refunded: Money) -> list[Money]:
        parts = self._parts()
        cents = proportional_parts([amount.cents for _, _, amount in parts],
                                   self.amount.cents, refunded.cents)
        return [Money.from_cents(c) for c in cents]

    # -- transitions -----------------------------------------------------------------------

    def complete(self, *, now: datetime, gateway_reference: str | None = None
                 ) -> LedgerTransaction:
        self._ensure_can("complete", f"A {self.status.value} payment cannot be completed.")
        assert self.id is not None
        self.status = PaymentStatus.COMPLETED
        if gateway_reference is not None:
            self.gateway_reference = gateway_reference
        self.completed_at = self.updated_at = now
        self.events.append(PaymentReceived(
            payment_id=self.id, payer_id=self.payer_id, payee_id=self.payee_id,
            amount=str(self.amount), order_id=self.order_id, job_id=self.job_id))
        entries = [LedgerEntry(account=Account(AccountKind.BUYER, self.payer_id),
                               kind=EntryKind.CAPTURED, amount=Money(0) - self.amount)]
        entries += [LedgerEntry(account=account, kind=kind, amount=amount)
                    for account, kind, amount in self._parts() if amount.is_positive]
        return LedgerTransaction(kind=TransactionKind.CAPTURE, payment_id=self.id,
                                 entries=entries, created_at=now)

    def fail(self, *, now: datetime, reason: str) -> None:
        self._ensure_can("fail", f"A {self.status.value} payment cannot fail.")
        assert self.id is not None
        self.status = PaymentStatus.FAILED
        self.hire_status = HireStatus.CANCELLED
        self.failure_reason = reason[:REASON_MAX]
        self.updated_at = now
        self.events.append(PaymentFailed(payment_id=self.id, payer_id=self.payer_id,
                                         reason=self.failure_reason))

    def submit_reference(self, *, by: Actor, reference: str, now: datetime) -> None:
        """The payer states the transaction id of an offline transfer, for staff to verify."""
        self.ensure_payer(by)
        if self.method not in OFFLINE_VERIFIED:
            raise InvalidState("Only JazzCash and bank transfers take a payer's reference.")
        self._ensure_can("submit_reference", "This payment is no longer pending.")
        errors = FieldErrors()
        errors.check_text("reference", reference, max_length=REFERENCE_MAX)
        errors.raise_if_any()
        self.payer_reference = reference.strip()
        self.updated_at = now

    def verify(self, *, by: Actor, reference: str, now: datetime) -> LedgerTransaction:
        """Staff saw the money arrive under the payer's reference: the payment completes."""
        ensure_manages_payments(by, "verify payments")
        if self.method not in OFFLINE_VERIFIED:
            raise InvalidState(f"A {self.method.value} payment is not verified by staff.")
        self._ensure_can("complete", f"A {self.status.value} payment cannot be verified.")
        if self.payer_reference is None:
            raise InvalidState("The payer has not submitted a transaction reference yet.")
        if reference.strip() != self.payer_reference:
            raise ValidationFailed({"reference": [
                "This does not match the reference the payer submitted."]})
        return self.complete(now=now)

    def release(self, *, by: Actor | None, now: datetime) -> LedgerTransaction | None:
        """Pay the held earning out to the artist (`by=None`: released automatically)."""
        if by is not None:
            ensure_manages_payments(by, "release payments")
        self._ensure_can("release", f"A {self.status.value} payment cannot be released.")
        if self.hire_status is not HireStatus.PENDING:
            raise InvalidState(f"This payment is already {self.hire_status.value}.")
        assert self.id is not None
        self.hire_status = HireStatus.RELEASED
        self.released_at = self.updated_at = now
        self.events.append(PaymentReleased(payment_id=self.id, payee_id=self.payee_id,
                                           artist_earning=str(self.artist_earning)))
        entries = []
        for (account, _, amount), refunded in zip(
                self._parts(), self._refunded_parts(self.refunded_amount), strict=True):
            held = amount - refunded
            if account.kind is AccountKind.ARTIST_HELD and held.is_positive:
                entries += [
                    LedgerEntry(account=account, kind=EntryKind.RELEASED,
                                amount=Money(0) - held),
                    LedgerEntry(account=Account(AccountKind.ARTIST_AVAILABLE, account.user_id),
                                kind=EntryKind.RELEASED, amount=held)]
        if not entries:
            return None
        return LedgerTransaction(kind=TransactionKind.RELEASE, payment_id=self.id,
                                 entries=entries, created_at=now)

    def refund(self, *, by: Actor | None, amount: Money | None, now: datetime,
               reason: str = "") -> tuple[Money, LedgerTransaction]:
        """Give back `amount` (all that is left when None); the fee, the equipment revenue and
        each artist's held earning give back their proportional parts. `by=None` is the
        system (an order cancelled after payment)."""
        if by is not None:
            ensure_manages_payments(by, "refund payments")
        self._ensure_can("refund", f"A {self.status.value} payment cannot be refunded.")
        if self.hire_status is HireStatus.RELEASED:
            raise InvalidState("The artist's earning was already released; a refund needs an "
                               "explicit reversal of the release first.")
        refund = self.refundable if amount is None else amount
        if not refund.is_positive:
            raise ValidationFailed({"amount": ["Ensure this value is greater than 0."]})
        if refund > self.refundable:
            raise ValidationFailed({"amount": [
                f"At most {self.refundable} can still be refunded."]})
        assert self.id is not None
        before = self._refunded_parts(self.refunded_amount)
        self.refunded_amount = self.refunded_amount + refund
        after = self._refunded_parts(self.refunded_amount)
        fully = self.refunded_amount == self.amount
        self.status = PaymentStatus.REFUNDED if fully else PaymentStatus.PARTIALLY_REFUNDED
        if fully:
            self.hire_status = HireStatus.CANCELLED
        self.updated_at = now
        entries = [LedgerEntry(account=Account(AccountKind.BUYER, self.payer_id),
                               kind=EntryKind.REFUNDED, amount=refund)]
        for (account, _, _), old, new in zip(self._parts(), before, after, strict=True):
            if new != old:
                entries.append(LedgerEntry(account=account, kind=EntryKind.REFUNDED,
                                           amount=old - new))
        self.events.append(PaymentRefunded(payment_id=self.id, payer_id=self.payer_id,
                                           amount=str(refund), fully=fully))
        return refund, LedgerTransaction(kind=TransactionKind.REFUND, payment_id=self.id,
                                         entries=entries, created_at=now)

    # -- access ----------------------------------------------------------------------------

    def ensure_visible_to(self, actor: Actor) -> None:
        if actor.id not in (self.payer_id, self.payee_id) and not sees_every_payment(actor):
            raise NotFound("Payment not found.")

    def ensure_payer(self, actor: Actor) -> None:
        self.ensure_visible_to(actor)
        if actor.id != self.payer_id:
            raise PermissionDenied("Only the payer can do this.")

    def _ensure_can(self, transition: str, message: str) -> None:
        if self.status not in PAYMENT_TRANSITIONS[transition]:
            raise InvalidState(message)


def ensure_manages_payments(actor: Actor, what: str) -> None:
    """Verifying, releasing and refunding are ``Permission.MANAGE_PAYMENTS`` (admins and
    superusers; neither plain staff nor content moderators)."""
    if not can(actor, Permission.MANAGE_PAYMENTS):
        raise PermissionDenied(f"Only admins can {what}.")
