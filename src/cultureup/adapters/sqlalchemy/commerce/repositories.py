"""Repositories for orders, artwork holds, equipment stock, payments, the ledger and the
gateway events already applied.

Loads lock their rows (FOR UPDATE on PostgreSQL; SQLite writers hold the database's write
lock from BEGIN IMMEDIATE). Stock is taken by one conditional UPDATE and holds and event ids
are inserted with ON CONFLICT DO NOTHING, so that concurrent transactions cannot both win.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from cultureup.adapters.sqlalchemy.catalog.tables import equipment
from cultureup.adapters.sqlalchemy.commerce.tables import (
    artwork_holds,
    ledger_entries,
    ledger_transactions,
    order_lines,
    orders,
    payment_shares,
    payments,
    processed_gateway_events,
)
from cultureup.domain.commerce.fees import FeeSplit, SellerShare
from cultureup.domain.commerce.ledger import LedgerTransaction
from cultureup.domain.commerce.orders import LineKind, Order, OrderLine, OrderStatus, OrderType
from cultureup.domain.commerce.payments import (
    OPEN_STATUSES,
    HireStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from cultureup.domain.errors import ConcurrentUpdate, NotFound

ORDER_FIELDS = ("buyer_id", "shipping_address", "reserved_until", "paid_at", "created_at",
                "updated_at")
PAYMENT_FIELDS = ("payer_id", "payee_id", "order_id", "job_id", "amount", "transaction_id",
                  "gateway_reference", "payer_reference", "refunded_amount", "failure_reason",
                  "created_at", "updated_at", "completed_at", "released_at")


def _insert_ignoring_duplicates(connection: Connection, table: Table,
                                values: dict[str, Any]) -> bool:
    """Insert unless a row with the same key exists (or is being inserted by a concurrent
    transaction, which PostgreSQL waits for); True when this call inserted it."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(table).values(**values).on_conflict_do_nothing()
                 .returning(*table.primary_key.columns))
    return connection.execute(statement).first() is not None


class SqlAlchemyOrderRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, order: Order) -> None:
        order.id = self._c.execute(insert(orders).values(**_order_values(order), version=0)
                                   .returning(orders.c.id)).scalar_one()
        order.version = 0
        self._insert_lines(order, order.lines)

    def get(self, order_id: int) -> Order:
        row = self._c.execute(select(orders).where(orders.c.id == order_id)
                              .with_for_update()).mappings().first()
        if row is None:
            raise NotFound("Order not found.")
        lines = self._c.execute(select(order_lines).where(order_lines.c.order_id == order_id)
                                .order_by(order_lines.c.position)).mappings().all()
        return Order(
            id=row["id"], buyer_id=row["buyer_id"], order_type=OrderType(row["order_type"]),
            status=OrderStatus(row["status"]), shipping_address=row["shipping_address"],
            reserved_until=row["reserved_until"], paid_at=row["paid_at"],
            created_at=row["created_at"], updated_at=row["updated_at"], version=row["version"],
            lines=[OrderLine(id=line["id"], kind=LineKind(line["kind"]),
                             item_id=line["item_id"], seller_id=line["seller_id"],
                             title=line["title"], quantity=line["quantity"],
                             price=line["price"]) for line in lines])

    def save(self, order: Order) -> None:
        result = self._c.execute(
            update(orders).where(orders.c.id == order.id, orders.c.version == order.version)
            .values(**_order_values(order), version=orders.c.version + 1))
        if result.rowcount != 1:
            raise ConcurrentUpdate("This order was changed by someone else; try again.")
        order.version += 1
        kept = [line.id for line in order.lines if line.id is not None]
        self._c.execute(delete(order_lines).where(order_lines.c.order_id == order.id,
                                                  order_lines.c.id.not_in(kept)))
        self._insert_lines(order, [line for line in order.lines if line.id is None])

    def delete(self, order: Order) -> None:
        self._c.execute(delete(artwork_holds).where(artwork_holds.c.order_id == order.id))
        self._c.execute(delete(order_lines).where(order_lines.c.order_id == order.id))
        self._c.execute(delete(orders).where(orders.c.id == order.id))

    def expired_ids(self, now: datetime, *, limit: int) -> list[int]:
        return list(self._c.execute(
            select(orders.c.id).where(orders.c.status == OrderStatus.PENDING.value,
                                      orders.c.paid_at.is_(None),
                                      orders.c.reserved_until.is_not(None),
                                      orders.c.reserved_until <= now)
            .order_by(orders.c.id).limit(limit)).scalars())

    def _insert_lines(self, order: Order, lines: Sequence[OrderLine]) -> None:
        if not lines:
            return
        start = len(order.lines) - len(lines)
        rows = [{"order_id": order.id, "position": start + offset, "kind": line.kind.value,
                 "item_id": line.item_id, "seller_id": line.seller_id, "title": line.title,
                 "quantity": line.quantity, "price": line.price}
                for offset, line in enumerate(lines)]
        ids = self._c.execute(insert(order_lines).returning(
            order_lines.c.id, sort_by_parameter_order=True), rows).scalars().all()
        for line, line_id in zip(lines, ids, strict=True):
            line.id = line_id


def _order_values(order: Order) -> dict[str, Any]:
    values = {name: getattr(order, name) for name in ORDER_FIELDS}
    values["order_type"] = order.order_type.value
    values["status"] = order.status.value
    return values


class SqlAlchemyArtworkHolds:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def hold(self, artwork_id: int, order_id: int) -> bool:
        return _insert_ignoring_duplicates(self._c, artwork_holds, {
            "artwork_id": artwork_id, "order_id": order_id, "sold": False})

    def held(self, artwork_ids: Sequence[int]) -> frozenset[int]:
        if not artwork_ids:
            return frozenset()
        return frozenset(self._c.execute(select(artwork_holds.c.artwork_id).where(
            artwork_holds.c.artwork_id.in_(list(artwork_ids)))).scalars())

    def release(self, order_id: int) -> None:
        self._c.execute(delete(artwork_holds).where(artwork_holds.c.order_id == order_id))

    def mark_sold(self, order_id: int) -> None:
        self._c.execute(update(artwork_holds).where(artwork_holds.c.order_id == order_id)
                        .values(sold=True))


class SqlAlchemyEquipmentStock:
    """Stock moves by conditional updates that also bump the item's version, so a staff edit
    based on an older copy is refused rather than overwriting the new quantity."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def take(self, equipment_id: int, quantity: int, *, now: datetime) -> bool:
        result = self._c.execute(
            update(equipment).where(equipment.c.id == equipment_id,
                                    equipment.c.is_available.is_(True),
                                    equipment.c.stock_quantity >= quantity)
            .values(stock_quantity=equipment.c.stock_quantity - quantity,
                    version=equipment.c.version + 1, updated_at=now))
        return result.rowcount == 1

    def give_back(self, equipment_id: int, quantity: int, *, now: datetime) -> None:
        self._c.execute(
            update(equipment).where(equipment.c.id == equipment_id)
            .values(stock_quantity=equipment.c.stock_quantity + quantity,
                    version=equipment.c.version + 1, updated_at=now))

    def lock(self, equipment_id: int) -> int:
        quantity = self._c.execute(
            select(equipment.c.stock_quantity).where(equipment.c.id == equipment_id)
            .with_for_update()).scalar_one_or_none()
        if quantity is None:
            raise NotFound("Equipment not found.")
        return int(quantity)

    def set_quantity(self, equipment_id: int, quantity: int, *, now: datetime) -> None:
        self._c.execute(
            update(equipment).where(equipment.c.id == equipment_id)
            .values(stock_quantity=quantity, version=equipment.c.version + 1, updated_at=now))


class SqlAlchemyPaymentRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, payment: Payment) -> None:
        payment.id = self._c.execute(
            insert(payments).values(**_payment_values(payment), version=0)
            .returning(payments.c.id)).scalar_one()
        payment.version = 0
        self._c.execute(insert(payment_shares), [
            {"payment_id": payment.id, "seller_id": share.seller_id,
             "amount": share.split.amount, "platform_fee": share.split.platform_fee,
             "artist_earning": share.split.artist_earning} for share in payment.shares])

    def get(self, payment_id: int) -> Payment:
        payment = self._find(payments.c.id == payment_id)
        if payment is None:
            raise NotFound("Payment not found.")
        return payment

    def save(self, payment: Payment) -> None:
        result = self._c.execute(
            update(payments).where(payments.c.id == payment.id,
                                   payments.c.version == payment.version)
            .values(**_payment_values(payment), version=payments.c.version + 1))
        if result.rowcount != 1:
            raise ConcurrentUpdate("This payment was changed by someone else; try again.")
        payment.version += 1

    def open_for(self, *, order_id: int | None = None,
                 job_id: int | None = None) -> Payment | None:
        column = payments.c.order_id if order_id is not None else payments.c.job_id
        return self._find(column == (order_id if order_id is not None else job_id),
                          payments.c.status.in_([s.value for s in OPEN_STATUSES]))

    def find_by_gateway_reference(self, reference: str) -> Payment | None:
        return self._find(payments.c.gateway_reference == reference)

    def _find(self, *conditions: Any) -> Payment | None:
        row = self._c.execute(select(payments).where(*conditions).order_by(payments.c.id)
                              .limit(1).with_for_update()).mappings().first()
        if row is None:
            return None
        shares = self._c.execute(select(payment_shares).where(
            payment_shares.c.payment_id == row["id"]).order_by(payment_shares.c.id)
        ).mappings().all()
        return Payment(
            id=row["id"], **{name: row[name] for name in PAYMENT_FIELDS},
            method=PaymentMethod(row["method"]), status=PaymentStatus(row["status"]),
            hire_status=HireStatus(row["hire_status"]), version=row["version"],
            shares=tuple(SellerShare(seller_id=share["seller_id"], split=FeeSplit(
                amount=share["amount"], platform_fee=share["platform_fee"],
                artist_earning=share["artist_earning"])) for share in shares))


def _payment_values(payment: Payment) -> dict[str, Any]:
    values = {name: getattr(payment, name) for name in PAYMENT_FIELDS}
    values.update(method=payment.method.value, status=payment.status.value,
                  hire_status=payment.hire_status.value)
    return values


class SqlAlchemyLedger:
    """Append only: there is no way here to change or remove an entry."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def append(self, transaction: LedgerTransaction) -> None:
        transaction_id = self._c.execute(
            insert(ledger_transactions).values(
                kind=transaction.kind.value, payment_id=transaction.payment_id,
                created_at=transaction.created_at).returning(ledger_transactions.c.id)
        ).scalar_one()
        self._c.execute(insert(ledger_entries), [
            {"transaction_id": transaction_id, "payment_id": transaction.payment_id,
             "account": entry.account.kind.value, "user_id": entry.account.user_id,
             "kind": entry.kind.value, "amount": entry.amount,
             "created_at": transaction.created_at} for entry in transaction.entries])


class SqlAlchemyProcessedEvents:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def first_time(self, event_id: str, *, now: datetime) -> bool:
        return _insert_ignoring_duplicates(self._c, processed_gateway_events, {
            "event_id": event_id, "processed_at": now})
