"""The admin content list: artworks, jobs and equipment in one page, in two statements.

Each kind's rows are read newest first through its `created_at` index, at most as many as the
page needs (offset + size), and the union of those is ordered and cut to the page with the
owners joined; the count is one statement of three counts. So a page costs the same whatever
the size of the tables (deep pages grow with the offset, as every numbered page does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks, public_artwork_terms
from cultureup.adapters.sqlalchemy.catalog.search_queries import folded_contains
from cultureup.adapters.sqlalchemy.catalog.tables import equipment
from cultureup.adapters.sqlalchemy.tables import jobs, users
from cultureup.application.moderation.ports import ContentFilters, ContentRow
from cultureup.application.views import Page, PageRequest, UserRef
from cultureup.domain.moderation.content import ContentType


def _branch(kind: ContentType, filters: ContentFilters, limit: int) -> tuple[Select[Any], Any]:
    table: Table
    if kind is ContentType.ARTWORK:
        table = artworks
        columns = [table.c.title, table.c.description, table.c.artist_id.label("owner_id"),
                   table.c.price, table.c.views_count.label("views"),
                   table.c.watermarked_key.label("image_key"),
                   case((and_(*public_artwork_terms()), 1), else_=0).label("image_public")]
    elif kind is ContentType.JOB:
        table = jobs
        # A job's price is the most its buyer offers (budget_max); jobs have no views.
        columns = [table.c.title, table.c.description, table.c.buyer_id.label("owner_id"),
                   table.c.budget_max.label("price"), literal(0, Integer).label("views"),
                   cast(null(), String).label("image_key"),
                   literal(1, Integer).label("image_public")]
    else:
        table = equipment
        columns = [table.c.name.label("title"), table.c.description,
                   cast(null(), Integer).label("owner_id"), table.c.price,
                   literal(0, Integer).label("views"), table.c.image.label("image_key"),
                   literal(1, Integer).label("image_public")]
    conditions: list[ColumnElement[bool]] = []
    if filters.is_active is True:
        conditions.append(table.c.removed_at.is_(None))
    elif filters.is_active is False:
        conditions.append(table.c.removed_at.is_not(None))
    if filters.search:
        conditions.append(folded_contains([table.c.search_text], filters.search))
    rows = (select(literal(kind.value, String).label("content_type"), table.c.id, *columns,
                   table.c.created_at, table.c.updated_at, table.c.removed_at,
                   table.c.removal_reason)
            .where(*conditions)
            .order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit))
    count = select(func.count()).select_from(table).where(*conditions).scalar_subquery()
    return rows, count


class SqlAlchemyContentQueries:
    def __init__(self, engine: Engine, url_for: Callable[[str], str],
                 hidden_url_for: Callable[[int], str] | None = None) -> None:
        """`url_for` gives a public file's URL from its key (artworks' watermarked copies);
        `hidden_url_for` the URL of a hidden artwork's image by its id, whose public copy
        is withdrawn (`url_for` when None)."""
        self._engine, self._url_for = engine, url_for
        self._hidden_url_for = hidden_url_for

    def list_content(self, filters: ContentFilters, page: PageRequest) -> Page[ContentRow]:
        kinds = [filters.content_type] if filters.content_type else list(ContentType)
        limit = page.offset + page.page_size
        branches = [_branch(kind, filters, limit) for kind in kinds]
        union = union_all(*(select(rows.subquery()) for rows, _ in branches)).subquery("content")
        owner = users.alias("owner")
        query = (select(union, owner.c.username.label("owner_username"),
                        owner.c.email.label("owner_email"))
                 .select_from(union.outerjoin(owner, owner.c.id == union.c.owner_id))
                 .order_by(union.c.created_at.desc(), union.c.content_type, union.c.id.desc())
                 .limit(page.page_size).offset(page.offset))
        total_expression = branches[0][1]
        for _, count in branches[1:]:
            total_expression = total_expression + count
        with self._engine.connect() as connection:
            total = connection.execute(select(total_expression)).scalar_one()
            rows = connection.execute(query).mappings().all()
        return Page(items=[self._row(row) for row in rows], total=total, request=page)

    def _image_url(self, kind: ContentType, object_id: int, key: str, public: bool) -> str:
        if kind is not ContentType.ARTWORK:
            return key
        if public or self._hidden_url_for is None:
            return self._url_for(key)
        return self._hidden_url_for(object_id)

    def _row(self, row: Any) -> ContentRow:
        kind = ContentType(row["content_type"])
        key = row["image_key"]
        images = [] if not key else [self._image_url(kind, row["id"], key,
                                                     bool(row["image_public"]))]
        owner = None
        if row["owner_id"] is not None:
            owner = UserRef(id=row["owner_id"], username=row["owner_username"],
                            email=row["owner_email"] or "")
        return ContentRow(content_type=kind, id=row["id"], title=row["title"],
                          description=row["description"], owner=owner, price=row["price"],
                          views=row["views"] or 0, images=images,
                          is_active=row["removed_at"] is None, created_at=row["created_at"],
                          updated_at=row["updated_at"], removed_at=row["removed_at"],
                          removal_reason=row["removal_reason"])
