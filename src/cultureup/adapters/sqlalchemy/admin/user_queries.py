"""The admin users list and statistics, in SQLAlchemy Core.

A page is one statement (the activity figures are correlated sub-queries over indexed
columns: artworks.artist_id, jobs.buyer_id, bids.artist_id, ledger_entries.user_id+account,
audit_log.actor_id+created_at, reports.reporter_id, reports.reported_user_id and the artist
profile's key) plus one count. Orderings walk ix_users_<ordering>, or ix_users_user_type_<ordering>
under a user_type filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Engine, and_, case, func, or_, select, type_coerce
from sqlalchemy.sql import ColumnElement

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.catalog.search_queries import folded_contains
from cultureup.adapters.sqlalchemy.catalog.tables import artist_profiles
from cultureup.adapters.sqlalchemy.commerce.tables import ledger_entries
from cultureup.adapters.sqlalchemy.moderation.sanction_repositories import action_of
from cultureup.adapters.sqlalchemy.moderation.tables import moderation_actions, reports
from cultureup.adapters.sqlalchemy.queries import _order, _paginate
from cultureup.adapters.sqlalchemy.tables import audit_log, bids, jobs, users
from cultureup.adapters.sqlalchemy.types import MoneyCents
from cultureup.application.admin.user_views import (
    AdminUserFilters,
    AdminUserRow,
    UserStats,
)
from cultureup.application.views import Page, PageRequest
from cultureup.domain.commerce.ledger import AccountKind
from cultureup.domain.errors import NotFound
from cultureup.domain.moderation.actions import RESTRICTING, ModerationAction
from cultureup.domain.money import Money
from cultureup.domain.text import identity_key

ORDER_COLUMNS = {"created_at": users.c.created_at, "username": users.c.username,
                 "last_login": users.c.last_login}


def _count(column: Any) -> Any:
    return select(func.count()).where(column == users.c.id).scalar_subquery()


def _ledger(accounts: tuple[AccountKind, ...], sign: int = 1) -> Any:
    total = (select(func.coalesce(func.sum(type_coerce(ledger_entries.c.amount, BigInteger)), 0))
             .where(ledger_entries.c.user_id == users.c.id,
                    ledger_entries.c.account.in_([a.value for a in accounts]))
             .scalar_subquery())
    return type_coerce(total * sign, MoneyCents)


def _columns() -> list[Any]:
    return [
        users.c.id, users.c.username, users.c.email, users.c.first_name, users.c.last_name,
        users.c.user_type, users.c.phone_number, users.c.is_verified, users.c.is_active,
        users.c.is_staff, users.c.is_superuser, users.c.staff_role, users.c.profile_image,
        users.c.created_at, users.c.updated_at, users.c.last_login,
        _count(artworks.c.artist_id).label("total_artworks"),
        _count(jobs.c.buyer_id).label("total_jobs_posted"),
        _count(bids.c.artist_id).label("total_bids"),
        _ledger((AccountKind.BUYER,), sign=-1).label("total_spent"),
        _ledger((AccountKind.ARTIST_HELD, AccountKind.ARTIST_AVAILABLE)).label("total_earned"),
        select(func.max(audit_log.c.created_at)).where(audit_log.c.actor_id == users.c.id)
        .scalar_subquery().label("last_audited"),
        select(artist_profiles.c.bio).where(artist_profiles.c.user_id == users.c.id)
        .scalar_subquery().label("bio"),
        select(func.coalesce(func.sum(artworks.c.views_count), 0))
        .where(artworks.c.artist_id == users.c.id).scalar_subquery().label("total_views"),
        _count(reports.c.reporter_id).label("reports_made"),
        _count(reports.c.reported_user_id).label("reports_received"),
    ]


def restricted_at(now: datetime) -> ColumnElement[bool]:
    """The account has a suspension or ban in force at `now` (the SQL of
    domain.moderation.actions.ModerationAction.in_force), through
    ix_moderation_actions_in_force (user_id, kind; not reversed)."""
    return select(moderation_actions.c.id).where(
        moderation_actions.c.user_id == users.c.id,
        moderation_actions.c.kind.in_([kind.value for kind in RESTRICTING]),
        moderation_actions.c.reversed_at.is_(None),
        or_(moderation_actions.c.until.is_(None), moderation_actions.c.until > now)).exists()


def usable_at(now: datetime | None) -> ColumnElement[bool]:
    """is_active's one meaning: activated and, at `now`, neither suspended nor banned."""
    if now is None:
        return users.c.is_active.is_(True)
    return and_(users.c.is_active.is_(True), ~restricted_at(now))


def _conditions(filters: AdminUserFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.user_type is not None:
        conditions.append(users.c.user_type == filters.user_type)
    if filters.is_verified is not None:
        conditions.append(users.c.is_verified.is_(filters.is_verified))
    if filters.is_active is not None:
        usable = usable_at(filters.now)
        conditions.append(usable if filters.is_active else ~usable)
    if filters.is_staff is not None:
        staff = or_(users.c.is_staff.is_(True), users.c.is_superuser.is_(True),
                    users.c.staff_role.is_not(None))
        conditions.append(staff if filters.is_staff else ~staff)
    if filters.search and filters.search.strip():
        needle = identity_key(filters.search.strip())
        conditions.append(or_(folded_contains([users.c.search_text], filters.search),
                              users.c.email_key.contains(needle, autoescape=True)))
    return conditions


def _row(row: Any) -> AdminUserRow:
    moments = [moment for moment in (row["last_login"], row["last_audited"]) if moment]
    return AdminUserRow(
        id=row["id"], username=row["username"], email=row["email"],
        first_name=row["first_name"], last_name=row["last_name"], user_type=row["user_type"],
        phone_number=row["phone_number"], is_verified=bool(row["is_verified"]),
        is_active=bool(row["is_active"]), is_staff=bool(row["is_staff"]),
        is_superuser=bool(row["is_superuser"]), staff_role=row["staff_role"],
        profile_image=row["profile_image"], created_at=row["created_at"],
        updated_at=row["updated_at"], last_login=row["last_login"],
        total_artworks=int(row["total_artworks"]),
        total_jobs_posted=int(row["total_jobs_posted"]), total_bids=int(row["total_bids"]),
        total_spent=row["total_spent"] or Money(0), total_earned=row["total_earned"] or Money(0),
        last_activity=max(moments) if moments else None, bio=row["bio"] or "",
        total_views=int(row["total_views"]), reports_made=int(row["reports_made"]),
        reports_received=int(row["reports_received"]))


class SqlAlchemyAdminUserQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list_users(self, filters: AdminUserFilters, page: PageRequest) -> Page[AdminUserRow]:
        conditions = _conditions(filters)
        query = _order(select(*_columns()).where(*conditions), filters.ordering or "-created_at",
                       ORDER_COLUMNS, (), users.c.id)
        count = select(func.count()).select_from(users).where(*conditions)
        return _paginate(self._engine, query, count, page, _row)

    def get_user(self, user_id: int) -> AdminUserRow:
        with self._engine.connect() as connection:
            row = connection.execute(select(*_columns()).where(users.c.id == user_id)
                                     ).mappings().first()
        if row is None:
            raise NotFound("User not found")
        return _row(row)

    def user_stats(self, *, recent_since: datetime, now: datetime) -> UserStats:
        def total(condition: ColumnElement[bool]) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        staff = or_(users.c.is_staff.is_(True), users.c.is_superuser.is_(True),
                    users.c.staff_role.is_not(None))
        query = select(
            func.count().label("total_users"),
            total(users.c.is_verified.is_(True)).label("verified_users"),
            total(usable_at(now)).label("active_users"),
            total(users.c.user_type == "artist").label("artists"),
            total(users.c.user_type == "buyer").label("buyers"),
            total(users.c.user_type == "admin").label("admins"),
            total(staff).label("staff_users"),
            total(and_(users.c.created_at >= recent_since)).label("recent_registrations"),
        ).select_from(users)
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().one()
        return UserStats(**{name: int(value) for name, value in row.items()})

    def restricting_actions(self, user_ids: Sequence[int] | None
                            ) -> dict[int, list[ModerationAction]]:
        conditions = [moderation_actions.c.kind.in_([kind.value for kind in RESTRICTING]),
                      moderation_actions.c.reversed_at.is_(None)]
        if user_ids is not None:
            conditions.append(moderation_actions.c.user_id.in_(sorted(set(user_ids))))
        with self._engine.connect() as connection:
            rows = connection.execute(select(moderation_actions).where(*conditions)
                                      .order_by(moderation_actions.c.user_id,
                                                moderation_actions.c.id)).mappings().all()
        found: dict[int, list[ModerationAction]] = {}
        for row in rows:
            found.setdefault(row["user_id"], []).append(action_of(row))
        return found
