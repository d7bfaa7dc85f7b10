"""Read models: each list page is two queries (rows and count), whatever the page size."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
)

from cultureup.adapters.sqlalchemy.catalog.search_queries import (
    indexed_search,
    search_parameters,
)
from cultureup.adapters.sqlalchemy.counts import (
    CursorSeal,
    Seek,
    Statements,
    Unindexed,
    bound_page,
    bound_values,
    counted_scope,
    day_bounded,
    filter_shape,
    finish,
    order_clauses,
    ordered_seek,
    page_window,
    past_the_end,
    read_count,
    starting_at_day,
    window,
    windowed,
)
from cultureup.adapters.sqlalchemy.tables import audit_log, bids, categories, jobs, users
from cultureup.application.catalog.search import parse_search_query
from cultureup.application.views import (
    AuditFilters,
    BidFilters,
    BidJobRef,
    BidView,
    CategoryView,
    JobFilters,
    JobView,
    Page,
    PageRequest,
    UserRef,
)
from cultureup.domain.audit import AuditEntry
from cultureup.domain.errors import NotFound
from cultureup.domain.money import Money

T = TypeVar("T")

buyer_user = users.alias("buyer")
hired_user = users.alias("hired")
artist_user = users.alias("artist")
other_bid = bids.alias("other_bid")


def _paginate(engine: Engine, query: Select[Any], count_query: Select[Any],
              page: PageRequest, build: Callable[[Any], T]) -> Page[T]:
    """One page of `query` by number, for a list whose statements are built per request
    (a cursor is a 400: such a list has no keyset paging)."""
    with engine.connect() as connection:
        total = connection.execute(count_query).scalar_one()
        rows = connection.execute(window(query, page)).mappings().all()
    return finish(rows, total, page, build, None)


def _order(query: Select[Any], ordering: str | None, columns: dict[str, Any],
           default: Sequence[Any], id_column: Any) -> Select[Any]:
    if not ordering:
        return query.order_by(*default)
    column = columns[ordering.lstrip("-")]
    descending = ordering.startswith("-")
    # The id breaks ties, in the same direction, so that pages never overlap or skip rows.
    if descending:
        return query.order_by(column.desc(), id_column.desc())
    return query.order_by(column.asc(), id_column.asc())


def _user_ref(row: Any, prefix: str) -> UserRef:
    return UserRef(id=row[f"{prefix}_id"], username=row[f"{prefix}_username"],
                   email=row[f"{prefix}_email"], first_name=row[f"{prefix}_first_name"],
                   last_name=row[f"{prefix}_last_name"], user_type=row[f"{prefix}_user_type"])


def _user_columns(alias: Any, prefix: str) -> list[Any]:
    return [alias.c[name].label(f"{prefix}_{name}")
            for name in ("id", "username", "email", "first_name", "last_name", "user_type")]


class SqlAlchemyJobQueries:
    def __init__(self, engine: Engine, cursor_seal: CursorSeal | None = None) -> None:
        """`cursor_seal` signs the job list's cursors (a key of this process when None)."""
        self._engine = engine
        self._seal = cursor_seal or CursorSeal.random()
        # Compiled once here, in one thread: SQLAlchemy fills the aliases' lazily built
        # column and FROM bookkeeping on first compile, and threads racing through that first
        # compile can see it half-built ("Can't determine which FROM clause to join from").
        self._job_select().compile(dialect=engine.dialect)
        # A job page's statements by shape of filters and window (`list_jobs`), a bid
        # page's (`list_bids`), and the job detail's statement.
        self._job_pages: Statements[tuple[
            Select[Any], Select[Any] | None, Select[Any] | None]] = Statements(engine)
        self._bid_pages: Statements[tuple[Select[Any], Select[Any]]] = Statements(engine)
        self._one_job = self._job_select().where(jobs.c.id == bindparam("job_id"))
        self._one_job.compile(dialect=engine.dialect)

    # -- jobs ------------------------------------------------------------------------------

    def _job_select(self, page_keys: Any = None) -> Select[Any]:
        total_bids = (select(func.count(other_bid.c.id))
                      .where(other_bid.c.job_id == jobs.c.id).scalar_subquery())
        sum_bids = (select(func.sum(other_bid.c.bid_amount))
                    .where(other_bid.c.job_id == jobs.c.id).scalar_subquery())
        query = select(
            jobs,
            *_user_columns(buyer_user, "buyer_user"),
            *_user_columns(hired_user, "hired_user"),
            categories.c.name.label("category_name"),
            categories.c.description.label("category_description"),
            categories.c.is_active.label("category_is_active"),
            categories.c.created_at.label("category_created_at"),
            categories.c.updated_at.label("category_updated_at"),
            total_bids.label("total_bids"),
            # Summed as whole paisa so the average is computed exactly, never as float.
            sum_bids.label("bid_cents_sum"),
        )
        if page_keys is not None:
            query = query.select_from(page_keys).join(jobs, jobs.c.id == page_keys.c.id)
        return (
            query.join(buyer_user, buyer_user.c.id == jobs.c.buyer_id)
            .join(categories, categories.c.id == jobs.c.category_id)
            .outerjoin(hired_user, hired_user.c.id == jobs.c.hired_artist_id)
        )

    def list_jobs(self, filters: JobFilters, page: PageRequest) -> Page[JobView]:
        """A page by number or by cursor, read by the statements of this shape of filters and
        kind of window, built on first use; the filters' values, the page's bounds and the
        cursor's values are bound at each execution (building the statements per request
        cost more Python than the rest of the request). A deep page by number of a list
        counted by day, in creation order, starts at its first row's day (counts.day_jump)."""
        seek = None if page.cursor is None else ordered_seek(
            filters.ordering, "-created_at", JOB_ORDERINGS, jobs.c.id, self._seal)
        cut = page_window(page, seek)
        rows, count, deep = self._job_pages.get(
            (filter_shape(filters, parse_search_query), cut.kind),
            lambda: self._build_jobs_page(filters, cut.kind, seek))
        parameters = _job_parameters(filters, self._engine.dialect.name)
        parameters.update(cut.parameters)
        with self._engine.connect() as connection:
            if count is None:
                scope = _job_counted_scope(filters, _job_equalities(filters))
                assert scope is not None  # the shape has a counter (`_build_jobs_page`)
                total = read_count(connection, scope)
                rows = starting_at_day(connection, rows, deep, scope, page, filters.ordering,
                                       parameters)
            else:
                total = int(connection.execute(count, parameters).scalar_one())
            found = ([] if past_the_end(page, total)
                     else connection.execute(rows, parameters).mappings().all())
        return finish(found, total, page, _job_view, seek)

    def _build_jobs_page(self, filters: JobFilters, kind: str, seek: Seek | None
                         ) -> tuple[Select[Any], Select[Any] | None, Select[Any] | None]:
        """The rows statement of a job page cut as `kind` (counts.Window); when no counter
        holds the count, the count statement; for a page by number of a list in creation
        order, the rows statement of a deep page that starts at a day (`day_bound`)."""
        dialect = self._engine.dialect.name
        order = _job_order(filters)
        conditions, equalities = _job_conditions(filters, dialect, walk=True)
        counted, _ = _job_conditions(filters, dialect, walk=False)

        def page_rows(*bounds: ColumnElement[bool]) -> Select[Any]:
            keys = windowed(select(jobs.c.id).where(*conditions, *bounds).order_by(*order),
                            kind, seek).subquery("page_keys")
            return self._job_select(keys).order_by(*order)

        rows, count, deep = page_rows(), None, None
        if _job_counted_scope(filters, equalities) is None:
            count = select(func.count()).select_from(jobs).where(*counted)
        elif kind == "number":
            bound = day_bounded(jobs.c.created_at, filters.ordering, dialect)
            if bound is not None:
                deep = page_rows(bound)
        return rows, count, deep

    def get_job(self, job_id: int) -> JobView:
        with self._engine.connect() as connection:
            row = connection.execute(self._one_job, {"job_id": job_id}).mappings().first()
        if row is None:
            raise NotFound("Job not found.")
        return _job_view(row)

    # -- bids ------------------------------------------------------------------------------

    def _bid_select(self) -> Select[Any]:
        cheaper_or_earlier = (
            select(func.count(other_bid.c.id))
            .where(other_bid.c.job_id == bids.c.job_id,
                   or_(other_bid.c.bid_amount < bids.c.bid_amount,
                       and_(other_bid.c.bid_amount == bids.c.bid_amount,
                            other_bid.c.id < bids.c.id)))
            .scalar_subquery()
        )
        return (
            select(
                bids,
                jobs.c.title.label("job_title"),
                jobs.c.buyer_id.label("job_buyer_id"),
                jobs.c.budget_min.label("job_budget_min"),
                jobs.c.budget_max.label("job_budget_max"),
                jobs.c.status.label("job_status"),
                jobs.c.removed_at.label("job_removed_at"),
                buyer_user.c.username.label("buyer_name"),
                categories.c.name.label("category_name"),
                *_user_columns(artist_user, "artist_user"),
                (cheaper_or_earlier + literal(1)).label("bid_rank"),
            )
            .join(jobs, jobs.c.id == bids.c.job_id)
            .join(buyer_user, buyer_user.c.id == jobs.c.buyer_id)
            .join(categories, categories.c.id == jobs.c.category_id)
            .join(artist_user, artist_user.c.id == bids.c.artist_id)
        )

    def list_bids(self, filters: BidFilters, page: PageRequest) -> Page[BidView]:
        """A page by number (bids have no keyset paging: a cursor is a 400), by the
        statements of this shape of filters (counts.Statements)."""
        cut = page_window(page, None)
        rows, count = self._bid_pages.get(filter_shape(filters),
                                          lambda: self._build_bids_page(filters))
        parameters = {f"filter_{name}": getattr(filters, name) for name in BID_BOUND_FILTERS
                      if getattr(filters, name) is not None}
        parameters.update(cut.parameters)
        return bound_page(self._engine, rows, count, parameters, page, _bid_view, None)

    def _build_bids_page(self, filters: BidFilters) -> tuple[Select[Any], Select[Any]]:
        conditions: list[ColumnElement[bool]] = [
            bids.c[name] == bindparam(f"filter_{name}", type_=bids.c[name].type)
            for name in BID_BOUND_FILTERS if getattr(filters, name) is not None]
        if filters.hide_removed_jobs:
            conditions.append(bids.c.job_id.not_in(
                select(jobs.c.id).where(jobs.c.removed_at.is_not(None))))
        query = _order(self._bid_select().where(*conditions), filters.ordering, {
            "bid_amount": bids.c.bid_amount, "delivery_time": bids.c.delivery_time,
            "created_at": bids.c.created_at,
        }, default=(bids.c.created_at.desc(), bids.c.id.desc()), id_column=bids.c.id)
        count = select(func.count()).select_from(bids).where(*conditions)
        return windowed(query, "number", None), count

    def get_bid(self, bid_id: int) -> BidView:
        with self._engine.connect() as connection:
            row = connection.execute(
                self._bid_select().where(bids.c.id == bid_id)).mappings().first()
        if row is None:
            raise NotFound("Bid not found.")
        return _bid_view(row)


# The bid filters whose values are bound parameters `filter_<name>` of the list's statements
# (`hide_removed_jobs` is written into them).
BID_BOUND_FILTERS = ("artist_id", "job_id", "status")

JOB_ORDERINGS = {"budget_min": jobs.c.budget_min, "deadline": jobs.c.deadline,
                 "created_at": jobs.c.created_at}
JOB_COUNTED_FACETS = ("status", "category_id", "experience_level", "buyer_id")
# An index (status, ordering, id) exists for every ordering; the others for created_at only.
JOB_LEADING_FACETS = ("status", "buyer_id", "category_id", "experience_level")


# The job filters whose values are bound parameters of the list's statements, named
# `filter_<name>` (`include_removed` is written into the statement, `search` binds
# `search_terms`).
JOB_BOUND_FILTERS = (*JOB_COUNTED_FACETS, "min_budget", "max_budget")


def _job_order(filters: JobFilters) -> list[Any]:
    return order_clauses(filters.ordering, JOB_ORDERINGS,
                         (jobs.c.created_at.desc(), jobs.c.id.desc()), jobs.c.id)


def _job_equalities(filters: JobFilters) -> dict[str, Any]:
    return {name: getattr(filters, name) for name in JOB_COUNTED_FACETS
            if getattr(filters, name) is not None}


def _job_counted_scope(filters: JobFilters, equalities: dict[str, Any]) -> str | None:
    """The counter holding the count of these filters, if one does: the `jobs` counters
    count the jobs the public sees (not removed), under one equality filter at most."""
    if filters.include_removed or any(value is not None for value in (
            filters.min_budget, filters.max_budget, filters.search)):
        return None
    return counted_scope("jobs", equalities, JOB_COUNTED_FACETS)


def _job_parameters(filters: JobFilters, dialect: str) -> dict[str, Any]:
    """The values of the job list statements' bound parameters (`_job_conditions`)."""
    values = bound_values(filters, JOB_BOUND_FILTERS)
    if filters.search:
        values.update(search_parameters(dialect, "job", filters.search))
    return values


def _job_bound(name: str, value: Any) -> Any:
    return bindparam(f"filter_{name}", value, type_=jobs.c[name].type)


def _job_conditions(filters: JobFilters, dialect: str, *,
                    walk: bool) -> tuple[list[ColumnElement[bool]], dict[str, Any]]:
    """The WHERE terms and the equality filters given; for the page (`walk`) one column
    leads the index walk and the others are checked on the way (see counts.Unindexed).
    The filters' values are bound parameters (`_job_parameters` gives them)."""
    order_name = (filters.ordering or "created_at").lstrip("-")
    equalities = _job_equalities(filters)
    lead = next((name for name in JOB_LEADING_FACETS if name in equalities
                 and (name == "status" or order_name == "created_at")), None)

    def column(name: str) -> Any:
        if not walk or name in (lead, order_name):
            return jobs.c[name]
        return Unindexed(jobs.c[name])

    conditions: list[ColumnElement[bool]] = [
        column(name) == _job_bound(name, value) for name, value in equalities.items()]
    if not filters.include_removed:
        conditions.append(jobs.c.removed_at.is_(None))
    # Budgets are ranges: keep jobs whose range reaches the caller's bounds.
    if filters.min_budget is not None:
        conditions.append(column("budget_max") >= bindparam(
            "filter_min_budget", filters.min_budget, type_=jobs.c.budget_max.type))
    if filters.max_budget is not None:
        conditions.append(column("budget_min") <= bindparam(
            "filter_max_budget", filters.max_budget, type_=jobs.c.budget_min.type))
    if filters.search:
        conditions.append(indexed_search(dialect, "job", jobs.c.id, filters.search))
    return conditions, equalities


def _job_view(row: Any) -> JobView:
    total = row["total_bids"] or 0
    average = None
    if total:
        # The sum arrives as Money (whole paisa summed in SQL), so the average is exact.
        average = Money(row["bid_cents_sum"].amount / Decimal(total))
    return JobView(
        id=row["id"], buyer=_user_ref(row, "buyer_user"), title=row["title"],
        description=row["description"],
        category=CategoryView(
            id=row["category_id"], name=row["category_name"],
            description=row["category_description"], is_active=row["category_is_active"],
            created_at=row["category_created_at"], updated_at=row["category_updated_at"]),
        budget_min=row["budget_min"], budget_max=row["budget_max"],
        duration_days=row["duration_days"], required_skills=row["required_skills"],
        experience_level=row["experience_level"], status=row["status"],
        hired_artist=_user_ref(row, "hired_user") if row["hired_user_id"] is not None else None,
        final_amount=row["final_amount"], deadline=row["deadline"],
        created_at=row["created_at"], updated_at=row["updated_at"],
        average_bid=average, total_bids=total, removed_at=row["removed_at"],
        removed_by_id=row["removed_by_id"], removal_reason=row["removal_reason"],
    )


def _bid_view(row: Any) -> BidView:
    return BidView(
        id=row["id"],
        job=BidJobRef(id=row["job_id"], title=row["job_title"], buyer_id=row["job_buyer_id"],
                      buyer_name=row["buyer_name"], category_name=row["category_name"],
                      budget_min=row["job_budget_min"], budget_max=row["job_budget_max"],
                      status=row["job_status"], removed=row["job_removed_at"] is not None),
        artist=_user_ref(row, "artist_user"), bid_amount=row["bid_amount"],
        delivery_time=row["delivery_time"], cover_letter=row["cover_letter"],
        status=row["status"], created_at=row["created_at"], updated_at=row["updated_at"],
        bid_rank=row["bid_rank"],
    )


class SqlAlchemyCategoryQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list_categories(self, *, include_inactive: bool,
                        page: PageRequest) -> Page[CategoryView]:
        conditions = [] if include_inactive else [categories.c.is_active.is_(True)]
        query = select(categories).where(*conditions).order_by(categories.c.name,
                                                               categories.c.id)
        count = select(func.count()).select_from(categories).where(*conditions)
        return _paginate(self._engine, query, count, page, lambda row: CategoryView(**row))

    def get_category(self, category_id: int) -> CategoryView:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(categories).where(categories.c.id == category_id)).mappings().first()
        if row is None:
            raise NotFound("Category not found.")
        return CategoryView(**row)


class SqlAlchemyAuditQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list_entries(self, filters: AuditFilters, page: PageRequest) -> Page[AuditEntry]:
        conditions: list[ColumnElement[bool]] = []
        if filters.actor:
            actor, actor_id = filters.actor.strip(), filters.actor_id
            conditions.append(audit_log.c.actor_id == actor_id if actor_id is not None
                              else func.lower(audit_log.c.actor_username) == actor.lower())
        if filters.action:
            # "2fa." selects a whole family of actions.
            conditions.append(audit_log.c.action.startswith(filters.action, autoescape=True)
                              if filters.action.endswith(".")
                              else audit_log.c.action == filters.action)
        if filters.since is not None:
            conditions.append(audit_log.c.created_at >= filters.since)
        if filters.until is not None:
            conditions.append(audit_log.c.created_at < filters.until)
        if filters.target_type:
            conditions.append(audit_log.c.target_type == filters.target_type)
        if filters.target_id:
            conditions.append(audit_log.c.target_id == filters.target_id)
        query = select(audit_log).where(*conditions).order_by(audit_log.c.created_at.desc(),
                                                              audit_log.c.id.desc())
        count = select(func.count()).select_from(audit_log).where(*conditions)
        return _paginate(self._engine, query, count, page, _audit_entry)


def _audit_entry(row: Any) -> AuditEntry:
    return AuditEntry(id=row["id"], actor_id=row["actor_id"],
                      actor_username=row["actor_username"], action=row["action"],
                      target_type=row["target_type"], target_id=row["target_id"],
                      ip_address=row["ip_address"], details=json.loads(row["details"]),
                      created_at=row["created_at"])
