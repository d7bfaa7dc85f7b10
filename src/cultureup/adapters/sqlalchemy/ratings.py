"""An artist's rating from the reviews table, as correlated sub-queries for any read model."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.collaboration.tables import reviews


def rating_columns(artist_id: Any) -> tuple[Any, Any]:
    """The sum and the number of an artist's ratings, as correlated sub-queries; the mean is
    `average_rating(sum, count)`, exact."""
    total = (select(func.coalesce(func.sum(reviews.c.rating), 0))
             .where(reviews.c.artist_id == artist_id).scalar_subquery())
    count = select(func.count(reviews.c.id)).where(reviews.c.artist_id == artist_id)
    return total, count.scalar_subquery()


def rating_order(artist_id: Any) -> Any:
    """A sortable mean rating (0 without reviews); only for ordering, never shown."""
    return (select(func.coalesce(func.avg(reviews.c.rating * 1.0), 0))
            .where(reviews.c.artist_id == artist_id).scalar_subquery())
