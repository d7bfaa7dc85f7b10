"""The artwork read model: a page is two queries (rows with artist and category, and a count).

The page's ids are read first through the index of its filter and ordering, then joined to
the rows, the artist and the category; the count comes from a maintained counter when the
filters have one (counts.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    bindparam,
    func,
    literal_column,
    select,
)

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import VISIBLE_ARTWORKS, artworks
from cultureup.adapters.sqlalchemy.catalog.search_queries import (
    indexed_search,
    search_parameters,
)
from cultureup.adapters.sqlalchemy.counts import (
    CursorSeal,
    Seek,
    Statements,
    Unindexed,
    bound_values,
    counted_scope,
    day_bounded,
    filter_shape,
    finish,
    order_clauses,
    ordered_seek,
    page_window,
    past_the_end,
    read_count,
    starting_at_day,
    windowed,
)

# Shared helpers of the SQL read models in this package.
from cultureup.adapters.sqlalchemy.queries import (
    _user_columns as user_columns,
)
from cultureup.adapters.sqlalchemy.tables import categories, users
from cultureup.application.catalog.artwork_ports import ArtworkFilters, ArtworkView
from cultureup.application.catalog.search import parse_search_query
from cultureup.application.views import Page, PageRequest, UserRef
from cultureup.domain.catalog.artworks import is_public
from cultureup.domain.errors import NotFound

artist_user = users.alias("artwork_artist")


ORDERINGS = {"price": artworks.c.price, "created_at": artworks.c.created_at,
             "views_count": artworks.c.views_count, "likes_count": artworks.c.likes_count,
             "similarity_score": artworks.c.similarity_score}
DEFAULT_ORDER = (artworks.c.created_at.desc(), artworks.c.id.desc())
# Written as a literal, like the partial indexes' condition, so that both planners can prove
# those indexes apply (a bound parameter would hide the value from them).
# The rule is domain.catalog.artworks.is_public.
VISIBLE = literal_column(VISIBLE_ARTWORKS)
# Equality filters with a maintained counter and an index (filter, created_at, id), in the
# order they are preferred to lead the index walk.
COUNTED_FACETS = ("category_id", "artwork_type", "is_featured", "artist_id")
# Equality filters that can lead an index walk, most selective first, with the orderings
# their indexes hold (artwork_tables.py).
LEADING_FACETS = {"artist_id": ("created_at", "price", "likes_count", "views_count"),
                  "category_id": ("created_at", "price"), "is_featured": ("created_at",),
                  "artwork_type": ("created_at", "price")}


class SqlAlchemyArtworkQueries:
    def __init__(self, engine: Engine, url_for: Callable[[str], str],
                 original_url_for: Callable[[int], str],
                 hidden_url_for: Callable[[int], str] | None = None,
                 cursor_seal: CursorSeal | None = None) -> None:
        """`url_for` gives a public file's URL from its key; `original_url_for` the URL an
        artwork's original is fetched at (by its id: originals have no public URL);
        `hidden_url_for` the URL the watermarked image of a hidden artwork is fetched at by
        its artist and staff (its public copy is withdrawn; `url_for` when None);
        `cursor_seal` signs the list's cursors (a key of this process alone when None)."""
        self._engine, self._url_for = engine, url_for
        self._seal = cursor_seal or CursorSeal.random()
        self._original_url_for = original_url_for
        self._hidden_url_for = hidden_url_for
        # A page's statements by shape of filters and window (`list_artworks`).
        self._pages: Statements[tuple[
            Select[Any], Select[Any] | None, Select[Any] | None]] = Statements(engine)

    def _select(self, page_keys: Any = None) -> Select[Any]:
        if page_keys is None:
            return _ROWS
        return (select(*_COLUMNS).select_from(page_keys)
                .join(artworks, artworks.c.id == page_keys.c.id)
                .join(artist_user, _BY_ARTIST).join(categories, _BY_CATEGORY))

    def list_artworks(self, filters: ArtworkFilters, page: PageRequest) -> Page[ArtworkView]:
        """A page by number or by cursor, read by the statements of this shape of filters and
        kind of window, built on first use (the filters' values, the page's bounds and the
        cursor's values are bound at each execution): building them per request cost several
        times their SQL. A deep page by number of a list counted by day, in creation order,
        starts at its first row's day (counts.day_jump) instead of walking every skipped
        row."""
        seek = None if page.cursor is None else artwork_seek(filters.ordering, self._seal)
        cut = page_window(page, seek)
        rows, count, deep = self._pages.get(
            (filter_shape(filters, parse_search_query), cut.kind),
            lambda: self._build_page(filters, cut.kind, seek))
        scope = None if count is not None else _counted_scope(filters, {
            name: getattr(filters, name) for name in COUNTED_FACETS
            if getattr(filters, name) is not None})
        parameters = _parameters(filters, self._engine.dialect.name)
        parameters.update(cut.parameters)
        with self._engine.connect() as connection:
            total = (read_count(connection, scope) if scope is not None
                     else int(connection.execute(count, parameters).scalar_one()))
            rows = starting_at_day(connection, rows, deep, scope, page, filters.ordering,
                                   parameters)
            found = ([] if past_the_end(page, total)
                     else connection.execute(rows, parameters).mappings().all())
        return finish(found, total, page, self._view, seek)

    def _build_page(self, filters: ArtworkFilters, kind: str, seek: Seek | None
                    ) -> tuple[Select[Any], Select[Any] | None, Select[Any] | None]:
        """The rows statement of a page cut as `kind` (counts.Window); when no counter holds
        the count, the count statement; and for a page by number of a list in creation
        order, the rows statement of a deep page that starts at a day (`day_bound`)."""
        dialect = self._engine.dialect.name
        order = order_clauses(filters.ordering, ORDERINGS, DEFAULT_ORDER, artworks.c.id)
        conditions, equalities = _conditions(filters, dialect, walk=True)
        counted, _ = _conditions(filters, dialect, walk=False)

        def page_rows(*bounds: ColumnElement[bool]) -> Select[Any]:
            keys = windowed(select(artworks.c.id).where(*conditions, *bounds)
                            .order_by(*order), kind, seek).subquery("page_keys")
            return self._select(keys).order_by(*order)

        rows, count, deep = page_rows(), None, None
        if _counted_scope(filters, equalities) is None:
            count = select(func.count()).select_from(artworks).where(*counted)
        elif kind == "number":
            bound = day_bounded(artworks.c.created_at, filters.ordering, dialect)
            if bound is not None:
                deep = page_rows(bound)
        return rows, count, deep

    def get_artwork(self, artwork_id: int) -> ArtworkView:
        with self._engine.connect() as connection:
            row = connection.execute(_ONE, {"artwork_id": artwork_id}).mappings().first()
        if row is None:
            raise NotFound("Artwork not found.")
        return self._view(row)

    def _view(self, row: Any) -> ArtworkView:
        public = is_public(moderation_status=row["moderation_status"],
                           duplicate_candidate_id=row["duplicate_candidate_id"],
                           removed=row["removed_at"] is not None)
        return ArtworkView(
            id=row["id"],
            artist=UserRef(id=row["artist_user_id"], username=row["artist_user_username"],
                           email=row["artist_user_email"],
                           first_name=row["artist_user_first_name"],
                           last_name=row["artist_user_last_name"],
                           user_type=row["artist_user_user_type"]),
            title=row["title"], description=row["description"],
            category_id=row["category_id"], category_name=row["category_name"],
            category_description=row["category_description"],
            artwork_type=row["artwork_type"], price=row["price"],
            image_url=self._original_url_for(row["id"]),
            watermarked_url=self._url_for(row["watermarked_key"])
            if public or self._hidden_url_for is None else self._hidden_url_for(row["id"]),
            is_available=row["is_available"], is_featured=row["is_featured"],
            moderation_status=row["moderation_status"],
            labels=_labels(row["labels"]),
            similarity_score=float(row["similarity_score"]),
            views_count=row["views_count"], likes_count=row["likes_count"],
            created_at=row["created_at"], updated_at=row["updated_at"],
            duplicate_candidate_id=row["duplicate_candidate_id"],
            duplicate_candidate_score=row["duplicate_candidate_score"],
            removed_at=row["removed_at"], removed_by_id=row["removed_by_id"],
            removal_reason=row["removal_reason"],
        )


# The columns and joins of a page's rows, built once (per request they cost more Python time
# than the page's SQL).
_COLUMNS = (artworks, *user_columns(artist_user, "artist_user"),
            categories.c.name.label("category_name"),
            categories.c.description.label("category_description"))
_BY_ARTIST = artist_user.c.id == artworks.c.artist_id
_BY_CATEGORY = categories.c.id == artworks.c.category_id
_ROWS = select(*_COLUMNS).join(artist_user, _BY_ARTIST).join(categories, _BY_CATEGORY)
_ONE = _ROWS.where(artworks.c.id == bindparam("artwork_id"))


def _labels(stored: str) -> list[tuple[str, float]]:
    """The image's labels from their stored JSON (most images have none: "[]")."""
    if stored == "[]":
        return []
    return [(name, float(confidence)) for name, confidence in json.loads(stored)]


def _counted_scope(filters: ArtworkFilters, equalities: dict[str, Any]) -> str | None:
    """The counter holding the count of these filters, if one does."""
    prefix = "artworks" if filters.include_rejected else "artworks:visible"
    ranged = (filters.min_price, filters.max_price, filters.search,
              filters.moderation_status, filters.is_available, filters.rekognition_checked)
    if any(value is not None for value in ranged):
        return None
    return counted_scope(prefix, equalities,
                         () if filters.include_rejected else COUNTED_FACETS)


# The filters whose values are bound parameters of the list's statements (the others are
# booleans, written into the statement).
BOUND_FILTERS = ("category_id", "artwork_type", "artist_id", "moderation_status",
                 "min_price", "max_price")


def _parameters(filters: ArtworkFilters, dialect: str) -> dict[str, Any]:
    """The values of the list statements' bound parameters (`_conditions` names them)."""
    values = bound_values(filters, BOUND_FILTERS)
    if filters.search:
        values.update(search_parameters(dialect, "artwork", filters.search))
    return values


def _bound(name: str, value: Any) -> Any:
    return bindparam(f"filter_{name}", value, type_=artworks.c[name].type)


def artwork_seek(ordering: str | None, seal: CursorSeal) -> Seek:
    return ordered_seek(ordering, "-created_at", ORDERINGS, artworks.c.id, seal)


def _conditions(filters: ArtworkFilters, dialect: str, *,
                walk: bool) -> tuple[list[ColumnElement[bool]], dict[str, Any]]:
    """The WHERE terms, and the equality filters given. For the page (`walk`), one column
    leads the index walk (an equality filter whose index has the list's order, else the
    ordering column itself); the other filters are checked on the way, never read through an
    index of their own and sorted (see Unindexed). A count may use any index."""
    order_name = (filters.ordering or "created_at").lstrip("-")
    equalities = {name: getattr(filters, name) for name in COUNTED_FACETS
                  if getattr(filters, name) is not None}
    lead = next((name for name, orders in LEADING_FACETS.items() if name in equalities
                 and order_name in orders), None)
    if filters.moderation_status is not None and order_name == "created_at":
        # The moderation queue: ix_artworks_moderation_status_created_at (migration 0012).
        lead = "moderation_status"

    def column(name: str) -> Any:
        if not walk or name in (lead, order_name):
            return artworks.c[name]
        return Unindexed(artworks.c[name])

    conditions: list[ColumnElement[bool]] = []
    if not filters.include_rejected:
        conditions.append(VISIBLE)
    for name, value in equalities.items():
        conditions.append(column(name).is_(value) if isinstance(value, bool)
                          else column(name) == _bound(name, value))
    if filters.moderation_status is not None:
        conditions.append(column("moderation_status") == _bound(
            "moderation_status", filters.moderation_status))
    if filters.is_available is not None:
        conditions.append(column("is_available").is_(filters.is_available))
    if filters.rekognition_checked is not None:
        # Labels were found for the image: the stored JSON list is not empty.
        conditions.append(column("labels") != "[]" if filters.rekognition_checked
                          else column("labels") == "[]")
    if filters.min_price is not None:
        conditions.append(column("price") >= bindparam(
            "filter_min_price", filters.min_price, type_=artworks.c.price.type))
    if filters.max_price is not None:
        conditions.append(column("price") <= bindparam(
            "filter_max_price", filters.max_price, type_=artworks.c.price.type))
    if filters.search:
        conditions.append(indexed_search(dialect, "artwork", artworks.c.id, filters.search))
    return conditions, equalities
