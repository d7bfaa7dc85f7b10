"""In-memory stand-in for the moderation ports (listings' removal state)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from cultureup.domain.moderation.content import ContentItem, ContentType, Removal


class InMemoryContentRepository:
    """Jobs come from the fake store; artworks and equipment are registered by tests
    (`listings`). Removals live beside them and are applied at once: the tests that use this
    commit every unit of work they open."""

    def __init__(self, store: Any) -> None:
        self._store = store
        if not hasattr(store, "removals"):
            store.removals = {}
            store.listings = {}

    def find(self, content_type: ContentType, object_id: int) -> ContentItem | None:
        key = (content_type, object_id)
        if content_type is ContentType.JOB:
            job = self._store.jobs.get(object_id)
            if job is None:
                return None
            item = ContentItem(content_type=content_type, id=object_id,
                               owner_id=job.buyer_id, title=job.title)
        else:
            item = self._store.listings.get(key)
            if item is None:
                return None
        return attrs.evolve(item, removal=self._store.removals.get(key))

    def mark_removed(self, item: ContentItem, removal: Removal) -> bool:
        key = (item.content_type, item.id)
        if key in self._store.removals:
            return False
        self._store.removals[key] = removal
        return True

    def clear_removal(self, item: ContentItem, *, now: datetime) -> bool:
        return self._store.removals.pop((item.content_type, item.id), None) is not None
