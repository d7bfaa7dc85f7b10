"""Artwork JSON shapes. Listings show the watermarked image; only the artist and staff see
the original."""

from __future__ import annotations

from typing import Any

import falcon

from cultureup.application.artwork_ports import ArtworkView
from cultureup.application.artworks import DuplicateCheck
from cultureup.domain.labels import Label
from cultureup.domain.users import Actor
from cultureup.entrypoints.http.serializers import money, timestamp, user_ref


def absolute(req: falcon.Request, url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{req.prefix}{url}"


def label(value: Label) -> dict[str, Any]:
    return {"name": value.name, "confidence": round(value.confidence, 1)}


def artwork(req: falcon.Request, view: ArtworkView, actor: Actor | None) -> dict[str, Any]:
    marked = absolute(req, view.watermarked_url)
    data = {
        "id": view.id,
        "artist": user_ref(view.artist, full=True),
        "title": view.title,
        "description": view.description,
        "category": {"id": view.category_id, "name": view.category_name,
                     "description": view.category_description},
        "artwork_type": view.artwork_type,
        "price": money(view.price),
        "image": marked,
        "watermarked_image": marked,
        "is_available": view.is_available,
        "is_featured": view.is_featured,
        "moderation_status": view.moderation_status,
        "views_count": view.views_count,
        "likes_count": view.likes_count,
        "created_at": timestamp(view.created_at),
        "updated_at": timestamp(view.updated_at),
    }
    if actor is not None and (actor.id == view.artist.id or actor.is_staff
                              or actor.is_superuser):
        data["original_image"] = absolute(req, view.image_url)
    if actor is not None and (actor.is_staff or actor.is_superuser):
        # The moderation case of an upload held in the duplicate grey band; staff only.
        data["duplicate_candidate"] = None if view.duplicate_candidate_id is None else {
            "id": view.duplicate_candidate_id,
            "similarity_score": round(view.duplicate_candidate_score or 0.0, 2)}
    return data


def uploaded_artwork(req: falcon.Request, view: ArtworkView, labels: list[dict[str, Any]],
                     check: DuplicateCheck) -> dict[str, Any]:
    return {
        "id": view.id,
        "artist": user_ref(view.artist),
        "title": view.title,
        "description": view.description,
        "category": {"id": view.category_id, "name": view.category_name},
        "artwork_type": view.artwork_type,
        "price": money(view.price),
        "s3_image_url": absolute(req, view.image_url),
        "s3_watermarked_url": absolute(req, view.watermarked_url),
        "image": absolute(req, view.watermarked_url),
        "watermarked_image": absolute(req, view.watermarked_url),
        "rekognition_checked": check.rekognition_checked,
        "rekognition_labels": labels,
        "similarity_score": f"{check.similarity_score:.2f}",
        "is_available": view.is_available,
        "is_featured": view.is_featured,
        "moderation_status": view.moderation_status,
        "views_count": view.views_count,
        "likes_count": view.likes_count,
        "created_at": timestamp(view.created_at),
        "updated_at": timestamp(view.updated_at),
    }
