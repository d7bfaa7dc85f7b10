"""The admin dashboard and revenue report on the sample marketplace of `--scale 10000` (10,000
users, about 14,000 artworks, 7,000 payments and 30,000 ledger entries over 12 months, with a
snapshot of every past day), loaded once for the module: every block of the dashboard and
every figure of the report (totals, by method, per day, top artists and buyers), over several
periods, equals hand-written SQL over the same rows. Some of today's payments and a refund are
added after the load (counted live), and one past day's snapshot is taken away (counted from
the ledger inside a period otherwise read from the snapshots)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import falcon.testing
import pytest
from sqlalchemy import text

from cultureup.application.admin.sample_market import MarketCounts, MarketShape
from cultureup.bootstrap import Services, bootstrap, http_app
from cultureup.config import Settings
from cultureup.domain.money import Money
from tests.integration.conftest import (
    STRONG_PASSWORD,
    TEST_HOSTS,
    SteppingClock,
    _empty_tables,
)

SCALE = 10_000
METHODS = ("stripe", "jazzcash", "bank_transfer", "cash_on_delivery")


class Scaled:
    def __init__(self, services: Services, clock: SteppingClock, counts: MarketCounts,
                 headers: dict[str, str], without_snapshot: date) -> None:
        self.services, self.clock, self.counts = services, clock, counts
        self.client = falcon.testing.TestClient(http_app(services))
        self.headers, self.without_snapshot = headers, without_snapshot

    @property
    def today(self) -> date:
        return self.clock.now().date()

    def get(self, path: str, **params: str) -> Any:
        response = self.client.simulate_get(path, headers=self.headers, params=params)
        assert response.status_code == 200, response.json
        return response.json

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.services.engine.connect() as connection:
            return list(connection.execute(text(sql), params))

    def scalar(self, sql: str, **params: Any) -> Any:
        return self.rows(sql, **params)[0][0]


def cents(value: Any) -> str:
    return str(Money.from_cents(int(value or 0)))


def midnight(day: date) -> str:
    return f"{day} 00:00:00"


@pytest.fixture(scope="module")
def scaled(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scaled]:
    root = tmp_path_factory.mktemp("scale")
    settings = Settings(database_url=database_url, media_root=str(root / "media"),
                        rate_limit_file=str(Path(root) / "rate-limits.sqlite3"),
                        private_root=str(root / "private"), password_hash_time_cost=1,
                        password_hash_memory_kib=1024,
                        secret_key="integration-tests-secret-key-0123456789abcdef",
                        rate_limit_enabled=False, allowed_hosts=TEST_HOSTS)
    clock = SteppingClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    services = bootstrap(settings, clock=clock)
    _empty_tables(services.engine)
    admin, _ = services.sample_data.ensure_superuser(
        username="scale_root", email="scale_root@example.com", password=STRONG_PASSWORD)
    counts = services.sample_data.create_marketplace(admin.as_actor(), MarketShape.of(SCALE))
    assert counts is not None
    # This morning: the small sample (payments by every method, a refund), counted live.
    clock.advance(hours=2)
    services.sample_data.create_sample_data(admin.as_actor())
    # A past day without its snapshot is counted from the ledger.
    without = clock.now().date() - timedelta(days=40)
    with services.engine.begin() as connection:
        for table in ("daily_revenue", "daily_analytics"):
            connection.execute(text(f"DELETE FROM {table} WHERE date = :d"),
                                {"d": without})
    scaled = Scaled(services, clock, counts, {}, without)
    login = scaled.client.simulate_post("/api/auth/login/", json={
        "username": "scale_root", "password": STRONG_PASSWORD})
    assert login.status_code == 200, login.json
    scaled.headers = {"Authorization": f"Token {login.json['token']}"}
    yield scaled
    _empty_after(services)
    services.close()


def _empty_after(services: Services) -> None:
    """On PostgreSQL, TRUNCATE: deleting a hundred thousand rows one trigger call at a time
    takes minutes there (TRUNCATE fires no row triggers, and every table goes, counters and
    search documents included)."""
    if services.engine.dialect.name != "postgresql":
        _empty_tables(services.engine)
        return
    with services.engine.begin() as connection:
        names = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'")).scalars().all()
        connection.execute(text(f"TRUNCATE {', '.join(names)}"))


def test_the_load_has_the_documented_shape(scaled: Scaled) -> None:
    counts = scaled.counts
    assert counts.users == SCALE
    sample_users = scaled.scalar("SELECT COUNT(*) FROM users WHERE username LIKE '%s2025x10000%'")
    assert sample_users == SCALE
    artists = scaled.scalar("SELECT COUNT(*) FROM users WHERE username LIKE '%s2025x10000%' "
                            "AND user_type = 'artist'")
    assert 0.33 < artists / SCALE < 0.39
    assert 3.5 < counts.artworks / artists < 4.5
    assert counts.bids > 2 * counts.jobs and counts.payments > 5000
    assert counts.ledger_entries == scaled.scalar(
        "SELECT COUNT(*) FROM ledger_entries e JOIN payments p ON p.id = e.payment_id "
        "WHERE p.transaction_id LIKE 'SMP%'")
    # Twelve months: something in each of the 12 last 30-day windows; every state present.
    for window in range(12):
        hi = scaled.today - timedelta(days=30 * window)
        assert scaled.scalar(
            "SELECT COUNT(*) FROM payments WHERE completed_at >= :lo AND completed_at < :hi",
            lo=midnight(hi - timedelta(days=30)), hi=midnight(hi)) > 0, window
    states = {row[0] for row in scaled.rows("SELECT DISTINCT status FROM jobs")}
    assert {"open", "in_progress", "completed", "cancelled"} <= states
    methods = {row[0] for row in scaled.rows("SELECT DISTINCT method FROM payments")}
    assert methods == set(METHODS)
    # Every ledger transaction balances.
    assert scaled.scalar(
        "SELECT COUNT(*) FROM (SELECT transaction_id FROM ledger_entries "
        "GROUP BY transaction_id HAVING SUM(amount) <> 0) unbalanced") == 0
    # A snapshot per past day of the year but the one taken away.
    assert scaled.scalar("SELECT COUNT(*) FROM daily_analytics") == 365 - 1


def _periods(scaled: Scaled) -> list[tuple[date, date]]:
    today = scaled.today
    return [
        (today - timedelta(days=364), today),  # the year, today live
        (today - timedelta(days=6), today),  # a week up to today
        (today - timedelta(days=90), today - timedelta(days=61)),  # whole past days only
        (scaled.without_snapshot - timedelta(days=5),
         scaled.without_snapshot + timedelta(days=5)),  # one day from the ledger
        (today - timedelta(days=1), today - timedelta(days=1)),  # yesterday alone
        (today, today),  # today alone
    ]


@pytest.mark.parametrize("period", range(6))
def test_the_revenue_report_equals_sql_over_the_ledger(scaled: Scaled, period: int) -> None:
    start, end = _periods(scaled)[period]
    report = scaled.get("/api/admin/revenue-report/", start_date=str(start),
                        end_date=str(end))
    window = {"lo": midnight(start), "hi": midnight(end + timedelta(days=1))}
    in_window = "e.created_at >= :lo AND e.created_at < :hi"
    assert report["date_range"] == {"start_date": str(start), "end_date": str(end)}
    assert report["total_revenue"] == cents(scaled.scalar(
        f"SELECT -SUM(amount) FROM ledger_entries e WHERE account = 'buyer' AND {in_window}",
        **window))
    assert report["total_transactions"] == scaled.scalar(
        "SELECT COUNT(*) FROM payments WHERE completed_at >= :lo AND completed_at < :hi",
        **window)
    by_method = {row.method: {"payment_method": row.method, "total": cents(row.total),
                              "count": int(row.n)} for row in scaled.rows(
        "SELECT p.method AS method, -SUM(e.amount) AS total, "
        "SUM(CASE WHEN e.kind = 'captured' THEN 1 ELSE 0 END) AS n "
        "FROM ledger_entries e JOIN payments p ON p.id = e.payment_id "
        f"WHERE e.account = 'buyer' AND {in_window} GROUP BY p.method", **window)}
    zero = {"total": "0.00", "count": 0}
    assert report["revenue_by_method"] == [
        by_method.get(method, {"payment_method": method, **zero}) for method in METHODS]
    per_day = {row.day: {"total": cents(row.total), "count": int(row.n)} for row in scaled.rows(
        "SELECT substr(CAST(e.created_at AS TEXT), 1, 10) AS day, -SUM(e.amount) AS total, "
        "SUM(CASE WHEN e.kind = 'captured' THEN 1 ELSE 0 END) AS n FROM ledger_entries e "
        f"WHERE e.account = 'buyer' AND {in_window} "
        "GROUP BY substr(CAST(e.created_at AS TEXT), 1, 10)", **window)}
    days = [str(start + timedelta(days=n)) for n in range((end - start).days + 1)]
    assert report["daily_revenue"] == [{"day": day, **per_day.get(day, zero)} for day in days]
    artists = [{"payee__username": row.username, "total_earned": cents(row.total),
                "payment_count": int(row.n)} for row in scaled.rows(
        "SELECT u.username AS username, SUM(e.amount) AS total, "
        "SUM(CASE WHEN e.kind = 'earning_held' THEN 1 ELSE 0 END) AS n "
        "FROM ledger_entries e JOIN users u ON u.id = e.user_id "
        "WHERE e.account = 'artist_held' AND e.kind IN ('earning_held', 'refunded') "
        f"AND {in_window} GROUP BY u.id, u.username ORDER BY total DESC, u.id LIMIT 10",
        **window)]
    buyers = [{"payer__username": row.username, "total_spent": cents(row.total),
               "payment_count": int(row.n)} for row in scaled.rows(
        "SELECT u.username AS username, -SUM(e.amount) AS total, "
        "SUM(CASE WHEN e.kind = 'captured' THEN 1 ELSE 0 END) AS n "
        "FROM ledger_entries e JOIN users u ON u.id = e.user_id "
        "WHERE e.account = 'buyer' AND e.kind IN ('captured', 'refunded') "
        f"AND {in_window} GROUP BY u.id, u.username ORDER BY total DESC, u.id LIMIT 10",
        **window)]
    assert report["top_artists"] == artists
    assert report["top_buyers"] == buyers
    if (end - start).days >= 6:
        assert len(artists) == len(buyers) == 10


def test_a_report_without_dates_is_the_last_30_days(scaled: Scaled) -> None:
    today = scaled.today
    default = scaled.get("/api/admin/revenue-report/")
    explicit = scaled.get("/api/admin/revenue-report/",
                          start_date=str(today - timedelta(days=29)), end_date=str(today))
    assert default == explicit
    assert Money(default["total_revenue"]) != Money(0)


def test_every_dashboard_block_equals_sql_counts(scaled: Scaled) -> None:
    body = scaled.get("/api/admin/dashboard/")
    today = scaled.today
    since = {"today": midnight(today), "week": midnight(today - timedelta(days=6)),
             "month": midnight(today - timedelta(days=29))}
    expected = {
        "user_stats": {
            "total_users": "SELECT COUNT(*) FROM users",
            "new_users_today": "SELECT COUNT(*) FROM users WHERE created_at >= :today",
            "new_users_week": "SELECT COUNT(*) FROM users WHERE created_at >= :week",
            "new_users_month": "SELECT COUNT(*) FROM users WHERE created_at >= :month",
            "verified_users": "SELECT COUNT(*) FROM users WHERE is_verified",
            "active_users": "SELECT COUNT(*) FROM users WHERE is_active",
            "artists": "SELECT COUNT(*) FROM users WHERE user_type = 'artist'",
            "buyers": "SELECT COUNT(*) FROM users WHERE user_type = 'buyer'",
        },
        "content_stats": {
            "total_artworks": "SELECT COUNT(*) FROM artworks",
            "featured_artworks": "SELECT COUNT(*) FROM artworks WHERE is_featured AND "
                                 "removed_at IS NULL AND moderation_status <> 'REJECTED' AND "
                                 "(moderation_status = 'APPROVED' OR "
                                 "duplicate_candidate_id IS NULL)",
            "pending_artworks":
                "SELECT COUNT(*) FROM artworks WHERE moderation_status = 'PENDING'",
            "total_jobs": "SELECT COUNT(*) FROM jobs",
            "open_jobs": "SELECT COUNT(*) FROM jobs WHERE status = 'open'",
            "completed_jobs": "SELECT COUNT(*) FROM jobs WHERE status = 'completed'",
            "total_categories": "SELECT COUNT(*) FROM categories",
            "active_categories": "SELECT COUNT(*) FROM categories WHERE is_active",
        },
        "activity_stats": {
            "total_bids": "SELECT COUNT(*) FROM bids",
            "pending_bids": "SELECT COUNT(*) FROM bids WHERE status = 'pending'",
            "total_messages": "SELECT COUNT(*) FROM messages",
            "unread_messages": "SELECT COUNT(*) FROM messages WHERE NOT is_read",
            "total_reviews": "SELECT COUNT(*) FROM reviews",
            "total_contracts": "SELECT COUNT(*) FROM contracts",
            "active_contracts": "SELECT COUNT(*) FROM contracts WHERE status = 'active'",
        },
        "financial_stats": {
            "pending_payments": "SELECT COUNT(*) FROM payments WHERE status = 'pending'",
            "total_orders": "SELECT COUNT(*) FROM orders",
            "pending_orders": "SELECT COUNT(*) FROM orders WHERE status = 'pending'",
        },
    }
    for block, figures in expected.items():
        for name, sql in figures.items():
            params = {key: value for key, value in since.items() if f":{key}" in sql}
            assert body[block][name] == scaled.scalar(sql, **params), (block, name)
    assert body["user_stats"]["total_users"] > SCALE
    assert body["activity_stats"]["average_rating"] == round(float(scaled.scalar(
        "SELECT AVG(rating) FROM reviews")), 2)
    money = body["financial_stats"]
    revenue = "SELECT -SUM(amount) FROM ledger_entries WHERE account = 'buyer'"
    assert money["total_revenue"] == cents(scaled.scalar(revenue))
    for window in ("today", "week", "month"):
        assert money[f"revenue_{window}"] == cents(scaled.scalar(
            f"{revenue} AND created_at >= :since", since=since[window])), window
    assert Money(money["revenue_today"]) != Money(0)
    recent = body["recent_activity"]
    for key, table in (("recent_users", "users"), ("recent_artworks", "artworks"),
                       ("recent_jobs", "jobs"), ("recent_payments", "payments")):
        assert [item["id"] for item in recent[key]] == [row[0] for row in scaled.rows(
            f"SELECT id FROM {table} ORDER BY created_at DESC, id DESC LIMIT 5")], key


def test_the_snapshots_equal_sql_counts_of_their_day(scaled: Scaled) -> None:
    for back in (1, 2, 30, 100, 200, 364):
        day = scaled.today - timedelta(days=back)
        lo, hi = midnight(day), midnight(day + timedelta(days=1))
        row = scaled.rows("SELECT * FROM daily_analytics WHERE date = :d", d=day)[0]._mapping

        def created(table: str, lo: str = lo, hi: str = hi) -> int:
            return int(scaled.scalar(
                f"SELECT COUNT(*) FROM {table} WHERE created_at >= :lo "
                "AND created_at < :hi", lo=lo, hi=hi))

        assert row["total_users"] == scaled.scalar(
            "SELECT COUNT(*) FROM users WHERE created_at < :hi", hi=hi), day
        assert row["total_artists"] == scaled.scalar(
            "SELECT COUNT(*) FROM users WHERE created_at < :hi AND user_type = 'artist'", hi=hi)
        assert row["total_buyers"] == scaled.scalar(
            "SELECT COUNT(*) FROM users WHERE created_at < :hi AND user_type = 'buyer'", hi=hi)
        assert row["new_users"] == created("users")
        assert row["jobs_posted"] == created("jobs")
        assert row["bids_placed"] == created("bids")
        assert row["artworks_uploaded"] == created("artworks")
        assert row["messages_sent"] == created("messages")
        assert row["reviews_posted"] == created("reviews")
        assert row["jobs_completed"] == scaled.scalar(
            "SELECT COUNT(*) FROM jobs WHERE status = 'completed' AND updated_at >= :lo "
            "AND updated_at < :hi", lo=lo, hi=hi)
        assert Money.from_cents(int(row["revenue"])) == Money.from_cents(-int(scaled.scalar(
            "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE account = 'buyer' "
            "AND created_at >= :lo AND created_at < :hi", lo=lo, hi=hi)))


def test_the_list_counters_equal_counts_of_the_rows(scaled: Scaled) -> None:
    # On PostgreSQL the load writes with the counter triggers off and recounts after.
    def count(path: str, **params: str) -> int:
        response = scaled.client.simulate_get(path, params=params)  # anonymous: the public
        assert response.status_code == 200, response.json
        return int(response.json["count"])

    visible = ("removed_at IS NULL AND moderation_status <> 'REJECTED' AND "
               "(moderation_status = 'APPROVED' OR duplicate_candidate_id IS NULL)")
    assert count("/api/artworks/") == scaled.scalar(
        f"SELECT COUNT(*) FROM artworks WHERE {visible}")
    assert count("/api/artworks/", artwork_type="physical") == scaled.scalar(
        f"SELECT COUNT(*) FROM artworks WHERE {visible} AND artwork_type = 'physical'")
    assert scaled.get("/api/artworks/")["count"] == scaled.scalar(
        "SELECT COUNT(*) FROM artworks")  # staff see the rejected too
    for status in ("open", "completed"):
        assert count("/api/jobs/", status=status) == scaled.scalar(
            "SELECT COUNT(*) FROM jobs WHERE status = :s AND removed_at IS NULL", s=status)
