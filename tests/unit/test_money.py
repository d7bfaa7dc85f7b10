"""Money: Decimal amounts with exactly two places, quantized half-up, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.domain.money import CENT, MAX_AMOUNT, Money

MAX_CENTS = int(MAX_AMOUNT * 100)

money_amounts = st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS).map(Money.from_cents)


@pytest.mark.parametrize(("raw", "expected"), [
    ("0.005", "0.01"),
    ("0.004", "0.00"),
    ("0.025", "0.03"),  # half-even would give 0.02
    ("2.675", "2.68"),
    ("-0.005", "-0.01"),  # half-up rounds away from zero
    ("12", "12.00"),
    (7, "7.00"),
    (Decimal("1E+3"), "1000.00"),
])
def test_money_quantizes_half_up_to_the_paisa(raw: str | int | Decimal, expected: str) -> None:
    money = Money(raw)
    assert money.amount == Decimal(expected)
    assert money.amount.as_tuple().exponent == -2


@given(st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, allow_nan=False,
                   allow_infinity=False, places=6))
def test_any_decimal_becomes_its_half_up_quantization(value: Decimal) -> None:
    assert Money(value).amount == value.quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("value", [1.5, 0.1, True, False])
def test_money_refuses_float_and_bool(value: object) -> None:
    with pytest.raises(TypeError):
        Money(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["abc", "", "1,5", "NaN", "sNaN", "Infinity", "-inf"])
def test_money_refuses_non_numbers_and_non_finite_values(value: str) -> None:
    with pytest.raises(ValueError):
        Money(value)


def test_money_is_in_pkr_by_default() -> None:
    assert Money("10").currency == "PKR"


@pytest.mark.parametrize(("value", "expected"), [
    ("12.50", "12.50"),
    (" 12.5 ", "12.50"),
    (100, "100.00"),
    (Decimal("99.99"), "99.99"),
    (0.1, "0.10"),  # a JSON float is read by its shortest repr, not its binary value
    (1234.56, "1234.56"),
    ("-3", "-3.00"),
    (str(MAX_AMOUNT), str(MAX_AMOUNT)),
    (f"-{MAX_AMOUNT}", f"-{MAX_AMOUNT}"),
])
def test_parse_reads_numbers_with_at_most_two_places(value: object, expected: str) -> None:
    assert Money.parse(value) == Money(expected)


@pytest.mark.parametrize("value", ["1.234", "0.001", "-0.005", 1.005, Decimal("5.125")])
def test_parse_refuses_more_than_two_decimal_places(value: object) -> None:
    with pytest.raises(ValueError, match="no more than 2 decimal places"):
        Money.parse(value)


@pytest.mark.parametrize("value", [
    "abc", "", "   ", "12 PKR", "1,000", None, True, False, [1], {"amount": 1}, b"12",
    "1e2", "1_000", "0x10",
])
def test_parse_refuses_non_numbers(value: object) -> None:
    with pytest.raises(ValueError, match="A valid number is required"):
        Money.parse(value)


@pytest.mark.parametrize("value", [
    "NaN", "nan", "sNaN", "Infinity", "inf", "-Infinity", float("nan"), float("inf"),
    Decimal("NaN"),
])
def test_parse_refuses_nan_and_infinity(value: object) -> None:
    with pytest.raises(ValueError, match="A valid number is required"):
        Money.parse(value)


@pytest.mark.parametrize("value", [
    "10000000000", "10000000000.00", "-10000000000", 10**12, 10**20,
    str(MAX_AMOUNT + CENT),
])
def test_parse_refuses_values_above_max_amount(value: object) -> None:
    with pytest.raises(ValueError, match="at most"):
        Money.parse(value)


@pytest.mark.parametrize(("money", "text"), [
    (Money(5), "5.00"),
    (Money("0.1"), "0.10"),
    (Money("1E+3"), "1000.00"),
    (Money("1234567.8"), "1234567.80"),
    (Money(MAX_AMOUNT), "9999999999.99"),
    (Money("-2.5"), "-2.50"),
])
def test_str_always_has_two_decimals(money: Money, text: str) -> None:
    assert str(money) == text


@given(money_amounts)
def test_parse_of_str_gives_back_the_same_money(money: Money) -> None:
    assert Money.parse(str(money)) == money


@given(money_amounts)
def test_cents_round_trip(money: Money) -> None:
    assert Money.from_cents(money.cents) == money


@given(st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS))
def test_from_cents_then_cents_is_the_identity(cents: int) -> None:
    assert Money.from_cents(cents).cents == cents


@given(st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, allow_nan=False,
                   allow_infinity=False, places=4))
def test_parse_refuses_exactly_when_a_third_or_later_place_is_non_zero(value: Decimal
                                                                     ) -> None:
    if value == value.quantize(CENT):
        assert Money.parse(str(value)) == Money(value)
    else:
        with pytest.raises(ValueError):
            Money.parse(str(value))


def test_cents_counts_paisa() -> None:
    assert Money("12.34").cents == 1234
    assert Money("-0.05").cents == -5


def test_addition_and_subtraction_stay_exact() -> None:
    assert Money("0.10") + Money("0.20") == Money("0.30")
    assert Money("1000.00") - Money("0.01") == Money("999.99")


def test_amounts_of_different_currencies_do_not_mix() -> None:
    with pytest.raises(ValueError, match="cannot mix currencies"):
        Money("1") + Money("1", currency="USD")


def test_money_orders_by_amount() -> None:
    assert Money("9.99") < Money("10.00") < Money("100")
    assert max(Money("5"), Money("50"), Money("0.5")) == Money("50")


def test_money_with_the_same_amount_is_equal_and_hashes_alike() -> None:
    assert Money("1.5") == Money(Decimal("1.50"))
    assert len({Money("1.5"), Money(Decimal("1.50")), Money("1.500")}) == 1


@pytest.mark.parametrize(("value", "positive"), [("0.01", True), ("0", False), ("-1", False)])
def test_only_amounts_above_zero_are_positive(value: str, positive: bool) -> None:
    assert Money(value).is_positive is positive


@given(st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS))
def test_from_cents_is_the_checked_constructor_s_money(cents: int) -> None:
    """The unchecked path of an int gives what the converter gives: the same amount, with
    the same exponent (so the same text), the same currency, equal and hashed alike."""
    fast, checked = Money.from_cents(cents), Money(Decimal(cents) / 100)
    assert fast == checked and hash(fast) == hash(checked)
    assert fast.amount.as_tuple() == checked.amount.as_tuple()
    assert str(fast) == str(checked) and fast.currency == checked.currency


def test_from_cents_of_a_decimal_goes_through_the_checks() -> None:
    assert Money.from_cents(Decimal(1234)) == Money("12.34")  # a database's SUM
    assert Money.from_cents(Decimal("0.5")) == Money("0.01")  # half-up, as Money(...)
