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
    and_,
    func,
    or_,
    select,
    type_coerce,
)

from cultureup.adapters.sqlalchemy.catalog.search_queries import folded_contains, indexed_search
from cultureup.adapters.sqlalchemy.catalog.tables import (
    artist_profiles,
    buyer_profiles,
    equipment,
)
from cultureup.adapters.sqlalchemy.commerce.tables import ledger_entries
from cultureup.adapters.sqlalchemy.counts import CursorSeal, Unindexed, ordered_seek
from cultureup.adapters.sqlalchemy.queries import _paginate
from cultureup.adapters.sqlalchemy.ratings import rating_columns, rating_order
from cultureup.adapters.sqlalchemy.tables import jobs, users
from cultureup.adapters.sqlalchemy.types import MoneyCents
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


class SqlAlchemyProfileQueries:
    """Artist and buyer profiles, with their figures from jobs."""

    def __init__(self, engine: Engine, cursor_seal: CursorSeal | None = None) -> None:
        """`cursor_seal` signs the lists' cursors (a key of this process when None)."""
        self._engine = engine
        self._seal = cursor_seal or CursorSeal.random()

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
        stats = self._artist_stats()
        conditions = _artist_conditions(filters, self._engine.dialect.name)
        query = _order(self._artist_select(stats).where(*conditions), filters.ordering, {
            "rating": rating_order(artist_profiles.c.user_id),
            "hourly_rate": artist_profiles.c.hourly_rate,
            "total_projects_completed": stats["total_projects_completed"],
        }, default=(artist_profiles.c.created_at.desc(), artist_profiles.c.user_id.desc()),
            id_column=artist_profiles.c.user_id)
        count = (select(func.count()).select_from(artist_profiles)
                 .join(users, and_(*_visible_users(artist_profiles.c.user_id)))
                 .where(*_artist_conditions(filters, self._engine.dialect.name, walk=False)))
        # Keyset paging for the orderings by a column (created_at, hourly_rate), not by a
        # computed figure.
        seek = ordered_seek(filters.ordering, "-created_at", {
            "created_at": artist_profiles.c.created_at,
            "hourly_rate": artist_profiles.c.hourly_rate}, artist_profiles.c.user_id,
            self._seal)
        return _paginate(self._engine, query, count, page, _artist_view, seek)

    def get_artist_profile(self, user_id: int) -> ArtistProfileView:
        query = self._artist_select(self._artist_stats()).where(
            artist_profiles.c.user_id == user_id)
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
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
        stats = self._buyer_stats()
        conditions: list[ColumnElement[bool]] = []
        if filters.search:
            conditions.append(folded_contains(
                [users.c.search_text, buyer_profiles.c.search_text], filters.search))
        query = _order(
            self._buyer_select(stats).where(*conditions), filters.ordering, stats,
            default=(buyer_profiles.c.created_at.desc(), buyer_profiles.c.user_id.desc()),
            id_column=buyer_profiles.c.user_id)
        count = (select(func.count()).select_from(buyer_profiles)
                 .join(users, and_(*_visible_users(buyer_profiles.c.user_id)))
                 .where(*conditions))
        seek = ordered_seek(filters.ordering, "-created_at",
                            {"created_at": buyer_profiles.c.created_at},
                            buyer_profiles.c.user_id, self._seal)
        return _paginate(self._engine, query, count, page, _buyer_view, seek)

    def get_buyer_profile(self, user_id: int) -> BuyerProfileView:
        query = self._buyer_select(self._buyer_stats()).where(
            buyer_profiles.c.user_id == user_id)
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            raise NotFound("Buyer profile not found.")
        return _buyer_view(row)


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
        conditions.append(column("experience_level") == filters.experience_level)
    if filters.is_available is not None:
        conditions.append(column("is_available").is_(filters.is_available))
    if filters.min_hourly_rate is not None:
        conditions.append(column("hourly_rate") >= filters.min_hourly_rate)
    if filters.max_hourly_rate is not None:
        conditions.append(column("hourly_rate") <= filters.max_hourly_rate)
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

    def list_equipment(self, filters: EquipmentFilters,
                       page: PageRequest) -> Page[EquipmentView]:
        conditions = _equipment_conditions(filters)
        query = _order(select(equipment).where(*conditions), filters.ordering, {
            "price": equipment.c.price, "stock_quantity": equipment.c.stock_quantity,
        }, default=(equipment.c.created_at.desc(), equipment.c.id.desc()),
            id_column=equipment.c.id)
        count = (select(func.count()).select_from(equipment)
                 .where(*_equipment_conditions(filters, walk=False)))
        seek = ordered_seek(filters.ordering, "-created_at", {
            "created_at": equipment.c.created_at, "price": equipment.c.price,
            "stock_quantity": equipment.c.stock_quantity}, equipment.c.id, self._seal)
        return _paginate(self._engine, query, count, page, _equipment_view, seek)

    def get_equipment(self, equipment_id: int) -> EquipmentView:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(equipment).where(equipment.c.id == equipment_id)).mappings().first()
        if row is None:
            raise NotFound("Equipment not found.")
        return _equipment_view(row)


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
        conditions.append(equipment.c.equipment_type == filters.equipment_type)
    if filters.min_price is not None:
        conditions.append(column("price") >= filters.min_price)
    if filters.max_price is not None:
        conditions.append(column("price") <= filters.max_price)
    in_stock = and_(column("is_available").is_(True), column("stock_quantity") > 0)
    if filters.in_stock is True:
        conditions.append(in_stock)
    elif filters.in_stock is False:
        conditions.append(or_(column("is_available").is_(False),
                              column("stock_quantity") <= 0))
    if filters.search:
        conditions.append(folded_contains([equipment.c.search_text], filters.search))
    return conditions


def _equipment_view(row: Any) -> EquipmentView:
    return EquipmentView(
        id=row["id"], name=row["name"], description=row["description"],
        equipment_type=row["equipment_type"], price=row["price"],
        stock_quantity=row["stock_quantity"], image=row["image"],
        is_available=row["is_available"], created_at=row["created_at"],
        updated_at=row["updated_at"], removed_at=row["removed_at"],
        removed_by_id=row["removed_by_id"], removal_reason=row["removal_reason"])
