"""Listings of every kind as moderation sees them: find (locked), mark removed, restore."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select, update

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.catalog.tables import equipment
from cultureup.adapters.sqlalchemy.tables import jobs
from cultureup.domain.moderation.content import ContentItem, ContentType, Removal

# table, owner column (None: the platform's own), title column
SOURCES: dict[ContentType, tuple[Table, str | None, str]] = {
    ContentType.ARTWORK: (artworks, "artist_id", "title"),
    ContentType.JOB: (jobs, "buyer_id", "title"),
    ContentType.EQUIPMENT: (equipment, None, "name"),
}


class SqlAlchemyContentRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def find(self, content_type: ContentType, object_id: int) -> ContentItem | None:
        table, owner, title = SOURCES[content_type]
        row = self._connection.execute(
            select(table).where(table.c.id == object_id).with_for_update()).mappings().first()
        if row is None:
            return None
        return _item(content_type, row, owner, title)

    def mark_removed(self, item: ContentItem, removal: Removal) -> bool:
        table = SOURCES[item.content_type][0]
        result = self._connection.execute(
            update(table).where(table.c.id == item.id, table.c.removed_at.is_(None))
            .values(removed_at=removal.removed_at, removed_by_id=removal.removed_by_id,
                    removal_reason=removal.reason))
        return result.rowcount == 1

    def clear_removal(self, item: ContentItem, *, now: datetime) -> bool:
        table = SOURCES[item.content_type][0]
        result = self._connection.execute(
            update(table).where(table.c.id == item.id, table.c.removed_at.is_not(None))
            .values(removed_at=None, removed_by_id=None, removal_reason=None))
        return result.rowcount == 1


def _item(content_type: ContentType, row: Any, owner: str | None, title: str) -> ContentItem:
    removal = None
    if row["removed_at"] is not None:
        removal = Removal(reason=row["removal_reason"] or "", removed_by_id=row["removed_by_id"],
                          removed_at=row["removed_at"])
    return ContentItem(content_type=content_type, id=row["id"],
                       owner_id=row[owner] if owner else None, title=row[title],
                       removal=removal)
