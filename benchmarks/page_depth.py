"""Time of a list page by its depth, by page number and by cursor, and of a common word's
search, in-process.

Run: ``python -m benchmarks.page_depth --database-url URL [--pages 1,4000,40000]
[--rounds 21]`` on a database filled by ``benchmarks.load_dataset`` (100k or a million
artworks and jobs).

For the artworks list, the jobs list and the open jobs, in their default ordering (newest
first), 20 rows a page:

- ``page N``: ``?page=N`` (the page's ids skip ``20 x (N - 1)`` entries of the ordering's
  index);
- ``cursor N``: the same rows reached by keyset paging, ``?cursor=C`` where C is the cursor
  the ``next`` link of page N - 1 carries (made here from the last row of page N - 1, read
  once by number, and sealed with the same key as the service).

A page that does not exist (beyond the list) is left out. Then ``/api/search/?q=WORD`` for
each ``--search`` word (``sunset`` is in 60 % of the data set's rows). Each request goes
through the real WSGI application (middleware, routing, validation, use case, read model,
JSON), called directly with a WSGI environ: no socket. Reported: median and 90th percentile
wall milliseconds of ``rounds`` runs after three warm-up runs, and the median CPU
milliseconds of the process (the rest is the database's time, or waiting on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import falcon.testing

from cultureup.adapters.sqlalchemy.catalog.artwork_queries import artwork_seek
from cultureup.adapters.sqlalchemy.counts import CursorSeal, ordered_seek
from cultureup.adapters.sqlalchemy.queries import JOB_ORDERINGS
from cultureup.adapters.sqlalchemy.tables import jobs
from cultureup.bootstrap import bootstrap, http_app
from cultureup.config import Settings

SECRET_KEY = "page-depth-benchmark-key-0123456789abcdef"
PAGE_SIZE = 20


def _request(app: Any, path: str) -> Callable[[], tuple[str, bytes]]:
    route, _, query = path.partition("?")
    environ = falcon.testing.create_environ(path=route, query_string=query, host="localhost")
    status: list[str] = []

    def start_response(line: str, headers: Iterable[Any], exc_info: Any = None) -> None:
        status.append(line)

    def call() -> tuple[str, bytes]:
        status.clear()
        body = b"".join(app(dict(environ), start_response))
        return status[0], body

    return call


def _timed(call: Callable[[], tuple[str, bytes]], rounds: int) -> dict[str, float]:
    for _ in range(3):
        line, body = call()
        if not line.startswith("200"):
            raise SystemExit(f"{line} {body[:300]!r}")
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    walls.sort()
    return {"p50_ms": statistics.median(walls) * 1e3,
            "p90_ms": walls[int(0.9 * (len(walls) - 1))] * 1e3,
            "cpu_ms": statistics.median(cpus) * 1e3}


def _page(app: Any, route: str, number: int) -> dict[str, Any] | None:
    line, body = _request(app, f"{route}page_size={PAGE_SIZE}&page={number}")()
    if line.startswith("404"):
        return None
    if not line.startswith("200"):
        raise SystemExit(f"{route} page {number}: {line} {body[:300]!r}")
    answer: dict[str, Any] = json.loads(body)
    return answer


def measure(app: Any, seal: CursorSeal, pages: list[int], searches: list[str],
            rounds: int) -> list[dict[str, Any]]:
    job_seek = ordered_seek(None, "-created_at", JOB_ORDERINGS, jobs.c.id, seal)
    # A list and its filters, as the start of a query string.
    seeks = {"/api/artworks/?": artwork_seek(None, seal), "/api/jobs/?": job_seek,
             "/api/jobs/?status=open&": job_seek}
    out = []
    for route, seek in seeks.items():
        assert seek is not None
        for number in pages:
            if _page(app, route, number) is None:
                continue
            path = f"{route}page_size={PAGE_SIZE}&page={number}"
            out.append({"what": f"{route.rstrip('?&')} page {number}",
                        **_timed(_request(app, path), rounds)})
            if number == 1:
                cursor = "first"
            else:
                before = _page(app, route, number - 1)
                assert before is not None
                last = before["results"][-1]
                cursor = seek.encode({"id": last["id"], "created_at": datetime.fromisoformat(
                    last["created_at"].replace("Z", "+00:00"))})
            path = f"{route}page_size={PAGE_SIZE}&cursor={cursor}"
            call = _request(app, path)
            expected = _page(app, route, number)
            assert expected is not None
            got = json.loads(call()[1])
            if [row["id"] for row in got["results"]] != [row["id"] for row in
                                                         expected["results"]]:
                raise SystemExit(f"{route}: the cursor page {number} differs from the page")
            out.append({"what": f"{route.rstrip('?&')} cursor {number}", **_timed(call, rounds)})
    for word in searches:
        path = f"/api/search/?q={word}"
        out.append({"what": path, **_timed(_request(app, path), rounds)})
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True,
                        help="a database filled by benchmarks.load_dataset")
    parser.add_argument("--pages", default="1,4000,40000",
                        help="page numbers, comma-separated")
    parser.add_argument("--search", action="append",
                        help="a search word (repeatable; default: sunset)")
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args(argv)
    pages = [int(number) for number in args.pages.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=args.database_url, media_root=f"{folder}/media",
                            private_root=f"{folder}/private",
                            rate_limit_file=f"{folder}/limits.sqlite3",
                            secret_key=SECRET_KEY, rate_limit_enabled=False,
                            view_flush_seconds=3600)
        services = bootstrap(settings, upgrade_database=False)
        try:
            rows = measure(http_app(services), CursorSeal.derived(SECRET_KEY), pages,
                           args.search or ["sunset"], args.rounds)
        finally:
            services.close()
    print(f"{'request':40} {'p50 ms':>8} {'p90 ms':>8} {'cpu ms':>8}")
    for row in rows:
        print(f"{row['what']:40} {row['p50_ms']:8.2f} {row['p90_ms']:8.2f} {row['cpu_ms']:8.2f}")


if __name__ == "__main__":
    main()
