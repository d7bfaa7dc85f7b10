"""Search does a bounded amount of work whatever the number of matches: each group ranks only
its RANKED_MATCHES newest matches and counts exactly up to COUNTED_MATCHES; beyond that the
group counts as COUNTED_MATCHES. The bounds are made small here so that a few rows show it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from cultureup.adapters.sqlalchemy.catalog import search_queries
from cultureup.bootstrap import Services
from tests.integration.conftest import Marketplace, is_postgres

RANKED, COUNTED = 4, 6


@pytest.fixture
def small_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_queries, "RANKED_MATCHES", RANKED)
    monkeypatch.setattr(search_queries, "COUNTED_MATCHES", COUNTED)


def _post_jobs(market: Marketplace, descriptions: list[str]) -> list[int]:
    buyer = market.user("buyer")
    category = market.category()
    ids = []
    for n, description in enumerate(descriptions):
        ids.append(market.job(buyer, category, title=f"Commission number {n}",
                              description=description)["id"])
        market.clock.advance(minutes=1)
    return ids


def _search(market: Marketplace, q: str) -> dict[str, Any]:
    response = market.client.simulate_get("/api/search/", params={"q": q})
    assert response.status_code == 200, response.text
    return response.json


@pytest.mark.parametrize("matching", [1, RANKED - 1, RANKED, COUNTED, COUNTED + 1, 9])
def test_totals_are_exact_up_to_the_bound_then_the_bound(
        services: Services, market: Marketplace, small_bounds: None, matching: int) -> None:
    _post_jobs(market, ["a sunset over the river"] * matching + ["a plain brick wall"] * 3)
    body = _search(market, "sunset")
    assert body["total_results"] == min(matching, COUNTED)
    assert len(body["results"]["jobs"]) == min(matching, RANKED)
    assert _search(market, "brick")["total_results"] == 3


def test_the_best_of_the_newest_matches_are_shown_best_first(
        services: Services, market: Marketplace, small_bounds: None) -> None:
    # The oldest job is the most relevant of all, but not among the RANKED newest matches.
    descriptions = ["sunset " * 8 + "painting"] + [
        "sunset " * times + "painting and a long description of other things " * 3
        for times in (1, 3, 1, 2, 1, 1)]
    ids = _post_jobs(market, descriptions)
    body = _search(market, "sunset")
    shown = [job["id"] for job in body["results"]["jobs"]]
    newest = ids[-RANKED:]
    assert sorted(shown) == sorted(newest)
    # Among them, more occurrences of the word rank higher (bm25 / ts_rank), newest first
    # among equals.
    assert shown[0] == ids[4]
    assert shown[1:] == [ids[6], ids[5], ids[3]]
    assert body["total_results"] == COUNTED


def test_the_count_resumes_where_the_candidates_ended(
        services: Services, market: Marketplace, small_bounds: None) -> None:
    """A common word's older matches are counted from the oldest candidate on (its id
    bound, read by the index), not from the newest again."""
    ids = _post_jobs(market, ["a sunset over the river"] * (COUNTED + 3))
    seen: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                 executemany: bool) -> None:
        seen.append((statement, parameters))

    engine = services.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        body = _search(market, "sunset")
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert body["total_results"] == COUNTED
    assert {job["id"] for job in body["results"]["jobs"]} == set(ids[-RANKED:])
    [(count, parameters)] = [(sql, p) for sql, p in seen if "counted" in sql]
    with engine.connect() as connection:
        plan = "\n".join(str(row[-1]) for row in connection.exec_driver_sql(
            "EXPLAIN " + ("" if is_postgres(services) else "QUERY PLAN ") + count, parameters))
    if is_postgres(services):
        # The kind's ids below the bound, newest first, or (a word rare in the kind's newest
        # documents, as on these few rows) the GIN index's matches filtered by it.
        assert "id < " in plan or "id + 0) < " in plan, plan
    else:
        # FTS5 takes the rowid bound itself ("<" in its index string): its posting lists are
        # read from there down.
        assert "VIRTUAL TABLE INDEX 192:M" in plan and "<" in plan.split("INDEX 192:")[1], plan


def test_without_the_bounds_every_match_is_ranked_and_counted(
        services: Services, market: Marketplace) -> None:
    descriptions = ["sunset " * 8 + "painting"] + ["sunset painting"] * 5
    ids = _post_jobs(market, descriptions)
    body = _search(market, "sunset")
    assert body["results"]["jobs"][0]["id"] == ids[0]
    assert body["total_results"] == 6


@pytest.mark.parametrize("expanded", [1, 20])
def test_the_last_word_finds_every_term_it_starts_with(
        services: Services, market: Marketplace, monkeypatch: pytest.MonkeyPatch,
        expanded: int) -> None:
    """Expanded to its terms (SQLite's vocabulary) or, beyond the bound, as a prefix query:
    the same matches either way."""
    monkeypatch.setattr(search_queries, "EXPANDED_TERMS", expanded)
    _post_jobs(market, ["a sunset", "two sunsets", "sunshine", "sun", "a sundial", "moon"])
    assert _search(market, "suns")["total_results"] == 3
    assert _search(market, "sun")["total_results"] == 5
    assert _search(market, "sunsetz")["total_results"] == 0
    assert _search(market, "commission sunsets")["total_results"] == 1
