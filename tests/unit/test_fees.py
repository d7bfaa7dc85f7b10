"""The fee split and proportional refunds: exact, half-up, and always adding up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.domain.commerce.fees import FeeRate, FeeSplit, proportional_parts, split_by_seller
from cultureup.domain.money import Money

AMOUNTS = st.integers(min_value=1, max_value=100_000_000).map(Money.from_cents)
RATES = st.decimals(min_value=0, max_value=1, places=4).map(FeeRate)


@given(AMOUNTS)
def test_the_default_split_adds_up_for_every_amount_up_to_a_million(amount: Money) -> None:
    split = FeeSplit.of(amount, FeeRate(Decimal("0.10")))
    assert split.platform_fee + split.artist_earning == amount
    assert split.platform_fee == Money((amount.amount / 10).quantize(Decimal("0.01"),
                                                                        rounding="ROUND_HALF_UP"))
    assert Money(0) <= split.platform_fee <= amount


@given(AMOUNTS, RATES)
def test_any_rate_splits_into_two_non_negative_parts_that_add_up(amount: Money,
                                                                 rate: FeeRate) -> None:
    split = FeeSplit.of(amount, rate)
    assert split.platform_fee + split.artist_earning == amount
    assert split.platform_fee >= Money(0) and split.artist_earning >= Money(0)


@pytest.mark.parametrize(("amount", "fee", "earning"), [
    ("899.97", "90.00", "809.97"),  # the document's 89.997 rounds half-up
    ("850.00", "85.00", "765.00"),
    ("0.05", "0.01", "0.04"),  # 0.005 rounds up
    ("0.04", "0.00", "0.04"),
    ("0.01", "0.00", "0.01"),
    ("1000000.00", "100000.00", "900000.00"),
])
def test_known_splits(amount: str, fee: str, earning: str) -> None:
    split = FeeSplit.of(Money(amount), FeeRate(Decimal("0.10")))
    assert (str(split.platform_fee), str(split.artist_earning)) == (fee, earning)


def test_a_rate_outside_zero_to_one_is_refused() -> None:
    for bad in ("-0.01", "1.01", "NaN"):
        with pytest.raises(ValueError, match="between 0 and 1"):
            FeeRate(Decimal(bad))


@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 5)), AMOUNTS), min_size=1,
                max_size=8), RATES)
def test_an_order_split_per_seller_adds_up_and_equipment_is_platform_revenue(
        lines: list[tuple[int | None, Money]], rate: FeeRate) -> None:
    shares = split_by_seller(lines, rate)
    total = sum((amount for _, amount in lines), Money(0))
    assert sum((s.platform_part + s.seller_part for s in shares), Money(0)) == total
    assert len({s.seller_id for s in shares}) == len(shares)
    for share in shares:
        if share.seller_id is None:
            assert share.seller_part == Money(0)
        else:
            assert share.split == FeeSplit.of(share.split.amount, rate)


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=6), st.data())
def test_proportional_parts_stay_within_each_part_and_add_up(parts: list[int],
                                                             data: st.DataObject) -> None:
    total = sum(parts)
    cumulative = data.draw(st.integers(0, total))
    allocation = proportional_parts(parts, total, cumulative)
    assert sum(allocation) == cumulative
    assert all(0 <= given_back <= part for given_back, part in zip(allocation, parts,
                                                                   strict=True))
    if total:
        first = (Decimal(parts[0]) * cumulative / total).quantize(Decimal(1),
                                                                   rounding="ROUND_HALF_UP")
        assert allocation[0] == first
    assert proportional_parts(parts, total, total) == parts
