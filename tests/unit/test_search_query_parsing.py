"""Search queries: what a user types becomes plain words that no full-text query language can
misread, and the service asks the read model once per search."""

from __future__ import annotations

import sqlite3
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cultureup.adapters.sqlalchemy.catalog.search_queries import fts5_query, tsquery
from cultureup.application.catalog.search import (
    MAX_QUERY_LENGTH,
    ArtistHit,
    SearchGroup,
    SearchHits,
    SearchService,
    SearchTerms,
    check_query,
    parse_search_query,
)
from cultureup.domain.errors import ValidationFailed
from cultureup.domain.text import search_text


@pytest.mark.parametrize(("typed", "words"), [
    ("logo design", ("logo", "design")),
    ("  Logo   DESIGN  ", ("logo", "design")),
    ('"logo design"', ("logo", "design")),
    ("logo* ^design -sketch +ink", ("logo", "design", "sketch", "ink")),
    ("NEAR(logo design, 5)", ("logo", "design", "5")),
    ("logo AND design OR sketch NOT ink", ("logo", "design", "sketch", "ink")),
    ("and or not near", ("and", "or", "not", "near")),  # lower case: ordinary words
    ("title:logo {body}: x", ("title", "logo", "body", "x")),
    ("logo & design | !sketch <-> ink:*", ("logo", "design", "sketch", "ink")),
    ("artist_john john.doe@example.com", ("artist", "john", "doe", "example", "com")),
    ("logo-design's", ("logo", "design", "s")),
    ("logo logo LOGO", ("logo",)),
    # Folded like the indexed text: NFKC, case folded, diacritics removed.
    ("École", ("ecole",)),
    ("E\u0301cole", ("ecole",)),
    ("ÉCOLE ecole", ("ecole",)),
    ("ΝΙΚΟΣ νίκος", ("νικοσ",)),  # final sigma, tonos
    ("Straße STRASSE", ("strasse",)),
    ("İstanbul", ("istanbul",)),  # the dot of the Turkish capital I is a diacritic here
    ("\ufb01ne ﬀ", ("fine", "ff")),  # ligatures
    ("\uff4c\uff4f\uff47\uff4f", ("logo",)),  # fullwidth
    ("lo\u200dgo so\u00adft", ("logo", "soft")),  # zero-width joiner, soft hyphen
    ("اُردو", ("اردو",)),  # Arabic vowel marks
    ("خطاطی، شاہکار", ("خطاطی", "شاہکار")),
    ("हिन्दी", ("हिन्दी",)),  # Devanagari vowel signs and virama stay in the word
    ("日本語のロゴ", ("日本語のロゴ",)),
    ("3D 2024 x86", ("3d", "2024", "x86")),
    ("'; DROP TABLE artworks; --", ("drop", "table", "artworks")),
    ("💥🎨", ()),
    ("*** !!! \"\" ()", ()),
    ("AND OR NOT NEAR", ()),
])
def test_a_query_is_split_into_plain_words(typed: str, words: tuple[str, ...]) -> None:
    assert parse_search_query(typed).words == words


def test_the_last_word_is_the_prefix() -> None:
    terms = parse_search_query("modern logo des")
    assert (terms.exact, terms.prefix) == (("modern", "logo"), "des")
    assert not parse_search_query("!!!")


def test_terms_are_quoted_for_each_query_language() -> None:
    terms = SearchTerms(words=("logo", "des"))
    assert fts5_query(terms) == '"logo" "des"*'
    assert tsquery(terms) == "'logo' & 'des':*"
    # Quotes could not get there through parse_search_query; were they ever to, they stay
    # inside the literal.
    odd = SearchTerms(words=('a"b', "c'd\\"))
    assert fts5_query(odd) == '"a""b" "c\'d\\"*'
    assert tsquery(odd) == "'a\"b' & 'c''d\\\\':*"


@pytest.mark.parametrize(("value", "message"), [
    (None, "This field is required."),
    (5, "Not a valid string."),
    ("", "This field may not be blank."),
    (" \t\n", "This field may not be blank."),
    ("logo\x00", "Null characters are not allowed."),
    ("x" * (MAX_QUERY_LENGTH + 1), f"Ensure this field has no more than {MAX_QUERY_LENGTH} "
                                   "characters."),
])
def test_a_query_must_be_text_of_reasonable_length(value: Any, message: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        check_query(value)
    assert raised.value.details == {"q": [message]}


def test_the_longest_query_is_accepted() -> None:
    assert check_query("x" * MAX_QUERY_LENGTH) == "x" * MAX_QUERY_LENGTH


# -- properties --------------------------------------------------------------------------------

def _fts5() -> sqlite3.Connection:
    """The FTS5 table as migration 0006 builds it, with bodies folded as the repositories
    fold them."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize=\"unicode61 "
                       "remove_diacritics 0 categories 'L* N* Co M*'\", prefix='2 3')")
    for body in ("Modern Logo Design", "E\u0301cole", "اُردو", "हिन्दी"):
        connection.execute("INSERT INTO t (body) VALUES (?)", (search_text(body),))
    return connection


FTS5 = _fts5()
typed_text = st.text(max_size=MAX_QUERY_LENGTH) | st.lists(st.sampled_from(
    ['"', "'", "*", "^", "-", "+", "(", ")", ":", "{", "}", "AND", "OR", "NOT", "NEAR", "logo",
     "des", " ", "\\", "&", "|", "!", "<->", "\u0301", "É", "ﷺ", "\x00"]),
    max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(typed_text)
def test_any_input_gives_words_that_fts5_accepts(typed: str) -> None:
    terms = parse_search_query(typed)
    for word in terms.words:
        assert word and word not in {"AND", "OR", "NOT", "NEAR"}
        assert all(unicodedata.category(c)[0] in "LNM" or unicodedata.category(c) == "Co"
                   for c in word), word
    assert parse_search_query(" ".join(terms.words)) == terms
    if terms:
        FTS5.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts5_query(terms),)).fetchall()


def test_fts5_matches_what_the_words_say() -> None:
    def match(typed: str) -> list[int]:
        query = fts5_query(parse_search_query(typed))
        return [row[0] for row in FTS5.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,))]

    assert match("LOGO des") == [1]
    assert match('"logo" NEAR(design)') == [1]
    assert match("des logo") == []  # only the last word is a prefix
    # Stored decomposed, found composed, in capitals, or without the accent.
    assert match("école") == match("ÉCOLE") == match("ecole") == match("E\u0301COLE") == [2]
    assert match("اُردو") == match("اردو") == [3]  # with or without vowel marks
    assert match("हिन्दी") == match("हिन्") == [4]


# -- the service ---------------------------------------------------------------------------

class RecordingQueries:
    def __init__(self, hits: SearchHits) -> None:
        self.hits, self.calls = hits, []

    def search(self, terms: SearchTerms, limit: int) -> SearchHits:
        self.calls.append((terms, limit))
        return self.hits


def test_the_service_asks_once_with_the_words_and_the_cap() -> None:
    artist = ArtistHit(user_id=1, username="artist_john", first_name="John", last_name="",
                       skills="Logo")
    hits = SearchHits(artists=SearchGroup(items=[artist], total=14),
                      jobs=SearchGroup(items=[], total=3))
    queries = RecordingQueries(hits)
    results = SearchService(queries=queries, per_group=7).search('"logo" des')
    assert queries.calls == [(SearchTerms(words=("logo", "des")), 7)]
    assert results.query == '"logo" des'
    assert results.hits.total == 17
    assert artist.full_name == "John"


def test_the_service_asks_nothing_for_a_query_without_words() -> None:
    queries = RecordingQueries(SearchHits())
    results = SearchService(queries=queries).search("*** ???")
    assert queries.calls == []
    assert results.hits.total == 0 and list(results.hits.artworks.items) == []


def test_the_service_refuses_a_blank_query() -> None:
    with pytest.raises(ValidationFailed):
        SearchService(queries=RecordingQueries(SearchHits())).search("   ")
