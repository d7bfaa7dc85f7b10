"""/api/orders/, /api/payments/ (with Stripe's 3D Secure flow and webhook) and the buyer's
purchases: the commerce use cases over HTTP."""

from __future__ import annotations

from typing import Any

import attrs
import falcon
from pydantic import Field

from cultureup.application.commerce.orders import OrderService
from cultureup.application.commerce.payments import PaymentService
from cultureup.application.commerce.views import (
    ORDER_ORDERING_FIELDS,
    PAYMENT_ORDERING_FIELDS,
    OrderFilters,
    OrderView,
    PaymentFilters,
    PaymentView,
)
from cultureup.application.services import UseCases
from cultureup.domain.accounts.roles import Permission
from cultureup.domain.catalog.equipment import MAX_STOCK
from cultureup.domain.commerce.orders import (
    ADDRESS_MAX,
    ItemRequest,
    OrderRequest,
    OrderStatus,
    OrderType,
)
from cultureup.domain.commerce.payments import HireStatus, PaymentMethod, PaymentStatus
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import (
    Choice,
    Id,
    Integer,
    MoneyIn,
    MoneyOut,
    Ordering,
    Text,
    Timestamp,
)
from cultureup.entrypoints.http.shapes import PageOf, Pagination, UserRef

ORDERS, PAYMENTS = "Orders", "Payments"
Quantity = Integer(1, MAX_STOCK, description="How many; an artwork is an original, always 1")
Address = Text(ADDRESS_MAX)
TYPES = [t.value for t in OrderType]
METHODS = [m.value for m in PaymentMethod]


class ArtworkItemIn(Shape):
    artwork_id: Id
    quantity: Quantity = None


class EquipmentItemIn(Shape):
    equipment_id: Id
    quantity: Quantity = None


# Orders are JSON: a form cannot carry the lists of items.
JSON_BODY = (falcon.MEDIA_JSON,)


class OrderInput(Shape):
    order_type: Choice(TYPES)
    shipping_address: Address
    artwork_items: list[ArtworkItemIn] = Field(default_factory=list, max_length=100)
    equipment_items: list[EquipmentItemIn] = Field(default_factory=list, max_length=100)

    def request(self) -> OrderRequest:
        return OrderRequest(
            order_type=self.order_type, shipping_address=self.shipping_address,
            artwork_items=tuple(ItemRequest(item_id=i.artwork_id, quantity=i.quantity or 1)
                                for i in self.artwork_items),
            equipment_items=tuple(ItemRequest(item_id=i.equipment_id,
                                              quantity=i.quantity or 1)
                                  for i in self.equipment_items))


class OrderUpdate(Shape):
    order_type: Choice(TYPES) = None
    shipping_address: Address = None
    artwork_items: list[ArtworkItemIn] | None = Field(default=None, max_length=100)
    equipment_items: list[EquipmentItemIn] | None = Field(default=None, max_length=100)

    def changes(self) -> dict[str, Any]:
        sent = self.model_fields_set
        out: dict[str, Any] = {}
        if "order_type" in sent:
            out["order_type"] = self.order_type
        if "shipping_address" in sent:
            out["shipping_address"] = self.shipping_address
        if "artwork_items" in sent:
            out["artwork_items"] = [ItemRequest(item_id=i.artwork_id, quantity=i.quantity or 1)
                                    for i in self.artwork_items or []]
        if "equipment_items" in sent:
            out["equipment_items"] = [ItemRequest(item_id=i.equipment_id,
                                                  quantity=i.quantity or 1)
                                      for i in self.equipment_items or []]
        return out


class OrderQuery(Pagination):
    order_type: Choice(TYPES) = None
    status: Choice([s.value for s in OrderStatus]) = None
    ordering: Ordering(ORDER_ORDERING_FIELDS) = None

    def filters(self) -> OrderFilters:
        return OrderFilters(order_type=self.order_type, status=self.status,
                            ordering=self.ordering)


class ArtworkLine(Answer):
    id: int
    artwork: int
    artwork_title: str
    artwork_artist: str
    quantity: int
    price: MoneyOut
    total_price: MoneyOut


class EquipmentLine(Answer):
    id: int
    equipment: int
    equipment_name: str
    quantity: int
    price: MoneyOut
    total_price: MoneyOut


class Order(Answer):
    id: int
    buyer: UserRef
    order_type: str
    status: str
    total_amount: MoneyOut
    shipping_address: str
    is_paid: bool
    reserved_until: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp
    artwork_items: list[ArtworkLine]
    equipment_items: list[EquipmentLine]

    @classmethod
    def of(cls, view: OrderView) -> Order:
        return cls(
            id=view.id, buyer=UserRef(id=view.buyer.id, username=view.buyer.username),
            order_type=view.order_type, status=view.status, total_amount=view.total_amount,
            shipping_address=view.shipping_address, is_paid=view.is_paid,
            reserved_until=view.reserved_until, created_at=view.created_at,
            updated_at=view.updated_at,
            artwork_items=[ArtworkLine(**vars_of(line)) for line in view.artwork_items],
            equipment_items=[EquipmentLine(**vars_of(line)) for line in view.equipment_items])


def vars_of(view: Any) -> dict[str, Any]:
    return attrs.asdict(view, recurse=False)


class OrderPage(PageOf[Order]):
    pass


class OrderState(Answer):
    id: int
    status: str


class OrderMessage(Answer):
    message: str
    order: OrderState


class PaymentInput(Shape):
    payee: Id = Field(default=None, description="Optional; must be the server's payee "
                                                "(leave it out when the order has none)")
    order: Id = None
    job: Id = None
    amount: MoneyIn() = Field(default=None, description="Optional; must be the amount due")
    payment_method: Choice(METHODS)


class PaymentQuery(Pagination):
    payment_method: Choice(METHODS) = None
    status: Choice([s.value for s in PaymentStatus]) = None
    ordering: Ordering(PAYMENT_ORDERING_FIELDS) = None

    def filters(self) -> PaymentFilters:
        return PaymentFilters(payment_method=self.payment_method, status=self.status,
                              ordering=self.ordering)


class Payee(Answer):
    id: int
    username: str
    first_name: str
    last_name: str


class JobRef(Answer):
    id: int
    title: str


class Payment(Answer):
    id: int
    payer: UserRef
    payee: Payee | None
    order: int | None
    job: JobRef | None
    amount: MoneyOut
    payment_method: str
    status: str
    hire_status: str
    transaction_id: str
    refunded_amount: MoneyOut
    created_at: Timestamp
    platform_fee: MoneyOut
    artist_earning: MoneyOut

    @classmethod
    def of(cls, view: PaymentView) -> Payment:
        return cls(
            id=view.id, payer=UserRef(id=view.payer.id, username=view.payer.username),
            payee=None if view.payee is None else Payee(**vars_of(view.payee)),
            order=view.order, job=None if view.job is None else JobRef(**vars_of(view.job)),
            amount=view.amount, payment_method=view.payment_method, status=view.status,
            hire_status=view.hire_status, transaction_id=view.transaction_id,
            refunded_amount=view.refunded_amount, created_at=view.created_at,
            platform_fee=view.platform_fee, artist_earning=view.artist_earning)


class PaymentPage(PageOf[Payment]):
    pass


class Processed(Answer):
    client_secret: str
    payment_intent_id: str
    requires_action: bool
    message: str


class ConfirmInput(Shape):
    payment_method_id: Text(255) = None
    return_url: Text(2000) = None
    transaction_reference: Text(100) = Field(
        default=None, description="JazzCash / bank transfer: the transaction id of the transfer")


class NextAction(Answer):
    type: str


class ActionRequired(Answer):
    requires_action: bool
    client_secret: str
    next_action: NextAction
    message: str


class PaymentOutcome(Answer):
    success: bool
    payment_id: int
    transaction_id: str
    status: str
    message: str


def outcome(result: Any, done: str) -> ActionRequired | PaymentOutcome:
    if result.requires_action:
        return ActionRequired(requires_action=True, client_secret=result.client_secret,
                              next_action=NextAction(type=result.next_action["type"]),
                              message="Please complete 3D Secure verification")
    view = result.payment
    messages = {"completed": done, "failed": result.failure_message or "The payment failed.",
                "pending": "The payment is pending."}
    return PaymentOutcome(success=view.status == "completed", payment_id=view.id,
                          transaction_id=view.transaction_id, status=view.status,
                          message=messages.get(view.status, view.status))


class OrderListResource:
    def __init__(self, orders: OrderService) -> None:
        self._orders = orders

    @endpoint("List my orders", ORDERS, auth=True, query=OrderQuery, response=OrderPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: OrderQuery
               ) -> OrderPage:
        page = self._orders.list_orders(require_actor(req), query.filters(),
                                        query.page_request())
        return OrderPage.of(req, page, Order.of)

    @endpoint("Place an order (buyers); prices come from the catalogue", ORDERS, auth=True,
              body_types=JSON_BODY, body=OrderInput, response=Order, status=201,
              errors=(403, 404, 409),
              idempotent=True)
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: OrderInput) -> Order:
        return Order.of(self._orders.place_order(require_actor(req), body.request()))


class OrderResource:
    def __init__(self, orders: OrderService) -> None:
        self._orders = orders

    @endpoint("One of my orders", ORDERS, auth=True, response=Order)
    def on_get(self, req: falcon.Request, resp: falcon.Response, order_id: int) -> Order:
        return Order.of(self._orders.get_order(require_actor(req), order_id))

    @endpoint("Replace a pending order", ORDERS, auth=True, body_types=JSON_BODY,
              body=OrderInput, response=Order,
              errors=(403, 409))
    def on_put(self, req: falcon.Request, resp: falcon.Response, order_id: int,
               body: OrderInput) -> Order:
        return Order.of(self._orders.update_order(
            require_actor(req), order_id, order_type=body.order_type,
            shipping_address=body.shipping_address,
            artwork_items=list(body.request().artwork_items),
            equipment_items=list(body.request().equipment_items)))

    @endpoint("Change a pending order", ORDERS, auth=True, body_types=JSON_BODY,
              body=OrderUpdate, response=Order,
              errors=(403, 409))
    def on_patch(self, req: falcon.Request, resp: falcon.Response, order_id: int,
                 body: OrderUpdate) -> Order:
        return Order.of(self._orders.update_order(require_actor(req), order_id,
                                                  **body.changes()))

    @endpoint("Delete a pending, unpaid order", ORDERS, auth=True, status=204,
              errors=(403, 409, 503))
    def on_delete(self, req: falcon.Request, resp: falcon.Response, order_id: int) -> None:
        self._orders.delete_order(require_actor(req), order_id)


class OrderConfirmResource:
    def __init__(self, orders: OrderService) -> None:
        self._orders = orders

    @endpoint("Confirm a paid order (or one with an offline payment on its way)", ORDERS,
              auth=True, response=OrderMessage, errors=(403, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, order_id: int
                ) -> OrderMessage:
        view = self._orders.confirm(require_actor(req), order_id)
        return OrderMessage(message="Order confirmed successfully",
                            order=OrderState(id=view.id, status=view.status))


class OrderCancelResource:
    def __init__(self, orders: OrderService) -> None:
        self._orders = orders

    @endpoint("Cancel an order: items released, a payment refunded or called off", ORDERS,
              auth=True, response=OrderMessage, errors=(403, 409, 503))
    def on_post(self, req: falcon.Request, resp: falcon.Response, order_id: int
                ) -> OrderMessage:
        view = self._orders.cancel(require_actor(req), order_id)
        return OrderMessage(message="Order cancelled successfully",
                            order=OrderState(id=view.id, status=view.status))


class PaymentListResource:
    def __init__(self, payments: PaymentService) -> None:
        self._payments = payments

    @endpoint("List the payments I make or receive", PAYMENTS, auth=True, query=PaymentQuery,
              response=PaymentPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: PaymentQuery
               ) -> PaymentPage:
        page = self._payments.list_payments(require_actor(req), query.filters(),
                                            query.page_request())
        return PaymentPage.of(req, page, Payment.of)

    @endpoint("Open a payment for an order or a hired job; the server decides amount and "
              "payee", PAYMENTS, auth=True, body=PaymentInput, response=Payment, status=201,
              errors=(403, 404, 409, 503), idempotent=True)
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: PaymentInput
                ) -> Payment:
        return Payment.of(self._payments.create_payment(
            require_actor(req), method=body.payment_method, order_id=body.order,
            job_id=body.job, amount=body.amount, payee_id=body.payee,
            payee_sent="payee" in body.model_fields_set))


class PaymentResource:
    def __init__(self, payments: PaymentService) -> None:
        self._payments = payments

    @endpoint("One payment (payer, payee or staff)", PAYMENTS, auth=True, response=Payment)
    def on_get(self, req: falcon.Request, resp: falcon.Response, payment_id: int) -> Payment:
        return Payment.of(self._payments.get_payment(require_actor(req), payment_id))


class ProcessResource:
    def __init__(self, payments: PaymentService) -> None:
        self._payments = payments

    @endpoint("Create the card payment's Stripe PaymentIntent (the same one on a retry)",
              PAYMENTS, auth=True, response=Processed, errors=(403, 409, 503),
              idempotent=True)
    def on_post(self, req: falcon.Request, resp: falcon.Response, payment_id: int
                ) -> Processed:
        result = self._payments.process(require_actor(req), payment_id)
        return Processed(client_secret=result.client_secret,
                         payment_intent_id=result.payment_intent_id,
                         requires_action=result.requires_action,
                         message="Stripe PaymentIntent created successfully. Complete 3D "
                                 "Secure if required.")


class ConfirmResource:
    def __init__(self, payments: PaymentService) -> None:
        self._payments = payments

    @endpoint("Confirm a card payment with a payment method (may need 3D Secure), or give "
              "the reference of an offline transfer", PAYMENTS, auth=True, body=ConfirmInput,
              response=ActionRequired | PaymentOutcome, errors=(403, 409, 503),
              idempotent=True)
    def on_post(self, req: falcon.Request, resp: falcon.Response, payment_id: int,
                body: ConfirmInput) -> ActionRequired | PaymentOutcome:
        result = self._payments.confirm(require_actor(req), payment_id,
                                        payment_method_id=body.payment_method_id,
                                        payer_reference=body.transaction_reference)
        return outcome(result, "Payment completed successfully")


class ThreeDSecureResource:
    def __init__(self, payments: PaymentService) -> None:
        self._payments = payments

    @endpoint("Finish a card payment after 3D Secure (still requires_action while the payer "
              "has not authenticated)", PAYMENTS, auth=True,
              response=ActionRequired | PaymentOutcome, errors=(403, 409, 503),
              idempotent=True)
    def on_post(self, req: falcon.Request, resp: falcon.Response, payment_id: int
                ) -> ActionRequired | PaymentOutcome:
        result = self._payments.complete_3d_secure(require_actor(req), payment_id)
        return outcome(result, "3D Secure verification completed successfully")


class Received(Answer):
    received: bool
    result: str


class StripeWebhookResource:
    """Stripe posts events here; the signature, not a token, says who is calling."""

    def __init__(self, payments: PaymentService) -> None:
        self._payments = payments

    @endpoint("Stripe webhook (signed with the endpoint secret; each event applied once)",
              PAYMENTS, response=Received, errors=(400, 413))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> Received:
        payload = req.bounded_stream.read(MAX_WEBHOOK_BYTES + 1)
        if len(payload) > MAX_WEBHOOK_BYTES:
            raise falcon.HTTPContentTooLarge(description="The event is too large.")
        result = self._payments.handle_webhook(payload, req.get_header("Stripe-Signature"))
        return Received(received=True, result=result)


MAX_WEBHOOK_BYTES = 256 * 1024


class Purchases(Answer):
    orders: list[Order]
    payments: list[Payment]
    total_orders: int
    total_payments: int
    completed_orders: int
    completed_payments: int


class PurchasesResource:
    def __init__(self, payments: PaymentService) -> None:
        self._payments = payments

    @endpoint("A buyer's orders and payments (the buyer and staff)", "Buyer profiles",
              auth=True, response=Purchases, errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> Purchases:
        found = self._payments.purchases(require_actor(req), user_id)
        return Purchases(orders=[Order.of(o) for o in found.orders],
                         payments=[Payment.of(p) for p in found.payments],
                         total_orders=found.total_orders, total_payments=found.total_payments,
                         completed_orders=found.completed_orders,
                         completed_payments=found.completed_payments)


# -- staff -------------------------------------------------------------------------------------

ADMIN = "Admin: payments and orders"


class AdminPaymentQuery(Pagination):
    payment_method: Choice(METHODS) = None
    status: Choice([s.value for s in PaymentStatus]) = None
    hire_status: Choice([s.value for s in HireStatus]) = None
    search: Text(200, blank=True, description="In transaction id, payer or payee") = None
    ordering: Ordering(PAYMENT_ORDERING_FIELDS) = None

    def filters(self) -> PaymentFilters:
        return PaymentFilters(payment_method=self.payment_method, status=self.status,
                              hire_status=self.hire_status, search=self.search,
                              ordering=self.ordering)


class AdminPayment(Answer):
    id: int
    transaction_id: str
    payer: int
    payer_username: str
    payee: int | None
    payee_username: str | None
    order: int | None
    job: int | None
    job_title: str | None
    amount: MoneyOut
    payment_method: str
    status: str
    hire_status: str
    stripe_payment_intent: str | None
    refunded_amount: MoneyOut
    created_at: Timestamp
    platform_fee: MoneyOut
    artist_earning: MoneyOut
    days_since_payment: int


class AdminPaymentPage(PageOf[AdminPayment]):
    pass


class ReasonInput(Shape):
    reason: Text(500, blank=True) = None


class RefundInput(Shape):
    amount: MoneyIn() = Field(default=None, description="Refund only this much; all that is "
                                                        "left when absent")
    reason: Text(500, blank=True) = None


class Released(Answer):
    id: int
    transaction_id: str
    hire_status: str
    artist_earning: MoneyOut
    updated_at: Timestamp


class ReleaseAnswer(Answer):
    message: str
    payment: Released


class Refunded(Answer):
    id: int
    transaction_id: str
    status: str
    refund_amount: MoneyOut
    updated_at: Timestamp


class RefundAnswer(Answer):
    message: str
    payment: Refunded


class Stats(Answer):
    total_payments: int
    completed_payments: int
    pending_payments: int
    failed_payments: int
    refunded_payments: int
    total_revenue: MoneyOut
    platform_fees: MoneyOut
    pending_releases: int


class AdminOrderState(Answer):
    id: int
    status: str
    updated_at: Timestamp


class AdminOrderAnswer(Answer):
    message: str
    order: AdminOrderState


def _admin_payment(view: PaymentView, days: int) -> AdminPayment:
    return AdminPayment(
        id=view.id, transaction_id=view.transaction_id, payer=view.payer.id,
        payer_username=view.payer.username, payee=view.payee.id if view.payee else None,
        payee_username=view.payee.username if view.payee else None, order=view.order,
        job=view.job.id if view.job else None, job_title=view.job.title if view.job else None,
        amount=view.amount, payment_method=view.payment_method, status=view.status,
        hire_status=view.hire_status, stripe_payment_intent=view.stripe_payment_intent,
        refunded_amount=view.refunded_amount, created_at=view.created_at,
        platform_fee=view.platform_fee, artist_earning=view.artist_earning,
        days_since_payment=days)


class AdminPaymentListResource:
    def __init__(self, payments: PaymentService) -> None:
        self._payments = payments

    @endpoint("Every payment (staff)", ADMIN, permission=Permission.VIEW_PRIVATE_CONTENT,
              query=AdminPaymentQuery,
              response=AdminPaymentPage, errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: AdminPaymentQuery
               ) -> AdminPaymentPage:
        page = self._payments.admin_list_payments(require_actor(req), query.filters(),
                                                  query.page_request())
        return AdminPaymentPage.of(
            req, page, lambda view: _admin_payment(view, self._payments.days_since_payment(view)))


class AdminPaymentStatsResource:
    def __init__(self, payments: PaymentService) -> None:
        self._payments = payments

    @endpoint("Payment statistics from the ledger (staff)", ADMIN,
              permission=Permission.VIEW_DASHBOARD, response=Stats,
              errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> Stats:
        stats = self._payments.stats(require_actor(req))
        return Stats(**vars_of(stats))


class AdminReleaseResource:
    def __init__(self, payments: PaymentService) -> None:
        self._payments = payments

    @endpoint("Release the artist's held earning (admins)", ADMIN,
              permission=Permission.MANAGE_PAYMENTS, body=ReasonInput,
              body_required=False, response=ReleaseAnswer, errors=(403, 409),
              idempotent=True)
    def on_post(self, req: falcon.Request, resp: falcon.Response, payment_id: int,
                body: ReasonInput | None = None) -> ReleaseAnswer:
        view = self._payments.release(require_actor(req), payment_id,
                                      reason=(body.reason if body else None) or "",
                                      ip=req.context.ip)
        return ReleaseAnswer(
            message=f"Payment {view.transaction_id} released to artist",
            payment=Released(id=view.id, transaction_id=view.transaction_id,
                             hire_status=view.hire_status, artist_earning=view.artist_earning,
                             updated_at=view.updated_at))


class AdminRefundResource:
    def __init__(self, payments: PaymentService) -> None:
        self._payments = payments

    @endpoint("Refund in full, or `amount` of it (admins)", ADMIN,
              permission=Permission.MANAGE_PAYMENTS, body=RefundInput,
              body_required=False, response=RefundAnswer, errors=(403, 409, 503),
              idempotent=True)
    def on_post(self, req: falcon.Request, resp: falcon.Response, payment_id: int,
                body: RefundInput | None = None) -> RefundAnswer:
        result = self._payments.refund(require_actor(req), payment_id,
                                       amount=body.amount if body else None,
                                       reason=(body.reason if body else None) or "",
                                       ip=req.context.ip)
        view = result.payment
        return RefundAnswer(
            message=f"Payment {view.transaction_id} refunded successfully",
            payment=Refunded(id=view.id, transaction_id=view.transaction_id,
                             status=view.status, refund_amount=result.refund_amount,
                             updated_at=view.updated_at))


class AdminForceCompleteResource:
    def __init__(self, orders: OrderService) -> None:
        self._orders = orders

    @endpoint("Mark a paid (or cash on delivery) order delivered (admins)", ADMIN,
              permission=Permission.MANAGE_PAYMENTS,
              body=ReasonInput, body_required=False, response=AdminOrderAnswer,
              errors=(403, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, order_id: int,
                body: ReasonInput | None = None) -> AdminOrderAnswer:
        view = self._orders.force_complete(require_actor(req), order_id,
                                           reason=(body.reason if body else None) or "",
                                           ip=req.context.ip)
        return AdminOrderAnswer(message=f"Order #{view.id} marked as delivered by admin",
                                order=AdminOrderState(id=view.id, status=view.status,
                                                      updated_at=view.updated_at))


class AdminOrderCancelResource:
    def __init__(self, orders: OrderService) -> None:
        self._orders = orders

    @endpoint("Cancel an order (admins)", ADMIN, permission=Permission.MANAGE_PAYMENTS,
              body=ReasonInput, body_required=False, response=AdminOrderAnswer,
              errors=(403, 409, 503))
    def on_post(self, req: falcon.Request, resp: falcon.Response, order_id: int,
                body: ReasonInput | None = None) -> AdminOrderAnswer:
        view = self._orders.staff_cancel(require_actor(req), order_id,
                                         reason=(body.reason if body else None) or "",
                                         ip=req.context.ip)
        return AdminOrderAnswer(message=f"Order #{view.id} cancelled by admin",
                                order=AdminOrderState(id=view.id, status=view.status,
                                                      updated_at=view.updated_at))


def _keyed(resource: Any, services: UseCases) -> Any:
    """The resource, reading the Idempotency-Key header of its idempotent operations."""
    resource.idempotency = services.idempotency
    return resource


def add_commerce_routes(app: falcon.App, services: UseCases) -> None:
    orders, payments = services.orders, services.payments
    app.add_route("/api/orders", _keyed(OrderListResource(orders), services))
    app.add_route("/api/orders/{order_id:id}", OrderResource(orders))
    app.add_route("/api/orders/{order_id:id}/confirm", OrderConfirmResource(orders))
    app.add_route("/api/orders/{order_id:id}/cancel", OrderCancelResource(orders))
    app.add_route("/api/payments", _keyed(PaymentListResource(payments), services))
    app.add_route("/api/payments/stripe/webhook", StripeWebhookResource(payments))
    app.add_route("/api/payments/{payment_id:id}", PaymentResource(payments))
    app.add_route("/api/payments/{payment_id:id}/process",
                  _keyed(ProcessResource(payments), services))
    app.add_route("/api/payments/{payment_id:id}/confirm",
                  _keyed(ConfirmResource(payments), services))
    app.add_route("/api/payments/{payment_id:id}/3d-secure",
                  _keyed(ThreeDSecureResource(payments), services))
    app.add_route("/api/buyer-profiles/{user_id:id}/purchases", PurchasesResource(payments))
    app.add_route("/api/admin/payments", AdminPaymentListResource(payments))
    app.add_route("/api/admin/payments/stats", AdminPaymentStatsResource(payments))
    app.add_route("/api/admin/payments/{payment_id:id}/release",
                  _keyed(AdminReleaseResource(payments), services))
    app.add_route("/api/admin/payments/{payment_id:id}/refund",
                  _keyed(AdminRefundResource(payments), services))
    app.add_route("/api/admin/orders/{order_id:id}/force-complete",
                  AdminForceCompleteResource(orders))
    app.add_route("/api/admin/orders/{order_id:id}/cancel", AdminOrderCancelResource(orders))
