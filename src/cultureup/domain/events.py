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


@attrs.frozen(kw_only=True)
class JobCompleted(DomainEvent):
    job_id: int
    artist_id: int
    buyer_id: int


@attrs.frozen(kw_only=True)
class JobCancelled(DomainEvent):
    job_id: int
    buyer_id: int
