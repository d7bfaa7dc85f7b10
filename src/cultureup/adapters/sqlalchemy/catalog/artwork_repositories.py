"""The artwork repository: rows, likes and fingerprints."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    and_,
    delete,
    func,
    insert,
    not_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import (
    artwork_fingerprints,
    artwork_likes,
    artworks,
    public_artwork_terms,
)
from cultureup.application.catalog.artwork_ports import (
    ImageState,
    MatchInfo,
    StoredFingerprint,
)
from cultureup.domain.catalog.artworks import (
    Artwork,
    ArtworkType,
    ModerationStatus,
    is_public,
)
from cultureup.domain.errors import NotFound
from cultureup.domain.text import search_text

FIELDS = ("artist_id", "title", "description", "category_id", "artwork_type", "price",
          "is_available", "is_featured", "moderation_status", "image_key", "watermarked_key",
          "labels", "similarity_score", "created_at", "updated_at", "image_uploaded_at",
          "duplicate_candidate_id", "duplicate_candidate_score")


class SqlAlchemyArtworkRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, artwork: Artwork) -> None:
        artwork.id = self._c.execute(insert(artworks).values(**_values(artwork))
                                     .returning(artworks.c.id)).scalar_one()

    def get(self, artwork_id: int) -> Artwork:
        row = self._c.execute(select(artworks).where(artworks.c.id == artwork_id)
                              .with_for_update()).mappings().first()
        if row is None:
            raise NotFound("Artwork not found.")
        return _artwork(row)

    def save(self, artwork: Artwork) -> None:
        values = _values(artwork)
        values.pop("created_at")
        self._c.execute(update(artworks).where(artworks.c.id == artwork.id).values(**values))

    def delete(self, artwork: Artwork) -> None:
        self._c.execute(delete(artwork_likes).where(artwork_likes.c.artwork_id == artwork.id))
        self._c.execute(delete(artwork_fingerprints).where(
            artwork_fingerprints.c.artwork_id == artwork.id))
        self._c.execute(delete(artworks).where(artworks.c.id == artwork.id))

    def like(self, artwork_id: int, user_id: int, *, now: datetime) -> bool:
        exists = self._c.execute(select(artwork_likes.c.user_id).where(
            artwork_likes.c.artwork_id == artwork_id,
            artwork_likes.c.user_id == user_id)).first()
        if exists:
            return False
        try:
            with self._c.begin_nested():
                self._c.execute(insert(artwork_likes).values(artwork_id=artwork_id,
                                                             user_id=user_id, created_at=now))
        except IntegrityError:
            return False  # a simultaneous like by the same user won
        self._c.execute(update(artworks).where(artworks.c.id == artwork_id)
                        .values(likes_count=artworks.c.likes_count + 1))
        return True

    def unlike(self, artwork_id: int, user_id: int) -> bool:
        removed = self._c.execute(delete(artwork_likes).where(
            artwork_likes.c.artwork_id == artwork_id, artwork_likes.c.user_id == user_id))
        if removed.rowcount != 1:
            return False
        self._c.execute(update(artworks).where(artworks.c.id == artwork_id)
                        .values(likes_count=artworks.c.likes_count - 1))
        return True

    def likes_count(self, artwork_id: int) -> int:
        return int(self._c.execute(select(artworks.c.likes_count).where(
            artworks.c.id == artwork_id)).scalar_one())

    def put_fingerprint(self, artwork_id: int, artist_id: int, data: bytes) -> None:
        self._c.execute(delete(artwork_fingerprints).where(
            artwork_fingerprints.c.artwork_id == artwork_id))
        self._c.execute(insert(artwork_fingerprints).values(
            artwork_id=artwork_id, artist_id=artist_id, fingerprint=data))

    def fingerprints_after(self, seq: int, *, limit: int) -> list[StoredFingerprint]:
        rows = self._c.execute(select(artwork_fingerprints).where(
            artwork_fingerprints.c.id > seq).order_by(artwork_fingerprints.c.id)
            .limit(limit)).mappings().all()
        return [StoredFingerprint(seq=row["id"], artwork_id=row["artwork_id"],
                                  artist_id=row["artist_id"], data=bytes(row["fingerprint"]))
                for row in rows]

    def images_after(self, artwork_id: int, *, limit: int) -> list[tuple[int, int, str]]:
        rows = self._c.execute(select(artworks.c.id, artworks.c.artist_id, artworks.c.image_key)
                               .where(artworks.c.id > artwork_id).order_by(artworks.c.id)
                               .limit(limit)).all()
        return [(row[0], row[1], row[2]) for row in rows]

    def image_state(self, artwork_id: int) -> ImageState | None:
        states = self._image_states(artworks.c.id == artwork_id, limit=1)
        return states[0] if states else None

    def image_states_after(self, artwork_id: int, *, limit: int,
                           hidden_only: bool = False) -> list[ImageState]:
        condition = artworks.c.id > artwork_id
        if hidden_only:
            condition = and_(condition, not_(and_(*public_artwork_terms())))
        return self._image_states(condition, limit=limit)

    def _image_states(self, condition: Any, *, limit: int) -> list[ImageState]:
        c = artworks.c
        rows = self._c.execute(select(
            c.id, c.artist_id, c.watermarked_key, c.moderation_status, c.duplicate_candidate_id,
            c.removed_at).where(condition).order_by(c.id).limit(limit)).mappings().all()
        return [ImageState(
            artwork_id=row["id"], artist_id=row["artist_id"], key=row["watermarked_key"],
            public=is_public(moderation_status=row["moderation_status"],
                             duplicate_candidate_id=row["duplicate_candidate_id"],
                             removed=row["removed_at"] is not None)) for row in rows]

    def move_image_key(self, artwork_id: int, old_key: str, new_key: str) -> bool:
        result = self._c.execute(update(artworks).where(
            artworks.c.id == artwork_id, artworks.c.image_key == old_key
        ).values(image_key=new_key))
        return bool(result.rowcount)

    def labels_of(self, artwork_ids: list[int]) -> dict[int, list[tuple[str, float]]]:
        if not artwork_ids:
            return {}
        rows = self._c.execute(select(artworks.c.id, artworks.c.labels).where(
            artworks.c.id.in_(artwork_ids))).all()
        return {row[0]: [(name, float(conf)) for name, conf in json.loads(row[1])]
                for row in rows}

    def match_info_of(self, artwork_ids: list[int]) -> dict[int, MatchInfo]:
        if not artwork_ids:
            return {}
        uploaded = func.coalesce(artworks.c.image_uploaded_at, artworks.c.created_at)
        rows = self._c.execute(select(artworks.c.id, artworks.c.image_key, artworks.c.title,
                                      artworks.c.artist_id, uploaded.label("uploaded_at"))
                               .where(artworks.c.id.in_(artwork_ids))).mappings().all()
        return {row["id"]: MatchInfo(image_key=row["image_key"], title=row["title"],
                                     artist_id=row["artist_id"],
                                     uploaded_at=row["uploaded_at"])
                for row in rows}


def _values(artwork: Artwork) -> dict[str, Any]:
    values = {name: getattr(artwork, name) for name in FIELDS}
    values["artwork_type"] = artwork.artwork_type.value
    values["moderation_status"] = artwork.moderation_status.value
    values["labels"] = json.dumps([[name, conf] for name, conf in artwork.labels])
    values["search_text"] = search_text(artwork.title, artwork.description)
    return values


def _artwork(row: RowMapping) -> Artwork:
    # The removal columns are moderation's (moderation/repositories.py), not the aggregate's.
    data = {name: value for name, value in row.items()
            if name not in ("search_text", "removed_at", "removed_by_id", "removal_reason")}
    data["artwork_type"] = ArtworkType(data["artwork_type"])
    data["moderation_status"] = ModerationStatus(data["moderation_status"])
    data["labels"] = [(name, float(conf)) for name, conf in json.loads(data["labels"])]
    return Artwork(**data)


