"""Domain events: facts in the past tense, handled after the unit of work commits."""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Base of every event."""


@attrs.frozen(kw_only=True)
class UserRegistered(DomainEvent):
    user_id: int
    user_type: str


@attrs.frozen(kw_only=True)
class JobPosted(DomainEvent):
    job_id: int
    buyer_id: int


@attrs.frozen(kw_only=True)
class BidPlaced(DomainEvent):
    job_id: int
    artist_id: int
    buyer_id: int
    artist_username: str
    job_title: str


@attrs.frozen(kw_only=True)
class BidWithdrawn(DomainEvent):
    job_id: int
    bid_id: int
    artist_id: int


@attrs.frozen(kw_only=True)
class ArtistHired(DomainEvent):
    job_id: int
    bid_id: int
    artist_id: int
    buyer_id: int
    final_amount: str
    rejected_bid_ids: tuple[int, ...]
    buyer_username: str
    job_title: str


@attrs.frozen(kw_only=True)
class JobCompleted(DomainEvent):
    job_id: int
    artist_id: int
    buyer_id: int
    buyer_username: str
    job_title: str


@attrs.frozen(kw_only=True)
class JobCancelled(DomainEvent):
    job_id: int
    buyer_id: int


@attrs.frozen(kw_only=True)
class OrderPlaced(DomainEvent):
    order_id: int
    buyer_id: int
    total_amount: str


@attrs.frozen(kw_only=True)
class OrderConfirmed(DomainEvent):
    order_id: int
    buyer_id: int


@attrs.frozen(kw_only=True)
class OrderCancelled(DomainEvent):
    order_id: int
    buyer_id: int
    by_staff: bool
    reason: str


@attrs.frozen(kw_only=True)
class OrderDelivered(DomainEvent):
    order_id: int
    buyer_id: int


@attrs.frozen(kw_only=True)
class PaymentReceived(DomainEvent):
    payment_id: int
    payer_id: int
    payee_id: int | None
    amount: str
    order_id: int | None
    job_id: int | None


@attrs.frozen(kw_only=True)
class PaymentFailed(DomainEvent):
    payment_id: int
    payer_id: int
    reason: str


@attrs.frozen(kw_only=True)
class PaymentReleased(DomainEvent):
    payment_id: int
    payee_id: int | None
    artist_earning: str


@attrs.frozen(kw_only=True)
class PaymentRefunded(DomainEvent):
    payment_id: int
    payer_id: int
    amount: str
    fully: bool


@attrs.frozen(kw_only=True)
class ContractSigned(DomainEvent):
    contract_id: int
    job_id: int
    signer_id: int
    signer_username: str
    other_party_id: int
    job_title: str
    fully_signed: bool


@attrs.frozen(kw_only=True)
class MessageSent(DomainEvent):
    message_id: int
    sender_id: int
    sender_username: str
    receiver_id: int


@attrs.frozen(kw_only=True)
class ReviewPosted(DomainEvent):
    review_id: int
    job_id: int
    artist_id: int
    reviewer_username: str
    rating: int
    job_title: str


@attrs.frozen(kw_only=True)
class ArtworkRejected(DomainEvent):
    artwork_id: int
    artist_id: int
    title: str
    reason: str


@attrs.frozen(kw_only=True)
class JobClosedByStaff(DomainEvent):
    job_id: int
    buyer_id: int
    hired_artist_id: int | None
    job_title: str
    reason: str
