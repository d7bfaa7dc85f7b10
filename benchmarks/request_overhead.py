"""Python time per list request, with the SQL time taken out, in-process.

Run: ``python -m benchmarks.request_overhead --database-url URL [--rounds 300]``
(a database filled by ``benchmarks.load_dataset``), or ``--dataset PATH/dataset.py`` alone to
load a small throw-away SQLite database first.

Each request goes through the real WSGI application (middleware, routing, query validation,
use case, read model, response encoding), called directly with a prepared WSGI environ: no
socket, no test client. For every path the statements one request runs are captured, then
replayed on a raw DBAPI connection of the same pool (execute and fetch every row, nothing
else), so that

    Python time = median time of the whole request - median time of its statements replayed

is what the HTTP layer, SQLAlchemy and the application cost on top of the database. A path
with ``cursor=next`` measures the second page by cursor: the path is first requested with
``cursor=first`` and the answer's ``next`` link is the page measured. Medians
over ``rounds`` runs after a warm-up; CPU time (`process_time`) is reported next to wall time,
since the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import falcon.testing
from sqlalchemy import event

from cultureup.bootstrap import Services, bootstrap, http_app
from cultureup.config import Settings

PATHS = (
    "/api/artworks/?page_size=20",
    "/api/artworks/?page_size=20&artwork_type=digital&min_price=100&max_price=500"
    "&ordering=-likes_count",
    "/api/artworks/?page_size=20&page=4000",
    "/api/jobs/?status=open&ordering=-created_at&page_size=20",
    "/api/artworks/?page_size=20&cursor=next",
    "/api/jobs/?status=open&ordering=-created_at&page_size=20&cursor=next",
    "/api/equipment/?page_size=20",
    "/api/equipment/?page_size=20&in_stock=true&min_price=10&ordering=price",
    "/api/artist-profiles/?page_size=20",
    "/api/artist-profiles/?page_size=20&is_available=true&ordering=-hourly_rate",
    "/api/artist-profiles/?page_size=20&cursor=next",
    "/api/buyer-profiles/?page_size=20",
    "/api/search/?q=sunset",
)


def _timed(call: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `call`."""
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls) * 1e3, statistics.median(cpus) * 1e3


def _request(app: Any, path: str) -> Callable[[], int]:
    route, _, query = path.partition("?")
    environ = falcon.testing.create_environ(path=route, query_string=query,
                                            host="localhost")
    status: list[str] = []

    def start_response(line: str, headers: Iterable[Any], exc_info: Any = None) -> None:
        status.append(line)

    def call() -> int:
        status.clear()
        body = b"".join(app(dict(environ), start_response))
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]} {body[:300]!r}")
        return len(body)

    return call


def _resolved(app: Any, path: str) -> str:
    """`path`, its ``cursor=next`` replaced by the cursor of the first page's next link."""
    if "cursor=next" not in path:
        return path
    first = path.replace("cursor=next", "cursor=first")
    route, _, query = first.partition("?")
    environ = falcon.testing.create_environ(path=route, query_string=query, host="localhost")
    body = json.loads(b"".join(app(environ, lambda *args: None)))
    if not body.get("next"):
        raise SystemExit(f"{path}: the first page has no next page")
    return "?".join(urllib.parse.urlsplit(body["next"])[2:4])


def _statements(services: Services, call: Callable[[], Any]) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        seen.append((statement, parameters))

    event.listen(services.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(services.engine, "before_cursor_execute", record)
    return seen


def _replay(services: Services, statements: list[tuple[str, Any]]) -> Callable[[], None]:
    raw = services.engine.raw_connection()

    def call() -> None:
        cursor = raw.cursor()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            if cursor.description is not None:
                cursor.fetchall()
        cursor.close()
        raw.rollback()

    return call


def measure(services: Services, paths: Iterable[str], rounds: int) -> list[dict[str, Any]]:
    app = http_app(services)
    out = []
    for path in paths:
        call = _request(app, _resolved(app, path))
        for _ in range(max(10, rounds // 10)):
            call()
        statements = _statements(services, call)
        replay = _replay(services, statements)
        for _ in range(max(10, rounds // 10)):
            replay()
        total_wall, total_cpu = _timed(call, rounds)
        sql_wall, sql_cpu = _timed(replay, rounds)
        out.append({"path": path, "statements": len(statements), "bytes": call(),
                    "request_ms": total_wall, "sql_ms": sql_wall,
                    "python_ms": total_wall - sql_wall,
                    "python_cpu_ms": total_cpu - sql_cpu})
    return out


def _small_database(dataset: Path, folder: Path) -> str:
    from benchmarks.load_dataset import load, load_module
    from cultureup.adapters.sqlalchemy.engine import build_engine
    from cultureup.adapters.sqlalchemy.migrate import upgrade

    url = f"sqlite:///{folder / 'overhead.db'}"
    engine = build_engine(url)
    upgrade(engine)
    load(engine, load_module(dataset).generate(artworks=100_000, jobs=20_000, users=2_000))
    engine.dispose()
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database filled by benchmarks.load_dataset")
    parser.add_argument("--dataset", type=Path,
                        help="the data set module, to fill a throw-away SQLite database")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--path", action="append", help="a path to measure (repeatable)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url
        if url is None:
            if args.dataset is None:
                parser.error("give --database-url or --dataset")
            url = _small_database(args.dataset, Path(folder))
        settings = Settings(database_url=url, media_root=f"{folder}/media",
                            private_root=f"{folder}/private",
                            rate_limit_file=f"{folder}/limits.sqlite3",
                            secret_key="request-overhead-benchmark-key-0123456789",
                            rate_limit_enabled=False, view_flush_seconds=3600)
        services = bootstrap(settings, upgrade_database=False)
        try:
            rows = measure(services, args.path or PATHS, args.rounds)
        finally:
            services.close()
    print(f"{'path':74} {'stmts':>5} {'request':>8} {'sql':>7} {'python':>7} {'py cpu':>7}")
    for row in rows:
        print(f"{row['path'][:74]:74} {row['statements']:5d} {row['request_ms']:7.2f}m "
              f"{row['sql_ms']:6.2f}m {row['python_ms']:6.2f}m {row['python_cpu_ms']:6.2f}m")


if __name__ == "__main__":
    main()
