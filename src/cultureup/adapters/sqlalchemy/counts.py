"""Cheap exact counts for list pages, and the SQL helpers that keep a page's cost flat.

`row_counts` is written only by the triggers of migration 0008: the number of rows of each
list without a filter and under each single equality filter ("jobs:status=open"). A list whose
filters are one of those shapes reads its count from there (one primary-key lookup, whatever
the table's size); any other combination counts through the list's indexes, exactly.
`row_count_days` (migration 0024, same triggers) holds the same counts per day of creation for
the lists of DAY_SCOPES, which lets a deep page start at its first row's day (`day_jump`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

import attrs
from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    delete,
    func,
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
S = TypeVar("S", bound=tuple[Any, ...])

row_counts = Table(
    "row_counts", metadata,
    Column("scope", String(200), primary_key=True),
    Column("n", BigInteger, nullable=False),
)
# The rows of a counted list created on each UTC day ("YYYY-MM-DD"), for the scopes of
# DAY_SCOPES; written by the same triggers (migration 0024). `day_jump` reads them.
row_count_days = Table(
    "row_count_days", metadata,
    Column("scope", String(200), primary_key=True),
    Column("day", String(10), primary_key=True),
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


# The scopes also counted by day of creation (`row_count_days`): every list of COUNTED and
# its facets with few values (a per-user list is short; by day it would cost a row per user
# and day). A scope is named as in row_counts; its facet's values are not listed here.
DAY_SCOPES = frozenset({
    "artworks", "artworks:visible", "artworks:visible:category_id",
    "artworks:visible:artwork_type", "artworks:visible:is_featured",
    "jobs", "jobs:status", "jobs:category_id", "jobs:experience_level"})


def _day_of_creation(dialect: str) -> str:
    """A row's UTC day of creation as the triggers of migration 0024 write it."""
    if dialect == "sqlite":
        return "substr(created_at, 1, 10)"
    return "to_char(created_at, 'YYYY-MM-DD')"


def recount(connection: Connection, table: str) -> None:
    """Write the counters of `table` (a key of COUNTED), by list and by day of creation,
    again from its rows, in the caller's transaction; the caller keeps other writers of the
    table out meanwhile."""
    prefixes = [prefix for prefix, _, _ in COUNTED[table]]
    for counter in (row_counts, row_count_days):
        connection.execute(delete(counter).where(or_(*(
            (counter.c.scope == prefix) | counter.c.scope.startswith(f"{prefix}:")
            for prefix in prefixes))))
    day = _day_of_creation(connection.dialect.name)
    for prefix, rows, facets in COUNTED[table]:
        where = f" WHERE {rows}" if rows else ""
        connection.execute(text(
            f"INSERT INTO row_counts (scope, n) SELECT '{prefix}', count(*) "  # noqa: S608
            f"FROM {table}{where}"))
        if prefix in DAY_SCOPES:
            connection.execute(text(
                "INSERT INTO row_count_days (scope, day, n) "  # noqa: S608
                f"SELECT '{prefix}', {day}, count(*) FROM {table}{where} GROUP BY {day}"))
        for facet, value in facets:
            scope = f"'{prefix}:{facet}=' || {value}"
            connection.execute(text(
                f"INSERT INTO row_counts (scope, n) SELECT {scope}, count(*) "  # noqa: S608
                f"FROM {table}{where} GROUP BY {scope}"))
            if f"{prefix}:{facet}" in DAY_SCOPES:
                connection.execute(text(
                    "INSERT INTO row_count_days (scope, day, n) "  # noqa: S608
                    f"SELECT {scope}, {day}, count(*) FROM {table}{where} "
                    f"GROUP BY {scope}, {day}"))


# Built once: a count read is one primary-key lookup, and building the statement per request
# cost more than running it.
_COUNTER = select(row_counts.c.n).where(row_counts.c.scope == bindparam("scope"))


def read_count(connection: Connection, scope: str) -> int:
    n = connection.execute(_COUNTER, {"scope": scope}).scalar_one_or_none()
    return int(n or 0)


# A page by number that skips at least this many rows of a list counted by day starts its
# walk at its first row's day (`day_jump`); below it, walking the skipped index entries costs
# less than reading the day counts (about a year of days).
DAY_JUMP_FROM = 2_000


@attrs.frozen
class DayJump:
    """Where a deep page of a list in creation order starts: the UTC `day` its first row was
    created on, newest first or oldest first (`descending`), and how many rows of that day
    come before the page (`skip`)."""

    day: date
    descending: bool
    skip: int

    def bound(self, dialect: str) -> Any:
        """The value of `day_bound` (`day_bounded`): the start of the day after `day` when
        newest first, of `day` itself when oldest first. On SQLite, where a timestamp is
        text, the day's own text ("YYYY-MM-DD"): it sorts before every stored time of that
        day whatever the time's format ("2026-04-10 00:00:00", "...00:00:00.000000",
        "...T00:00"), exactly as the triggers assign days (its first ten characters)."""
        start = self.day + timedelta(days=1) if self.descending else self.day
        if dialect == "sqlite":
            return start.isoformat()
        return datetime(start.year, start.month, start.day, tzinfo=UTC)


def _days_before(descending: bool) -> Select[Any]:
    """The day holding the list's row number `:offset` (from 0, in creation order), and the
    number of the list's rows created on the days before it in that order: one walk of the
    scope's day counts (about 365 rows a year) by primary key."""
    order = row_count_days.c.day.desc() if descending else row_count_days.c.day.asc()
    days = select(
        row_count_days.c.day, row_count_days.c.n,
        func.coalesce(func.sum(row_count_days.c.n).over(order_by=order, rows=(None, -1)),
                      0).label("before"),
    ).where(row_count_days.c.scope == bindparam("scope")).subquery("days")
    offset = bindparam("offset", type_=BigInteger)
    return (select(days.c.day, days.c.before)
            .where(days.c.n > 0, days.c.before <= offset, days.c.before + days.c.n > offset))


_DAYS_BEFORE = {descending: _days_before(descending) for descending in (True, False)}


def day_jump(connection: Connection, scope: str, offset: int,
             descending: bool) -> DayJump | None:
    """Where the page that skips `offset` rows of the list counted under `scope` (one of
    DAY_SCOPES, with its value) starts, in the same order as the list's rows (ids break
    ties within a day, in the same direction); None when the list has no row `offset`."""
    found = connection.execute(_DAYS_BEFORE[descending],
                               {"scope": scope, "offset": offset}).first()
    if found is None:
        return None
    return DayJump(day=date.fromisoformat(found.day), descending=descending,
                   skip=offset - int(found.before))


def day_bounded(created_at: Any, ordering: str | None,
                dialect: str) -> ColumnElement[bool] | None:
    """The condition that starts a deep page's walk at `DayJump.bound` (the bound parameter
    `day_bound`) for a list in creation order (`ordering` None, "-created_at" or
    "created_at"); None for any other ordering. On SQLite the bound is text (see
    DayJump.bound)."""
    kind = String() if dialect == "sqlite" else created_at.type
    if ordering in (None, "", "-created_at"):
        return created_at < bindparam("day_bound", type_=kind)
    if ordering == "created_at":
        return created_at >= bindparam("day_bound", type_=kind)
    return None


def starting_at_day(connection: Connection, rows: Select[Any], deep: Select[Any] | None,
                    scope: str | None, page: PageRequest, ordering: str | None,
                    parameters: dict[str, Any]) -> Select[Any]:
    """The statement that reads `page`: `deep` (the list's page statement bounded by
    `day_bounded`, built for a list in creation order), starting at the day of the page's
    first row, when the page skips DAY_JUMP_FROM rows or more of a list counted by day under
    `scope`; its `day_bound` and `page_offset` are then put in `parameters`. Else `rows`."""
    if deep is None or page.offset < DAY_JUMP_FROM or scope is None or not by_day(scope):
        return rows
    jump = day_jump(connection, scope, page.offset, descending=ordering != "created_at")
    if jump is None:
        return rows
    parameters.update(day_bound=jump.bound(connection.dialect.name), page_offset=jump.skip)
    return deep


def past_the_end(page: PageRequest, total: int) -> bool:
    """Whether a page by number starts at or after the list's last row (its `total`): such a
    page is empty, and reading it would walk the whole list to skip every row."""
    return page.cursor is None and page.offset > 0 and page.offset >= total


def by_day(scope: str | None) -> bool:
    """Whether the list counted under `scope` (e.g. "jobs:status=open") is counted by day."""
    return scope is not None and scope.partition("=")[0] in DAY_SCOPES


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


class Statements(Generic[S]):
    """Statements built once per shape of a list's request (which filters are given, the
    ordering, how the page is cut: `Window.kind`), their values bound at each execution:
    building and compiling a list's statements per request cost more Python time than the
    rest of the request. A shape's statements (a tuple, None where a shape has none) are
    built and compiled on first use under a lock: SQLAlchemy fills the aliases' lazily built
    column and FROM bookkeeping on first compile, and threads racing through that first
    compile can see it half-built ("Can't determine which FROM clause to join from")."""

    def __init__(self, engine: Engine) -> None:
        self._dialect = engine.dialect
        self._built: dict[Hashable, S] = {}
        self._lock = threading.Lock()

    def get(self, shape: Hashable, build: Callable[[], S]) -> S:
        """The statements of `shape`, from `build()` the first time."""
        built = self._built.get(shape)
        if built is None:
            with self._lock:
                built = self._built.get(shape)
                if built is None:
                    built = build()
                    for statement in built:
                        if statement is not None:
                            statement.compile(dialect=self._dialect)
                    self._built[shape] = built
        return built


def bound_values(filters: Any, names: Sequence[str]) -> dict[str, Any]:
    """The values of the `filter_<name>` bound parameters of a list's statements, for the
    filters among `names` that are given."""
    return {f"filter_{name}": getattr(filters, name) for name in names
            if getattr(filters, name) is not None}


def filter_shape(filters: Any, has_words: Callable[[str], Any] = bool) -> tuple[Any, ...]:
    """What the statements of a list (filters: an attrs class) depend on, as a key of
    `Statements`: which filters are given, the booleans' values, the ordering, and for a
    `search` filter whether it has words to look for (`has_words`; a search without any
    is the condition `false()`)."""
    values = attrs.asdict(filters, recurse=False)
    search = values.pop("search", None)
    return (*((name, value if value is None or isinstance(value, bool) or name == "ordering"
               else "given") for name, value in values.items()),
            None if not search else bool(has_words(search)))


@attrs.frozen
class Window:
    """How a page is cut out of its list. `kind`: "number" (`page_limit` rows after
    `page_offset`), "first" (the first page by cursor) or "after" (the page after a
    cursor's row, whose values are `seek_0`, `seek_1`); by cursor, `page_limit` is one row
    more than the page, to know whether another follows. `parameters` holds the values
    bound for those names. The kind is part of a statement's shape, the values are not."""

    kind: Literal["number", "first", "after"]
    parameters: dict[str, Any]


def page_window(page: PageRequest, seek: Seek | None) -> Window:
    """The window of `page`; a cursor for a list or ordering that has no `seek`, or one that
    `seek` does not accept (Seek.decode), is a 400."""
    if page.cursor is None:
        return Window("number", {"page_limit": page.page_size, "page_offset": page.offset})
    if seek is None:
        errors = FieldErrors()
        errors.add("cursor", "Cursor paging is not offered for this ordering; use page.")
        errors.raise_if_any()
        raise AssertionError  # pragma: no cover - raise_if_any raised
    after = seek.decode(page.cursor)
    if after is None:
        return Window("first", {"page_limit": page.page_size + 1})
    return Window("after", {"page_limit": page.page_size + 1, **seek.parameters(after)})


def windowed(query: Select[Any], kind: str, seek: Seek | None) -> Select[Any]:
    """`query` cut as a window of `kind` (Window.kind) is, by bound parameters; `seek` is
    the ordering's keyset (needed for "after")."""
    limited = query.limit(bindparam("page_limit", type_=Integer))
    if kind == "number":
        return limited.offset(bindparam("page_offset", type_=Integer))
    if kind == "after":
        assert seek is not None  # page_window made an "after" window from a seek
        return limited.where(seek.after())
    return limited


def bound_page(engine: Engine, rows: Select[Any], count: Select[Any],
               parameters: dict[str, Any], page: PageRequest, build: Callable[[Any], T],
               seek: Seek | None) -> Page[T]:
    """The page read by `rows` (cut by `windowed`) and counted by `count`, both executed
    with `parameters` (the filters' values and the window's)."""
    with engine.connect() as connection:
        total = int(connection.execute(count, parameters).scalar_one())
        found = ([] if past_the_end(page, total)
                 else connection.execute(rows, parameters).mappings().all())
    return finish(found, total, page, build, seek)


def window(query: Select[Any], page: PageRequest) -> Select[Any]:
    """`query` limited to the page by number, for a list without keyset paging whose
    statements are built per request; a cursor is a 400 (`page_window`)."""
    page_window(page, None)
    return query.limit(page.page_size).offset(page.offset)


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

    def after(self) -> ColumnElement[bool]:
        """The rows after the cursor's row in this ordering: a row-value comparison with
        the cursor's values as the bound parameters `seek_0`, `seek_1` (`parameters`)."""
        left = tuple_(*self.columns)
        right = tuple_(*(bindparam(f"seek_{index}", type_=column.type)
                         for index, column in enumerate(self.columns)))
        return left < right if self.descending else left > right

    def parameters(self, values: list[Any]) -> dict[str, Any]:
        """The bound values of `after` for a cursor's values (`decode`)."""
        return {f"seek_{index}": value for index, value in enumerate(values)}

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
