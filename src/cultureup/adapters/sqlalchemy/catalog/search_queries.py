"""The global search read model over the full-text index of migration 0005.

One statement per group, the three on one connection: the index finds the matching documents
(FTS5 MATCH on SQLite, a GIN index scan for `@@` on PostgreSQL), joins reach the rows they
describe by primary key, and `count(*) OVER ()` counts every match before the LIMIT keeps the
best. No LIKE '%...%' scan of any table.

User input never reaches the query language as syntax: SearchTerms holds letters and digits
only, and each word is quoted as a literal term anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Engine,
    FromClause,
    Select,
    any_,
    bindparam,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Join

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.catalog.search_tables import (
    search_documents,
    search_documents_fts,
)
from cultureup.adapters.sqlalchemy.catalog.tables import artist_profiles
from cultureup.adapters.sqlalchemy.ratings import rating_columns
from cultureup.adapters.sqlalchemy.tables import jobs, users
from cultureup.application.catalog.search import (
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

    # -- the part each database answers differently ------------------------------------

    def _matching(self, kind: str, terms: SearchTerms
                  ) -> tuple[FromClause, list[ColumnElement[bool]], ColumnElement[Any]]:
        """The documents of `kind` matching the terms: the FROM clause (which exposes
        `search_documents`), the conditions, and the relevance ordering, best first."""
        raise NotImplementedError

    # -- the groups --------------------------------------------------------------------

    def search(self, terms: SearchTerms, limit: int) -> SearchHits:
        with self._engine.connect() as connection:
            return SearchHits(artworks=self._artworks(connection, terms, limit),
                              jobs=self._jobs(connection, terms, limit),
                              artists=self._artists(connection, terms, limit))

    def _artworks(self, connection: Connection, terms: SearchTerms, limit: int
                  ) -> SearchGroup[ArtworkHit]:
        source, conditions, relevance = self._matching("artwork", terms)
        query = (
            select(artworks.c.id, artworks.c.title,
                   artwork_artist.c.username.label("artist_name"), artworks.c.price,
                   artworks.c.watermarked_key, _total())
            .select_from(source)
            .join(artworks, artworks.c.id == docs.c.ref_id)
            .join(artwork_artist, artwork_artist.c.id == artworks.c.artist_id)
            .where(*conditions, artworks.c.moderation_status != "REJECTED")
            .order_by(relevance, artworks.c.id.desc())
        )
        return _group(connection, query, limit, lambda row: ArtworkHit(
            id=row["id"], title=row["title"], artist_name=row["artist_name"],
            price=row["price"], image_url=self._url_for(row["watermarked_key"])))

    def _jobs(self, connection: Connection, terms: SearchTerms, limit: int
              ) -> SearchGroup[JobHit]:
        source, conditions, relevance = self._matching("job", terms)
        query = (
            select(jobs.c.id, jobs.c.title, job_buyer.c.username.label("buyer_name"),
                   jobs.c.budget_min, jobs.c.budget_max, jobs.c.status, _total())
            .select_from(source)
            .join(jobs, jobs.c.id == docs.c.ref_id)
            .join(job_buyer, job_buyer.c.id == jobs.c.buyer_id)
            .where(*conditions)
            .order_by(relevance, jobs.c.id.desc())
        )
        return _group(connection, query, limit, lambda row: JobHit(
            id=row["id"], title=row["title"], buyer_name=row["buyer_name"],
            budget_min=row["budget_min"], budget_max=row["budget_max"], status=row["status"]))

    def _artists(self, connection: Connection, terms: SearchTerms, limit: int
                 ) -> SearchGroup[ArtistHit]:
        source, conditions, relevance = self._matching("artist", terms)
        rating_total, rating_count = rating_columns(users.c.id)
        query = (
            select(users.c.id, users.c.username, users.c.first_name, users.c.last_name,
                   artist_profiles.c.skills, rating_total.label("rating_total"),
                   rating_count.label("rating_count"), _total())
            .select_from(source)
            .join(artist_profiles, artist_profiles.c.user_id == docs.c.ref_id)
            .join(users, users.c.id == artist_profiles.c.user_id)
            .where(*conditions, users.c.is_active.is_(True))
            .order_by(relevance, users.c.id.desc())
        )
        return _group(connection, query, limit, lambda row: ArtistHit(
            user_id=row["id"], username=row["username"], first_name=row["first_name"],
            last_name=row["last_name"], skills=row["skills"],
            rating=average_rating(row["rating_total"], row["rating_count"])))


def _group(connection: Connection, query: Select[Any], limit: int,
           build: Callable[[Any], T]) -> SearchGroup[T]:
    rows = connection.execute(query.limit(limit)).mappings().all()
    return SearchGroup(items=[build(row) for row in rows],
                       total=rows[0]["total_matches"] if rows else 0)


def _total() -> ColumnElement[int]:
    # Counted over every matching row, before LIMIT: the group's true number of matches.
    return func.count().over().label("total_matches")


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
    """FTS5: `"logo" "des"*` means both, the second as a prefix; bm25 ranks.

    The FTS table must drive the join. Left to itself the planner may start from
    search_documents (by an index on kind, say) and ask FTS5 about each document in turn, a
    scan in disguise; so the join is a CROSS JOIN, which SQLite never reorders."""

    def _matching(self, kind: str, terms: SearchTerms
                  ) -> tuple[FromClause, list[ColumnElement[bool]], ColumnElement[Any]]:
        fts = search_documents_fts
        source = _CrossJoin(fts, docs, docs.c.id == fts.c.rowid)
        return source, [_sqlite_match(terms), docs.c.kind == kind], fts.c.rank.asc()


class PostgresSearchQueries(_SqlSearchQueries):
    """A GIN index over `document`: `'logo' & 'des':*` means both, the second as a prefix;
    ts_rank ranks."""

    def _matching(self, kind: str, terms: SearchTerms
                  ) -> tuple[FromClause, list[ColumnElement[bool]], ColumnElement[Any]]:
        match, document, query = _postgres_match(terms)
        return docs, [match, docs.c.kind == kind], func.ts_rank(document, query).desc()


def _sqlite_match(terms: SearchTerms) -> ColumnElement[bool]:
    return literal_column("search_documents_fts").match(
        bindparam("search_terms", fts5_query(terms)))


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
           .where(_sqlite_match(terms), docs.c.kind == kind))
    return id_column.in_(ids)


def folded_contains(columns: list[ColumnElement[str]], text: str) -> ColumnElement[bool]:
    """The list filter `search` for what the index does not hold: the folded query within
    one of the columns of folded text (`search_text`), folded alike."""
    needle = search_text(text)
    if not needle:
        return false()
    conditions = [column.contains(needle, autoescape=True) for column in columns]
    return conditions[0] if len(conditions) == 1 else or_(*conditions)


def fts5_query(terms: SearchTerms) -> str:
    quoted = [f'"{word.replace(chr(34), chr(34) * 2)}"' for word in terms.words]
    return " ".join([*quoted[:-1], quoted[-1] + "*"])


def tsquery(terms: SearchTerms) -> str:
    quoted = ["'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
              for word in terms.words]
    return " & ".join([*quoted[:-1], quoted[-1] + ":*"])


def search_queries_for(engine: Engine, url_for: Callable[[str], str]) -> SearchQueries:
    if engine.dialect.name == "postgresql":
        return PostgresSearchQueries(engine, url_for)
    return SqliteSearchQueries(engine, url_for)
