"""Notifications: what each domain event tells whom, in the spec's words."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from cultureup.domain.events import (
    ArtistHired,
    ArtworkRejected,
    BidPlaced,
    ContractSigned,
    DomainEvent,
    JobClosedByStaff,
    JobCompleted,
    MessageSent,
    PaymentReceived,
    ReviewPosted,
)


class NotificationType(enum.StrEnum):
    NEW_BID = "new_bid"
    BID_ACCEPTED = "bid_accepted"
    JOB_COMPLETED = "job_completed"
    PAYMENT_RECEIVED = "payment_received"
    NEW_MESSAGE = "new_message"
    CONTRACT_SIGNED = "contract_signed"
    NEW_REVIEW = "new_review"
    ARTWORK_REJECTED = "artwork_rejected"
    JOB_CLOSED = "job_closed"
    CONTENT_REMOVED = "content_removed"
    CONTENT_RESTORED = "content_restored"
    MODERATION = "moderation"  # a sanction, its lifting or an appeal decision, with reason
    VERIFICATION_APPROVED = "verification_approved"
    VERIFICATION_REJECTED = "verification_rejected"


TITLES = {
    NotificationType.NEW_BID: "New Bid Received",
    NotificationType.BID_ACCEPTED: "Bid Accepted",
    NotificationType.JOB_COMPLETED: "Job Completed",
    NotificationType.PAYMENT_RECEIVED: "Payment Received",
    NotificationType.NEW_MESSAGE: "New Message",
    NotificationType.CONTRACT_SIGNED: "Contract Signed",
    NotificationType.NEW_REVIEW: "New Review",
    NotificationType.ARTWORK_REJECTED: "Artwork Rejected",
    NotificationType.JOB_CLOSED: "Job Closed",
    NotificationType.CONTENT_REMOVED: "Content Removed",
    NotificationType.CONTENT_RESTORED: "Content Restored",
    NotificationType.MODERATION: "Moderation",
    NotificationType.VERIFICATION_APPROVED: "Verification Approved",
    NotificationType.VERIFICATION_REJECTED: "Verification Rejected",
}


@attrs.define(eq=False, kw_only=True)
class Notification:
    id: int | None = None
    user_id: int
    notification_type: NotificationType
    title: str
    message: str
    is_read: bool = False
    created_at: datetime

    def mark_read(self) -> bool:
        """Returns whether it changed."""
        if self.is_read:
            return False
        self.is_read = True
        return True


def _new(user_id: int, kind: NotificationType, message: str, now: datetime) -> Notification:
    return Notification(user_id=user_id, notification_type=kind, title=TITLES[kind],
                        message=message, created_at=now)


def notifications_for(event: DomainEvent, *, now: datetime) -> list[Notification]:
    """The notifications one event causes (none for most events)."""
    match event:
        case BidPlaced():
            return [_new(event.buyer_id, NotificationType.NEW_BID,
                         f"You received a new bid from {event.artist_username} on your job "
                         f"'{event.job_title}'", now)]
        case ArtistHired():
            return [_new(event.artist_id, NotificationType.BID_ACCEPTED,
                         f"{event.buyer_username} accepted your bid on '{event.job_title}'",
                         now)]
        case JobCompleted():
            return [_new(event.artist_id, NotificationType.JOB_COMPLETED,
                         f"{event.buyer_username} marked the job '{event.job_title}' as "
                         "completed", now)]
        case MessageSent():
            return [_new(event.receiver_id, NotificationType.NEW_MESSAGE,
                         f"You have a new message from {event.sender_username}", now)]
        case ContractSigned():
            suffix = "; it is now active" if event.fully_signed else ""
            return [_new(event.other_party_id, NotificationType.CONTRACT_SIGNED,
                         f"{event.signer_username} signed the contract for "
                         f"'{event.job_title}'{suffix}", now)]
        case PaymentReceived():
            if event.payee_id is None:
                return []
            what = (f"for the job #{event.job_id}" if event.job_id is not None
                    else f"for the order #{event.order_id}")
            return [_new(event.payee_id, NotificationType.PAYMENT_RECEIVED,
                         f"You received a payment of PKR {event.amount} {what}", now)]
        case ReviewPosted():
            return [_new(event.artist_id, NotificationType.NEW_REVIEW,
                         f"{event.reviewer_username} left a {event.rating}-star review on "
                         f"'{event.job_title}'", now)]
        case ArtworkRejected():
            return [_new(event.artist_id, NotificationType.ARTWORK_REJECTED,
                         f"Your artwork '{event.title}' was rejected: {event.reason}", now)]
        case JobClosedByStaff():
            suffix = f": {event.reason}" if event.reason else ""
            return [_new(user_id, NotificationType.JOB_CLOSED,
                         f"The job '{event.job_title}' was closed by the platform{suffix}", now)
                    for user_id in (event.buyer_id, event.hired_artist_id)
                    if user_id is not None]
    return []
