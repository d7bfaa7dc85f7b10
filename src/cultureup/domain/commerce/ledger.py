"""The ledger: an append-only record of money movements, in balanced transactions.

Every movement is a transaction of entries whose signed amounts add up to zero, so money is
never created or lost, only moved between accounts:

- a buyer's account (`buyer`) goes down by what the buyer paid and up by what was refunded;
- an artist's earnings wait in `artist_held` (escrow) until released to `artist_available`;
- the platform keeps its fees in `platform_fees` and equipment revenue in `platform_sales`.

Balances, profile totals and payment statistics are sums over entries; nothing is updated
in place.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

import attrs

from cultureup.domain.money import Money


class AccountKind(enum.StrEnum):
    BUYER = "buyer"
    ARTIST_HELD = "artist_held"
    ARTIST_AVAILABLE = "artist_available"
    PLATFORM_FEES = "platform_fees"
    PLATFORM_SALES = "platform_sales"


class EntryKind(enum.StrEnum):
    CAPTURED = "captured"
    FEE = "fee"
    SALE = "sale"
    EARNING_HELD = "earning_held"
    RELEASED = "released"
    REFUNDED = "refunded"


class TransactionKind(enum.StrEnum):
    CAPTURE = "capture"
    RELEASE = "release"
    REFUND = "refund"


PLATFORM_ACCOUNTS = frozenset({AccountKind.PLATFORM_FEES, AccountKind.PLATFORM_SALES})


@attrs.frozen
class Account:
    kind: AccountKind
    user_id: int | None = None

    def __attrs_post_init__(self) -> None:
        if (self.kind in PLATFORM_ACCOUNTS) != (self.user_id is None):
            raise ValueError("platform accounts have no user; every other account has one")


@attrs.frozen(kw_only=True)
class LedgerEntry:
    account: Account
    kind: EntryKind
    amount: Money  # signed: what the account gained (negative: what it gave)


@attrs.frozen(kw_only=True)
class LedgerTransaction:
    kind: TransactionKind
    payment_id: int
    entries: tuple[LedgerEntry, ...] = attrs.field(converter=tuple)
    created_at: datetime
    id: int | None = None

    def __attrs_post_init__(self) -> None:
        if not self.entries:
            raise ValueError("a transaction moves some money")
        if sum((entry.amount for entry in self.entries), Money(0)) != Money(0):
            raise ValueError("a ledger transaction must balance to zero")


def balances(entries: Iterable[LedgerEntry]) -> dict[Account, Money]:
    """The balance of every account the entries touch."""
    totals: dict[Account, Money] = {}
    for entry in entries:
        totals[entry.account] = totals.get(entry.account, Money(0)) + entry.amount
    return totals
