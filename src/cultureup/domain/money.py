"""Money: Decimal amounts in PKR with exactly two places, never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import attrs

CENT = Decimal("0.01")
_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
CURRENCY = "PKR"
# Large enough for any artwork or commission, small enough to fit a 64-bit count of paisa.
MAX_AMOUNT = Decimal("9999999999.99")


def _to_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, bool | float):
        raise TypeError("Money is built from Decimal, int or str, never float or bool")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a decimal amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError("amount must be finite")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@attrs.frozen(order=True)
class Money:
    """An amount in one currency, quantized half-up to 0.01."""

    amount: Decimal = attrs.field(converter=_to_decimal)
    currency: str = CURRENCY

    @classmethod
    def parse(cls, value: object) -> Money:
        """Read client input strictly: a decimal string or number with at most two places."""
        if isinstance(value, bool) or value is None:
            raise ValueError("A valid number is required.")
        if isinstance(value, float):
            value = repr(value)
        if not isinstance(value, int | str | Decimal):
            raise ValueError("A valid number is required.")
        text = str(value).strip()
        # Plain decimals only: no exponents, underscores, "Infinity" or "NaN".
        if isinstance(value, str) and not _PLAIN_DECIMAL.fullmatch(text):
            raise ValueError("A valid number is required.")
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError("A valid number is required.") from exc
        if not amount.is_finite():
            raise ValueError("A valid number is required.")
        # Size first, without context arithmetic: normalize() of "1e999999999" raises Overflow.
        if amount.copy_abs() > MAX_AMOUNT:
            raise ValueError(f"Ensure this value is at most {MAX_AMOUNT}.")
        exponent = amount.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise ValueError("Ensure that there are no more than 2 decimal places.")
        return cls(amount)

    @classmethod
    def from_cents(cls, cents: int) -> Money:
        """The amount of a number of paisa. For an int (the stored amounts that read models
        turn into Money, many per page) the product with 0.01 has exactly two places
        already, so the converter's checks and rounding are skipped (a fifth of the cost);
        anything else (a database's Decimal sum, say) goes through them."""
        if type(cents) is not int:
            return cls(Decimal(cents) * CENT)
        money = object.__new__(cls)
        object.__setattr__(money, "amount", Decimal(cents) * CENT)
        object.__setattr__(money, "currency", CURRENCY)
        return money

    @property
    def cents(self) -> int:
        return int(self.amount / CENT)

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    def __str__(self) -> str:
        return f"{self.amount:.2f}"

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError("cannot mix currencies")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)
