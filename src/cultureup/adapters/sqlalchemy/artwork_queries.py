"""The artwork read model: a page is two queries (rows with artist and category, and a count)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, select

from cultureup.adapters.sqlalchemy.artwork_tables import artworks

# Shared helpers of the SQL read models in this package.
from cultureup.adapters.sqlalchemy.queries import (
    _order as order_by_choice,
)
from cultureup.adapters.sqlalchemy.queries import (
    _paginate as paginate,
)
from cultureup.adapters.sqlalchemy.queries import (
    _user_columns as user_columns,
)
from cultureup.adapters.sqlalchemy.search_queries import indexed_search
from cultureup.adapters.sqlalchemy.tables import categories, users
from cultureup.application.artwork_ports import ArtworkFilters, ArtworkView
from cultureup.application.views import Page, PageRequest, UserRef
from cultureup.domain.errors import NotFound

artist_user = users.alias("artwork_artist")


class SqlAlchemyArtworkQueries:
    def __init__(self, engine: Engine, url_for: Callable[[str], str],
                 original_url_for: Callable[[int], str]) -> None:
        """`url_for` gives a public file's URL from its key; `original_url_for` the URL an
        artwork's original is fetched at (by its id: originals have no public URL)."""
        self._engine, self._url_for = engine, url_for
        self._original_url_for = original_url_for

    def _select(self) -> Select[Any]:
        return (
            select(artworks, *user_columns(artist_user, "artist_user"),
                   categories.c.name.label("category_name"),
                   categories.c.description.label("category_description"))
            .join(artist_user, artist_user.c.id == artworks.c.artist_id)
            .join(categories, categories.c.id == artworks.c.category_id)
        )

    def list_artworks(self, filters: ArtworkFilters, page: PageRequest) -> Page[ArtworkView]:
        conditions = _conditions(filters, self._engine.dialect.name)
        query = order_by_choice(self._select().where(*conditions), filters.ordering, {
            "price": artworks.c.price, "created_at": artworks.c.created_at,
            "views_count": artworks.c.views_count, "likes_count": artworks.c.likes_count,
        }, default=(artworks.c.created_at.desc(), artworks.c.id.desc()), id_column=artworks.c.id)
        count = select(func.count()).select_from(artworks).where(*conditions)
        return paginate(self._engine, query, count, page, self._view)

    def get_artwork(self, artwork_id: int) -> ArtworkView:
        with self._engine.connect() as connection:
            row = connection.execute(
                self._select().where(artworks.c.id == artwork_id)).mappings().first()
        if row is None:
            raise NotFound("Artwork not found.")
        return self._view(row)

    def _view(self, row: Any) -> ArtworkView:
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
            watermarked_url=self._url_for(row["watermarked_key"]),
            is_available=row["is_available"], is_featured=row["is_featured"],
            moderation_status=row["moderation_status"],
            labels=[(name, float(conf)) for name, conf in json.loads(row["labels"])],
            similarity_score=float(row["similarity_score"]),
            views_count=row["views_count"], likes_count=row["likes_count"],
            created_at=row["created_at"], updated_at=row["updated_at"],
            duplicate_candidate_id=row["duplicate_candidate_id"],
            duplicate_candidate_score=row["duplicate_candidate_score"],
        )


def _conditions(filters: ArtworkFilters, dialect: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if not filters.include_rejected:
        conditions.append(artworks.c.moderation_status != "REJECTED")
    if filters.category_id is not None:
        conditions.append(artworks.c.category_id == filters.category_id)
    if filters.artwork_type is not None:
        conditions.append(artworks.c.artwork_type == filters.artwork_type)
    if filters.min_price is not None:
        conditions.append(artworks.c.price >= filters.min_price)
    if filters.max_price is not None:
        conditions.append(artworks.c.price <= filters.max_price)
    if filters.is_featured is not None:
        conditions.append(artworks.c.is_featured.is_(filters.is_featured))
    if filters.artist_id is not None:
        conditions.append(artworks.c.artist_id == filters.artist_id)
    if filters.search:
        conditions.append(indexed_search(dialect, "artwork", artworks.c.id, filters.search))
    return conditions
