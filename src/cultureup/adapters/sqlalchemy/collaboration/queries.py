"""Read models for contracts, messages, conversations, reviews, notifications, dashboards
and daily analytics. Every list is two statements (rows and count) whatever its length; the
conversations of a user are one statement; a dashboard is one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Engine,
    Select,
    and_,
    case,
    func,
    or_,
    select,
    type_coerce,
)

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.catalog.queries import _ledger_sum
from cultureup.adapters.sqlalchemy.collaboration.tables import (
    contracts,
    daily_analytics,
    messages,
    notifications,
    reviews,
)
from cultureup.adapters.sqlalchemy.commerce.tables import ledger_entries, order_lines, orders
from cultureup.adapters.sqlalchemy.queries import _order, _paginate, _user_columns, _user_ref
from cultureup.adapters.sqlalchemy.ratings import rating_columns
from cultureup.adapters.sqlalchemy.tables import bids, jobs, users
from cultureup.application.collaboration.views import (
    AnalyticsSnapshot,
    ArtistStats,
    AttachmentRef,
    BuyerStats,
    ContractFilters,
    ContractView,
    ConversationView,
    Counterpart,
    DailyFigures,
    JobRef,
    LastMessage,
    MessageFilters,
    MessageView,
    NotificationFilters,
    NotificationView,
    ReviewFilters,
    ReviewView,
)
from cultureup.application.views import Page, PageRequest
from cultureup.domain.accounts.users import UserType
from cultureup.domain.catalog.profiles import completion_rate
from cultureup.domain.collaboration.reviews import average_rating
from cultureup.domain.commerce.ledger import AccountKind
from cultureup.domain.commerce.orders import LineKind, OrderStatus
from cultureup.domain.errors import NotFound
from cultureup.domain.hiring.jobs import BidStatus, JobStatus
from cultureup.domain.money import Money

artist_user = users.alias("artist_user")
buyer_user = users.alias("buyer_user")
sender_user = users.alias("sender_user")
receiver_user = users.alias("receiver_user")
reviewer_user = users.alias("reviewer_user")
counted_job = jobs.alias("counted_job")


class SqlAlchemyCollaborationQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _one(self, query: Select[Any], what: str) -> Any:
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            raise NotFound(f"{what} not found.")
        return row

    # -- contracts ---------------------------------------------------------------------------

    def _contract_select(self) -> Select[Any]:
        return (select(contracts, jobs.c.title.label("job_title"),
                       *_user_columns(artist_user, "artist_user"),
                       *_user_columns(buyer_user, "buyer_user"))
                .join(jobs, jobs.c.id == contracts.c.job_id)
                .join(artist_user, artist_user.c.id == contracts.c.artist_id)
                .join(buyer_user, buyer_user.c.id == contracts.c.buyer_id))

    def list_contracts(self, user_id: int | None, filters: ContractFilters,
                       page: PageRequest) -> Page[ContractView]:
        conditions: list[ColumnElement[bool]] = []
        if user_id is not None:
            conditions.append(or_(contracts.c.artist_id == user_id,
                                  contracts.c.buyer_id == user_id))
        if filters.status is not None:
            conditions.append(contracts.c.status == filters.status)
        if filters.rights_type is not None:
            conditions.append(contracts.c.rights_type == filters.rights_type)
        query = _order(self._contract_select().where(*conditions), filters.ordering, {
            "created_at": contracts.c.created_at, "amount": contracts.c.amount},
            default=(contracts.c.created_at.desc(), contracts.c.id.desc()),
            id_column=contracts.c.id)
        count = select(func.count()).select_from(contracts).where(*conditions)
        return _paginate(self._engine, query, count, page, _contract_view)

    def get_contract(self, contract_id: int) -> ContractView:
        return _contract_view(self._one(
            self._contract_select().where(contracts.c.id == contract_id), "Contract"))

    # -- messages ----------------------------------------------------------------------------

    def _message_select(self) -> Select[Any]:
        return (select(messages, *_user_columns(sender_user, "sender_user"),
                       *_user_columns(receiver_user, "receiver_user"))
                .join(sender_user, sender_user.c.id == messages.c.sender_id)
                .join(receiver_user, receiver_user.c.id == messages.c.receiver_id))

    def list_messages(self, user_id: int, filters: MessageFilters,
                      page: PageRequest) -> Page[MessageView]:
        conditions: list[ColumnElement[bool]] = [
            or_(messages.c.sender_id == user_id, messages.c.receiver_id == user_id)]
        if filters.is_read is not None:
            conditions.append(messages.c.is_read.is_(filters.is_read))
        if filters.job_id is not None:
            conditions.append(messages.c.job_id == filters.job_id)
        query = _order(self._message_select().where(*conditions), filters.ordering,
                       {"created_at": messages.c.created_at},
                       default=(messages.c.created_at.desc(), messages.c.id.desc()),
                       id_column=messages.c.id)
        count = select(func.count()).select_from(messages).where(*conditions)
        return _paginate(self._engine, query, count, page, _message_view)

    def get_message(self, message_id: int) -> MessageView:
        return _message_view(self._one(
            self._message_select().where(messages.c.id == message_id), "Message"))

    def conversations(self, user_id: int) -> list[ConversationView]:
        """One statement: the user's messages grouped by counterpart (the latest message is
        the one with the highest id, ids being given in sending order), joined back to that
        message and to the counterpart."""
        mine = or_(messages.c.sender_id == user_id, messages.c.receiver_id == user_id)
        other = case((messages.c.sender_id == user_id, messages.c.receiver_id),
                     else_=messages.c.sender_id).label("other_id")
        unread = case((and_(messages.c.receiver_id == user_id, messages.c.is_read.is_(False)),
                       1), else_=0)
        grouped = (select(other, func.max(messages.c.id).label("last_id"),
                          func.sum(unread).label("unread_count"))
                   .where(mine).group_by(other).subquery("per_counterpart"))
        last = messages.alias("last_message")
        query = (select(grouped.c.other_id, grouped.c.unread_count, last.c.id, last.c.content,
                        last.c.created_at, last.c.is_read, users.c.username,
                        users.c.first_name, users.c.profile_image)
                 .join(last, last.c.id == grouped.c.last_id)
                 .join(users, users.c.id == grouped.c.other_id)
                 .order_by(last.c.created_at.desc(), last.c.id.desc()))
        with self._engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [ConversationView(
            user=Counterpart(id=row["other_id"], username=row["username"],
                             first_name=row["first_name"], profile_image=row["profile_image"]),
            last_message=LastMessage(id=row["id"], content=row["content"],
                                     created_at=row["created_at"], is_read=row["is_read"]),
            unread_count=int(row["unread_count"] or 0)) for row in rows]

    # -- reviews -----------------------------------------------------------------------------

    def _review_select(self) -> Select[Any]:
        return (select(reviews, jobs.c.title.label("job_title"),
                       *_user_columns(reviewer_user, "reviewer_user"),
                       *_user_columns(artist_user, "artist_user"))
                .join(jobs, jobs.c.id == reviews.c.job_id)
                .join(reviewer_user, reviewer_user.c.id == reviews.c.reviewer_id)
                .join(artist_user, artist_user.c.id == reviews.c.artist_id))

    def list_reviews(self, filters: ReviewFilters, page: PageRequest) -> Page[ReviewView]:
        conditions: list[ColumnElement[bool]] = []
        if filters.rating is not None:
            conditions.append(reviews.c.rating == filters.rating)
        if filters.involving_user_id is not None:
            conditions.append(or_(reviews.c.reviewer_id == filters.involving_user_id,
                                  reviews.c.artist_id == filters.involving_user_id))
        if filters.artist_id is not None:
            conditions.append(reviews.c.artist_id == filters.artist_id)
        query = _order(self._review_select().where(*conditions), filters.ordering, {
            "created_at": reviews.c.created_at, "rating": reviews.c.rating},
            default=(reviews.c.created_at.desc(), reviews.c.id.desc()),
            id_column=reviews.c.id)
        count = select(func.count()).select_from(reviews).where(*conditions)
        return _paginate(self._engine, query, count, page, _review_view)

    def get_review(self, review_id: int) -> ReviewView:
        return _review_view(self._one(
            self._review_select().where(reviews.c.id == review_id), "Review"))

    # -- notifications -----------------------------------------------------------------------

    def list_notifications(self, user_id: int, filters: NotificationFilters,
                           page: PageRequest) -> Page[NotificationView]:
        conditions: list[ColumnElement[bool]] = [notifications.c.user_id == user_id]
        if filters.notification_type is not None:
            conditions.append(notifications.c.notification_type == filters.notification_type)
        if filters.is_read is not None:
            conditions.append(notifications.c.is_read.is_(filters.is_read))
        query = _order(select(notifications).where(*conditions), filters.ordering,
                       {"created_at": notifications.c.created_at},
                       default=(notifications.c.created_at.desc(), notifications.c.id.desc()),
                       id_column=notifications.c.id)
        count = select(func.count()).select_from(notifications).where(*conditions)
        return _paginate(self._engine, query, count, page, _notification_view)

    def get_notification(self, notification_id: int) -> NotificationView:
        return _notification_view(self._one(
            select(notifications).where(notifications.c.id == notification_id),
            "Notification"))

    def unread_notifications(self, user_id: int) -> int:
        with self._engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(notifications).where(
                notifications.c.user_id == user_id, notifications.c.is_read.is_(False)))
                .scalar_one())

    # -- dashboards --------------------------------------------------------------------------

    def artist_stats(self, user_id: int) -> ArtistStats:
        hired = counted_job.c.hired_artist_id == user_id

        def jobs_with(status: JobStatus) -> Any:
            return select(func.count(counted_job.c.id)).where(
                hired, counted_job.c.status == status.value).scalar_subquery()

        rating_total, rating_count = rating_columns(user_id)
        query = select(
            jobs_with(JobStatus.COMPLETED).label("completed"),
            jobs_with(JobStatus.CANCELLED).label("cancelled"),
            jobs_with(JobStatus.IN_PROGRESS).label("in_progress"),
            # As on the profile: earned net of the fee and refunds, held or released.
            _ledger_sum(user_id, (AccountKind.ARTIST_HELD, AccountKind.ARTIST_AVAILABLE))
            .label("earnings"),
            _lines(order_lines.c.seller_id == user_id, LineKind.ARTWORK).label("sold"),
            select(func.count(bids.c.id)).where(
                bids.c.artist_id == user_id, bids.c.status == BidStatus.PENDING.value)
            .scalar_subquery().label("active_bids"),
            rating_total.label("rating_total"), rating_count.label("rating_count"),
            select(func.count(artworks.c.id)).where(artworks.c.artist_id == user_id)
            .scalar_subquery().label("artworks"),
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().one()
        completed = int(row["completed"])
        return ArtistStats(
            total_earnings=row["earnings"] or Money(0),
            total_projects_completed=completed, active_bids=int(row["active_bids"]),
            pending_jobs=int(row["in_progress"]),
            average_rating=average_rating(int(row["rating_total"]), int(row["rating_count"])),
            total_reviews=int(row["rating_count"]),
            completion_rate=completion_rate(completed=completed,
                                            cancelled=int(row["cancelled"])),
            artworks_uploaded=int(row["artworks"]), artworks_sold=int(row["sold"]))

    def buyer_stats(self, user_id: int) -> BuyerStats:
        posted = counted_job.c.buyer_id == user_id

        def jobs_in(*statuses: JobStatus) -> Any:
            return select(func.count(counted_job.c.id)).where(
                posted, counted_job.c.status.in_([s.value for s in statuses])).scalar_subquery()

        query = select(
            jobs_in(JobStatus.OPEN, JobStatus.IN_PROGRESS).label("active"),
            jobs_in(JobStatus.COMPLETED).label("completed"),
            select(func.count(counted_job.c.id)).where(posted).scalar_subquery().label("posted"),
            # As on the profile: what the buyer paid, net of refunds, for jobs and orders.
            _ledger_sum(user_id, (AccountKind.BUYER,), sign=-1).label("spent"),
            _lines(orders.c.buyer_id == user_id, LineKind.ARTWORK).label("artworks"),
            _lines(orders.c.buyer_id == user_id, LineKind.EQUIPMENT,
                   quantity=True).label("equipment"),
            select(func.count(orders.c.id)).where(
                orders.c.buyer_id == user_id, orders.c.status == OrderStatus.PENDING.value)
            .scalar_subquery().label("pending_orders"),
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().one()
        return BuyerStats(
            total_spent=row["spent"] or Money(0), active_jobs=int(row["active"]),
            completed_jobs=int(row["completed"]), total_jobs_posted=int(row["posted"]),
            artworks_purchased=int(row["artworks"]), equipment_purchased=int(row["equipment"]),
            pending_orders=int(row["pending_orders"]))

    # -- analytics ---------------------------------------------------------------------------

    def daily_figures(self, day: date) -> DailyFigures:
        start = datetime.combine(day, time(), tzinfo=UTC)
        end = start + timedelta(days=1)

        def created(table: Any, *extra: ColumnElement[bool]) -> Any:
            return select(func.count(table.c.id)).where(
                table.c.created_at >= start, table.c.created_at < end, *extra).scalar_subquery()

        def users_until(*extra: ColumnElement[bool]) -> Any:
            return select(func.count(users.c.id)).where(
                users.c.created_at < end, *extra).scalar_subquery()

        query = select(
            users_until().label("total_users"),
            created(users).label("new_users"),
            users_until(users.c.user_type == UserType.ARTIST.value).label("total_artists"),
            users_until(users.c.user_type == UserType.BUYER.value).label("total_buyers"),
            created(jobs).label("jobs_posted"),
            # A completed job changes no more, so its last change is its completion.
            select(func.count(jobs.c.id)).where(
                jobs.c.status == JobStatus.COMPLETED.value, jobs.c.updated_at >= start,
                jobs.c.updated_at < end).scalar_subquery().label("jobs_completed"),
            created(bids).label("bids_placed"),
            created(artworks).label("artworks_uploaded"),
            created(messages).label("messages_sent"),
            created(reviews).label("reviews_posted"),
            _ledger_day(start, end, (AccountKind.BUYER.value,)).label("buyers"),
            _ledger_day(start, end, PLATFORM).label("platform"),
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().one()
        counts = {name: int(value) for name, value in row.items()}
        # Money paid in that day net of that day's refunds, and the platform's part of it
        # (fees and equipment sales), from the ledger as in the admin statistics.
        return DailyFigures(**{k: v for k, v in counts.items() if k not in ("buyers", "platform")},
                            revenue=Money.from_cents(-counts["buyers"]),
                            platform_fees=Money.from_cents(counts["platform"]))

    def list_analytics(self, page: PageRequest) -> Page[AnalyticsSnapshot]:
        query = select(daily_analytics).order_by(daily_analytics.c.date.desc())
        count = select(func.count()).select_from(daily_analytics)
        return _paginate(self._engine, query, count, page, _snapshot)

    def get_analytics(self, snapshot_id: int) -> AnalyticsSnapshot:
        return _snapshot(self._one(
            select(daily_analytics).where(daily_analytics.c.id == snapshot_id), "Analytics"))


# The statuses of an order that has been paid for (or is on its way): its lines count as sold.
PAID_ORDER = (OrderStatus.CONFIRMED.value, OrderStatus.SHIPPED.value,
              OrderStatus.DELIVERED.value, OrderStatus.COMPLETED.value)
PLATFORM = (AccountKind.PLATFORM_FEES.value, AccountKind.PLATFORM_SALES.value)


def _lines(condition: ColumnElement[bool], kind: LineKind, *, quantity: bool = False) -> Any:
    """Artwork lines (or equipment quantities) of paid orders matching the condition."""
    counted = func.coalesce(func.sum(order_lines.c.quantity), 0) if quantity else func.count(
        order_lines.c.id)
    return (select(counted).select_from(order_lines.join(orders,
                                                         orders.c.id == order_lines.c.order_id))
            .where(condition, order_lines.c.kind == kind.value,
                   orders.c.status.in_(PAID_ORDER)).scalar_subquery())


def _ledger_day(start: datetime, end: datetime, accounts: tuple[str, ...]) -> Any:
    return (select(func.coalesce(func.sum(type_coerce(ledger_entries.c.amount, BigInteger)), 0))
            .where(ledger_entries.c.account.in_(accounts), ledger_entries.c.created_at >= start,
                   ledger_entries.c.created_at < end).scalar_subquery())


def _contract_view(row: Any) -> ContractView:
    return ContractView(
        id=row["id"], job=JobRef(id=row["job_id"], title=row["job_title"]),
        artist=_user_ref(row, "artist_user"), buyer=_user_ref(row, "buyer_user"),
        terms=row["terms"],
        rights_type=row["rights_type"], amount=row["amount"], deadline=row["deadline"],
        status=row["status"], artist_signed_at=row["artist_signed_at"],
        buyer_signed_at=row["buyer_signed_at"],
        artist_terms_digest=row["artist_terms_digest"],
        buyer_terms_digest=row["buyer_terms_digest"], created_at=row["created_at"],
        updated_at=row["updated_at"])


def _message_view(row: Any) -> MessageView:
    attachment = None
    if row["attachment_key"] is not None:
        attachment = AttachmentRef(name=row["attachment_name"],
                                   content_type=row["attachment_content_type"],
                                   size=row["attachment_size"])
    return MessageView(
        id=row["id"], sender=_user_ref(row, "sender_user"),
        receiver=_user_ref(row, "receiver_user"),
        job_id=row["job_id"], content=row["content"], attachment=attachment,
        is_read=row["is_read"], created_at=row["created_at"], updated_at=row["updated_at"])


def _review_view(row: Any) -> ReviewView:
    return ReviewView(
        id=row["id"], reviewer=_user_ref(row, "reviewer_user"),
        artist=_user_ref(row, "artist_user"),
        job=JobRef(id=row["job_id"], title=row["job_title"]), rating=row["rating"],
        comment=row["comment"], created_at=row["created_at"], updated_at=row["updated_at"])


def _notification_view(row: Any) -> NotificationView:
    return NotificationView(
        id=row["id"], user_id=row["user_id"], notification_type=row["notification_type"],
        title=row["title"], message=row["message"], is_read=row["is_read"],
        created_at=row["created_at"])


def _snapshot(row: Any) -> AnalyticsSnapshot:
    names = [field for field in DailyFigures.__attrs_attrs__]  # type: ignore[attr-defined]
    return AnalyticsSnapshot(
        id=row["id"], date=row["date"], calculated_at=row["calculated_at"],
        figures=DailyFigures(**{field.name: row[field.name] for field in names}))
