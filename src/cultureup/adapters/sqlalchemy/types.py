"""Column types that keep money exact and time in UTC on every database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

from cultureup.domain.money import Money


class MoneyCents(TypeDecorator[Money]):
    """Money stored as a whole number of paisa: exact, sortable and the same on all databases."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if not isinstance(value, Money):
            value = Money(value)
        return value.cents

    def process_result_value(self, value: Any, dialect: Dialect) -> Money | None:
        return None if value is None else Money.from_cents(int(value))


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as naive UTC and read back timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # SQLite returns text for expressions such as MAX()
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)
