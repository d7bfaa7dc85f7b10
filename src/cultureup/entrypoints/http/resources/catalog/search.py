"""/api/search/?q=: artworks, jobs and artists matching the words of `q`, at most ten of
each, most relevant first; `total_results` counts the matches, exactly up to a bound per group
(see docs/decisions.md)."""

from __future__ import annotations

import falcon
from pydantic import Field

from cultureup.application.catalog.search import (
    COUNTED_MATCHES,
    MAX_QUERY_LENGTH,
    RANKED_MATCHES,
    RESULTS_PER_GROUP,
    SearchResults,
    SearchService,
)
from cultureup.domain.hiring.jobs import JobStatus
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import MoneyOut, Text
from cultureup.entrypoints.http.resources.catalog.artworks import absolute

Words = Text(MAX_QUERY_LENGTH, description=(
    "Words to find, ignoring case; the last word may be the start of a longer one "
    "(\"logo des\" finds \"Logo Design\"). Punctuation and operators are ignored."))


class SearchQuery(Shape):
    q: Words


class SearchArtwork(Answer):
    id: int
    title: str
    artist_name: str = Field(description="Username")
    price: MoneyOut
    image: str = Field(description="The watermarked image")


class SearchJob(Answer):
    id: int
    title: str
    buyer_name: str = Field(description="Username")
    budget_min: MoneyOut
    budget_max: MoneyOut
    status: str = Field(json_schema_extra={"enum": [s.value for s in JobStatus]})


class SearchArtist(Answer):
    id: int = Field(description="The artist's user id (as in /api/artist-profiles/{id}/)")
    username: str
    full_name: str
    skills: str
    rating: float = Field(description="Mean review rating, two decimals; 0.0 without reviews")


class SearchGroups(Answer):
    artworks: list[SearchArtwork] = Field(max_length=RESULTS_PER_GROUP)
    jobs: list[SearchJob] = Field(max_length=RESULTS_PER_GROUP)
    artists: list[SearchArtist] = Field(max_length=RESULTS_PER_GROUP)


class SearchResultsAnswer(Answer):
    query: str = Field(description="q as sent")
    results: SearchGroups
    total_results: int = Field(description=(
        "Every match across the three groups, including those beyond the "
        f"{RESULTS_PER_GROUP} shown per group; each group counts exactly up to "
        f"{COUNTED_MATCHES} matches, and a group with more counts as {COUNTED_MATCHES}"))

    @classmethod
    def of(cls, req: falcon.Request, results: SearchResults) -> SearchResultsAnswer:
        hits = results.hits
        return cls(query=results.query, total_results=hits.total, results=SearchGroups(
            artworks=[SearchArtwork(id=hit.id, title=hit.title, artist_name=hit.artist_name,
                                    price=hit.price, image=absolute(req, hit.image_url))
                      for hit in hits.artworks.items],
            jobs=[SearchJob(id=hit.id, title=hit.title, buyer_name=hit.buyer_name,
                            budget_min=hit.budget_min, budget_max=hit.budget_max,
                            status=hit.status) for hit in hits.jobs.items],
            artists=[SearchArtist(id=hit.user_id, username=hit.username,
                                  full_name=hit.full_name, skills=hit.skills,
                                  rating=float(hit.rating)) for hit in hits.artists.items]))


class SearchResource:
    def __init__(self, search: SearchService) -> None:
        self._search = search

    @endpoint(f"Search artworks, jobs and artists (at most {RESULTS_PER_GROUP} of each, most "
              "relevant first)", "Search", query=SearchQuery, response=SearchResultsAnswer,
              description=f"Each group shows the most relevant of its {RANKED_MATCHES} newest "
              "matches (of all of them when it has fewer), newest first among equals.")
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: SearchQuery
               ) -> SearchResultsAnswer:
        return SearchResultsAnswer.of(req, self._search.search(query.q))
