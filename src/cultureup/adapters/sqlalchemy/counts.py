"""Cheap exact counts for list pages, and the SQL helpers that keep a page's cost flat.

`row_counts` is written only by the triggers of migration 0008: the number of rows of each
list without a filter and under each single equality filter ("jobs:status=open"). A list whose
filters are one of those shapes reads its count from there (one primary-key lookup, whatever
the table's size); any other combination counts through the list's indexes, exactly.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import attrs
from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Connection,
    Engine,
    Select,
    String,
    Table,
    literal,
    select,
    tuple_,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnClause
from sqlalchemy.sql.visitors import InternalTraversal

from cultureup.adapters.sqlalchemy.tables import metadata
from cultureup.adapters.sqlalchemy.types import MoneyCents, UTCDateTime
from cultureup.application.views import Page, PageRequest
from cultureup.domain.errors import FieldErrors
from cultureup.domain.money import Money

T = TypeVar("T")

row_counts = Table(
    "row_counts", metadata,
    Column("scope", String(200), primary_key=True),
    Column("n", BigInteger, nullable=False),
)


def scope_value(value: Any) -> str:
    """A filter value as the triggers spell it: booleans as 1/0, the rest as text."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def counted_scope(prefix: str, equalities: Mapping[str, Any],
                  facets: tuple[str, ...]) -> str | None:
    """The counter that holds this filter's count, or None when no counter does (more than
    one filter, or a filter that is not a counted equality)."""
    if not equalities:
        return prefix
    if len(equalities) == 1:
        (facet, value), = equalities.items()
        if facet in facets:
            return f"{prefix}:{facet}={scope_value(value)}"
    return None


def read_count(connection: Connection, scope: str) -> int:
    n = connection.execute(
        select(row_counts.c.n).where(row_counts.c.scope == scope)).scalar_one_or_none()
    return int(n or 0)


class Unindexed(ColumnElement[Any]):
    """A column that SQLite's planner must not pick an index for (the unary `+` of SQLite's
    documentation): a range filter is then applied while walking the ordering's index rather
    than read through its own index and sorted. Other databases get the plain column and
    choose by their statistics."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnClause[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(Unindexed)
def _plain(element: Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(Unindexed, "sqlite")
def _unary_plus(element: Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))


def order_clauses(ordering: str | None, columns: Mapping[str, Any], default: Sequence[Any],
                  id_column: Any) -> list[Any]:
    """The chosen column, then the id in the same direction so pages never overlap."""
    if not ordering:
        return list(default)
    column = columns[ordering.lstrip("-")]
    keys = [id_column] if column is None else [column, id_column]
    if ordering.startswith("-"):
        return [key.desc() for key in keys]
    return [key.asc() for key in keys]


def keyed_page(engine: Engine, *, keys: Select[Any], rows: Callable[[Any], Select[Any]],
               count: Callable[[Connection], int], page: PageRequest,
               build: Callable[[Any], T], seek: Seek | None = None) -> Page[T]:
    """A page in two steps: the page's keys through the ordering's index (`keys` selects the
    key column alone, filtered and ordered), so that skipping `offset` rows reads index
    entries only; then `rows(page_keys)` joins those few keys to the rows and their joins.
    With a cursor (`page.cursor`, and `seek` describing the ordering), the keys start after
    the cursor's row instead of skipping: every page then costs what the first one costs."""
    size = page.page_size
    if page.cursor is not None and seek is not None:
        after = seek.decode(page.cursor)
        if after is not None:
            keys = keys.where(seek.beyond(after))
        page_keys = keys.limit(size + 1).subquery("page_keys")
    else:
        page_keys = keys.limit(size).offset(page.offset).subquery("page_keys")
    with engine.connect() as connection:
        total = count(connection)
        found = connection.execute(rows(page_keys)).mappings().all()
    next_cursor = None
    if page.cursor is not None and seek is not None and len(found) > size:
        found = found[:size]
        next_cursor = seek.encode(found[-1])
    return Page(items=[build(row) for row in found], total=total, request=page,
                next_cursor=next_cursor)


@attrs.frozen
class Seek:
    """Keyset paging for one ordering: the cursor is the last row's ordering values (the
    ordering column, then the id), opaque to clients (URL-safe base64 of JSON) and tied to
    the ordering it was made for."""

    ordering: str
    columns: tuple[Any, ...]
    descending: bool

    def beyond(self, values: list[Any]) -> ColumnElement[bool]:
        left = tuple_(*self.columns)
        right = tuple_(*(literal(value, type_=column.type)
                         for column, value in zip(self.columns, values, strict=True)))
        return left < right if self.descending else left > right

    def encode(self, row: Any) -> str:
        values = [_plain_value(row[column.name]) for column in self.columns]
        payload = json.dumps({"o": self.ordering, "v": values}, separators=(",", ":"))
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> list[Any] | None:
        """The values after which the page starts; None for the first page ("")."""
        if cursor == "":
            return None
        errors = FieldErrors()
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            raw = payload["v"]
            if payload["o"] != self.ordering:
                errors.add("cursor", "This cursor belongs to another ordering.")
                errors.raise_if_any()
            if not isinstance(raw, list) or len(raw) != len(self.columns):
                raise ValueError(cursor)
            return [_typed_value(column, value) for column, value in zip(
                self.columns, raw, strict=True)]
        except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
            errors.add("cursor", "Invalid cursor.")
            errors.raise_if_any()
            raise  # pragma: no cover - raise_if_any raised


def _plain_value(value: Any) -> Any:
    if isinstance(value, Money):
        return value.cents
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _typed_value(column: Any, value: Any) -> Any:
    if isinstance(column.type, MoneyCents):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(value)
        return Money.from_cents(value)
    if isinstance(column.type, UTCDateTime):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError(value)
        return moment
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(value)
    return value


def count_rows(query: Select[Any]) -> Callable[[Connection], int]:
    """An exact count of a filtered list, through whatever index the planner picks."""
    return lambda connection: int(connection.execute(query).scalar_one())


def counter_or(scope: str | None, query: Select[Any]) -> Callable[[Connection], int]:
    """The maintained counter when the filters have one, else an exact count."""
    if scope is None:
        return count_rows(query)
    return lambda connection: read_count(connection, scope)
