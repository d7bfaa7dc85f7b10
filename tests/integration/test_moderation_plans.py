"""The moderation lists (report queue, a reporter's reports, a user's moderation actions, the
appeals queue) are read through indexes on SQLite and PostgreSQL: no full scan of their
tables, no sort of the match set (the checks of test_list_plans, on these tables)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection

from cultureup.adapters.sqlalchemy.moderation.sanction_queries import SqlAlchemyModerationQueries
from cultureup.application.moderation.views import ReportFilters
from cultureup.application.views import PageRequest
from cultureup.bootstrap import Services
from cultureup.domain.moderation.actions import AppealStatus
from cultureup.domain.moderation.reports import ContentType, ReportStatus
from tests.integration.test_list_plans import captured, explain, sqlite_problems

__all__ = ["explain"]
TABLES = {"reports", "moderation_actions", "other_report", "newer_report"}


def calls(queries: SqlAlchemyModerationQueries) -> Iterator[tuple[str, Callable[[], Any]]]:
    page = PageRequest.of(1, 20)
    for filters in (
            ReportFilters(), ReportFilters(status=ReportStatus.PENDING),
            ReportFilters(content_type=ContentType.ARTWORK), ReportFilters(reporter_id=3),
            ReportFilters(group_by_target=True),
            ReportFilters(status=ReportStatus.PENDING, group_by_target=True)):
        yield f"reports {filters}", lambda f=filters: queries.list_reports(f, page)
    yield "actions", lambda: queries.list_actions(5, page)
    for status in (None, AppealStatus.PENDING):
        yield f"appeals {status}", lambda s=status: queries.list_appeals(s, page)


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _limited(node: dict[str, Any]) -> bool:
    return any(child["Node Type"] == "Limit" or _limited(child)
               for child in node.get("Plans", []))


def problems(connection: Connection, statement: str, parameters: Any) -> list[str]:
    if connection.dialect.name == "sqlite":
        found = sqlite_problems(connection, statement, parameters, False)
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        found += [f"full scan: {row[3]}" for row in plan
                  if row[3].split(" ")[:2] in (["SCAN", "reports"],
                                                ["SCAN", "moderation_actions"])
                  and "INDEX" not in row[3]]
        return found
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}",
                                      parameters).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found = []
    for node in _nodes(plan[0]["Plan"]):
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in TABLES:
            found.append(f"full table scan of {node['Relation Name']}")
        if node["Node Type"] in ("Sort", "Incremental Sort") and not _limited(node):
            found.append(f"sort of the match set: {node.get('Sort Key')}")
    return found


def test_every_moderation_list_is_read_through_an_index(services: Services,
                                                        explain: Connection) -> None:
    queries = SqlAlchemyModerationQueries(services.engine)
    failures, checked = [], 0
    for name, call in calls(queries):
        statements = captured(services.engine, call)
        assert len(statements) == 2, name  # the page and its count
        for statement, parameters in statements:
            checked += 1
            failures += [f"{name}: {problem}"
                         for problem in problems(explain, statement, parameters)]
    assert checked == 18
    assert not failures, "\n".join(failures)


def test_without_its_index_the_queue_by_status_is_reported(services: Services,
                                                         explain: Connection) -> None:
    """The check has teeth: dropped (inside the rolled-back transaction), the indexes that
    serve the queue filtered by status leave a sort or a scan to report."""
    queries = SqlAlchemyModerationQueries(services.engine)
    statements = captured(services.engine, lambda: queries.list_reports(
        ReportFilters(status=ReportStatus.PENDING), PageRequest.of(1, 20)))
    explain.exec_driver_sql("DROP INDEX ix_reports_status_created_at")
    explain.exec_driver_sql("DROP INDEX ix_reports_created_at")
    assert any(problems(explain, statement, parameters)
               for statement, parameters in statements)
