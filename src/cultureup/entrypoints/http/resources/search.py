"""/api/search/?q=: artworks, jobs and artists matching the words of `q`, at most ten of
each, most relevant first; `total_results` counts every match (see docs/decisions.md)."""

from __future__ import annotations

from typing import Any

import falcon

from cultureup.application.search import (
    MAX_QUERY_LENGTH,
    ArtistHit,
    ArtworkHit,
    JobHit,
    SearchResults,
    SearchService,
)
from cultureup.entrypoints.http.artwork_serializers import absolute
from cultureup.entrypoints.http.input import Fields
from cultureup.entrypoints.http.serializers import money


class SearchResource:
    def __init__(self, search: SearchService) -> None:
        self._search = search

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        fields = Fields(req.params, from_query=True)
        text = fields.string("q", max_length=MAX_QUERY_LENGTH)
        fields.check()
        resp.media = search_results(req, self._search.search(text))


def search_results(req: falcon.Request, results: SearchResults) -> dict[str, Any]:
    hits = results.hits
    return {
        "query": results.query,
        "results": {
            "artworks": [_artwork(req, hit) for hit in hits.artworks.items],
            "jobs": [_job(hit) for hit in hits.jobs.items],
            "artists": [_artist(hit) for hit in hits.artists.items],
        },
        "total_results": hits.total,
    }


def _artwork(req: falcon.Request, hit: ArtworkHit) -> dict[str, Any]:
    return {"id": hit.id, "title": hit.title, "artist_name": hit.artist_name,
            "price": money(hit.price), "image": absolute(req, hit.image_url)}


def _job(hit: JobHit) -> dict[str, Any]:
    return {"id": hit.id, "title": hit.title, "buyer_name": hit.buyer_name,
            "budget_min": money(hit.budget_min), "budget_max": money(hit.budget_max),
            "status": hit.status}


def _artist(hit: ArtistHit) -> dict[str, Any]:
    return {"id": hit.user_id, "username": hit.username, "full_name": hit.full_name,
            "skills": hit.skills, "rating": float(hit.rating)}
