"""Moderators resolving reports at the same moment, each through its own HTTP client, many
rounds over: two on the same report, `resolve_all` on one report of a target against a
single resolution (or another `resolve_all`) of another report on it, two reports on one
account both banning it, and a ban from the users admin against one from a report. Exactly
one wins; the other gets 409 and leaves nothing behind: one resolution, one audit entry per
resolved report, one action performed, one notification. PostgreSQL only: on SQLite writers
take turns by the database lock and there is no race."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import falcon.testing
import pytest
from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.collaboration.tables import notifications
from cultureup.adapters.sqlalchemy.moderation.tables import moderation_actions, reports
from cultureup.adapters.sqlalchemy.tables import audit_log, jobs
from cultureup.bootstrap import Services, http_app
from tests.integration.conftest import ApiUser, Marketplace, is_postgres
from tests.integration.moderation_support import staff_user

ROUNDS = 20


@pytest.fixture(autouse=True)
def _postgres_only(services: Services) -> None:
    if not is_postgres(services):
        pytest.skip("a race needs PostgreSQL's row locks; SQLite runs writers one at a time")


@pytest.fixture
def moderators(market: Marketplace) -> list[ApiUser]:
    return [staff_user(market, "mod_race_a"), staff_user(market, "mod_race_b")]


@pytest.fixture
def reporters(market: Marketplace) -> list[ApiUser]:
    """Three buyers who report a new target every round."""
    return [market.user("buyer") for _ in range(3)]


def at_once(*calls: Callable[[], Any]) -> tuple[Any, ...]:
    """Run the calls in threads released together; their results in call order."""
    gate = threading.Barrier(len(calls), timeout=60)

    def run(call: Callable[[], Any]) -> Any:
        gate.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return tuple(pool.map(run, calls))


def resolver(services: Services, moderator: ApiUser, report_id: int, action: str, *,
             resolve_all: bool = False) -> Callable[[], int]:
    client = falcon.testing.TestClient(http_app(services))

    def resolve() -> int:
        return client.simulate_patch(
            f"/api/admin/reports/{report_id}/update/", headers=moderator.headers,
            json={"status": "resolved", "action": action, "reason": f"By {moderator.username}",
                  "resolve_all": resolve_all}).status_code

    return resolve


def file_reports(market: Marketplace, reporters: list[ApiUser], target: dict[str, Any],
                 count: int) -> list[int]:
    """`count` reports on the target, one by each of the first `count` reporters."""
    ids = []
    for reporter in reporters[:count]:
        answer = market.client.simulate_post("/api/reports/", headers=reporter.headers,
                                             json=target)
        assert answer.status_code == 201, answer.text
        ids.append(int(answer.json["id"]))
    return ids


def scam(culprit: ApiUser) -> dict[str, Any]:
    return {"content_type": "user", "object_id": culprit.id, "reason": "scam"}


def scalar(services: Services, query: Any) -> Any:
    with services.engine.connect() as connection:
        return connection.execute(query).scalar_one()


def audited(services: Services, action: str, target_id: int | list[int]) -> int:
    targets = [str(each) for each in (target_id if isinstance(target_id, list) else
                                      [target_id])]
    return int(scalar(services, select(func.count()).select_from(audit_log).where(
        audit_log.c.action == action, audit_log.c.target_id.in_(targets))))


def told(services: Services, user_id: int, kind: str) -> int:
    return int(scalar(services, select(func.count()).select_from(notifications).where(
        notifications.c.user_id == user_id, notifications.c.notification_type == kind)))


def actions_on(services: Services, user_id: int) -> list[str]:
    with services.engine.connect() as connection:
        return list(connection.execute(select(moderation_actions.c.kind).where(
            moderation_actions.c.user_id == user_id)).scalars())


def report_rows(services: Services, ids: list[int]) -> dict[int, tuple[str, int | None]]:
    with services.engine.connect() as connection:
        rows = connection.execute(select(reports.c.id, reports.c.status,
                                         reports.c.resolved_by_id).where(reports.c.id.in_(ids)))
        return {row.id: (row.status, row.resolved_by_id) for row in rows}


def winner(statuses: tuple[int, ...], moderators: list[ApiUser]) -> ApiUser:
    assert sorted(statuses) == [200, 409], statuses
    return moderators[statuses.index(200)]


def test_two_moderators_banning_on_one_report_ban_once(
        market: Marketplace, services: Services, moderators: list[ApiUser],
        reporters: list[ApiUser]) -> None:
    for _ in range(ROUNDS):
        culprit = market.user("artist")
        [report] = file_reports(market, reporters, scam(culprit), 1)
        statuses = at_once(*(resolver(services, each, report, "banned_user")
                             for each in moderators))
        won = winner(statuses, moderators)
        assert report_rows(services, [report]) == {report: ("resolved", won.id)}
        assert actions_on(services, culprit.id) == ["ban"]
        assert audited(services, "moderation.user_banned", culprit.id) == 1
        assert audited(services, "moderation.report_updated", report) == 1
        assert told(services, culprit.id, "moderation") == 1


def test_two_moderators_removing_a_reported_job_remove_it_once(
        market: Marketplace, services: Services, moderators: list[ApiUser],
        reporters: list[ApiUser]) -> None:
    buyer = market.user("buyer")
    for _ in range(ROUNDS):
        job = int(market.job(buyer)["id"])
        [report] = file_reports(market, reporters, {
            "content_type": "job", "object_id": job, "reason": "off_platform_payment"}, 1)
        before = told(services, buyer.id, "content_removed")
        statuses = at_once(*(resolver(services, each, report, "removed_content")
                             for each in moderators))
        won = winner(statuses, moderators)
        assert report_rows(services, [report]) == {report: ("resolved", won.id)}
        assert scalar(services, select(jobs.c.removed_by_id).where(jobs.c.id == job)) == won.id
        assert audited(services, "moderation.content_removed", job) == 1
        assert audited(services, "moderation.report_updated", report) == 1
        assert told(services, buyer.id, "content_removed") == before + 1
    assert actions_on(services, buyer.id) == ["content_removal"] * ROUNDS


@pytest.mark.parametrize("both_all", [False, True], ids=["all-vs-single", "all-vs-all"])
def test_resolve_all_racing_another_resolution_on_the_same_target_bans_once(
        market: Marketplace, services: Services, moderators: list[ApiUser],
        reporters: list[ApiUser], both_all: bool) -> None:
    orders: Counter[str] = Counter()
    for _ in range(ROUNDS):
        culprit = market.user("artist")
        ids = file_reports(market, reporters, scam(culprit), 3)
        # The first moderator closes every report on the target from the first one; the
        # other resolves the last one (alone, or all of them too).
        statuses = at_once(
            resolver(services, moderators[0], ids[0], "banned_user", resolve_all=True),
            resolver(services, moderators[1], ids[-1], "banned_user", resolve_all=both_all))
        won = winner(statuses, moderators)
        rows = report_rows(services, ids)
        closed = [report for report, (status, _) in rows.items() if status == "resolved"]
        assert {by for status, by in rows.values() if status == "resolved"} == {won.id}
        if won == moderators[0] or both_all:
            orders["all closed"] += 1
            assert sorted(closed) == ids
        else:
            orders["the single one first"] += 1
            assert closed == [ids[-1]]
            assert {rows[report][0] for report in ids[:-1]} == {"pending"}
        assert actions_on(services, culprit.id) == ["ban"]
        assert audited(services, "moderation.user_banned", culprit.id) == 1
        assert audited(services, "moderation.report_updated", ids) == len(closed)
        assert told(services, culprit.id, "moderation") == 1
    assert sum(orders.values()) == ROUNDS, orders


def test_two_single_resolutions_banning_one_account_ban_it_once(
        market: Marketplace, services: Services, moderators: list[ApiUser],
        reporters: list[ApiUser]) -> None:
    for _ in range(ROUNDS):
        culprit = market.user("artist")
        ids = file_reports(market, reporters, scam(culprit), 2)
        statuses = at_once(*(resolver(services, each, report, "banned_user")
                             for each, report in zip(moderators, ids, strict=True)))
        won = winner(statuses, moderators)
        rows = report_rows(services, ids)
        assert [rows[report] for report in ids].count(("resolved", won.id)) == 1
        assert actions_on(services, culprit.id) == ["ban"]
        assert audited(services, "moderation.user_banned", culprit.id) == 1
        assert audited(services, "moderation.report_updated", ids) == 1
        assert told(services, culprit.id, "moderation") == 1


def test_a_ban_from_the_users_admin_racing_one_from_a_report_bans_once(
        market: Marketplace, services: Services, moderators: list[ApiUser],
        reporters: list[ApiUser]) -> None:
    client = falcon.testing.TestClient(http_app(services))
    for _ in range(ROUNDS):
        culprit = market.user("artist")
        [report] = file_reports(market, reporters, scam(culprit), 1)

        def ban_directly(culprit: ApiUser = culprit) -> int:
            return client.simulate_post(
                f"/api/admin/users/{culprit.id}/ban/", headers=moderators[0].headers,
                json={"reason": "Fraud"}).status_code

        statuses = at_once(ban_directly,
                           resolver(services, moderators[1], report, "banned_user"))
        won = winner(statuses, moderators)
        by_report = won == moderators[1]
        assert report_rows(services, [report]) == {
            report: ("resolved", won.id) if by_report else ("pending", None)}
        assert actions_on(services, culprit.id) == ["ban"]
        assert audited(services, "moderation.user_banned", culprit.id) == 1
        assert audited(services, "moderation.report_updated", report) == int(by_report)
        assert told(services, culprit.id, "moderation") == 1
