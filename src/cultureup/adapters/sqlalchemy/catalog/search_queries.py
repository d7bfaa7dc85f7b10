"""The global search read model over the full-text index of migration 0005.

One or two statements per group, the three on one connection: the index finds the matching
documents (FTS5 MATCH on SQLite, a GIN index scan for `@@` on PostgreSQL), newest first; the
best of the newest RANKED_MATCHES are kept and joined to the rows they describe by primary
key; a common word's matches are counted up to COUNTED_MATCHES (see `_group`). No LIKE
'%...%' scan of any table, no ranking or join of every match.

User input never reaches the query language as syntax: SearchTerms holds letters and digits
only, and each word is quoted as a literal term anyway.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Engine,
    FromClause,
    Select,
    Text,
    any_,
    bindparam,
    column,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Join

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks, public_artwork_terms
from cultureup.adapters.sqlalchemy.catalog.search_tables import (
    search_documents,
    search_documents_fts,
)
from cultureup.adapters.sqlalchemy.catalog.tables import artist_profiles
from cultureup.adapters.sqlalchemy.ratings import rating_columns
from cultureup.adapters.sqlalchemy.tables import jobs, users
from cultureup.application.catalog.search import (
    COUNTED_MATCHES,
    RANKED_MATCHES,
    ArtistHit,
    ArtworkHit,
    JobHit,
    SearchGroup,
    SearchHits,
    SearchQueries,
    SearchTerms,
    parse_search_query,
)
from cultureup.domain.collaboration.reviews import average_rating
from cultureup.domain.text import search_text

T = TypeVar("T")

docs = search_documents
artwork_artist = users.alias("search_artist")
job_buyer = users.alias("search_buyer")


class _SqlSearchQueries:
    """What both databases share: the rows, joins, visibility rules and limits. Subclasses
    say how the index matches and ranks."""

    def __init__(self, engine: Engine, url_for: Callable[[str], str]) -> None:
        self._engine, self._url_for = engine, url_for
        # A group's two statements, built once per kind and shape of query (the values are
        # bound at each execution): building them cost more than running them.
        self._statements: dict[tuple[Any, ...], tuple[Select[Any], Select[Any]]] = {}
        self._building = threading.Lock()

    # -- the part each database answers differently ------------------------------------

    def _shape(self, terms: Any) -> Any:
        """What the statements of `_matching` depend on beyond the kind (their values are
        `_parameters`)."""
        return None

    def _parameters(self, kind: str, terms: Any) -> dict[str, Any]:
        """The values of the bound parameters of `_matching` for `kind` and the terms."""
        return {}

    def _matching(self, kind: str, terms: SearchTerms) -> tuple[
            FromClause, list[ColumnElement[bool]], Score, ColumnElement[Any]]:
        """The documents of `kind` matching the terms: the FROM clause (which exposes
        `search_documents`), the conditions, the score (lower is more relevant) and the
        column that orders documents from oldest to newest, which the index reads in
        that order."""
        raise NotImplementedError

    # -- the groups --------------------------------------------------------------------

    def _prepare(self, connection: Connection, terms: SearchTerms) -> Any:
        """What `_matching` is given for the terms (the terms themselves unless a database
        rewrites them first)."""
        return terms

    def search(self, terms: SearchTerms, limit: int) -> SearchHits:
        with self._engine.connect() as connection:
            prepared = self._prepare(connection, terms)
            return SearchHits(artworks=self._artworks(connection, prepared, limit),
                              jobs=self._jobs(connection, prepared, limit),
                              artists=self._artists(connection, prepared, limit))

    def _artworks(self, connection: Connection, terms: Any, limit: int
                  ) -> SearchGroup[ArtworkHit]:
        def statements() -> tuple[Select[Any], Select[Any]]:
            source, conditions, score, newest = self._matching("artwork", terms)
            matches = (select(docs.c.ref_id.label("id")).select_from(source)
                       .join(artworks, artworks.c.id == docs.c.ref_id)
                       .where(*conditions, *public_artwork_terms()))

            def rows(top: Any) -> Select[Any]:
                return (select(artworks.c.id, artworks.c.title,
                               artwork_artist.c.username.label("artist_name"),
                               artworks.c.price, artworks.c.watermarked_key)
                        .select_from(top).join(artworks, artworks.c.id == top.c.id)
                        .join(artwork_artist, artwork_artist.c.id == artworks.c.artist_id))

            return _statements(matches, score, newest, limit, rows)

        return self._group(connection, "artwork", terms, limit, statements, lambda row: ArtworkHit(
            id=row["id"], title=row["title"], artist_name=row["artist_name"],
            price=row["price"], image_url=self._url_for(row["watermarked_key"])))

    def _jobs(self, connection: Connection, terms: Any, limit: int
              ) -> SearchGroup[JobHit]:
        def statements() -> tuple[Select[Any], Select[Any]]:
            source, conditions, score, newest = self._matching("job", terms)
            matches = (select(docs.c.ref_id.label("id")).select_from(source)
                       .join(jobs, jobs.c.id == docs.c.ref_id)
                       .where(*conditions, jobs.c.removed_at.is_(None)))

            def rows(top: Any) -> Select[Any]:
                return (select(jobs.c.id, jobs.c.title,
                               job_buyer.c.username.label("buyer_name"),
                               jobs.c.budget_min, jobs.c.budget_max, jobs.c.status)
                        .select_from(top).join(jobs, jobs.c.id == top.c.id)
                        .join(job_buyer, job_buyer.c.id == jobs.c.buyer_id))

            return _statements(matches, score, newest, limit, rows)

        return self._group(connection, "job", terms, limit, statements, lambda row: JobHit(
            id=row["id"], title=row["title"], buyer_name=row["buyer_name"],
            budget_min=row["budget_min"], budget_max=row["budget_max"], status=row["status"]))

    def _artists(self, connection: Connection, terms: Any, limit: int
                 ) -> SearchGroup[ArtistHit]:
        def statements() -> tuple[Select[Any], Select[Any]]:
            source, conditions, score, newest = self._matching("artist", terms)
            matches = (select(docs.c.ref_id.label("id")).select_from(source)
                       .join(users, users.c.id == docs.c.ref_id)
                       .where(*conditions, users.c.is_active.is_(True)))

            def rows(top: Any) -> Select[Any]:
                rating_total, rating_count = rating_columns(users.c.id)
                return (select(users.c.id, users.c.username, users.c.first_name,
                               users.c.last_name, artist_profiles.c.skills,
                               rating_total.label("rating_total"),
                               rating_count.label("rating_count"))
                        .select_from(top).join(users, users.c.id == top.c.id)
                        .join(artist_profiles, artist_profiles.c.user_id == users.c.id))

            return _statements(matches, score, newest, limit, rows)

        return self._group(connection, "artist", terms, limit, statements, lambda row: ArtistHit(
            user_id=row["id"], username=row["username"], first_name=row["first_name"],
            last_name=row["last_name"], skills=row["skills"],
            rating=average_rating(row["rating_total"], row["rating_count"])))


    def _group(self, connection: Connection, kind: str, terms: Any, limit: int,
               statements: Callable[[], tuple[Select[Any], Select[Any]]],
               build: Callable[[Any], T]) -> SearchGroup[T]:
        """The group's best `limit` matches and its total (see `_statements`), by the
        group's statements for this shape of query, built on first use."""
        key = (kind, self._shape(terms), limit, RANKED_MATCHES, COUNTED_MATCHES)
        built = self._statements.get(key)
        if built is None:
            with self._building:
                built = self._statements.get(key)
                if built is None:
                    built = statements()
                    # Compiled here, in one thread: SQLAlchemy fills the aliases' lazily
                    # built bookkeeping on first compile, which racing threads can see
                    # half-built.
                    for statement in built:
                        statement.compile(dialect=self._engine.dialect)
                    self._statements[key] = built
        query, count = built
        parameters = self._parameters(kind, terms)
        found = connection.execute(query, parameters).mappings().all()
        if not found:
            return SearchGroup(items=(), total=0)
        total, exact = found[0]["candidates"], True
        if total >= RANKED_MATCHES:
            total += connection.execute(
                count, {**parameters, "oldest_candidate": found[0]["oldest"]}).scalar_one()
            if total > COUNTED_MATCHES:
                total, exact = COUNTED_MATCHES, False
        return SearchGroup(items=[build(row) for row in found], total=total, exact=exact)


@attrs.frozen
class Score:
    """How a group's candidates are scored (lower is more relevant): `parts`, labelled
    columns computed once for each candidate from its document, and `total`, the score from
    those columns of the candidates (a subquery). Two steps, because SQLite evaluates an
    expression each time it appears: BM25 written as one expression repeated each word's
    count of hits (string functions over the document) five times."""

    parts: tuple[Any, ...]
    total: Callable[[Any], ColumnElement[Any]]

    @classmethod
    def of(cls, score: ColumnElement[Any]) -> Score:
        """A score that is one column of the candidate."""
        return cls(parts=(score.label("score_part"),), total=lambda columns: columns.score_part)


def _statements(matches: Select[Any], score: Score, newest: ColumnElement[Any],
                limit: int, rows: Callable[[Any], Select[Any]]
                ) -> tuple[Select[Any], Select[Any]]:
    """A group's two statements, in bounded work whatever the number of matches
    (`matches` selects the matching ids, `id`):

    1. the RANKED_MATCHES newest matches are read in the index's order (no sort), their
       score computed for them alone; the best `limit` of them are kept, then joined to
       their rows (by primary key). `count(*) OVER ()` counts the candidates, at most
       RANKED_MATCHES, in the same statement, and `min(...) OVER ()` gives the oldest
       (`oldest`);
    2. only when there are that many candidates, the older matches are counted, up to
       COUNTED_MATCHES + 1 in all, from where the candidates ended (`newest <
       oldest_candidate`: the walk or index read resumes there instead of reading the
       candidates again; no ranking, no join beyond the visibility rule).
    Both are top-k or bounded reads: no sort of the whole match set, nothing that depends on
    PostgreSQL's work_mem."""
    candidates = (matches.add_columns(newest.label("newest"), *score.parts)
                  .order_by(newest.desc()).limit(RANKED_MATCHES).subquery("candidates"))
    total = score.total(candidates.c).label("score")
    top = (select(candidates.c.id, total, func.count().over().label("candidates"),
                  func.min(candidates.c.newest).over().label("oldest"))
           .order_by(total, candidates.c.id.desc()).limit(limit)
           .subquery("top"))
    query = (rows(top).add_columns(top.c.candidates, top.c.oldest)
             .order_by(top.c.score, top.c.id.desc()))
    # In the candidates' order, from the oldest of them: the same walk (or index read)
    # goes on to 1,001 matches in all.
    counted = (matches.where(newest < bindparam("oldest_candidate"))
               .order_by(newest.desc()).limit(COUNTED_MATCHES + 1 - RANKED_MATCHES)
               .subquery("counted"))
    return query, select(func.count()).select_from(counted)


class _CrossJoin(Join):
    """An inner join that SQLite's planner may not reorder: the left side is the outer loop."""

    inherit_cache = True


@compiles(_CrossJoin)
def _compile_cross_join(join: _CrossJoin, compiler: SQLCompiler, **kw: Any) -> str:
    kw["asfrom"] = True
    return (f"{compiler.process(join.left, **kw)} CROSS JOIN "
            f"{compiler.process(join.right, **kw)} "
            f"ON {compiler.process(join.onclause, **kw)}")


class SqliteSearchQueries(_SqlSearchQueries):
    """FTS5: `"logo" "des"*` means both, the second as a prefix; ranked by BM25.

    The FTS table must drive the join. Left to itself the planner may start from
    search_documents (by an index on kind, say) and ask FTS5 about each document in turn, a
    scan in disguise; so the join is a CROSS JOIN, which SQLite never reorders.

    The candidates are scored by BM25 computed in SQL from their folded text (`_Bm25`), not
    by FTS5's `bm25()`, which counts the documents holding each phrase over the whole index
    before it scores the first row (most of a common word's cost)."""

    def __init__(self, engine: Engine, url_for: Callable[[str], str], *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(engine, url_for)
        self._frequencies = DocumentFrequencies(clock)

    def _prepare(self, connection: Connection, terms: SearchTerms) -> Any:
        """The FTS5 query of the words, the last one expanded to the indexed terms that
        start with it (at most EXPANDED_TERMS, from `search_documents_terms`, migration 0025):
        exact terms are intersected lazily, newest first, where a prefix query first merges
        every matching term's whole posting list. More terms than that: the prefix query. With
        it, the BM25 weights of the words (`_Bm25`), from their document frequencies
        (`DocumentFrequencies`, kept a while: counting a common word's documents reads its whole
        posting list)."""
        prefix = terms.prefix
        found = connection.execute(_VOCABULARY, {
            "low": prefix, "high": prefix + _LAST_CHARACTER,
            "limit": EXPANDED_TERMS + 1}).all()
        if not found:
            return None
        if len(found) > EXPANDED_TERMS:
            query = fts5_query(terms)
        else:
            last = " OR ".join(_fts5_string(term) for term, _ in found)
            query = " AND ".join([*(_fts5_string(word) for word in terms.exact), f"({last})"])
        documents, tokens = _totals(found[0][1])
        frequencies = [self._frequencies.get(connection, word) for word in terms.exact]
        # The last word counts as one term, as frequent as its most frequent expansion.
        frequencies.append(max(self._frequencies.get(connection, term) for term, _ in found))
        return _Bm25(query=query, words=terms.words, documents=documents,
                     average_length=tokens / documents if documents else 1.0,
                     frequencies=tuple(frequencies))

    def _matching(self, kind: str, terms: Any) -> tuple[
            FromClause, list[ColumnElement[bool]], Score, ColumnElement[Any]]:
        fts = search_documents_fts
        source = _CrossJoin(fts, docs, docs.c.id == fts.c.rowid)
        if terms is None:  # no indexed term starts with the last word
            return source, [false()], Score.of(literal(0.0)), fts.c.rowid
        match = literal_column("search_documents_fts").match(
            bindparam("search_terms", f'kind : "{kind}" AND body : ({terms.query})'))
        return source, [match, docs.c.kind == kind], terms.score(docs.c.body), fts.c.rowid

    def _shape(self, terms: Any) -> Any:
        return None if terms is None else len(terms.words)

    def _parameters(self, kind: str, terms: Any) -> dict[str, Any]:
        if terms is None:
            return {}
        return {"search_terms": f'kind : "{kind}" AND body : ({terms.query})',
                **terms.parameters()}


# BM25's parameters, as FTS5's bm25() has them.
BM25_K1, BM25_B = 1.2, 0.75
# Above every character: `term < prefix + this` bounds the terms that start with the prefix.
_LAST_CHARACTER = "\U0010ffff"


@attrs.frozen
class _Bm25:
    """What the candidates of a search are scored by on SQLite: BM25 (lower is better, as
    FTS5's `rank`) over the folded words of a document (`search_documents.body`, words
    separated by single spaces), each query word weighted by its inverse document frequency;
    the last word matches every word it starts with. A document's length counts its kind's
    token too, as the FTS5 row does; the kind itself is not scored (its bm25 weight is 0,
    migration 0014).

    Computed in SQL for each of a group's candidates alone (at most RANKED_MATCHES), from
    string functions: the frequencies come from the vocabulary (`DocumentFrequencies`) and
    the document count and average length from the index's totals, so nothing is counted
    over the whole index per search."""

    query: str
    words: tuple[str, ...]
    documents: int
    average_length: float
    frequencies: tuple[int, ...]

    def idf(self, frequency: int) -> float:
        # FTS5's bm25(): a word in more than half the documents still weighs a little. A
        # frequency kept from before documents were deleted may exceed their number now.
        frequency = min(frequency, self.documents)
        value = math.log((self.documents - frequency + 0.5) / (frequency + 0.5))
        return max(value, 1e-6)

    def score(self, body: ColumnElement[str]) -> Score:
        """Per candidate, its number of words and each query word's hits in it (one
        `replace` of the document each, two for a word before the last); then BM25 from
        those columns."""
        spaced = " " + func.replace(body, " ", "  ", type_=Text) + " "  # " w1  w2 "
        leading = " " + body  # " w1 w2": each word after a space
        words = func.length(body) - func.length(func.replace(body, " ", "", type_=Text)) + 1
        parts = [words.label("bm25_words")]
        last, patterns = len(self.words) - 1, self._patterns()
        for n, (pattern, _) in enumerate(patterns):
            source = leading if n == last else spaced
            hits = (func.length(source) - func.length(func.replace(
                source, bindparam(f"bm25_pattern_{n}", pattern), "", type_=Text))) * (
                bindparam(f"bm25_inverse_{n}", 1.0 / len(pattern)))
            parts.append(hits.label(f"bm25_hits_{n}"))

        def total(columns: Any) -> ColumnElement[Any]:
            length = columns.bm25_words + 1  # the kind column's one token
            norm = BM25_K1 * (1 - BM25_B + BM25_B * length / bindparam(
                "bm25_average_length", self.average_length))
            summed: ColumnElement[Any] = literal(0.0)
            for n, (_, weight) in enumerate(patterns):
                hits = columns[f"bm25_hits_{n}"]
                summed = summed + bindparam(f"bm25_idf_{n}", weight) * hits * (BM25_K1 + 1) / (
                    hits + norm)
            return -summed

        return Score(parts=tuple(parts), total=total)

    def _patterns(self) -> list[tuple[str, float]]:
        """What each word is counted by in the spaced text, and its weight (idf)."""
        last = len(self.words) - 1
        return [(f" {word}" if n == last else f" {word} ", self.idf(frequency))
                for n, (word, frequency) in enumerate(
                    zip(self.words, self.frequencies, strict=True))]

    def parameters(self) -> dict[str, Any]:
        """The values of `score`'s bound parameters (the statement depends on the number of
        words alone)."""
        values: dict[str, Any] = {"bm25_average_length": self.average_length}
        for n, (pattern, weight) in enumerate(self._patterns()):
            values.update({f"bm25_pattern_{n}": pattern, f"bm25_inverse_{n}": 1.0 / len(pattern),
                           f"bm25_idf_{n}": weight})
        return values


class DocumentFrequencies:
    """How many documents of the index hold a word (the vocabulary's `doc`), for the BM25
    weights of the words and of the last word's expansions; kept for FREQUENCY_SECONDS per
    word in this process (counting reads the word's whole posting list: 34 ms for a word in
    60% of a million documents). Only the
    ranking reads these figures: which documents match never depends on them."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._known: dict[str, tuple[float, int]] = {}

    def get(self, connection: Connection, word: str) -> int:
        now = self._clock()
        known = self._known.get(word)
        if known is not None and now - known[0] < FREQUENCY_SECONDS:
            return known[1]
        count = connection.execute(_FREQUENCY, {"word": word}).scalar_one_or_none() or 0
        if len(self._known) >= FREQUENCY_WORDS:
            self._known.clear()
        self._known[word] = (now, int(count))
        return int(count)


FREQUENCY_SECONDS = 600.0
FREQUENCY_WORDS = 10_000
_VOCAB = table("search_documents_vocab", column("term"), column("doc"))
_FREQUENCY = select(_VOCAB.c.doc).where(_VOCAB.c.term == bindparam("word"))


def _totals(block: bytes | None) -> tuple[int, int]:
    """The number of documents in the index and of their tokens, every column summed, from
    its totals record."""
    numbers = _varints(bytes(block or b""))
    return (numbers[0], sum(numbers[1:])) if numbers else (0, 0)


def _varints(block: bytes) -> list[int]:
    """SQLite's varints: big-endian groups of 7 bits, the high bit set on all but the last
    byte; a ninth byte holds 8 bits."""
    numbers, position = [], 0
    while position < len(block):
        value = 0
        for n in range(9):
            byte = block[position]
            position += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        numbers.append(value)
    return numbers


class PostgresSearchQueries(_SqlSearchQueries):
    """A GIN index over `document`: `'logo' & 'des':*` means both, the second as a prefix;
    ts_rank ranks.

    A group's newest matches are read one of two ways, chosen per kind from the data rather
    than from the planner's estimate (which for a prefix, the last word of every query, is a
    fixed 2 % whenever the statistics hold fewer than 100 common words):

    - when at least COMMON_MATCHES of the kind's newest PROBED_DOCUMENTS documents match, by
      walking the kind's documents newest first (migration 0023's index) until
      RANKED_MATCHES (then COUNTED_MATCHES + 1) match, a walk of about RANKED_MATCHES x
      PROBED_DOCUMENTS / COMMON_MATCHES documents at most. The match is written `(...) IS
      TRUE`, which the GIN index cannot answer, so that the planner does not read and sort
      every match of a common word instead;
    - otherwise through the GIN index, the few matches sorted: the ordering by `id + 0` is
      one no index gives, so the planner cannot choose a walk that would read every document
      of the kind for a word none holds.

    The probe is one statement per search; it also turns parallel plans off for the rest of
    the search's transaction (`set_config(..., true)`): every read is bounded, and starting
    workers cost more than the walks (70 ms against 15 ms for a count on 100k documents)."""

    def _prepare(self, connection: Connection, terms: SearchTerms) -> Any:
        found = connection.execute(_PROBE, {"search_terms": tsquery(terms)}).one()[1:]
        return terms, frozenset(kind for kind, n in zip(KINDS, found, strict=True)
                                if n >= COMMON_MATCHES)

    def _matching(self, kind: str, prepared: Any) -> tuple[
            FromClause, list[ColumnElement[bool]], Score, ColumnElement[Any]]:
        terms, common = prepared
        match, document, query = _postgres_match(terms)
        score = Score.of(-func.ts_rank(document, query))
        if kind in common:
            return docs, [match.is_(true()), docs.c.kind == kind], score, docs.c.id
        return docs, [match, docs.c.kind == kind], score, docs.c.id + 0

    def _shape(self, prepared: Any) -> Any:
        # The statements differ by the kinds whose documents are walked.
        return prepared[1]

    def _parameters(self, kind: str, prepared: Any) -> dict[str, Any]:
        return {"search_terms": tsquery(prepared[0])}


KINDS = ("artwork", "job", "artist")
# How many of a kind's newest documents the probe reads, and how many of them must match for
# the group to walk the kind's documents instead of reading the GIN index.
PROBED_DOCUMENTS = 1000
COMMON_MATCHES = 50


def _probe_statement() -> Select[Any]:
    query = func.to_tsquery(literal_column("'simple'::regconfig"),
                            bindparam("search_terms"), type_=TSQUERY)
    counts: list[Any] = [func.set_config("max_parallel_workers_per_gather", "0", True)]
    for kind in KINDS:
        # The kind as a literal: the partial index of the kind's ids is proved from it.
        recent = (select(literal_column("search_documents.document", TSVECTOR)
                         .label("document"))
                  .select_from(docs).where(docs.c.kind == literal_column(f"'{kind}'"))
                  .order_by(docs.c.id.desc()).limit(PROBED_DOCUMENTS).subquery(f"recent_{kind}"))
        counts.append(select(func.count()).select_from(recent)
                      .where(recent.c.document.op("@@", return_type=Boolean)(query))
                      .scalar_subquery().label(kind))
    return select(*counts)


_PROBE = _probe_statement()


def _sqlite_match(terms: SearchTerms, kind: str) -> ColumnElement[bool]:
    """The terms in the body of documents of `kind` (a column of the FTS5 table since
    migration 0014: FTS5 intersects the kind's posting list with the words')."""
    return literal_column("search_documents_fts").match(
        bindparam("search_terms", f'kind : "{kind}" AND body : ({fts5_query(terms)})'))


def _postgres_match(terms: SearchTerms
                    ) -> tuple[ColumnElement[bool], ColumnElement[Any], ColumnElement[Any]]:
    query = func.to_tsquery(literal_column("'simple'::regconfig"),
                            bindparam("search_terms", tsquery(terms)), type_=TSQUERY)
    document = literal_column("search_documents.document", TSVECTOR)
    return document.op("@@", return_type=Boolean)(query), document, query


def indexed_search(dialect: str, kind: str, id_column: ColumnElement[int],
                   text: str) -> ColumnElement[bool]:
    """The list filter `search` for a kind the index holds (artwork, job, artist): the rows
    whose document matches the query as /api/search/ matches it (every folded word, the last
    as a prefix), found through the full-text index."""
    terms = parse_search_query(text)
    if not terms:
        return false()
    if dialect == "postgresql":
        match = _postgres_match(terms)[0]
        ids = select(docs.c.ref_id).where(match, docs.c.kind == kind)
        # `= ANY(ARRAY(...))`, not `IN (...)`: the matching ids are computed once, from the
        # kind's GIN index, and the rows fetched by primary key. Given a semi-join, the
        # planner would rather walk the whole table in list order and test every document.
        return id_column == any_(func.array(ids.scalar_subquery()))
    fts = search_documents_fts
    ids = (select(docs.c.ref_id)
           .select_from(_CrossJoin(fts, docs, docs.c.id == fts.c.rowid))
           .where(_sqlite_match(terms, kind), docs.c.kind == kind))
    return id_column.in_(ids)


def search_parameters(dialect: str, kind: str, text: str) -> dict[str, Any]:
    """The value of the bound parameter of `indexed_search` for `text` (none when the text
    has no word)."""
    terms = parse_search_query(text)
    if not terms:
        return {}
    if dialect == "postgresql":
        return {"search_terms": tsquery(terms)}
    return {"search_terms": f'kind : "{kind}" AND body : ({fts5_query(terms)})'}


def folded_contains(columns: list[ColumnElement[str]], text: str) -> ColumnElement[bool]:
    """The list filter `search` for what the index does not hold: the folded query within
    one of the columns of folded text (`search_text`), folded alike."""
    needle = search_text(text)
    if not needle:
        return false()
    conditions = [column.contains(needle, autoescape=True) for column in columns]
    return conditions[0] if len(conditions) == 1 else or_(*conditions)


def fts5_query(terms: SearchTerms) -> str:
    quoted = [_fts5_string(word) for word in terms.words]
    return " ".join([*quoted[:-1], quoted[-1] + "*"])


def _fts5_string(word: str) -> str:
    return f'"{word.replace(chr(34), chr(34) * 2)}"'


# The last word of a query stands for at most this many indexed terms before the prefix
# query is used instead.
EXPANDED_TERMS = 20
# The index's totals record (FTS5's "averages", row 1 of its data table): the number of
# rows, then the number of tokens of each column, as SQLite varints.
_TOTALS = select(literal_column("block")).select_from(
    table("search_documents_fts_data", column("id"), column("block"))).where(
    literal_column("id") == 1).scalar_subquery()
# The terms that start with a prefix (a range of `search_documents_terms`' primary key), and
# the index's totals.
_VOCABULARY = select(literal_column("term"), _TOTALS).select_from(
    table("search_documents_terms", column("term"))).where(
    literal_column("term") >= bindparam("low"), literal_column("term") < bindparam("high")
).order_by(literal_column("term")).limit(bindparam("limit"))


def tsquery(terms: SearchTerms) -> str:
    quoted = ["'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
              for word in terms.words]
    return " & ".join([*quoted[:-1], quoted[-1] + ":*"])


def search_queries_for(engine: Engine, url_for: Callable[[str], str]) -> SearchQueries:
    if engine.dialect.name == "postgresql":
        return PostgresSearchQueries(engine, url_for)
    return SqliteSearchQueries(engine, url_for)
