"""Read models for orders, payments and the ledger.

A page of orders is three statements (the orders with their buyers, all their lines, the
count); a page of payments two (the payments with payer, payee, job and their split summed in
correlated sub-queries, the count); money figures are sums over ledger entries.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Engine,
    Select,
    case,
    func,
    or_,
    select,
    type_coerce,
)

from cultureup.adapters.sqlalchemy.commerce.tables import (
    ledger_entries,
    order_lines,
    orders,
    payment_shares,
    payments,
)
from cultureup.adapters.sqlalchemy.tables import jobs, users
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
from cultureup.domain.commerce.ledger import Account, AccountKind, EntryKind, LedgerEntry
from cultureup.domain.commerce.payments import PAID_STATUSES, HireStatus, PaymentStatus
from cultureup.domain.errors import NotFound
from cultureup.domain.money import Money

buyer = users.alias("buyer")
payer = users.alias("payer")
payee = users.alias("payee")
seller = users.alias("seller")
PLATFORM = [AccountKind.PLATFORM_FEES.value, AccountKind.PLATFORM_SALES.value]


def _contains(column: Any, needle: str) -> ColumnElement[bool]:
    """Case-insensitive substring match, with % and _ taken literally."""
    return func.lower(column).contains(needle.lower(), autoescape=True)


def _cents(column: Any) -> Any:
    """A money column as its plain paisa, for arithmetic and sums in SQL."""
    return type_coerce(column, BigInteger)


def _ordered(query: Select[Any], ordering: str | None, columns: dict[str, Any],
             id_column: Any) -> Select[Any]:
    """The chosen column, then the id in the same direction; newest first by default."""
    name = (ordering or "-created_at").lstrip("-")
    keys = [columns[name], id_column]
    if (ordering or "-created_at").startswith("-"):
        return query.order_by(*(key.desc() for key in keys))
    return query.order_by(*(key.asc() for key in keys))


def _order_total() -> Any:
    return (select(func.coalesce(func.sum(_cents(order_lines.c.price) * order_lines.c.quantity), 0))
            .where(order_lines.c.order_id == orders.c.id).scalar_subquery())


class SqlAlchemyCommerceQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- orders ----------------------------------------------------------------------------

    def _order_select(self) -> tuple[Select[Any], Any]:
        total = _order_total().label("total_cents")
        query = (select(orders, buyer.c.username.label("buyer_username"), total)
                 .join(buyer, buyer.c.id == orders.c.buyer_id))
        return query, total

    def list_orders(self, filters: OrderFilters, page: PageRequest) -> Page[OrderView]:
        query, total = self._order_select()
        conditions = _order_conditions(filters)
        query = _ordered(query.where(*conditions), filters.ordering,
                         {"created_at": orders.c.created_at, "total_amount": total},
                         orders.c.id)
        count = select(func.count()).select_from(orders).where(*conditions)
        with self._engine.connect() as connection:
            rows = connection.execute(query.limit(page.page_size).offset(page.offset)
                                      ).mappings().all()
            items = self._with_lines(connection, rows)
            counted = connection.execute(count).scalar_one()
        return Page(items=items, total=counted, request=page)

    def get_order(self, order_id: int) -> OrderView:
        query, _ = self._order_select()
        with self._engine.connect() as connection:
            rows = connection.execute(query.where(orders.c.id == order_id)).mappings().all()
            if not rows:
                raise NotFound("Order not found.")
            return self._with_lines(connection, rows)[0]

    def _with_lines(self, connection: Any, rows: Any) -> list[OrderView]:
        if not rows:
            return []
        lines: dict[int, list[Any]] = defaultdict(list)
        for line in connection.execute(
                select(order_lines, seller.c.username.label("seller_username"))
                .outerjoin(seller, seller.c.id == order_lines.c.seller_id)
                .where(order_lines.c.order_id.in_([row["id"] for row in rows]))
                .order_by(order_lines.c.order_id, order_lines.c.position)).mappings():
            lines[line["order_id"]].append(line)
        return [_order_view(row, lines[row["id"]]) for row in rows]

    # -- payments --------------------------------------------------------------------------

    def _payment_select(self) -> Select[Any]:
        fee = (select(func.coalesce(func.sum(case(
            (payment_shares.c.seller_id.is_(None), _cents(payment_shares.c.amount)),
            else_=_cents(payment_shares.c.platform_fee))), 0))
            .where(payment_shares.c.payment_id == payments.c.id).scalar_subquery())
        return (select(payments,
                       payer.c.username.label("payer_username"),
                       payee.c.username.label("payee_username"),
                       payee.c.first_name.label("payee_first_name"),
                       payee.c.last_name.label("payee_last_name"),
                       jobs.c.title.label("job_title"), fee.label("fee_cents"))
                .join(payer, payer.c.id == payments.c.payer_id)
                .outerjoin(payee, payee.c.id == payments.c.payee_id)
                .outerjoin(jobs, jobs.c.id == payments.c.job_id))

    def list_payments(self, filters: PaymentFilters, page: PageRequest) -> Page[PaymentView]:
        conditions = _payment_conditions(filters)
        query = _ordered(self._payment_select().where(*conditions), filters.ordering,
                         {"created_at": payments.c.created_at, "amount": payments.c.amount},
                         payments.c.id)
        count = (select(func.count()).select_from(payments)
                 .join(payer, payer.c.id == payments.c.payer_id)
                 .outerjoin(payee, payee.c.id == payments.c.payee_id).where(*conditions))
        with self._engine.connect() as connection:
            rows = connection.execute(query.limit(page.page_size).offset(page.offset)
                                      ).mappings().all()
            counted = connection.execute(count).scalar_one()
        return Page(items=[_payment_view(row) for row in rows], total=counted, request=page)

    def get_payment(self, payment_id: int) -> PaymentView:
        with self._engine.connect() as connection:
            row = connection.execute(self._payment_select().where(
                payments.c.id == payment_id)).mappings().first()
        if row is None:
            raise NotFound("Payment not found.")
        return _payment_view(row)

    def payment_stats(self) -> PaymentStats:
        paid = [s.value for s in PAID_STATUSES]
        counts = select(
            func.count().label("total"),
            func.count().filter(payments.c.status.in_(paid)).label("completed"),
            func.count().filter(payments.c.status == PaymentStatus.PENDING.value)
            .label("pending"),
            func.count().filter(payments.c.status == PaymentStatus.FAILED.value)
            .label("failed"),
            func.count().filter(payments.c.status == PaymentStatus.REFUNDED.value)
            .label("refunded"),
            func.count().filter(payments.c.status.in_(paid),
                                payments.c.hire_status == HireStatus.PENDING.value)
            .label("pending_releases"))
        money = select(
            func.coalesce(func.sum(_cents(ledger_entries.c.amount)).filter(
                ledger_entries.c.account == AccountKind.BUYER.value), 0).label("buyers"),
            func.coalesce(func.sum(_cents(ledger_entries.c.amount)).filter(
                ledger_entries.c.account.in_(PLATFORM)), 0).label("platform"))
        with self._engine.connect() as connection:
            row = connection.execute(counts).mappings().one()
            sums = connection.execute(money).mappings().one()
        return PaymentStats(
            total_payments=row["total"], completed_payments=row["completed"],
            pending_payments=row["pending"], failed_payments=row["failed"],
            refunded_payments=row["refunded"],
            total_revenue=Money.from_cents(-int(sums["buyers"])),
            platform_fees=Money.from_cents(int(sums["platform"])),
            pending_releases=row["pending_releases"])

    # -- the ledger ------------------------------------------------------------------------

    def user_money(self, user_id: int) -> UserMoney:
        query = (select(ledger_entries.c.account, func.sum(_cents(ledger_entries.c.amount)))
                 .where(ledger_entries.c.user_id == user_id)
                 .group_by(ledger_entries.c.account))
        with self._engine.connect() as connection:
            sums = {account: int(total) for account, total in connection.execute(query)}
        return UserMoney(
            total_spent=Money.from_cents(-sums.get(AccountKind.BUYER.value, 0)),
            earnings_held=Money.from_cents(sums.get(AccountKind.ARTIST_HELD.value, 0)),
            earnings_available=Money.from_cents(sums.get(AccountKind.ARTIST_AVAILABLE.value,
                                                         0)))

    def ledger_entries(self) -> list[LedgerEntry]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(ledger_entries).order_by(ledger_entries.c.id)
                                      ).mappings().all()
        return [LedgerEntry(account=Account(AccountKind(row["account"]), row["user_id"]),
                            kind=EntryKind(row["kind"]), amount=row["amount"])
                for row in rows]


def _order_conditions(filters: OrderFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.buyer_id is not None:
        conditions.append(orders.c.buyer_id == filters.buyer_id)
    if filters.order_type is not None:
        conditions.append(orders.c.order_type == filters.order_type)
    if filters.status is not None:
        conditions.append(orders.c.status == filters.status)
    return conditions


def _payment_conditions(filters: PaymentFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.party_id is not None:
        conditions.append(or_(payments.c.payer_id == filters.party_id,
                              payments.c.payee_id == filters.party_id))
    if filters.payer_id is not None:
        conditions.append(payments.c.payer_id == filters.payer_id)
    for column, value in ((payments.c.method, filters.payment_method),
                          (payments.c.status, filters.status),
                          (payments.c.hire_status, filters.hire_status)):
        if value is not None:
            conditions.append(column == value)
    if filters.search:
        conditions.append(or_(_contains(payments.c.transaction_id, filters.search),
                              _contains(payer.c.username, filters.search),
                              _contains(payee.c.username, filters.search)))
    return conditions


def _order_view(row: Any, lines: list[Any]) -> OrderView:
    def total(line: Any) -> Money:
        return Money(line["price"].amount * line["quantity"])

    return OrderView(
        id=row["id"], buyer=UserRef(id=row["buyer_id"], username=row["buyer_username"]),
        order_type=row["order_type"], status=row["status"],
        total_amount=Money.from_cents(int(row["total_cents"])),
        shipping_address=row["shipping_address"], is_paid=row["paid_at"] is not None,
        reserved_until=row["reserved_until"], created_at=row["created_at"],
        updated_at=row["updated_at"],
        artwork_items=tuple(ArtworkLineView(
            id=line["id"], artwork=line["item_id"], artwork_title=line["title"],
            artwork_artist=line["seller_username"] or "", quantity=line["quantity"],
            price=line["price"], total_price=total(line))
            for line in lines if line["kind"] == "artwork"),
        equipment_items=tuple(EquipmentLineView(
            id=line["id"], equipment=line["item_id"], equipment_name=line["title"],
            quantity=line["quantity"], price=line["price"], total_price=total(line))
            for line in lines if line["kind"] == "equipment"))


def _payment_view(row: Any) -> PaymentView:
    fee = Money.from_cents(int(row["fee_cents"]))
    return PaymentView(
        id=row["id"], transaction_id=row["transaction_id"],
        payer=UserRef(id=row["payer_id"], username=row["payer_username"]),
        payee=None if row["payee_id"] is None else PayeeRef(
            id=row["payee_id"], username=row["payee_username"],
            first_name=row["payee_first_name"], last_name=row["payee_last_name"]),
        order=row["order_id"],
        job=None if row["job_id"] is None else JobRef(id=row["job_id"],
                                                      title=row["job_title"]),
        amount=row["amount"], payment_method=row["method"], status=row["status"],
        hire_status=row["hire_status"], stripe_payment_intent=row["gateway_reference"],
        payer_reference=row["payer_reference"], refunded_amount=row["refunded_amount"],
        platform_fee=fee, artist_earning=row["amount"] - fee,
        created_at=row["created_at"], updated_at=row["updated_at"],
        completed_at=row["completed_at"])
