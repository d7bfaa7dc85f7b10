"""In-memory fakes for the commerce ports, and a small shop wired to them.

`CommerceStore` holds the committed state; a unit of work works on a deep copy and `commit`
swaps it in, so leaving the block without committing drops every change, as a database would.
Saves check versions, holds allow one order per artwork, and stock never goes below zero, so
the use cases meet the same refusals as on the real database.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Self

import attrs

from cultureup.adapters.notifications import DatabaseNotifier
from cultureup.adapters.payments.offline import OfflineGateway
from cultureup.adapters.sqlalchemy.uow import run_after_commit
from cultureup.application.commerce.orders import OrderService
from cultureup.application.commerce.payments import PaymentService
from cultureup.application.commerce.ports import GatewayEvent, GatewayIntent, IntentStatus
from cultureup.application.commerce.settlement import Settlement
from cultureup.application.commerce.views import (
    ArtworkLineView,
    EquipmentLineView,
    JobRef,
    OrderFilters,
    OrderView,
    PayeeRef,
    PaymentFilters,
    PaymentStats,
    PaymentView,
    UserMoney,
)
from cultureup.application.views import Page, PageRequest, UserRef
from cultureup.domain.accounts.users import Actor, StaffRole, User, UserType
from cultureup.domain.audit import AuditEntry
from cultureup.domain.catalog.artworks import Artwork, ArtworkType
from cultureup.domain.catalog.equipment import Equipment, EquipmentType
from cultureup.domain.collaboration.notifications import Notification
from cultureup.domain.commerce.fees import FeeRate
from cultureup.domain.commerce.ledger import (
    PLATFORM_ACCOUNTS,
    AccountKind,
    LedgerEntry,
    LedgerTransaction,
    balances,
)
from cultureup.domain.commerce.orders import LineKind, Order
from cultureup.domain.commerce.payments import (
    OPEN_STATUSES,
    HireStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from cultureup.domain.errors import ConcurrentUpdate, InvalidState, NotFound, ValidationFailed
from cultureup.domain.events import JobCancelled, JobCompleted
from cultureup.domain.hiring.jobs import ExperienceLevel, Job, JobStatus
from cultureup.domain.moderation.content import ContentItem, ContentType, Removal
from cultureup.domain.money import Money
from tests.unit.fakes import FakeClock, RecordingEventPublisher
from tests.unit.sanction_fakes import InMemoryModerationActions, ModerationState

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@attrs.define
class State:
    users: dict[int, User] = attrs.Factory(dict)
    jobs: dict[int, Job] = attrs.Factory(dict)
    artworks: dict[int, Artwork] = attrs.Factory(dict)
    equipment: dict[int, Equipment] = attrs.Factory(dict)
    orders: dict[int, Order] = attrs.Factory(dict)
    payments: dict[int, Payment] = attrs.Factory(dict)
    # artwork id -> (order id, sold)
    holds: dict[int, tuple[int, bool]] = attrs.Factory(dict)
    ledger: list[LedgerTransaction] = attrs.Factory(list)
    processed_events: set[str] = attrs.Factory(set)
    audit: list[AuditEntry] = attrs.Factory(list)
    notifications: list[Notification] = attrs.Factory(list)
    # (content type, id) -> a moderator's removal of the listing
    removals: dict[tuple[ContentType, int], Removal] = attrs.Factory(dict)


class CommerceStore:
    def __init__(self) -> None:
        self.state = State()
        self.moderation = ModerationState()
        self._ids = itertools.count(1)

    def next_id(self) -> int:
        return next(self._ids)

    def unit_of_work(self, *, read_only: bool = False) -> CommerceUnitOfWork:
        return CommerceUnitOfWork(self)

    def entries(self) -> list[LedgerEntry]:
        return [entry for transaction in self.state.ledger for entry in transaction.entries]


def _stored(entity: Any) -> Any:
    stored = copy.deepcopy(entity)
    if hasattr(stored, "events"):
        stored.events = []
    return stored


class _Repo:
    def __init__(self, uow: CommerceUnitOfWork) -> None:
        self._uow = uow

    @property
    def s(self) -> State:
        return self._uow.state


class FakeJobs(_Repo):
    def get(self, job_id: int) -> Job:
        if job_id not in self.s.jobs:
            raise NotFound("Job not found.")
        return copy.deepcopy(self.s.jobs[job_id])

    def save(self, job: Job) -> None:
        if self.s.jobs[job.id or 0].version != job.version:
            raise ConcurrentUpdate("stale job")
        job.version += 1
        self.s.jobs[job.id or 0] = _stored(job)


class FakeArtworks(_Repo):
    def get(self, artwork_id: int) -> Artwork:
        if artwork_id not in self.s.artworks:
            raise NotFound("Artwork not found.")
        return copy.deepcopy(self.s.artworks[artwork_id])

    def save(self, artwork: Artwork) -> None:
        self.s.artworks[artwork.id or 0] = copy.deepcopy(artwork)


class FakeContent(_Repo):
    """Listings as moderation sees them: artworks and equipment, with their removal."""

    def find(self, content_type: ContentType, object_id: int) -> ContentItem | None:
        removal = self.s.removals.get((content_type, object_id))
        if content_type is ContentType.ARTWORK and object_id in self.s.artworks:
            artwork = self.s.artworks[object_id]
            return ContentItem(content_type=content_type, id=object_id,
                               owner_id=artwork.artist_id, title=artwork.title,
                               removal=removal)
        if content_type is ContentType.EQUIPMENT and object_id in self.s.equipment:
            return ContentItem(content_type=content_type, id=object_id, owner_id=None,
                               title=self.s.equipment[object_id].name, removal=removal)
        return None

    def mark_removed(self, item: ContentItem, removal: Removal) -> bool:
        key = (item.content_type, item.id)
        if key in self.s.removals:
            return False
        self.s.removals[key] = removal
        return True

    def clear_removal(self, item: ContentItem, *, now: datetime) -> bool:
        return self.s.removals.pop((item.content_type, item.id), None) is not None


class FakeEquipment(_Repo):
    def get(self, equipment_id: int) -> Equipment:
        if equipment_id not in self.s.equipment:
            raise NotFound("Equipment not found.")
        return copy.deepcopy(self.s.equipment[equipment_id])


class FakeStock(_Repo):
    def take(self, equipment_id: int, quantity: int, *, now: datetime) -> bool:
        item = self.s.equipment.get(equipment_id)
        if item is None or not item.is_available or item.stock_quantity < quantity:
            return False
        item.stock_quantity -= quantity
        item.version += 1
        return True

    def give_back(self, equipment_id: int, quantity: int, *, now: datetime) -> None:
        item = self.s.equipment.get(equipment_id)
        if item is not None:
            item.stock_quantity += quantity
            item.version += 1

    def lock(self, equipment_id: int) -> int:
        item = self.s.equipment.get(equipment_id)
        if item is None:
            raise NotFound("Equipment not found.")
        return item.stock_quantity

    def set_quantity(self, equipment_id: int, quantity: int, *, now: datetime) -> None:
        item = self.s.equipment[equipment_id]
        item.stock_quantity, item.updated_at = quantity, now
        item.version += 1


class FakeHolds(_Repo):
    def hold(self, artwork_id: int, order_id: int) -> bool:
        if artwork_id in self.s.holds:
            return False
        self.s.holds[artwork_id] = (order_id, False)
        return True

    def held(self, artwork_ids: Any) -> frozenset[int]:
        return frozenset(i for i in artwork_ids if i in self.s.holds)

    def release(self, order_id: int) -> None:
        for artwork_id, (holder, _) in list(self.s.holds.items()):
            if holder == order_id:
                del self.s.holds[artwork_id]

    def mark_sold(self, order_id: int) -> None:
        for artwork_id, (holder, _) in list(self.s.holds.items()):
            if holder == order_id:
                self.s.holds[artwork_id] = (holder, True)


class FakeOrders(_Repo):
    def add(self, order: Order) -> None:
        order.id = self._uow.store.next_id()
        for line in order.lines:
            line.id = self._uow.store.next_id()
        self.s.orders[order.id] = _stored(order)

    def get(self, order_id: int) -> Order:
        if order_id not in self.s.orders:
            raise NotFound("Order not found.")
        return copy.deepcopy(self.s.orders[order_id])

    def save(self, order: Order) -> None:
        if self.s.orders[order.id or 0].version != order.version:
            raise ConcurrentUpdate("stale order")
        order.version += 1
        for line in order.lines:
            if line.id is None:
                line.id = self._uow.store.next_id()
        self.s.orders[order.id or 0] = _stored(order)

    def delete(self, order: Order) -> None:
        del self.s.orders[order.id or 0]

    def expired_ids(self, now: datetime, *, limit: int) -> list[int]:
        return sorted(i for i, o in self.s.orders.items() if o.is_expired(now))[:limit]


class FakePayments(_Repo):
    def add(self, payment: Payment) -> None:
        if self.open_for(order_id=payment.order_id, job_id=payment.job_id) is not None:
            raise InvalidState("There is already an open payment for this.")
        payment.id = self._uow.store.next_id()
        self.s.payments[payment.id] = _stored(payment)

    def get(self, payment_id: int) -> Payment:
        if payment_id not in self.s.payments:
            raise NotFound("Payment not found.")
        return copy.deepcopy(self.s.payments[payment_id])

    def save(self, payment: Payment) -> None:
        if self.s.payments[payment.id or 0].version != payment.version:
            raise ConcurrentUpdate("stale payment")
        payment.version += 1
        self.s.payments[payment.id or 0] = _stored(payment)

    def open_for(self, *, order_id: int | None = None,
                 job_id: int | None = None) -> Payment | None:
        for payment in self.s.payments.values():
            if payment.status in OPEN_STATUSES and (
                    (order_id is not None and payment.order_id == order_id)
                    or (job_id is not None and payment.job_id == job_id)):
                return copy.deepcopy(payment)
        return None

    def find_by_gateway_reference(self, reference: str) -> Payment | None:
        for payment in self.s.payments.values():
            if payment.gateway_reference == reference:
                return copy.deepcopy(payment)
        return None


class FakeLedger(_Repo):
    def append(self, transaction: LedgerTransaction) -> None:
        self.s.ledger.append(transaction)


class FakeProcessedEvents(_Repo):
    def first_time(self, event_id: str, *, now: datetime) -> bool:
        if event_id in self.s.processed_events:
            return False
        self.s.processed_events.add(event_id)
        return True


class FakeUsers(_Repo):
    def get(self, user_id: int) -> User:
        user = self.s.users.get(user_id)
        if user is None:
            raise NotFound("User not found.")
        return user


class FakeAudit(_Repo):
    def add(self, entry: AuditEntry) -> None:
        self.s.audit.append(entry)


class FakeNotifications(_Repo):
    def add(self, notification: Notification) -> None:
        notification.id = len(self.s.notifications) + 1
        self.s.notifications.append(notification)


class CommerceUnitOfWork:
    def __init__(self, store: CommerceStore) -> None:
        self.store = store
        self.state = State()
        self.jobs = FakeJobs(self)
        self.artworks = FakeArtworks(self)
        self.equipment = FakeEquipment(self)
        self.content = FakeContent(self)
        self.stock = FakeStock(self)
        self.artwork_holds = FakeHolds(self)
        self.orders = FakeOrders(self)
        self.payments = FakePayments(self)
        self.ledger = FakeLedger(self)
        self.processed_events = FakeProcessedEvents(self)
        self.audit = FakeAudit(self)
        self.notifications = FakeNotifications(self)
        self.users = FakeUsers(self)
        self.moderation_actions = InMemoryModerationActions(store.moderation)

    def __enter__(self) -> Self:
        self.state = copy.deepcopy(self.store.state)
        self.moderation_actions.pending.clear()
        self._after_commit: list[Callable[[], None]] = []
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.state = State()

    def commit(self) -> None:
        self.store.state = self.state
        self.moderation_actions.commit()
        self.state = copy.deepcopy(self.state)
        run_after_commit(self._after_commit)

    def after_commit(self, step: Callable[[], None]) -> None:
        self._after_commit.append(step)


class FakeCommerceQueries:
    def __init__(self, store: CommerceStore) -> None:
        self._store = store

    @property
    def s(self) -> State:
        return self._store.state

    def _ref(self, user_id: int) -> UserRef:
        user = self.s.users[user_id]
        return UserRef(id=user_id, username=user.username)

    def _order(self, order: Order) -> OrderView:
        assert order.id is not None
        return OrderView(
            id=order.id, buyer=self._ref(order.buyer_id), order_type=order.order_type.value,
            status=order.status.value, total_amount=order.total_amount,
            shipping_address=order.shipping_address, is_paid=order.is_paid,
            reserved_until=order.reserved_until, created_at=order.created_at,
            updated_at=order.updated_at,
            artwork_items=tuple(ArtworkLineView(
                id=line.id or 0, artwork=line.item_id, artwork_title=line.title,
                artwork_artist=self.s.users[line.seller_id or 0].username,
                quantity=line.quantity, price=line.price, total_price=line.total_price)
                for line in order.lines if line.kind is LineKind.ARTWORK),
            equipment_items=tuple(EquipmentLineView(
                id=line.id or 0, equipment=line.item_id, equipment_name=line.title,
                quantity=line.quantity, price=line.price, total_price=line.total_price)
                for line in order.lines if line.kind is LineKind.EQUIPMENT))

    def list_orders(self, filters: OrderFilters, page: PageRequest) -> Page[OrderView]:
        orders = [o for o in self.s.orders.values()
                  if (filters.buyer_id is None or o.buyer_id == filters.buyer_id)
                  and (filters.status is None or o.status == filters.status)
                  and (filters.order_type is None or o.order_type == filters.order_type)]
        orders.sort(key=lambda o: (o.created_at, o.id or 0), reverse=True)
        items = [self._order(o) for o in orders]
        return Page(items=items[page.offset:page.offset + page.page_size], total=len(items),
                    request=page)

    def get_order(self, order_id: int) -> OrderView:
        if order_id not in self.s.orders:
            raise NotFound("Order not found.")
        return self._order(self.s.orders[order_id])

    def _payment(self, p: Payment) -> PaymentView:
        assert p.id is not None
        payee = None
        if p.payee_id is not None:
            user = self.s.users[p.payee_id]
            payee = PayeeRef(id=user.id or 0, username=user.username,
                             first_name=user.first_name, last_name=user.last_name)
        job = None
        if p.job_id is not None:
            job = JobRef(id=p.job_id, title=self.s.jobs[p.job_id].title)
        return PaymentView(
            id=p.id, transaction_id=p.transaction_id, payer=self._ref(p.payer_id),
            payee=payee, order=p.order_id, job=job, amount=p.amount,
            payment_method=p.method.value, status=p.status.value,
            hire_status=p.hire_status.value, stripe_payment_intent=p.gateway_reference,
            payer_reference=p.payer_reference, refunded_amount=p.refunded_amount,
            platform_fee=p.platform_fee, artist_earning=p.artist_earning,
            created_at=p.created_at, updated_at=p.updated_at, completed_at=p.completed_at)

    def list_payments(self, filters: PaymentFilters, page: PageRequest) -> Page[PaymentView]:
        def keep(p: Payment) -> bool:
            return ((filters.party_id is None or filters.party_id in (p.payer_id, p.payee_id))
                    and (filters.payer_id is None or p.payer_id == filters.payer_id)
                    and (filters.status is None or p.status == filters.status)
                    and (filters.payment_method is None or p.method == filters.payment_method)
                    and (filters.hire_status is None or p.hire_status == filters.hire_status))

        payments = sorted((p for p in self.s.payments.values() if keep(p)),
                          key=lambda p: (p.created_at, p.id or 0), reverse=True)
        items = [self._payment(p) for p in payments]
        return Page(items=items[page.offset:page.offset + page.page_size], total=len(items),
                    request=page)

    def get_payment(self, payment_id: int) -> PaymentView:
        if payment_id not in self.s.payments:
            raise NotFound("Payment not found.")
        return self._payment(self.s.payments[payment_id])

    def payment_stats(self) -> PaymentStats:
        payments = list(self.s.payments.values())
        totals = balances(self._store.entries())
        fees = sum((amount for account, amount in totals.items()
                    if account.kind in PLATFORM_ACCOUNTS), Money(0))
        buyers = sum((amount for account, amount in totals.items()
                      if account.kind is AccountKind.BUYER), Money(0))

        def count(*statuses: PaymentStatus) -> int:
            return sum(p.status in statuses for p in payments)

        return PaymentStats(
            total_payments=len(payments),
            completed_payments=count(PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED),
            pending_payments=count(PaymentStatus.PENDING),
            failed_payments=count(PaymentStatus.FAILED),
            refunded_payments=count(PaymentStatus.REFUNDED),
            total_revenue=Money(0) - buyers, platform_fees=fees,
            pending_releases=sum(p.status in (PaymentStatus.COMPLETED,
                                              PaymentStatus.PARTIALLY_REFUNDED)
                                 and p.hire_status is HireStatus.PENDING for p in payments))

    def user_money(self, user_id: int) -> UserMoney:
        totals = {account.kind: amount for account, amount in balances(
            self._store.entries()).items() if account.user_id == user_id}
        return UserMoney(total_spent=Money(0) - totals.get(AccountKind.BUYER, Money(0)),
                         earnings_held=totals.get(AccountKind.ARTIST_HELD, Money(0)),
                         earnings_available=totals.get(AccountKind.ARTIST_AVAILABLE, Money(0)))

    def ledger_entries(self) -> list[LedgerEntry]:
        return self._store.entries()


class FakeCardGateway:
    """Stripe's behaviour in miniature: payment methods named after Stripe's test cards."""

    takes_cards = True

    def __init__(self) -> None:
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: list[tuple[str | None, Money]] = []
        self.created = 0

    def _intent(self, ref: str) -> GatewayIntent:
        data = self.intents[ref]
        return GatewayIntent(reference=ref, status=data["status"],
                             client_secret=f"{ref}_secret", amount=data["amount"],
                             next_action={"type": "use_stripe_sdk"}
                             if data["status"] is IntentStatus.REQUIRES_ACTION else None,
                             failure_message=data.get("failure", ""),
                             last_attempt_failed=bool(data.get("failure")))

    def start(self, *, payment_id: int, amount: Money, description: str,
              idempotency_key: str) -> GatewayIntent:
        self.created += 1
        ref = f"pi_{self.created}"
        self.intents[ref] = {"status": IntentStatus.REQUIRES_PAYMENT_METHOD, "amount": amount}
        return self._intent(ref)

    def confirm(self, reference: str, *, payment_method_id: str) -> GatewayIntent:
        data = self.intents[reference]
        if payment_method_id == "pm_card_threeDSecure":
            data["status"] = IntentStatus.REQUIRES_ACTION
        elif payment_method_id == "pm_card_declined":
            data["status"] = IntentStatus.REQUIRES_PAYMENT_METHOD
            data["failure"] = "Your card was declined."
        else:
            data["status"] = IntentStatus.SUCCEEDED
        return self._intent(reference)

    def authenticate(self, reference: str, *, success: bool) -> None:
        data = self.intents[reference]
        if success:
            data["status"] = IntentStatus.SUCCEEDED
        else:
            data["status"] = IntentStatus.REQUIRES_PAYMENT_METHOD
            data["failure"] = "3D Secure authentication failed."

    def fetch(self, reference: str) -> GatewayIntent:
        return self._intent(reference)

    def cancel(self, reference: str) -> GatewayIntent:
        data = self.intents[reference]
        if data["status"] is not IntentStatus.SUCCEEDED:
            data["status"] = IntentStatus.CANCELED
        return self._intent(reference)

    def refund(self, reference: str | None, amount: Money, *, idempotency_key: str) -> str:
        self.refunds.append((reference, amount))
        return f"re_{len(self.refunds)}"


class FakeWebhookVerifier:
    """Accepts a JSON event when the signature is "good"."""

    def parse(self, payload: bytes, signature: str | None) -> GatewayEvent:
        if signature != "good":
            raise ValidationFailed({"signature": ["The signature does not match."]})
        data = json.loads(payload)
        refunded = data.get("amount_refunded")
        return GatewayEvent(id=data["id"], type=data["type"], reference=data.get("reference"),
                            amount_refunded=None if refunded is None else Money(refunded))


class SequentialIds:
    def __init__(self) -> None:
        self._n = itertools.count(1)

    def new_transaction_id(self) -> str:
        return f"TXN{next(self._n):09d}"


@attrs.define
class Shop:
    store: CommerceStore
    clock: FakeClock
    events: RecordingEventPublisher
    card: FakeCardGateway
    orders: OrderService
    payments: PaymentService
    fee_rate: FeeRate

    @classmethod
    def create(cls, *, rate: str = "0.10", cards: bool = True,
               reservation: timedelta = timedelta(minutes=30)) -> Shop:
        store, clock, events = CommerceStore(), FakeClock(NOW), RecordingEventPublisher()
        card = FakeCardGateway()
        gateways: dict[PaymentMethod, Any] = {
            method: OfflineGateway(method) for method in PaymentMethod
            if method is not PaymentMethod.STRIPE}
        if cards:
            gateways[PaymentMethod.STRIPE] = card
        settlement = Settlement(gateways, notifier=DatabaseNotifier())
        queries = FakeCommerceQueries(store)
        fee_rate = FeeRate(Decimal(rate))
        orders = OrderService(uow=store.unit_of_work, queries=queries, clock=clock,
                              events=events, settlement=settlement, reservation=reservation)
        payments = PaymentService(uow=store.unit_of_work, queries=queries, clock=clock,
                                  events=events, settlement=settlement, fee_rate=fee_rate,
                                  ids=SequentialIds(), reservation=reservation,
                                  webhooks=FakeWebhookVerifier())
        events.subscribe(lambda event: payments.release_for_completed_job(event)
                         if isinstance(event, JobCompleted) else None)
        events.subscribe(lambda event: payments.refund_for_cancelled_job(event)
                         if isinstance(event, JobCancelled) else None)
        return cls(store=store, clock=clock, events=events, card=card, orders=orders,
                   payments=payments, fee_rate=fee_rate)

    @property
    def state(self) -> State:
        return self.store.state

    def user(self, username: str, user_type: UserType, *, staff: bool = False,
             role: StaffRole = StaffRole.ADMIN) -> Actor:
        """`staff`: an account holding `role`, by default an admin (who may move money)."""
        user = User(id=self.store.next_id(), username=username, email=f"{username}@example.com",
                    password_hash="x", first_name=username.title(), last_name="Tester",
                    user_type=user_type, is_staff=staff,
                    staff_role=role if staff else None, created_at=NOW,
                    updated_at=NOW)
        self.state.users[user.id or 0] = user
        return user.as_actor()

    def artwork(self, artist: Actor, price: str, *, title: str = "Sunset") -> int:
        artwork_id = self.store.next_id()
        self.state.artworks[artwork_id] = Artwork(
            id=artwork_id, artist_id=artist.id, title=title, description="Oil on canvas",
            category_id=1, artwork_type=ArtworkType.PHYSICAL, price=Money(price),
            image_key="a.jpg", watermarked_key="a-w.jpg", created_at=NOW, updated_at=NOW)
        return artwork_id

    def item(self, price: str, stock: int, *, name: str = "Brush set") -> int:
        item_id = self.store.next_id()
        self.state.equipment[item_id] = Equipment(
            id=item_id, name=name, equipment_type=EquipmentType.BRUSH, price=Money(price),
            stock_quantity=stock, created_at=NOW, updated_at=NOW)
        return item_id

    def hired_job(self, buyer: Actor, artist: Actor, amount: str) -> int:
        job_id = self.store.next_id()
        self.state.jobs[job_id] = Job(
            id=job_id, buyer_id=buyer.id, title="Truck-art mural", description="A wall",
            category_id=1, budget_min=Money(amount), budget_max=Money(amount),
            duration_days=7, experience_level=ExperienceLevel.EXPERT,
            deadline=NOW + timedelta(days=30), status=JobStatus.IN_PROGRESS,
            hired_artist_id=artist.id, final_amount=Money(amount), created_at=NOW,
            updated_at=NOW)
        return job_id

    def cancel_job(self, buyer: Actor, job_id: int) -> None:
        """What JobService.cancel does, publishing JobCancelled after the commit."""
        with self.store.unit_of_work() as uow:
            job = uow.jobs.get(job_id)
            job.cancel(by=buyer, now=self.clock.now())
            uow.jobs.save(job)
            uow.commit()
        self.events.publish(job.events)

    def complete_job(self, buyer: Actor, job_id: int) -> None:
        """What JobService.complete does, publishing JobCompleted after the commit."""
        with self.store.unit_of_work() as uow:
            job = uow.jobs.get(job_id)
            job.complete(by=buyer, now=self.clock.now())
            uow.jobs.save(job)
            uow.commit()
        self.events.publish(job.events)
