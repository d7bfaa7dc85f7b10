"""The platform's fee: how a payment's amount is split between the platform and the sellers.

The fee is the amount times the rate, rounded half-up to 0.01; the seller's earning is the
amount minus the fee, so the two always add up to the amount. An order is split per seller:
each artist's artworks are split on their own sum, and equipment is the platform's own stock,
so its revenue belongs wholly to the platform.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

import attrs

from cultureup.domain.money import CENT, Money

DEFAULT_FEE_RATE = Decimal("0.10")


def _rate(value: Decimal | str) -> Decimal:
    rate = Decimal(value)
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
        raise ValueError("a fee rate lies between 0 and 1")
    return rate


@attrs.frozen
class FeeRate:
    """The platform's share of a sale, as a fraction (0.10 is 10 %)."""

    value: Decimal = attrs.field(converter=_rate)

    def fee_on(self, amount: Money) -> Money:
        return Money((amount.amount * self.value).quantize(CENT, rounding=ROUND_HALF_UP))


@attrs.frozen(kw_only=True)
class FeeSplit:
    """One amount split into the platform's fee and the seller's earning."""

    amount: Money
    platform_fee: Money
    artist_earning: Money

    def __attrs_post_init__(self) -> None:
        if self.platform_fee + self.artist_earning != self.amount:
            raise ValueError("a fee split must add up to its amount")

    @classmethod
    def of(cls, amount: Money, rate: FeeRate) -> FeeSplit:
        fee = rate.fee_on(amount)
        return cls(amount=amount, platform_fee=fee, artist_earning=amount - fee)


@attrs.frozen(kw_only=True)
class SellerShare:
    """What one seller's lines of a payment come to. `seller_id` None is the platform itself
    (equipment): all of it is platform revenue, nothing is earned by an artist."""

    seller_id: int | None
    split: FeeSplit

    @property
    def platform_part(self) -> Money:
        return self.split.amount if self.seller_id is None else self.split.platform_fee

    @property
    def seller_part(self) -> Money:
        return Money(0) if self.seller_id is None else self.split.artist_earning


def split_by_seller(lines: Iterable[tuple[int | None, Money]],
                    rate: FeeRate) -> tuple[SellerShare, ...]:
    """Group line totals by seller (None = platform) and split each seller's sum once."""
    sums: dict[int | None, Money] = {}
    for seller_id, total in lines:
        sums[seller_id] = sums.get(seller_id, Money(0)) + total
    ordered = sorted(sums.items(), key=lambda item: (item[0] is not None, item[0] or 0))
    shares = []
    for seller_id, total in ordered:
        if seller_id is None:
            split = FeeSplit(amount=total, platform_fee=total, artist_earning=Money(0))
        else:
            split = FeeSplit.of(total, rate)
        shares.append(SellerShare(seller_id=seller_id, split=split))
    return tuple(shares)


def proportional_parts(parts: Sequence[int], total: int, cumulative: int) -> list[int]:
    """Allocate `cumulative` (0..total) over integer `parts` summing to `total`, in proportion.

    Cumulative rounding: part k gets round(P_k * c / T) - round(P_(k-1) * c / T), where P_k
    is the sum of the first k parts. Every allocation lies between 0 and its part, the
    allocations add up to `cumulative` exactly, and the first part's allocation is exactly its
    own proportional share rounded half-up (so a fee listed first is refunded in proportion).
    """
    if sum(parts) != total or not 0 <= cumulative <= total or any(p < 0 for p in parts):
        raise ValueError("parts must be non-negative and add up to total, "
                         "and 0 <= cumulative <= total")
    if total == 0:
        return [0 for _ in parts]
    allocations, prefix, previous = [], 0, 0
    for part in parts:
        prefix += part
        rounded = int((Decimal(prefix) * cumulative / total).quantize(
            Decimal(1), rounding=ROUND_HALF_UP))
        allocations.append(rounded - previous)
        previous = rounded
    return allocations
