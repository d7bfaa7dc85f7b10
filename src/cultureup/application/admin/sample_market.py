"""The shape of a sample marketplace at scale: how many of each record a given number of
users brings, over how long. The rows themselves are written in bulk by a `MarketLoader`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

import attrs

from cultureup.domain.errors import FieldErrors

MIN_SCALE, MAX_SCALE = 10, 2_000_000


@attrs.frozen(kw_only=True)
class MarketShape:
    """About `users` accounts (36 % artists, as in the API document's example of 450 artists
    among 1,250 users) joining over `days` days, more of them recently; each artist shows
    about four artworks, each buyer posts about 0.8 jobs that draw about three bids each;
    a quarter of the older artworks are sold. Jobs older than a month are mostly completed
    and paid (a tenth cancelled and refunded, a tenth in progress); newer ones mostly open.
    Payments: 45 % Stripe, 25 % JazzCash, 20 % bank transfer, 10 % cash on delivery (orders
    only); a small share pending or failed. `seed` makes the marketplace reproducible."""

    users: int
    days: int = 365
    seed: int = 2025
    artist_share: float = 0.36
    artworks_per_artist: float = 4.0
    jobs_per_buyer: float = 0.8
    bids_per_job: float = 3.0
    artworks_sold: float = 0.25

    @classmethod
    def of(cls, users: int, *, seed: int = 2025) -> MarketShape:
        errors = FieldErrors()
        if not MIN_SCALE <= users <= MAX_SCALE:
            errors.add("scale", f"Ensure this value is between {MIN_SCALE} and {MAX_SCALE}.")
        errors.raise_if_any()
        return cls(users=users, seed=seed)


@attrs.frozen(kw_only=True)
class MarketCounts:
    """What a load wrote."""

    users: int
    artworks: int
    jobs: int
    bids: int
    orders: int
    payments: int
    ledger_entries: int
    reviews: int
    messages: int


# Told (what, done, total) as the load goes.
Progress = Callable[[str, int, int], None]


class MarketLoader(Protocol):
    def load(self, shape: MarketShape, *, now: datetime, password_hash: str,
             category_ids: list[int], progress: Progress | None = None) -> MarketCounts:
        """Write the marketplace in bulk, every record created before `now` and after
        `now - shape.days`, payments with their shares and balanced ledger entries."""
        ...

    def loaded(self, shape: MarketShape) -> bool:
        """Whether the marketplace of this shape (its users and seed) is already written:
        its accounts' names carry the shape, so loading it again would repeat them."""
        ...
