"""Fill CultureUp's schema with the side-by-side benchmark's deterministic data set.

Run: ``python -m benchmarks.load_dataset --dataset PATH/dataset.py --database-url URL
[--artworks 100000 --jobs 100000 --users 5000]``

``--dataset`` names the data set module shared with the peer implementation (it defines
``generate(artworks, jobs, users)``); it is imported from that path, so both sides load the
very same rows, ids included. The database is brought to the head revision first and must hold
no artworks, jobs or users yet (``--replace`` empties those tables first).

Rows go in inside one transaction per table: on PostgreSQL through ``COPY`` (psycopg's copy
protocol), on SQLite through prepared multi-row inserts. The table's indexes that back no
constraint are dropped for its load and created again at its end, in the same transaction
(building an index once over sorted rows is several times faster than growing it row by row).
The search index is written by the schema's own triggers as the rows arrive, exactly as for
rows written through the API. The list counters (``row_counts``, ``row_count_days``) are too on
SQLite; on PostgreSQL the counting trigger of artworks and jobs is disabled for the table's
load and its counters are recounted afterwards in one ``GROUP BY`` per scope
(``counts.recount``, the statements the tests check against the triggers): every row of one
transaction adding one to the same counter row leaves a version of that row per insert, which
made each further update walk them all (the load of 100k artworks ran for most of an hour). The
trigger is enabled again in the same transaction, so no other writer ever sees the table
without it.

Every artist gets an artist profile (empty bio and skills) so that search finds artists as the
API shows them. A bid repeating an artist on the same job (the data set allows it, the schema
does not) is skipped and counted. At the end the planner's
statistics are gathered (``ANALYZE``; on PostgreSQL ``VACUUM ANALYZE``, which also marks the
new pages all-visible so that the lists' key queries are answered from their indexes alone),
as after any bulk load.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy import Connection, Engine, Table, func, insert, select, text

from cultureup.adapters.sqlalchemy import counts
from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.catalog.tables import artist_profiles
from cultureup.adapters.sqlalchemy.engine import build_engine
from cultureup.adapters.sqlalchemy.migrate import upgrade
from cultureup.adapters.sqlalchemy.tables import bids, categories, jobs, users
from cultureup.domain.money import Money
from cultureup.domain.text import identity_key, search_text

# Nobody logs in as a benchmark user: this is not an argon2 hash, so no password matches it.
UNUSABLE_PASSWORD = "!benchmark-user-no-login"
# The tables whose rows the list counters count (adapters/sqlalchemy/counts.py).
COUNTED_TABLES = tuple(counts.COUNTED)


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_dataset", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import a data set module from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _user_rows(people: Sequence[dict[str, Any]], now: Any) -> Iterator[dict[str, Any]]:
    # The computed columns the repositories write (identity keys, folded search text).
    for p in people:
        yield {**p, "password_hash": UNUSABLE_PASSWORD, "is_active": True,
               "username_key": identity_key(p["username"]), "email_key": identity_key(p["email"]),
               "search_text": search_text(p["username"], p["first_name"], p["last_name"]),
               "created_at": now, "updated_at": now}


def _artist_profile_rows(people: Sequence[dict[str, Any]], now: Any) -> Iterator[dict[str, Any]]:
    for p in people:
        if p["user_type"] == "artist":
            yield {"user_id": p["id"], "experience_level": "intermediate",
                   "hourly_rate": Money("1000"), "is_available": True,
                   "created_at": now, "updated_at": now}


def _artwork_rows(rows: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for a in rows:
        yield {"id": a["id"], "artist_id": a["artist_id"], "title": a["title"],
               "description": a["description"], "category_id": a["category_id"],
               "artwork_type": a["artwork_type"], "price": Money(a["price"]),
               "is_available": a["is_available"], "is_featured": a["is_featured"],
               "moderation_status": "APPROVED", "image_key": a["image"],
               "watermarked_key": a["watermarked_image"], "labels": "[]",
               "similarity_score": 0.0, "views_count": a["views_count"],
               "likes_count": a["likes_count"], "created_at": a["created_at"],
               "updated_at": a["updated_at"],
               "search_text": search_text(a["title"], a["description"])}


def _job_rows(rows: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for j in rows:
        yield {**j, "budget_min": Money(j["budget_min"]), "budget_max": Money(j["budget_max"]),
               "version": 0, "search_text": search_text(j["title"], j["description"])}


def _bid_rows(rows: Sequence[dict[str, Any]], job_created: dict[int, Any],
              skipped: list[int]) -> Iterator[dict[str, Any]]:
    seen: set[tuple[int, int]] = set()
    for b in rows:
        key = (b["job_id"], b["artist_id"])
        if key in seen:
            skipped[0] += 1
            continue
        seen.add(key)
        created = job_created[b["job_id"]]
        yield {**b, "bid_amount": Money(b["bid_amount"]), "delivery_time": 7,
               "cover_letter": "I can do this.", "created_at": created, "updated_at": created}


def _insert(connection: Connection, progress: Progress, table: Table,
            rows: Iterable[dict[str, Any]], total: int, batch: int) -> None:
    task = progress.add_task(table.name, total=total)
    if connection.dialect.name == "postgresql":
        written = _copy(connection, progress, task, table, rows, batch)
    else:
        written = 0
        statement = insert(table)
        for chunk in _batches(rows, batch):
            connection.execute(statement, chunk)
            written += len(chunk)
            progress.advance(task, len(chunk))
    # Skipped rows (repeated bids) are not written: the bar ends at what was.
    progress.update(task, total=written, completed=written)


def _copy(connection: Connection, progress: Progress, task: TaskID, table: Table,
          rows: Iterable[dict[str, Any]], batch: int) -> int:
    """COPY the rows into `table` on the connection's own transaction; each value goes through
    its column type's bind processing (money in paisa, naive UTC timestamps) as an INSERT's
    would. The columns are those of the first row (every row of a table has the same keys).
    Returns the number of rows written. The table's row triggers run as the COPY ends."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    names = list(first)
    processors = [table.c[name].type.bind_processor(connection.dialect) for name in names]
    pairs = list(zip(names, processors, strict=True))
    raw = connection.connection.driver_connection
    assert raw is not None
    written = 0
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in chain([first], iterator):
            copy.write_row([process(row[name]) if process else row[name]
                            for name, process in pairs])
            written += 1
            if written % batch == 0:
                progress.advance(task, batch)
    return written


def _drop_secondary_indexes(connection: Connection, table: Table) -> list[str]:
    """Drop `table`'s indexes that back no constraint (the list and search indexes) and return
    the statements that create them again: building an index once over the loaded rows is
    several times faster than updating it row by row. Within the table's transaction, so no
    other connection sees the table without them."""
    if connection.dialect.name == "postgresql":
        found = connection.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = :table AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conindid <> 0)"), {"table": table.name}).all()
    else:
        found = connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table "
            "AND sql IS NOT NULL"), {"table": table.name}).all()
    for name, _ in found:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def _without_counting_trigger(connection: Connection, table: Table) -> bool:
    """On PostgreSQL, disable the counting trigger of artworks or jobs for this transaction's
    load (see the module's docstring); True when the counters must be recounted after it."""
    if connection.dialect.name != "postgresql" or table.name not in COUNTED_TABLES:
        return False
    connection.exec_driver_sql(f"ALTER TABLE {table.name} DISABLE TRIGGER count_{table.name}")
    return True


def _recount(connection: Connection, table: Table) -> None:
    """Count `table`'s scopes again from its rows and enable its counting trigger again."""
    counts.recount(connection, table.name)
    connection.exec_driver_sql(f"ALTER TABLE {table.name} ENABLE TRIGGER count_{table.name}")


def _ensure_empty(engine: Engine, replace: bool) -> None:
    with engine.begin() as connection:
        occupied = any(connection.execute(select(func.count()).select_from(table)).scalar_one()
                       for table in (users, artworks, jobs))
        if occupied and not replace:
            raise SystemExit("the database already holds users, artworks or jobs; "
                             "pass --replace to empty them first")
        if occupied and connection.dialect.name == "postgresql":
            # Row by row, the counting triggers would make a large delete quadratic (see the
            # module's docstring); TRUNCATE bypasses them, so the counters and the search
            # documents go with the rows.
            connection.exec_driver_sql(
                "TRUNCATE bids, jobs, artworks, artist_profiles, users, categories, "
                "search_documents, row_counts, row_count_days CASCADE")
        elif occupied:
            for table in (bids, jobs, artworks, artist_profiles, users, categories):
                connection.execute(table.delete())


def _reset_sequences(connection: Connection) -> None:
    """Rows went in with explicit ids; PostgreSQL's identity sequences must follow them."""
    if connection.dialect.name != "postgresql":
        return
    for table in (users, categories, artworks, jobs, bids):
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table.name}))"))


def load(engine: Engine, data: dict[str, Any], *, batch: int = 2000,
         replace: bool = False) -> dict[str, int]:
    upgrade(engine)
    _ensure_empty(engine, replace)
    now = data["artworks"][0]["created_at"] if data["artworks"] else None
    skipped = [0]
    job_created = {j["id"]: j["created_at"] for j in data["jobs"]}
    people = data["users"]
    plan: list[tuple[Table, Iterable[dict[str, Any]], int]] = [
        (categories, ({**c, "is_active": True, "created_at": now, "updated_at": now}
                      for c in data["categories"]), len(data["categories"])),
        (users, _user_rows(people, now), len(people)),
        (artist_profiles, _artist_profile_rows(people, now),
         sum(p["user_type"] == "artist" for p in people)),
        (artworks, _artwork_rows(data["artworks"]), len(data["artworks"])),
        (jobs, _job_rows(data["jobs"]), len(data["jobs"])),
        (bids, _bid_rows(data["bids"], job_created, skipped), len(data["bids"])),
    ]
    columns = (TextColumn("{task.description:>16}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns) as progress:
        for table, rows, total in plan:
            with engine.begin() as connection:
                recount = _without_counting_trigger(connection, table)
                indexes = _drop_secondary_indexes(connection, table)
                _insert(connection, progress, table, rows, total, batch)
                if indexes:
                    task = progress.add_task(f"{table.name} indexes", total=len(indexes))
                    for statement in indexes:
                        connection.exec_driver_sql(statement)
                        progress.advance(task)
                if recount:
                    _recount(connection, table)
        with engine.begin() as connection:
            _reset_sequences(connection)
        if engine.dialect.name == "postgresql":
            task = progress.add_task("VACUUM ANALYZE", total=1)
            # VACUUM cannot run inside a transaction.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        else:
            task = progress.add_task("ANALYZE", total=1)
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        progress.advance(task)
    return {"categories": len(data["categories"]), "users": len(people),
            "artworks": len(data["artworks"]), "jobs": len(data["jobs"]),
            "bids": len(data["bids"]) - skipped[0], "bids_skipped": skipped[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, required=True,
                        help="the data set module (a dataset.py defining generate())")
    parser.add_argument("--database-url", default=os.environ.get("CULTUREUP_DATABASE_URL"),
                        help="SQLAlchemy URL (default: CULTUREUP_DATABASE_URL)")
    parser.add_argument("--artworks", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=2000, help="rows per INSERT")
    parser.add_argument("--replace", action="store_true",
                        help="empty users, artworks, jobs and bids first")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set CULTUREUP_DATABASE_URL")
    started = time.perf_counter()
    data = load_module(args.dataset).generate(artworks=args.artworks, jobs=args.jobs,
                                              users=args.users)
    print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)
    engine = build_engine(args.database_url)
    try:
        counts = load(engine, data, batch=args.batch, replace=args.replace)
    finally:
        engine.dispose()
    print(" ".join(f"{name}={n}" for name, n in counts.items()),
          f"in {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
