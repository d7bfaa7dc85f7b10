"""Repositories for contracts, messages, reviews, notifications and analytics rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from cultureup.adapters.sqlalchemy.admin.reports import write_revenue_rollup
from cultureup.adapters.sqlalchemy.collaboration.tables import (
    contracts,
    daily_analytics,
    messages,
    notifications,
    reviews,
)
from cultureup.adapters.sqlalchemy.tables import jobs
from cultureup.application.collaboration.views import DailyFigures
from cultureup.domain.collaboration.contracts import (
    LIVE_STATUSES,
    Contract,
    ContractStatus,
    RightsType,
    Signature,
)
from cultureup.domain.collaboration.messages import Attachment, Message
from cultureup.domain.collaboration.notifications import Notification, NotificationType
from cultureup.domain.collaboration.reviews import Review
from cultureup.domain.errors import ConcurrentUpdate, NotFound


class SqlAlchemyContractRepository:
    """Loads lock the contract row (FOR UPDATE on PostgreSQL; SQLite writers hold the
    database write lock), and saves check the version as a second guard."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def _select(self) -> Any:
        return (select(contracts, jobs.c.title.label("job_title"))
                .join(jobs, jobs.c.id == contracts.c.job_id)
                .with_for_update(of=contracts))

    def add(self, contract: Contract) -> None:
        contract.id = self._c.execute(insert(contracts).values(
            **_contract_values(contract), version=0).returning(contracts.c.id)).scalar_one()
        contract.version = 0

    def get(self, contract_id: int) -> Contract:
        row = self._c.execute(
            self._select().where(contracts.c.id == contract_id)).mappings().first()
        if row is None:
            raise NotFound("Contract not found.")
        return _contract_from_row(row)

    def live_for_job(self, job_id: int) -> list[Contract]:
        rows = self._c.execute(self._select().where(
            contracts.c.job_id == job_id,
            contracts.c.status.in_([s.value for s in LIVE_STATUSES])).order_by(contracts.c.id)
        ).mappings().all()
        return [_contract_from_row(row) for row in rows]

    def save(self, contract: Contract) -> None:
        result = self._c.execute(
            update(contracts).where(contracts.c.id == contract.id,
                                    contracts.c.version == contract.version)
            .values(**_contract_values(contract), version=contracts.c.version + 1))
        if result.rowcount != 1:
            raise ConcurrentUpdate("This contract was changed by someone else; try again.")
        contract.version += 1

    def delete(self, contract: Contract) -> None:
        self._c.execute(delete(contracts).where(contracts.c.id == contract.id))


def _contract_values(contract: Contract) -> dict[str, Any]:
    artist, buyer = contract.artist_signature, contract.buyer_signature
    return {
        "job_id": contract.job_id, "artist_id": contract.artist_id,
        "buyer_id": contract.buyer_id, "terms": contract.terms,
        "rights_type": contract.rights_type.value, "amount": contract.amount,
        "deadline": contract.deadline, "status": contract.status.value,
        "artist_signed_at": artist.signed_at if artist else None,
        "artist_terms_digest": artist.terms_digest if artist else None,
        "buyer_signed_at": buyer.signed_at if buyer else None,
        "buyer_terms_digest": buyer.terms_digest if buyer else None,
        "created_at": contract.created_at, "updated_at": contract.updated_at,
    }


def _signature(at: datetime | None, digest: str | None) -> Signature | None:
    return None if at is None or digest is None else Signature(signed_at=at,
                                                               terms_digest=digest)


def _contract_from_row(row: RowMapping) -> Contract:
    return Contract(
        id=row["id"], job_id=row["job_id"], artist_id=row["artist_id"],
        buyer_id=row["buyer_id"], terms=row["terms"],
        rights_type=RightsType(row["rights_type"]), amount=row["amount"],
        deadline=row["deadline"], status=ContractStatus(row["status"]),
        artist_signature=_signature(row["artist_signed_at"], row["artist_terms_digest"]),
        buyer_signature=_signature(row["buyer_signed_at"], row["buyer_terms_digest"]),
        created_at=row["created_at"], updated_at=row["updated_at"], version=row["version"],
        job_title=row["job_title"])


class SqlAlchemyMessageRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, message: Message) -> None:
        message.id = self._c.execute(insert(messages).values(**_message_values(message))
                                     .returning(messages.c.id)).scalar_one()

    def get(self, message_id: int) -> Message:
        row = self._c.execute(select(messages).where(messages.c.id == message_id)
                              .with_for_update()).mappings().first()
        if row is None:
            raise NotFound("Message not found.")
        attachment = None
        if row["attachment_key"] is not None:
            attachment = Attachment(key=row["attachment_key"], name=row["attachment_name"],
                                    content_type=row["attachment_content_type"],
                                    size=row["attachment_size"])
        return Message(id=row["id"], sender_id=row["sender_id"],
                       receiver_id=row["receiver_id"], job_id=row["job_id"],
                       content=row["content"], attachment=attachment, is_read=row["is_read"],
                       created_at=row["created_at"], updated_at=row["updated_at"])

    def save(self, message: Message) -> None:
        self._c.execute(update(messages).where(messages.c.id == message.id)
                        .values(**_message_values(message)))

    def delete(self, message: Message) -> None:
        self._c.execute(delete(messages).where(messages.c.id == message.id))


def _message_values(message: Message) -> dict[str, Any]:
    attachment = message.attachment
    return {
        "sender_id": message.sender_id, "receiver_id": message.receiver_id,
        "job_id": message.job_id, "content": message.content, "is_read": message.is_read,
        "attachment_key": attachment.key if attachment else None,
        "attachment_name": attachment.name if attachment else None,
        "attachment_content_type": attachment.content_type if attachment else None,
        "attachment_size": attachment.size if attachment else None,
        "created_at": message.created_at, "updated_at": message.updated_at,
    }


REVIEW_FIELDS = ("job_id", "reviewer_id", "artist_id", "rating", "comment", "created_at",
                 "updated_at")


class SqlAlchemyReviewRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, review: Review) -> None:
        review.id = self._c.execute(insert(reviews).values(
            **{name: getattr(review, name) for name in REVIEW_FIELDS})
            .returning(reviews.c.id)).scalar_one()

    def get(self, review_id: int) -> Review:
        row = self._c.execute(select(reviews).where(reviews.c.id == review_id)
                              .with_for_update()).mappings().first()
        if row is None:
            raise NotFound("Review not found.")
        return Review(**dict(row))

    def exists_for_job(self, job_id: int) -> bool:
        return self._c.execute(
            select(reviews.c.id).where(reviews.c.job_id == job_id).limit(1)).first() is not None

    def save(self, review: Review) -> None:
        self._c.execute(update(reviews).where(reviews.c.id == review.id).values(
            **{name: getattr(review, name) for name in REVIEW_FIELDS}))

    def delete(self, review: Review) -> None:
        self._c.execute(delete(reviews).where(reviews.c.id == review.id))


class SqlAlchemyNotificationRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, notification: Notification) -> None:
        notification.id = self._c.execute(insert(notifications).values(
            user_id=notification.user_id,
            notification_type=notification.notification_type.value,
            title=notification.title, message=notification.message,
            is_read=notification.is_read, created_at=notification.created_at,
        ).returning(notifications.c.id)).scalar_one()

    def get(self, notification_id: int) -> Notification:
        row = self._c.execute(select(notifications).where(
            notifications.c.id == notification_id).with_for_update()).mappings().first()
        if row is None:
            raise NotFound("Notification not found.")
        data = dict(row)
        data["notification_type"] = NotificationType(data["notification_type"])
        return Notification(**data)

    def save(self, notification: Notification) -> None:
        self._c.execute(update(notifications).where(notifications.c.id == notification.id)
                        .values(is_read=notification.is_read))

    def mark_all_read(self, user_id: int) -> int:
        result = self._c.execute(update(notifications).where(
            notifications.c.user_id == user_id, notifications.c.is_read.is_(False),
        ).values(is_read=True))
        return int(result.rowcount)


class SqlAlchemyAnalyticsRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def replace(self, day: date, figures: DailyFigures, *, calculated_at: datetime) -> int:
        values = {name: getattr(figures, name) for name in (
            "total_users", "new_users", "total_artists", "total_buyers", "jobs_posted",
            "jobs_completed", "bids_placed", "artworks_uploaded", "messages_sent",
            "reviews_posted", "revenue", "platform_fees")}
        existing = self._c.execute(select(daily_analytics.c.id).where(
            daily_analytics.c.date == day).with_for_update()).scalar()
        # The day's revenue per payment method (and, once its month has ended, the month's per
        # artist and buyer), kept beside the snapshot for the admin reports.
        start = datetime.combine(day, time(), tzinfo=UTC)
        write_revenue_rollup(self._c, day, start, start + timedelta(days=1), calculated_at)
        if existing is not None:
            self._c.execute(update(daily_analytics).where(daily_analytics.c.id == existing)
                            .values(**values, calculated_at=calculated_at))
            return int(existing)
        return int(self._c.execute(insert(daily_analytics).values(
            date=day, **values, calculated_at=calculated_at)
            .returning(daily_analytics.c.id)).scalar_one())
