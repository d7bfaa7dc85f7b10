"""Cheap exact counts for list pages, and the SQL helpers that keep a page's cost flat.

`row_counts` is written only by the triggers of migration 0008: the number of rows of each
list without a filter and under each single equality filter ("jobs:status=open"). A list whose
filters are one of those shapes reads its count from there (one primary-key lookup, whatever
the table's size); any other combination counts through the list's indexes, exactly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
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
    bindparam,
    delete,
    literal,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnClause
from sqlalchemy.sql.visitors import InternalTraversal

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import VISIBLE_ARTWORKS
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


# The counters the triggers keep (migrations 0008 and 0015), as plain SQL over a whole table:
# per counted table, (scope prefix, which rows, the facets counted apart). A bulk load that
# switches the triggers off (one counter row updated once per inserted row is quadratic on
# PostgreSQL inside one transaction) recounts with these; tests/integration/test_list_counts.py
# holds them equal to what the triggers keep.
COUNTED: dict[str, list[tuple[str, str | None, list[tuple[str, str]]]]] = {
    "artworks": [
        ("artworks", None, []),
        ("artworks:visible", VISIBLE_ARTWORKS, [
            ("category_id", "category_id"), ("artwork_type", "artwork_type"),
            ("is_featured", "CASE WHEN is_featured THEN '1' ELSE '0' END"),
            ("artist_id", "artist_id")]),
    ],
    "jobs": [
        ("jobs", "removed_at IS NULL", [
            ("status", "status"), ("category_id", "category_id"),
            ("experience_level", "experience_level"), ("buyer_id", "buyer_id")]),
    ],
}


def recount(connection: Connection, table: str) -> None:
    """Write the counters of `table` (a key of COUNTED) again from its rows, in the caller's
    transaction; the caller keeps other writers of the table out meanwhile."""
    prefixes = [prefix for prefix, _, _ in COUNTED[table]]
    connection.execute(delete(row_counts).where(or_(*(
        (row_counts.c.scope == prefix) | row_counts.c.scope.startswith(f"{prefix}:")
        for prefix in prefixes))))
    for prefix, rows, facets in COUNTED[table]:
        where = f" WHERE {rows}" if rows else ""
        connection.execute(text(
            f"INSERT INTO row_counts (scope, n) SELECT '{prefix}', count(*) "  # noqa: S608
            f"FROM {table}{where}"))
        for facet, value in facets:
            scope = f"'{prefix}:{facet}=' || {value}"
            connection.execute(text(
                f"INSERT INTO row_counts (scope, n) SELECT {scope}, count(*) "  # noqa: S608
                f"FROM {table}{where} GROUP BY {scope}"))


# Built once: a count read is one primary-key lookup, and building the statement per request
# cost more than running it.
_COUNTER = select(row_counts.c.n).where(row_counts.c.scope == bindparam("scope"))


def read_count(connection: Connection, scope: str) -> int:
    n = connection.execute(_COUNTER, {"scope": scope}).scalar_one_or_none()
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


def ordered_seek(ordering: str | None, default: str, columns: Mapping[str, Any],
                 id_column: Any, seal: CursorSeal) -> Seek | None:
    """The keyset of an ordering (`default` when none is given: "-created_at"), or None
    when the ordering is by a computed figure (a None or missing column)."""
    name = (ordering or default).lstrip("-")
    column = columns.get(name)
    if column is None:
        return None
    return Seek(ordering=ordering or "", columns=(column, id_column),
                descending=(ordering or default).startswith("-"), seal=seal)


def keyed_page(engine: Engine, *, keys: Select[Any], rows: Callable[[Any], Select[Any]],
               count: Callable[[Connection], int], page: PageRequest,
               build: Callable[[Any], T], seek: Seek | None = None) -> Page[T]:
    """A page in two steps: the page's keys through the ordering's index (`keys` selects the
    key column alone, filtered and ordered), so that skipping `offset` rows reads index
    entries only; then `rows(page_keys)` joins those few keys to the rows and their joins.
    With a cursor (`page.cursor`, and `seek` describing the ordering), the keys start after
    the cursor's row instead of skipping: every page then costs what the first one costs."""
    page_keys = window(keys, page, seek).subquery("page_keys")
    with engine.connect() as connection:
        total = count(connection)
        found = connection.execute(rows(page_keys)).mappings().all()
    return finish(found, total, page, build, seek)


def window(query: Select[Any], page: PageRequest, seek: Seek | None) -> Select[Any]:
    """`query` limited to the page: by number (OFFSET), or after the cursor's row, one row
    more than the page to know whether another follows. A cursor for a list or ordering
    that has no `seek` is a 400."""
    if page.cursor is None:
        return query.limit(page.page_size).offset(page.offset)
    if seek is None:
        errors = FieldErrors()
        errors.add("cursor", "Cursor paging is not offered for this ordering; use page.")
        errors.raise_if_any()
        raise AssertionError  # pragma: no cover - raise_if_any raised
    after = seek.decode(page.cursor)
    if after is not None:
        query = query.where(seek.beyond(after))
    return query.limit(page.page_size + 1)


def finish(found: Sequence[Any], total: int, page: PageRequest, build: Callable[[Any], T],
           seek: Seek | None) -> Page[T]:
    """The page of `found` rows (read by `window`), with the next page's cursor."""
    next_cursor = None
    if page.cursor is not None and seek is not None and len(found) > page.page_size:
        found = found[:page.page_size]
        next_cursor = seek.encode(found[-1])
    return Page(items=[build(row) for row in found], total=total, request=page,
                next_cursor=next_cursor)


@attrs.frozen
class CursorSeal:
    """Signs cursors so that a client can hand back only a cursor this service made: an
    HMAC-SHA256 (128 bits kept) of the cursor's content, under a key derived from the
    service's secret key, so every worker of a deployment accepts the others' cursors."""

    key: bytes = attrs.field(repr=False)

    @classmethod
    def derived(cls, secret_key: str) -> CursorSeal:
        return cls(hmac.new(secret_key.encode(), b"cultureup list cursor v1",
                            hashlib.sha256).digest())

    @classmethod
    def random(cls) -> CursorSeal:
        """A key for this process alone (tests and tools without a configured secret)."""
        return cls(secrets.token_bytes(32))

    def _mac(self, body: str) -> str:
        digest = hmac.new(self.key, body.encode("ascii"), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def seal(self, payload: bytes) -> str:
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._mac(body)}"

    def open(self, token: str) -> bytes:
        """The payload of a cursor made by `seal`; ValueError for anything else."""
        body, dot, mac = token.partition(".")
        if not dot or not body.isascii() or not hmac.compare_digest(
                self._mac(body).encode(), mac.encode("ascii", "replace")):
            raise ValueError("cursor signature")
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


@attrs.frozen
class Seek:
    """Keyset paging for one ordering: the cursor is the last row's ordering values (the
    ordering column, then the id), opaque to clients (URL-safe base64 of JSON, signed by
    `seal`) and tied to the ordering it was made for. Every ordering column is NOT NULL, so
    the row-value comparison is exact."""

    ordering: str
    columns: tuple[Any, ...]
    descending: bool
    seal: CursorSeal

    def beyond(self, values: list[Any]) -> ColumnElement[bool]:
        left = tuple_(*self.columns)
        right = tuple_(*(literal(value, type_=column.type)
                         for column, value in zip(self.columns, values, strict=True)))
        return left < right if self.descending else left > right

    def encode(self, row: Any) -> str:
        values = [_plain_value(row[column.name]) for column in self.columns]
        payload = json.dumps({"o": self.ordering, "v": values}, separators=(",", ":"))
        return self.seal.seal(payload.encode())

    def decode(self, cursor: str) -> list[Any] | None:
        """The values after which the page starts; None for the first page ("")."""
        if cursor == "":
            return None
        errors = FieldErrors()
        try:
            payload = json.loads(self.seal.open(cursor))
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
