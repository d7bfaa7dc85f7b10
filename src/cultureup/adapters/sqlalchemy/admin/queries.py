"""Figures over the whole catalogue for staff: artwork and job statistics.

Each is one aggregate query over the table (conditional counts side by side), plus one count
of bids for the jobs. Sums of money are summed as whole paisa, so averages are exact."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, case, func, select

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.tables import bids, jobs
from cultureup.application.admin.views import ArtworkStats, JobStats
from cultureup.domain.money import Money


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _average(cents_sum: Any, count: int) -> Money:
    """The exact mean of a sum of paisa over `count` rows, half-up to 0.01 (0.00 for none)."""
    if not count or cents_sum is None:
        return Money("0")
    return Money(Decimal(int(cents_sum)) / 100 / Decimal(count))


class SqlAlchemyAdminCatalogQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def artwork_stats(self, *, recent_since: datetime) -> ArtworkStats:
        a = artworks.c
        query = select(
            func.count().label("total"),
            _count_if(a.is_available.is_(True)).label("available"),
            _count_if(a.is_featured.is_(True)).label("featured"),
            _count_if(a.moderation_status == "PENDING").label("pending"),
            _count_if(a.moderation_status == "APPROVED").label("approved"),
            _count_if(a.moderation_status == "REJECTED").label("rejected"),
            func.coalesce(func.sum(a.views_count), 0).label("views"),
            func.coalesce(func.sum(a.likes_count), 0).label("likes"),
            func.sum(a.price).label("price_cents"),
            _count_if(a.created_at >= recent_since).label("recent"),
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().one()
        total = int(row["total"])
        return ArtworkStats(
            total_artworks=total, available_artworks=int(row["available"]),
            featured_artworks=int(row["featured"]), pending_review=int(row["pending"]),
            approved_artworks=int(row["approved"]), rejected_artworks=int(row["rejected"]),
            total_views=int(row["views"]), total_likes=int(row["likes"]),
            average_price=_average(_cents(row["price_cents"]), total),
            recent_uploads=int(row["recent"]))

    def job_stats(self, *, recent_since: datetime) -> JobStats:
        j = jobs.c
        query = select(
            func.count().label("total"),
            _count_if(j.status == "open").label("open"),
            _count_if(j.status == "in_progress").label("in_progress"),
            _count_if(j.status == "completed").label("completed"),
            _count_if(j.status == "cancelled").label("cancelled"),
            func.sum(j.budget_min).label("min_cents"),
            func.sum(j.budget_max).label("max_cents"),
            _count_if(j.created_at >= recent_since).label("recent"),
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().one()
            total_bids = connection.execute(select(func.count()).select_from(bids)).scalar_one()
        total = int(row["total"])
        return JobStats(
            total_jobs=total, open_jobs=int(row["open"]),
            in_progress_jobs=int(row["in_progress"]), completed_jobs=int(row["completed"]),
            cancelled_jobs=int(row["cancelled"]),
            average_budget_min=_average(_cents(row["min_cents"]), total),
            average_budget_max=_average(_cents(row["max_cents"]), total),
            total_bids=int(total_bids), recent_jobs=int(row["recent"]))

    def existing_artwork_ids(self, artwork_ids: list[int]) -> set[int]:
        if not artwork_ids:
            return set()
        with self._engine.connect() as connection:
            return set(connection.execute(select(artworks.c.id).where(
                artworks.c.id.in_(artwork_ids))).scalars())


def _cents(value: Any) -> int | None:
    """A SUM over a MoneyCents column arrives as Money (the column's type) or as the raw
    integer, depending on the driver's typing of the aggregate."""
    if value is None:
        return None
    if isinstance(value, Money):
        return value.cents
    return int(value)
