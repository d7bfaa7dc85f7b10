"""Read-side data for orders, payments, the ledger and buyer purchases."""

from __future__ import annotations

from datetime import datetime

import attrs

from cultureup.application.views import UserRef
from cultureup.domain.money import Money

ORDER_ORDERING_FIELDS = ("created_at", "total_amount")
PAYMENT_ORDERING_FIELDS = ("created_at", "amount")


@attrs.frozen(kw_only=True)
class OrderFilters:
    buyer_id: int | None = None
    order_type: str | None = None
    status: str | None = None
    ordering: str | None = None


@attrs.frozen(kw_only=True)
class ArtworkLineView:
    id: int
    artwork: int
    artwork_title: str
    artwork_artist: str
    quantity: int
    price: Money
    total_price: Money


@attrs.frozen(kw_only=True)
class EquipmentLineView:
    id: int
    equipment: int
    equipment_name: str
    quantity: int
    price: Money
    total_price: Money


@attrs.frozen(kw_only=True)
class OrderView:
    id: int
    buyer: UserRef
    order_type: str
    status: str
    total_amount: Money
    shipping_address: str
    is_paid: bool
    reserved_until: datetime | None
    created_at: datetime
    updated_at: datetime
    artwork_items: tuple[ArtworkLineView, ...]
    equipment_items: tuple[EquipmentLineView, ...]


@attrs.frozen(kw_only=True)
class PayeeRef:
    id: int
    username: str
    first_name: str
    last_name: str


@attrs.frozen(kw_only=True)
class JobRef:
    id: int
    title: str


@attrs.frozen(kw_only=True)
class PaymentFilters:
    # payer or payee: a user sees the payments they make and receive
    party_id: int | None = None
    payer_id: int | None = None
    payment_method: str | None = None
    status: str | None = None
    hire_status: str | None = None
    search: str | None = None
    ordering: str | None = None


@attrs.frozen(kw_only=True)
class PaymentView:
    id: int
    transaction_id: str
    payer: UserRef
    payee: PayeeRef | None
    order: int | None
    job: JobRef | None
    amount: Money
    payment_method: str
    status: str
    hire_status: str
    stripe_payment_intent: str | None
    payer_reference: str | None
    refunded_amount: Money
    platform_fee: Money
    artist_earning: Money
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


@attrs.frozen(kw_only=True)
class PaymentStats:
    total_payments: int
    completed_payments: int
    pending_payments: int
    failed_payments: int
    refunded_payments: int
    total_revenue: Money
    platform_fees: Money
    pending_releases: int


@attrs.frozen(kw_only=True)
class Purchases:
    orders: tuple[OrderView, ...]
    payments: tuple[PaymentView, ...]
    total_orders: int
    total_payments: int
    completed_orders: int
    completed_payments: int


@attrs.frozen(kw_only=True)
class UserMoney:
    """One user's figures, summed from the ledger."""

    total_spent: Money
    earnings_held: Money
    earnings_available: Money

    @property
    def total_earnings(self) -> Money:
        return self.earnings_held + self.earnings_available


@attrs.frozen(kw_only=True)
class ProcessResult:
    client_secret: str
    payment_intent_id: str
    requires_action: bool


@attrs.frozen(kw_only=True)
class ConfirmResult:
    payment: PaymentView
    requires_action: bool = False
    client_secret: str | None = None
    next_action: dict[str, object] | None = None
    failure_message: str = ""


@attrs.frozen(kw_only=True)
class RefundResult:
    payment: PaymentView
    refund_amount: Money
