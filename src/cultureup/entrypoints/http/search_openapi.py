"""The OpenAPI description of /api/search/, merged into the document by openapi.py."""

from __future__ import annotations

from typing import Any

from cultureup.application.search import MAX_QUERY_LENGTH, RESULTS_PER_GROUP
from cultureup.entrypoints.http.openapi import ID, MONEY, _object, _string, op, ref

Schema = dict[str, Any]


def _list_of(item: str) -> Schema:
    return {"type": "array", "items": ref(item), "maxItems": RESULTS_PER_GROUP}


SEARCH_SCHEMAS: dict[str, Schema] = {
    "SearchArtwork": _object({
        "id": ID, "title": _string(), "artist_name": _string(description="Username"),
        "price": MONEY, "image": _string(format="uri", description="The watermarked image"),
    }, ["id", "title", "artist_name", "price", "image"]),
    "SearchJob": _object({
        "id": ID, "title": _string(), "buyer_name": _string(description="Username"),
        "budget_min": MONEY, "budget_max": MONEY,
        "status": _string(enum=["open", "in_progress", "completed", "cancelled"]),
    }, ["id", "title", "buyer_name", "budget_min", "budget_max", "status"]),
    "SearchArtist": _object({
        "id": {**ID, "description": "The artist's user id (as in /api/artist-profiles/{id}/)"},
        "username": _string(), "full_name": _string(), "skills": _string(),
        "rating": {"type": "number", "description": "0.0 until reviews exist"},
    }, ["id", "username", "full_name", "skills", "rating"]),
    "SearchResults": _object({
        "query": _string(description="q as sent"),
        "results": _object({"artworks": _list_of("SearchArtwork"),
                            "jobs": _list_of("SearchJob"),
                            "artists": _list_of("SearchArtist")},
                           ["artworks", "jobs", "artists"]),
        "total_results": {"type": "integer", "description":
                          "Every match across the three groups, including those beyond the "
                          f"{RESULTS_PER_GROUP} shown per group"},
    }, ["query", "results", "total_results"]),
}


def search_paths() -> dict[str, dict[str, Schema]]:
    q = {"name": "q", "in": "query", "required": True,
         "schema": _string(minLength=1, maxLength=MAX_QUERY_LENGTH),
         "description": "Words to find, ignoring case; the last word may be the start of a "
                        "longer one (\"logo des\" finds \"Logo Design\"). Punctuation and "
                        "operators are ignored."}
    return {"/api/search/": {"get": op(
        f"Search artworks, jobs and artists (at most {RESULTS_PER_GROUP} of each, most "
        "relevant first)", "Search", params=[q], errors=(400,),
        ok=("200", "Matches", ref("SearchResults")))}}
