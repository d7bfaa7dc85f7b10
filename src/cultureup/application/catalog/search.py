"""Global search: artworks, jobs and artists matching the words of one query.

The database keeps a full-text index of every searchable thing (see migration 0005); this
module turns what a user typed into plain words the index can match, whatever characters it
holds, and asks the read model for each group.

Matching rules (the same on SQLite and PostgreSQL):
- a word is a run of letters and digits; everything else (spaces, punctuation, quotes, the
  FTS operators * ^ - + : ( ) and so on) only separates words;
- AND, OR, NOT and NEAR written in capitals are query-language operators elsewhere and are
  ignored here, so that they never change the meaning of a query; in lower case they are
  ordinary words;
- words are folded like the indexed text (NFKC, case folded, diacritics removed; see
  `cultureup.domain.text`), so `ECOLE`, `École` and `ecole` are the same word;
- every word must occur, and the last word also matches longer words that
  start with it: "logo des" finds "Logo Design".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

import attrs

from cultureup.domain.errors import ValidationFailed
from cultureup.domain.money import Money
from cultureup.domain.text import is_word_character, search_words, unique

T = TypeVar("T")

MAX_QUERY_LENGTH = 200
RESULTS_PER_GROUP = 10
# What a search costs is bounded whatever the number of matches of a common word:
# - the results of a group are the most relevant among its RANKED_MATCHES newest matches
#   (all of them when a group has fewer), so at most that many are ranked;
# - a group's `total` is exact up to COUNTED_MATCHES; a group with more matches counts as
#   COUNTED_MATCHES, and `exact` says so.
RANKED_MATCHES = 500
COUNTED_MATCHES = 1000
OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})


@attrs.frozen
class SearchTerms:
    """The folded words of a query, in order, without repeats. Each holds letters, digits
    and marks only."""

    words: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.words)

    @property
    def exact(self) -> tuple[str, ...]:
        """The words that must occur as they are."""
        return self.words[:-1]

    @property
    def prefix(self) -> str:
        """The last word, which may also be the start of a longer word."""
        return self.words[-1]


def parse_search_query(text: str) -> SearchTerms:
    """Split what a user typed into the folded words to look for (the same folding as the
    indexed text, `cultureup.domain.text.search_words`)."""
    return SearchTerms(words=unique(search_words(_without_operators(text))))


def _without_operators(text: str) -> str:
    # Operators are recognised as typed, in capitals, before folding makes them lower case.
    pieces: list[str] = []
    current: list[str] = []
    for character in unicodedata.normalize("NFKC", text) + " ":
        if is_word_character(character):
            current.append(character)
            continue
        word = "".join(current)
        pieces.extend(("" if word in OPERATOR_WORDS else word, character))
        current = []
    return "".join(pieces)


def check_query(text: Any) -> str:
    """The query as typed, or a 400-style ValidationFailed on `q`."""
    problem = None
    if not isinstance(text, str):
        problem = "This field is required." if text is None else "Not a valid string."
    elif "\x00" in text:
        problem = "Null characters are not allowed."
    elif not text.strip():
        problem = "This field may not be blank."
    elif len(text) > MAX_QUERY_LENGTH:
        problem = f"Ensure this field has no more than {MAX_QUERY_LENGTH} characters."
    if problem:
        raise ValidationFailed({"q": [problem]})
    return text


@attrs.frozen(kw_only=True)
class ArtworkHit:
    id: int
    title: str
    artist_name: str
    price: Money
    image_url: str  # the watermarked image; listings never show the original


@attrs.frozen(kw_only=True)
class JobHit:
    id: int
    title: str
    buyer_name: str
    budget_min: Money
    budget_max: Money
    status: str


@attrs.frozen(kw_only=True)
class ArtistHit:
    user_id: int
    username: str
    first_name: str
    last_name: str
    skills: str
    # The mean of the artist's review ratings (two decimals; 0.00 without reviews).
    rating: Decimal = Decimal("0.00")

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@attrs.frozen(kw_only=True)
class SearchGroup(Generic[T]):
    """The best matches of one kind (at most the limit asked for) and how many match: exact
    when `exact`, else at least `total` (COUNTED_MATCHES)."""

    items: Sequence[T]
    total: int
    exact: bool = True


def _nothing() -> SearchGroup[Any]:
    return SearchGroup(items=(), total=0)


@attrs.frozen(kw_only=True)
class SearchHits:
    """Each group: the best matches, most relevant first (newest first among equals), and
    how many match in all.
    - artworks: not rejected by moderation; by title and description;
    - jobs: of every status; by title and description;
    - artists: with a profile and an active account; by username, first and last name, bio
      and skills."""

    artworks: SearchGroup[ArtworkHit] = attrs.field(factory=_nothing)
    jobs: SearchGroup[JobHit] = attrs.field(factory=_nothing)
    artists: SearchGroup[ArtistHit] = attrs.field(factory=_nothing)

    @property
    def total(self) -> int:
        """Every match across the groups, also those beyond each group's limit; a group
        counts at most COUNTED_MATCHES (then `total_exact` is false)."""
        return self.artworks.total + self.jobs.total + self.artists.total

    @property
    def total_exact(self) -> bool:
        return self.artworks.exact and self.jobs.exact and self.artists.exact


@attrs.frozen(kw_only=True)
class SearchResults:
    query: str
    hits: SearchHits = attrs.field(factory=SearchHits)


class SearchQueries(Protocol):
    """The read model over the full-text index."""

    def search(self, terms: SearchTerms, limit: int) -> SearchHits:
        """At most `limit` matches per group, the most relevant among the group's
        RANKED_MATCHES newest matches; totals exact up to COUNTED_MATCHES per group. A
        bounded amount of work per group, whatever the number of matches."""
        ...


class SearchService:
    def __init__(self, *, queries: SearchQueries, per_group: int = RESULTS_PER_GROUP) -> None:
        self._queries, self._per_group = queries, per_group

    def search(self, text: str) -> SearchResults:
        """The best matches of each kind. A query without any word (only punctuation, say)
        matches nothing and costs no query."""
        query = check_query(text)
        terms = parse_search_query(query)
        if not terms:
            return SearchResults(query=query)
        return SearchResults(query=query, hits=self._queries.search(terms, self._per_group))
