"""List endpoints run a fixed, small number of SQL statements, whatever the page size: no
query per row (N+1) for buyers, categories, bid counts, averages or ranks.

`count_queries` counts every statement, including the BEGIN that the SQLite engine issues
itself; the absolute budgets below count only the other statements, so they hold on both
databases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import falcon.testing
import pytest
from sqlalchemy import event

from cultureup.bootstrap import Services
from tests.integration.conftest import ApiUser, Marketplace, QueryCounter

# Beyond authentication: the page's rows and the total count, plus one lookup of the job
# whose bids are listed; a little slack for a future extra (never a per-row) query.
MAX_DATA_STATEMENTS = 4


@pytest.fixture
def sql(services: Services) -> Iterator[list[str]]:
    """The statements run, BEGIN and the like left out."""
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.split(maxsplit=1)[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK"}:
            seen.append(statement)

    event.listen(services.engine, "before_cursor_execute", record)
    yield seen
    event.remove(services.engine, "before_cursor_execute", record)


def statements(client: falcon.testing.TestClient, counter: QueryCounter, path: str,
               user: ApiUser | None, sql: list[str] | None = None,
               **params: Any) -> tuple[int, dict[str, Any]]:
    """Every statement one GET runs (as count_queries counts them), and the response body."""
    headers = user.headers if user else {}
    counter.count = 0
    if sql is not None:
        sql.clear()
    response = client.simulate_get(path, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return counter.count, response.json


def auth_cost(client: falcon.testing.TestClient, sql: list[str], user: ApiUser) -> int:
    """Statements spent on authenticating alone: a request refused right after it."""
    sql.clear()
    response = client.simulate_get("/api/bids/", headers=user.headers,
                                   params={"ordering": "not-a-field"})
    assert response.status_code == 400
    assert sql, "authentication reads the token"
    return len(sql)


@pytest.fixture
def busy_board(market: Marketplace) -> dict[str, Any]:
    """20 jobs of one buyer, each with two bids (one of them by the same artist)."""
    buyer, artist, rival = market.user("buyer"), market.user("artist"), market.user("artist")
    category = market.category()
    jobs = []
    for n in range(20):
        job = market.job(buyer, category if n % 2 else None)
        market.bid(artist, job["id"], f"{600 + n}.00")
        market.bid(rival, job["id"], "700.00")
        jobs.append(job["id"])
    return {"buyer": buyer, "artist": artist, "jobs": jobs}


def test_job_list_is_constant(client: falcon.testing.TestClient, busy_board: dict[str, Any],
                              count_queries: QueryCounter, sql: list[str]) -> None:
    small, page5 = statements(client, count_queries, "/api/jobs/", None, page_size=5)
    large, page20 = statements(client, count_queries, "/api/jobs/", None, sql, page_size=20)
    assert len(page5["results"]) == 5 and len(page20["results"]) == 20
    assert all(job["total_bids"] == 2 and job["average_bid"] for job in page20["results"])
    assert small == large
    assert len(sql) <= MAX_DATA_STATEMENTS
    filtered, _ = statements(client, count_queries, "/api/jobs/", None, page_size=20,
                             status="open", min_budget="100", search="logo",
                             ordering="-budget_min")
    assert filtered == large


def test_my_bids_list_is_constant(client: falcon.testing.TestClient,
                                  busy_board: dict[str, Any], count_queries: QueryCounter,
                                  sql: list[str]) -> None:
    artist = busy_board["artist"]
    auth = auth_cost(client, sql, artist)
    small, page5 = statements(client, count_queries, "/api/bids/", artist, page_size=5)
    large, page20 = statements(client, count_queries, "/api/bids/", artist, sql, page_size=20)
    assert len(page5["results"]) == 5 and len(page20["results"]) == 20
    assert {bid["bid_rank"] for bid in page20["results"]} == {1}
    assert small == large
    assert len(sql) - auth <= MAX_DATA_STATEMENTS


def test_job_bids_list_is_constant(client: falcon.testing.TestClient, market: Marketplace,
                                   count_queries: QueryCounter, sql: list[str]) -> None:
    buyer = market.user("buyer")
    job = market.job(buyer)
    for n in range(20):
        market.bid(market.user("artist"), job["id"], f"{900 - n}.00")
    path = f"/api/jobs/{job['id']}/bids/"
    auth = auth_cost(client, sql, buyer)
    small, page5 = statements(client, count_queries, path, buyer, page_size=5)
    large, page20 = statements(client, count_queries, path, buyer, sql, page_size=20,
                               ordering="bid_amount")
    assert len(page5["results"]) == 5 and len(page20["results"]) == 20
    assert [bid["bid_rank"] for bid in page20["results"]] == list(range(1, 21))
    assert small == large
    assert len(sql) - auth <= MAX_DATA_STATEMENTS


def test_job_detail_is_one_statement(client: falcon.testing.TestClient,
                                     busy_board: dict[str, Any], count_queries: QueryCounter,
                                     sql: list[str]) -> None:
    _, job = statements(client, count_queries, f"/api/jobs/{busy_board['jobs'][0]}/", None, sql)
    assert job["total_bids"] == 2 and job["average_bid"] is not None
    assert len(sql) == 1
