"""Read models for artist profiles, buyer profiles and equipment: each list page is two
queries (rows and count), whatever the page size.

A profile's figures come from the jobs table and the ledger through correlated sub-queries in
the same statement, so they are computed for the page's rows only, never per row from Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Engine,
    Select,
    String,
    and_,
    bindparam,
    false,
    func,
    or_,
    select,
    type_coerce,
)

from cultureup.adapters.sqlalchemy.catalog.search_queries import (
    indexed_search,
    search_parameters,
)
from cultureup.adapters.sqlalchemy.catalog.tables import (
    artist_profiles,
    buyer_profiles,
    equipment,
)
from cultureup.adapters.sqlalchemy.commerce.tables import ledger_entries
from cultureup.adapters.sqlalchemy.counts import (
    CursorSeal,
    Seek,
    Statements,
    Unindexed,
    bound_page,
    bound_values,
    filter_shape,
    ordered_seek,
    page_window,
    windowed,
)
from cultureup.adapters.sqlalchemy.ratings import rating_columns, rating_order
from cultureup.adapters.sqlalchemy.tables import jobs, users
from cultureup.adapters.sqlalchemy.types import MoneyCents
from cultureup.application.catalog.search import parse_search_query
from cultureup.application.catalog.views import (
    ArtistProfileFilters,
    ArtistProfileView,
    BuyerProfileFilters,
    BuyerProfileView,
    EquipmentFilters,
    EquipmentView,
)
from cultureup.application.views import Page, PageRequest, UserView
from cultureup.domain.catalog.profiles import completion_rate
from cultureup.domain.collaboration.reviews import average_rating
from cultureup.domain.commerce.ledger import AccountKind
from cultureup.domain.errors import NotFound
from cultureup.domain.hiring.jobs import JobStatus
from cultureup.domain.money import Money
from cultureup.domain.text import search_text

USER_FIELDS = ("id", "username", "email", "first_name", "last_name", "user_type",
               "phone_number", "is_verified", "profile_image", "created_at")
job = jobs.alias("counted_job")


def _order(query: Select[Any], ordering: str | None, columns: dict[str, Any],
           default: Sequence[Any], id_column: Any) -> Select[Any]:
    """Like the job lists: the chosen column, then the id in the same direction so pages
    never overlap. A column of None sorts by the id alone (a field that is equal for all)."""
    if not ordering:
        return query.order_by(*default)
    column = columns[ordering.lstrip("-")]
    keys = [id_column] if column is None else [column, id_column]
    if ordering.startswith("-"):
        return query.order_by(*(key.desc() for key in keys))
    return query.order_by(*(key.asc() for key in keys))


def _user_columns() -> list[Any]:
    return [users.c[name].label(f"owner_{name}") for name in USER_FIELDS]


def _user_view(row: Any) -> UserView:
    return UserView(**{name: row[f"owner_{name}"] for name in USER_FIELDS})


def _ledger_sum(user_id: Any, accounts: Sequence[AccountKind], *, sign: int = 1) -> Any:
    """The user's balance over some ledger accounts, in paisa, typed as money."""
    total = (select(func.coalesce(func.sum(type_coerce(ledger_entries.c.amount, BigInteger)),
                                  0))
             .where(ledger_entries.c.user_id == user_id,
                    ledger_entries.c.account.in_([a.value for a in accounts]))
             .scalar_subquery())
    return type_coerce(total * sign, MoneyCents)


def _job_count(condition: ColumnElement[bool]) -> Any:
    return select(func.count(job.c.id)).where(condition).scalar_subquery()


def _visible_users(user_id: Any) -> list[ColumnElement[bool]]:
    """Profiles of deactivated accounts are not shown."""
    return [users.c.id == user_id, users.c.is_active.is_(True)]


def _bound(table: Any, name: str) -> Any:
    """The bound parameter `filter_<name>` of a filter on `table`'s column `name`."""
    return bindparam(f"filter_{name}", type_=table.c[name].type)


def bound_folded_contains(columns: list[ColumnElement[str]]) -> ColumnElement[bool]:
    """`search_queries.folded_contains` for a statement built once: the escaped folded query
    is the bound parameter `search_needle` (`folded_needle` gives it), "/" escaping LIKE's
    wildcards as `contains(..., autoescape=True)` does."""
    needle = bindparam("search_needle", type_=String)
    conditions = [column.contains(needle, escape="/") for column in columns]
    return conditions[0] if len(conditions) == 1 else or_(*conditions)


def folded_needle(text: str) -> str | None:
    """The value of `bound_folded_contains`'s parameter for the query `text`: its folded
    words with "/", "%" and "_" escaped by "/"; None when the text has no word (the filter
    is then `false()`, as `folded_contains` makes it)."""
    needle = search_text(text)
    if not needle:
        return None
    return needle.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _needle(search: str | None) -> dict[str, Any]:
    """The value of the `search_needle` parameter of a folded-text search, if any."""
    needle = folded_needle(search) if search else None
    return {} if needle is None else {"search_needle": needle}


def _has_words(search: str) -> bool:
    return bool(folded_needle(search))


class SqlAlchemyProfileQueries:
    """Artist and buyer profiles, with their figures from jobs."""

    def __init__(self, engine: Engine, cursor_seal: CursorSeal | None = None) -> None:
        """`cursor_seal` signs the lists' cursors (a key of this process when None)."""
        self._engine = engine
        self._seal = cursor_seal or CursorSeal.random()
        # The lists' statements by shape of filters and window, built on first use
        # (counts.Statements); the details' statements, built here.
        self._artist_pages: Statements[tuple[Select[Any], Select[Any]]] = Statements(engine)
        self._buyer_pages: Statements[tuple[Select[Any], Select[Any]]] = Statements(engine)
        self._one_artist = self._artist_select(self._artist_stats()).where(
            artist_profiles.c.user_id == bindparam("user_id"))
        self._one_buyer = self._buyer_select(self._buyer_stats()).where(
            buyer_profiles.c.user_id == bindparam("user_id"))
        for statement in (self._one_artist, self._one_buyer):
            statement.compile(dialect=engine.dialect)

    # -- artists ---------------------------------------------------------------------------

    def _artist_stats(self) -> dict[str, Any]:
        hired = job.c.hired_artist_id == artist_profiles.c.user_id
        completed = and_(hired, job.c.status == JobStatus.COMPLETED.value)
        cancelled = and_(hired, job.c.status == JobStatus.CANCELLED.value)
        rating_total, rating_count = rating_columns(artist_profiles.c.user_id)
        return {"total_projects_completed": _job_count(completed)
                .label("total_projects_completed"),
                "rating_total": rating_total.label("rating_total"),
                "rating_count": rating_count.label("rating_count"),
                # What the artist earned, net of the fee and of refunds, held or released.
                "total_earnings": _ledger_sum(artist_profiles.c.user_id, (
                    AccountKind.ARTIST_HELD, AccountKind.ARTIST_AVAILABLE))
                .label("total_earnings"),
                "cancelled_projects": _job_count(cancelled).label("cancelled_projects")}

    def _artist_select(self, stats: dict[str, Any]) -> Select[Any]:
        # The profiles lead (their index gives the list's order); each one's user is found by
        # its primary key, never the other way round followed by a sort (counts.Unindexed).
        return (select(artist_profiles, *_user_columns(), *stats.values())
                .join(users, and_(*_visible_users(Unindexed(artist_profiles.c.user_id)))))

    def list_artist_profiles(self, filters: ArtistProfileFilters,
                             page: PageRequest) -> Page[ArtistProfileView]:
        """A page by number or by cursor (orderings by a column: created_at, hourly_rate),
        by the statements of this shape of filters and window (counts.Statements)."""
        seek = None if page.cursor is None else _artist_seek(filters.ordering, self._seal)
        cut = page_window(page, seek)
        rows, count = self._artist_pages.get(
            (filter_shape(filters, parse_search_query), cut.kind),
            lambda: self._build_artist_page(filters, cut.kind, seek))
        parameters = bound_values(filters, ARTIST_BOUND_FILTERS)
        if filters.search:
            parameters.update(search_parameters(self._engine.dialect.name, "artist",
                                                filters.search))
        parameters.update(cut.parameters)
        return bound_page(self._engine, rows, count, parameters, page, _artist_view, seek)

    def _build_artist_page(self, filters: ArtistProfileFilters, kind: str,
                           seek: Seek | None) -> tuple[Select[Any], Select[Any]]:
        stats = self._artist_stats()
        dialect = self._engine.dialect.name
        conditions = _artist_conditions(filters, dialect)
        query = _order(self._artist_select(stats).where(*conditions), filters.ordering, {
            "rating": rating_order(artist_profiles.c.user_id),
            "hourly_rate": artist_profiles.c.hourly_rate,
            "total_projects_completed": stats["total_projects_completed"],
        }, default=(artist_profiles.c.created_at.desc(), artist_profiles.c.user_id.desc()),
            id_column=artist_profiles.c.user_id)
        count = (select(func.count()).select_from(artist_profiles)
                 .join(users, and_(*_visible_users(artist_profiles.c.user_id)))
                 .where(*_artist_conditions(filters, dialect, walk=False)))
        return windowed(query, kind, seek), count

    def get_artist_profile(self, user_id: int) -> ArtistProfileView:
        with self._engine.connect() as connection:
            row = connection.execute(self._one_artist, {"user_id": user_id}).mappings().first()
        if row is None:
            raise NotFound("Artist profile not found.")
        return _artist_view(row)

    def artist_profile_exists(self, user_id: int) -> bool:
        query = (select(artist_profiles.c.user_id)
                 .join(users, and_(*_visible_users(artist_profiles.c.user_id)))
                 .where(artist_profiles.c.user_id == user_id))
        with self._engine.connect() as connection:
            return connection.execute(query).first() is not None

    # -- buyers ----------------------------------------------------------------------------

    def _buyer_stats(self) -> dict[str, Any]:
        posted_by = job.c.buyer_id == buyer_profiles.c.user_id
        # What the buyer paid, net of refunds, for jobs and orders alike.
        return {"total_spent": _ledger_sum(buyer_profiles.c.user_id, (AccountKind.BUYER,),
                                           sign=-1).label("total_spent"),
                "projects_posted": _job_count(posted_by).label("projects_posted")}

    def _buyer_select(self, stats: dict[str, Any]) -> Select[Any]:
        return (select(buyer_profiles, *_user_columns(), *stats.values())
                .join(users, and_(*_visible_users(Unindexed(buyer_profiles.c.user_id)))))

    def list_buyer_profiles(self, filters: BuyerProfileFilters,
                            page: PageRequest) -> Page[BuyerProfileView]:
        """A page by number or by cursor (newest or oldest first), by the statements of this
        shape of filters and window (counts.Statements)."""
        seek = None if page.cursor is None else ordered_seek(
            filters.ordering, "-created_at", {"created_at": buyer_profiles.c.created_at},
            buyer_profiles.c.user_id, self._seal)
        cut = page_window(page, seek)
        rows, count = self._buyer_pages.get(
            (filter_shape(filters, _has_words), cut.kind),
            lambda: self._build_buyer_page(filters, cut.kind, seek))
        parameters = {**_needle(filters.search), **cut.parameters}
        return bound_page(self._engine, rows, count, parameters, page, _buyer_view, seek)

    def _build_buyer_page(self, filters: BuyerProfileFilters, kind: str,
                          seek: Seek | None) -> tuple[Select[Any], Select[Any]]:
        stats = self._buyer_stats()
        conditions: list[ColumnElement[bool]] = []
        if filters.search:
            conditions.append(bound_folded_contains(
                [users.c.search_text, buyer_profiles.c.search_text])
                if _has_words(filters.search) else false())
        query = _order(
            self._buyer_select(stats).where(*conditions), filters.ordering, stats,
            default=(buyer_profiles.c.created_at.desc(), buyer_profiles.c.user_id.desc()),
            id_column=buyer_profiles.c.user_id)
        count = (select(func.count()).select_from(buyer_profiles)
                 .join(users, and_(*_visible_users(buyer_profiles.c.user_id)))
                 .where(*conditions))
        return windowed(query, kind, seek), count

    def get_buyer_profile(self, user_id: int) -> BuyerProfileView:
        with self._engine.connect() as connection:
            row = connection.execute(self._one_buyer, {"user_id": user_id}).mappings().first()
        if row is None:
            raise NotFound("Buyer profile not found.")
        return _buyer_view(row)


# The artist profile filters whose values are bound parameters `filter_<name>` of the
# list's statements (`is_available` is written into them, `search` binds `search_terms`).
ARTIST_BOUND_FILTERS = ("experience_level", "min_hourly_rate", "max_hourly_rate")


def _artist_seek(ordering: str | None, seal: CursorSeal) -> Seek | None:
    """Keyset paging for the orderings by a column (created_at, hourly_rate), not by a
    computed figure."""
    return ordered_seek(ordering, "-created_at", {
        "created_at": artist_profiles.c.created_at,
        "hourly_rate": artist_profiles.c.hourly_rate}, artist_profiles.c.user_id, seal)


def _artist_conditions(filters: ArtistProfileFilters, dialect: str, *,
                       walk: bool = True) -> list[ColumnElement[bool]]:
    """For the page (`walk`), the ordering's index is walked, led by the experience level or
    else availability when given (each has an index per ordering); the other filters are
    checked on the way (counts.Unindexed). A count may use any index."""
    order_name = (filters.ordering or "created_at").lstrip("-")
    indexed = {"rating": "user_id"}.get(order_name, order_name)
    lead = ("experience_level" if filters.experience_level is not None
            else "is_available" if filters.is_available is not None else None)
    if indexed not in ("created_at", "hourly_rate"):
        lead = None

    def column(name: str) -> Any:
        if not walk or name in (lead, indexed):
            return artist_profiles.c[name]
        return Unindexed(artist_profiles.c[name])

    conditions: list[ColumnElement[bool]] = []
    if filters.experience_level is not None:
        conditions.append(column("experience_level")
                          == _bound(artist_profiles, "experience_level"))
    if filters.is_available is not None:
        conditions.append(column("is_available").is_(filters.is_available))
    rate = artist_profiles.c.hourly_rate.type
    if filters.min_hourly_rate is not None:
        conditions.append(column("hourly_rate")
                          >= bindparam("filter_min_hourly_rate", type_=rate))
    if filters.max_hourly_rate is not None:
        conditions.append(column("hourly_rate")
                          <= bindparam("filter_max_hourly_rate", type_=rate))
    if filters.search:
        conditions.append(indexed_search(dialect, "artist", artist_profiles.c.user_id,
                                         filters.search))
    return conditions


def _artist_view(row: Any) -> ArtistProfileView:
    completed = row["total_projects_completed"] or 0
    return ArtistProfileView(
        user=_user_view(row), bio=row["bio"], skills=row["skills"],
        experience_level=row["experience_level"], hourly_rate=row["hourly_rate"],
        portfolio_description=row["portfolio_description"],
        is_available=row["is_available"], total_projects_completed=completed,
        total_earnings=row["total_earnings"] or Money(0),
        completion_rate=completion_rate(completed=completed,
                                        cancelled=row["cancelled_projects"] or 0),
        rating=average_rating(row["rating_total"] or 0, row["rating_count"] or 0),
        total_reviews=row["rating_count"] or 0,
    )


def _buyer_view(row: Any) -> BuyerProfileView:
    return BuyerProfileView(
        user=_user_view(row), company_name=row["company_name"], address=row["address"],
        total_spent=row["total_spent"] or Money(0),
        projects_posted=row["projects_posted"] or 0,
    )


class SqlAlchemyEquipmentQueries:
    def __init__(self, engine: Engine, cursor_seal: CursorSeal | None = None) -> None:
        """`cursor_seal` signs the list's cursors (a key of this process when None)."""
        self._engine = engine
        self._seal = cursor_seal or CursorSeal.random()
        # The list's statements by shape of filters and window (counts.Statements).
        self._pages: Statements[tuple[Select[Any], Select[Any]]] = Statements(engine)

    def list_equipment(self, filters: EquipmentFilters,
                       page: PageRequest) -> Page[EquipmentView]:
        """A page by number or by cursor, by the statements of this shape of filters and
        window (counts.Statements)."""
        seek = None if page.cursor is None else ordered_seek(
            filters.ordering, "-created_at", EQUIPMENT_ORDERINGS, equipment.c.id, self._seal)
        cut = page_window(page, seek)
        rows, count = self._pages.get(
            (filter_shape(filters, _has_words), cut.kind),
            lambda: self._build_page(filters, cut.kind, seek))
        parameters = {**bound_values(filters, EQUIPMENT_BOUND_FILTERS),
                      **_needle(filters.search), **cut.parameters}
        return bound_page(self._engine, rows, count, parameters, page, _equipment_view,
                          seek)

    def _build_page(self, filters: EquipmentFilters, kind: str,
                    seek: Seek | None) -> tuple[Select[Any], Select[Any]]:
        query = _order(select(equipment).where(*_equipment_conditions(filters)),
                       filters.ordering, EQUIPMENT_ORDERINGS,
                       default=(equipment.c.created_at.desc(), equipment.c.id.desc()),
                       id_column=equipment.c.id)
        count = (select(func.count()).select_from(equipment)
                 .where(*_equipment_conditions(filters, walk=False)))
        return windowed(query, kind, seek), count

    def get_equipment(self, equipment_id: int) -> EquipmentView:
        with self._engine.connect() as connection:
            row = connection.execute(_ONE_EQUIPMENT,
                                     {"equipment_id": equipment_id}).mappings().first()
        if row is None:
            raise NotFound("Equipment not found.")
        return _equipment_view(row)


EQUIPMENT_ORDERINGS = {"created_at": equipment.c.created_at, "price": equipment.c.price,
                       "stock_quantity": equipment.c.stock_quantity}
# The equipment filters whose values are bound parameters `filter_<name>` of the list's
# statements (`in_stock` and `include_removed` are written into them, `search` binds
# `search_needle`).
EQUIPMENT_BOUND_FILTERS = ("equipment_type", "min_price", "max_price")
_ONE_EQUIPMENT = select(equipment).where(equipment.c.id == bindparam("equipment_id"))


def _equipment_conditions(filters: EquipmentFilters, *,
                          walk: bool = True) -> list[ColumnElement[bool]]:
    """For the page (`walk`), the ordering's index is walked, led by the type when given;
    the other filters are checked on the way (counts.Unindexed)."""
    order_name = (filters.ordering or "created_at").lstrip("-")

    def column(name: str) -> Any:
        if not walk or name in ("equipment_type", order_name):
            return equipment.c[name]
        return Unindexed(equipment.c[name])

    conditions: list[ColumnElement[bool]] = []
    if not filters.include_removed:
        conditions.append(equipment.c.removed_at.is_(None))
    if filters.equipment_type is not None:
        conditions.append(equipment.c.equipment_type == _bound(equipment, "equipment_type"))
    price = equipment.c.price.type
    if filters.min_price is not None:
        conditions.append(column("price") >= bindparam("filter_min_price", type_=price))
    if filters.max_price is not None:
        conditions.append(column("price") <= bindparam("filter_max_price", type_=price))
    in_stock = and_(column("is_available").is_(True), column("stock_quantity") > 0)
    if filters.in_stock is True:
        conditions.append(in_stock)
    elif filters.in_stock is False:
        conditions.append(or_(column("is_available").is_(False),
                              column("stock_quantity") <= 0))
    if filters.search:
        conditions.append(bound_folded_contains([equipment.c.search_text])
                          if _has_words(filters.search) else false())
    return conditions


def _equipment_view(row: Any) -> EquipmentView:
    return EquipmentView(
        id=row["id"], name=row["name"], description=row["description"],
        equipment_type=row["equipment_type"], price=row["price"],
        stock_quantity=row["stock_quantity"], image=row["image"],
        is_available=row["is_available"], created_at=row["created_at"],
        updated_at=row["updated_at"], removed_at=row["removed_at"],
        removed_by_id=row["removed_by_id"], removal_reason=row["removal_reason"])
