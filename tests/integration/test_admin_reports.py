"""The admin dashboard, revenue report, overview and charts over the real HTTP app: every
figure equals a direct SQL count or sum over the same rows; whole past days come from the
snapshot rows, today from the ledger; bad periods are 400s; only staff with the dashboard
permission may read them."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text, update

from cultureup.adapters.sqlalchemy.admin.tables import daily_revenue, user_monthly_revenue
from cultureup.application.accounts.users import Registration
from cultureup.domain.accounts.users import StaffRole
from cultureup.domain.money import Money
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, Marketplace

ROUTES = ("/api/admin/dashboard/", "/api/admin/revenue-report/", "/api/admin/overview/",
          "/api/admin/overview/charts/", "/real_estate/admin/dashboard/",
          "/real_estate/admin/dashboard/charts/")


def staff_user(market: Marketplace, username: str, role: StaffRole | None) -> ApiUser:
    market.services.accounts.create_staff_user(
        Registration(username=username, email=f"{username}@example.com",
                     password=STRONG_PASSWORD, password_confirm=STRONG_PASSWORD,
                     user_type="admin", first_name="Staff", last_name="Member"),
        superuser=role is None, staff_role=role, by=None if role is None
        else market.admin_actor())
    login = market.client.simulate_post("/api/auth/login/", json={
        "username": username, "password": STRONG_PASSWORD})
    assert login.status_code == 200, login.json
    return ApiUser(id=login.json["user"]["id"] if "user" in login.json else 0,
                   username=username, token=login.json["token"], user_type="admin")


def scalar(market: Marketplace, sql: str, **params: Any) -> Any:
    with market.services.engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def cents(value: Any) -> str:
    return str(Money.from_cents(int(value or 0)))


@pytest.fixture
def history(market: Marketplace) -> dict[str, Any]:
    """The sample marketplace made on day one (payments, refunds), its snapshot written the
    next morning; on day three a partial refund and a payment, counted live."""
    services, clock = market.services, market.clock
    admin = market.admin_actor()
    services.sample_data.create_sample_data(admin)
    day_one = clock.now().date()
    clock.advance(days=1)
    services.analytics.calculate(day_one)
    clock.advance(days=1)
    with services.engine.connect() as connection:
        paid = connection.execute(text(
            "SELECT id FROM payments WHERE status = 'completed' AND hire_status = 'pending' "
            "ORDER BY id")).scalars().all()
    services.payments.refund(admin, paid[0], amount=Money("10.00"), reason="scratch")
    return {"day_one": day_one, "today": clock.now().date()}


def test_revenue_report_equals_sql_over_the_ledger_and_payments(
        market: Marketplace, history: dict[str, Any]) -> None:
    root = staff_user(market, "report_root", None)
    start, end = history["day_one"], history["today"]
    response = market.client.simulate_get(
        "/api/admin/revenue-report/", headers=root.headers,
        params={"start_date": start.isoformat(), "end_date": end.isoformat()})
    assert response.status_code == 200, response.json
    report = response.json
    lo, hi = f"{start} 00:00:00", f"{end + timedelta(days=1)} 00:00:00"
    net = scalar(market, "SELECT -SUM(amount) FROM ledger_entries WHERE account = 'buyer' "
                         "AND created_at >= :lo AND created_at < :hi", lo=lo, hi=hi)
    captured = scalar(market, "SELECT COUNT(*) FROM payments WHERE completed_at >= :lo "
                              "AND completed_at < :hi", lo=lo, hi=hi)
    paid_in = scalar(market, "SELECT SUM(amount) FROM payments WHERE completed_at >= :lo "
                             "AND completed_at < :hi", lo=lo, hi=hi)
    refunds = scalar(market, "SELECT SUM(amount) FROM ledger_entries WHERE account = 'buyer' "
                             "AND kind = 'refunded' AND created_at >= :lo AND created_at < :hi",
                     lo=lo, hi=hi)
    assert report["total_revenue"] == cents(net) == cents(paid_in - refunds)
    assert report["total_transactions"] == captured > 0
    assert report["date_range"] == {"start_date": str(start), "end_date": str(end)}
    with market.services.engine.connect() as connection:
        by_method = {row.method: (cents(row.total), row.n) for row in connection.execute(text(
            "SELECT p.method, -SUM(e.amount) AS total, "
            "SUM(CASE WHEN e.kind = 'captured' THEN 1 ELSE 0 END) AS n "
            "FROM ledger_entries e JOIN payments p ON p.id = e.payment_id "
            "WHERE e.account = 'buyer' GROUP BY p.method"))}
        buyers = [(row.username, cents(row.total)) for row in connection.execute(text(
            "SELECT u.username, -SUM(e.amount) AS total FROM ledger_entries e "
            "JOIN users u ON u.id = e.user_id WHERE e.account = 'buyer' "
            "GROUP BY u.username ORDER BY total DESC, u.username"))]
        artists = [(row.username, cents(row.total)) for row in connection.execute(text(
            "SELECT u.username, SUM(e.amount) AS total FROM ledger_entries e "
            "JOIN users u ON u.id = e.user_id WHERE e.account = 'artist_held' "
            "AND e.kind IN ('earning_held', 'refunded') GROUP BY u.username "
            "ORDER BY total DESC, u.username"))]
    got = {row["payment_method"]: (row["total"], row["count"])
           for row in report["revenue_by_method"]}
    assert got == {method: by_method.get(method, ("0.00", 0)) for method in got}
    assert set(got) == {"stripe", "jazzcash", "bank_transfer", "cash_on_delivery"}
    assert [(b["payer__username"], b["total_spent"]) for b in report["top_buyers"]] == buyers
    assert [(a["payee__username"], a["total_earned"])
            for a in report["top_artists"]] == artists
    days = {row["day"]: row for row in report["daily_revenue"]}
    assert list(days) == [str(start + timedelta(days=n)) for n in range(3)]
    assert days[str(end)]["total"] == "-10.00" and days[str(end)]["count"] == 0
    assert sum(Money(row["total"]).cents for row in days.values()) == Money(
        report["total_revenue"]).cents


def test_whole_past_days_are_read_from_their_snapshot(market: Marketplace,
                                                      history: dict[str, Any]) -> None:
    root = staff_user(market, "snapshot_root", None)
    day_one = history["day_one"]
    params = {"start_date": str(day_one), "end_date": str(day_one)}
    before = market.client.simulate_get("/api/admin/revenue-report/", headers=root.headers,
                                        params=params).json
    # Changing the stored row changes the report: the day is not counted again.
    with market.services.engine.begin() as connection:
        connection.execute(update(daily_revenue).where(
            daily_revenue.c.date == day_one, daily_revenue.c.payment_method == "stripe")
            .values(revenue=Money("1.00"), transactions=1))
    after = market.client.simulate_get("/api/admin/revenue-report/", headers=root.headers,
                                       params=params).json
    assert Money(after["total_revenue"]) == Money(before["total_revenue"]) + Money("1.00")
    assert after["total_transactions"] == before["total_transactions"] + 1
    # A day without a snapshot (day two, and today) is counted from the ledger.
    assert scalar(market, "SELECT COUNT(*) FROM daily_analytics") == 1


def raw_top(market: Marketplace, role: str, lo: str, hi: str) -> list[tuple[str, str, int]]:
    """The top ten of a role (username, total, count) by hand-written SQL over the ledger."""
    account, kinds, counted, sign = {
        "artist": ("artist_held", "'earning_held', 'refunded'", "earning_held", ""),
        "buyer": ("buyer", "'captured', 'refunded'", "captured", "-")}[role]
    with market.services.engine.connect() as connection:
        return [(row.username, cents(row.total), int(row.n)) for row in connection.execute(text(
            f"SELECT u.username, {sign}SUM(e.amount) AS total, "
            f"SUM(CASE WHEN e.kind = '{counted}' THEN 1 ELSE 0 END) AS n "
            "FROM ledger_entries e JOIN users u ON u.id = e.user_id "
            f"WHERE e.account = '{account}' AND e.kind IN ({kinds}) "
            "AND e.created_at >= :lo AND e.created_at < :hi "
            "GROUP BY u.id, u.username ORDER BY total DESC, u.id LIMIT 10"),
            {"lo": lo, "hi": hi})]


def report_top(report: dict[str, Any], role: str) -> list[tuple[str, str, int]]:
    if role == "artist":
        return [(a["payee__username"], a["total_earned"], a["payment_count"])
                for a in report["top_artists"]]
    return [(b["payer__username"], b["total_spent"], b["payment_count"])
            for b in report["top_buyers"]]


@pytest.fixture
def month_history(market: Marketplace) -> dict[str, Any]:
    """The sample marketplace made on 1 March; its snapshot calculated on 2 April (so March,
    ended, is rolled up per artist and buyer); on 2 April a partial refund, counted live."""
    services, clock = market.services, market.clock
    admin = market.admin_actor()
    services.sample_data.create_sample_data(admin)
    day_one = clock.now().date()
    clock.advance(days=32)
    services.analytics.calculate(day_one)
    with services.engine.connect() as connection:
        paid = connection.execute(text(
            "SELECT id FROM payments WHERE status = 'completed' AND hire_status = 'pending' "
            "ORDER BY id")).scalars().all()
    services.payments.refund(admin, paid[0], amount=Money("10.00"), reason="scratch")
    return {"day_one": day_one, "today": clock.now().date()}


def test_top_lists_read_ended_months_from_the_rollup_and_today_live(
        market: Marketplace, month_history: dict[str, Any]) -> None:
    root = staff_user(market, "month_root", None)
    start, end = month_history["day_one"], month_history["today"]
    assert (start.month, end.month, end.day) == (3, 4, 2)
    assert scalar(market, "SELECT COUNT(*) FROM revenue_rollup_months") == 1
    assert scalar(market, "SELECT COUNT(*) FROM user_monthly_revenue") > 0
    params = {"start_date": str(start), "end_date": str(end)}
    report = market.client.simulate_get("/api/admin/revenue-report/", headers=root.headers,
                                        params=params).json
    lo, hi = f"{start} 00:00:00", f"{end + timedelta(days=1)} 00:00:00"
    for role in ("artist", "buyer"):
        expected = raw_top(market, role, lo, hi)
        assert report_top(report, role) == expected and expected, role
    # Today's refund is in the lists: the March figures alone differ.
    march = market.client.simulate_get("/api/admin/revenue-report/", headers=root.headers,
                                       params={"start_date": str(start),
                                               "end_date": "2026-03-31"}).json
    assert report_top(march, "buyer") == raw_top(market, "buyer", lo, "2026-04-01 00:00:00")
    assert report_top(march, "buyer") != report_top(report, "buyer")
    # Changing a stored month row changes the lists: March is not counted again.
    top = report["top_buyers"][0]
    user_id = scalar(market, "SELECT id FROM users WHERE username = :u",
                     u=top["payer__username"])
    with market.services.engine.begin() as connection:  # revenue is stored in paisa
        connection.execute(update(user_monthly_revenue).where(
            user_monthly_revenue.c.role == "buyer", user_monthly_revenue.c.user_id == user_id)
            .values(revenue=user_monthly_revenue.c.revenue + Money("1.00"), transactions=7))
    after = market.client.simulate_get("/api/admin/revenue-report/", headers=root.headers,
                                       params=params).json["top_buyers"][0]
    assert after["payer__username"] == top["payer__username"]
    assert Money(after["total_spent"]) == Money(top["total_spent"]) + Money("1.00")
    assert after["payment_count"] == 7
    # A period that takes only part of March counts it from the ledger.
    part = market.client.simulate_get("/api/admin/revenue-report/", headers=root.headers,
                                      params={"start_date": "2026-03-01",
                                              "end_date": "2026-03-30"}).json
    assert report_top(part, "buyer") == raw_top(market, "buyer", lo, "2026-03-31 00:00:00")


def test_recalculating_an_ended_months_last_day_rewrites_the_month_from_the_ledger(
        market: Marketplace, month_history: dict[str, Any]) -> None:
    services = market.services
    with services.engine.connect() as connection:
        before = connection.execute(text(
            "SELECT role, month, user_id, revenue, transactions FROM user_monthly_revenue "
            "ORDER BY role, user_id")).all()
        expected = [(role, user, int(total), int(n)) for role in ("artist", "buyer")
                    for _, user, total, n in connection.execute(text(
                        "SELECT 1, e.user_id, "
                        + ("SUM(e.amount)" if role == "artist" else "-SUM(e.amount)")
                        + ", SUM(CASE WHEN e.kind IN ('earning_held', 'captured') THEN 1 "
                        "ELSE 0 END) FROM ledger_entries e WHERE e.account = :a "
                        "AND e.kind IN ('earning_held', 'captured', 'refunded') "
                        "AND e.created_at >= '2026-03-01 00:00:00' "
                        "AND e.created_at < '2026-04-01 00:00:00' "
                        "GROUP BY e.user_id ORDER BY e.user_id"),
                        {"a": "artist_held" if role == "artist" else "buyer"})]
    assert [(r.role, r.user_id, int(r.revenue), r.transactions) for r in before] == expected
    with services.engine.begin() as connection:
        connection.execute(text("UPDATE user_monthly_revenue SET revenue = 1"))
    services.analytics.calculate(month_history["day_one"] + timedelta(days=30))
    with services.engine.connect() as connection:
        again = connection.execute(text(
            "SELECT role, month, user_id, revenue, transactions FROM user_monthly_revenue "
            "ORDER BY role, user_id")).all()
    assert again == before


def test_a_snapshot_taken_during_its_day_is_not_read_as_the_whole_day(
        market: Marketplace) -> None:
    services, clock = market.services, market.clock
    admin = market.admin_actor()
    services.sample_data.create_sample_data(admin)
    day_one = clock.now().date()
    services.analytics.calculate(day_one)  # at 09:00, the day not over
    clock.advance(hours=2)
    with services.engine.connect() as connection:
        paid = connection.execute(text(
            "SELECT id FROM payments WHERE status = 'completed' AND hire_status = 'pending' "
            "ORDER BY id")).scalars().all()
    services.payments.refund(admin, paid[0], amount=Money("10.00"), reason="scratch")
    clock.advance(days=1)
    root = staff_user(market, "partial_root", None)
    report = market.client.simulate_get("/api/admin/revenue-report/", headers=root.headers,
                                        params={"start_date": str(day_one),
                                                "end_date": str(day_one)}).json
    assert report["total_revenue"] == cents(scalar(
        market, "SELECT -SUM(amount) FROM ledger_entries WHERE account = 'buyer'"))
    charts = market.client.simulate_get("/api/admin/overview/charts/", headers=root.headers,
                                        params={"days": "2"}).json
    assert charts["revenue_over_time"][0]["amount"] == report["total_revenue"]


def test_dashboard_figures_equal_sql_counts(market: Marketplace,
                                           history: dict[str, Any]) -> None:
    root = staff_user(market, "dash_root", None)
    response = market.client.simulate_get("/api/admin/dashboard/", headers=root.headers)
    assert response.status_code == 200, response.json
    body = response.json
    expected_users = {
        "total_users": "SELECT COUNT(*) FROM users",
        "verified_users": "SELECT COUNT(*) FROM users WHERE is_verified",
        "active_users": "SELECT COUNT(*) FROM users WHERE is_active",
        "artists": "SELECT COUNT(*) FROM users WHERE user_type = 'artist'",
        "buyers": "SELECT COUNT(*) FROM users WHERE user_type = 'buyer'",
    }
    for name, sql in expected_users.items():
        assert body["user_stats"][name] == scalar(market, sql), name
    expected = {
        ("content_stats", "total_jobs"): "SELECT COUNT(*) FROM jobs",
        ("content_stats", "open_jobs"): "SELECT COUNT(*) FROM jobs WHERE status = 'open'",
        ("content_stats", "completed_jobs"):
            "SELECT COUNT(*) FROM jobs WHERE status = 'completed'",
        ("content_stats", "total_categories"): "SELECT COUNT(*) FROM categories",
        ("activity_stats", "total_bids"): "SELECT COUNT(*) FROM bids",
        ("activity_stats", "pending_bids"): "SELECT COUNT(*) FROM bids WHERE status = 'pending'",
        ("activity_stats", "total_messages"): "SELECT COUNT(*) FROM messages",
        ("activity_stats", "total_reviews"): "SELECT COUNT(*) FROM reviews",
        ("activity_stats", "active_contracts"):
            "SELECT COUNT(*) FROM contracts WHERE status = 'active'",
        ("financial_stats", "pending_payments"):
            "SELECT COUNT(*) FROM payments WHERE status = 'pending'",
        ("financial_stats", "total_orders"): "SELECT COUNT(*) FROM orders",
        ("financial_stats", "pending_orders"):
            "SELECT COUNT(*) FROM orders WHERE status = 'pending'",
    }
    for (block, name), sql in expected.items():
        assert body[block][name] == scalar(market, sql), name
    money = body["financial_stats"]
    assert money["total_revenue"] == cents(scalar(
        market, "SELECT -SUM(amount) FROM ledger_entries WHERE account = 'buyer'"))
    assert money["revenue_today"] == "-10.00"
    assert money["revenue_week"] == money["revenue_month"] == money["total_revenue"]
    recent = body["recent_activity"]
    assert [u["id"] for u in recent["recent_users"]] == [row for row in _ids(
        market, "SELECT id FROM users ORDER BY created_at DESC, id DESC LIMIT 5")]
    assert recent["recent_users"][0]["email"].endswith("@example.com")
    assert len(recent["recent_payments"]) == 5


def _ids(market: Marketplace, sql: str) -> list[int]:
    with market.services.engine.connect() as connection:
        return list(connection.execute(text(sql)).scalars())


def test_charts_and_overview(market: Marketplace, history: dict[str, Any]) -> None:
    root = staff_user(market, "chart_root", None)
    response = market.client.simulate_get("/api/admin/overview/charts/", headers=root.headers,
                                          params={"days": "3"})
    assert response.status_code == 200, response.json
    charts = response.json
    assert [d["date"] for d in charts["registrations_over_time"]] == [
        str(history["day_one"] + timedelta(days=n)) for n in range(3)]
    registered = scalar(market, "SELECT COUNT(*) FROM users WHERE created_at < :end",
                        end=f"{history['day_one'] + timedelta(days=1)} 00:00:00")
    assert charts["registrations_over_time"][0]["count"] == registered
    assert charts["listings_over_time"][0]["count"] == scalar(
        market, "SELECT COUNT(*) FROM jobs") + scalar(market, "SELECT COUNT(*) FROM artworks")
    assert charts["revenue_over_time"][2]["amount"] == "-10.00"
    panel = market.client.simulate_get("/real_estate/admin/dashboard/charts/",
                                       headers=root.headers, params={"days": "3"}).json
    assert panel["success"] is True
    assert panel["data"]["user_registrations_over_time"] == charts["registrations_over_time"]
    assert panel["data"]["property_listings_over_time"] == charts["listings_over_time"]
    overview = market.client.simulate_get("/api/admin/overview/", headers=root.headers).json
    listings = sum(scalar(market, f"SELECT COUNT(*) FROM {table}")
                   for table in ("artworks", "jobs", "equipment"))
    assert overview["overview"]["total_listings"] == listings
    assert overview["overview"]["total_artists"] == scalar(
        market, "SELECT COUNT(*) FROM users WHERE user_type = 'artist'")
    panel_dash = market.client.simulate_get("/real_estate/admin/dashboard/",
                                            headers=root.headers).json
    assert panel_dash["success"] is True
    assert panel_dash["data"]["overview"]["total_properties"] == listings
    assert panel_dash["data"]["property_stats"]["avg_price_per_sqm"] == overview[
        "artwork_stats"]["avg_hourly_rate"]


@pytest.mark.parametrize(("params", "field"), [
    ({"start_date": "2026-03-05", "end_date": "2026-03-01"}, "start_date"),
    ({"start_date": "2020-01-01", "end_date": "2026-03-01"}, "end_date"),
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"end_date": "01/03/2026"}, "end_date"),
    ({"start_date": "\uff12\uff10\uff12\uff16-03-01"}, "start_date"),  # fullwidth digits
    # far dates: outside the report range (1970-01-01 to 9998-12-31), never an overflow
    ({"start_date": "9999-12-30", "end_date": "9999-12-31"}, "start_date"),
    ({"start_date": "9999-12-31"}, "start_date"),
    ({"end_date": "0001-01-01"}, "end_date"),
    ({"start_date": "0001-01-01", "end_date": "0001-12-31"}, "start_date"),
])
def test_a_bad_period_is_a_400_naming_the_field(market: Marketplace, params: dict[str, str],
                                                field: str) -> None:
    root = staff_user(market, "period_root", None)
    response = market.client.simulate_get("/api/admin/revenue-report/", headers=root.headers,
                                          params=params)
    assert response.status_code == 400, response.json
    assert field in response.json["details"]


def test_a_report_without_dates_covers_the_last_30_days(market: Marketplace) -> None:
    root = staff_user(market, "default_root", None)
    body = market.client.simulate_get("/api/admin/revenue-report/", headers=root.headers).json
    today = market.clock.now().date()
    assert body["date_range"] == {"start_date": str(today - timedelta(days=29)),
                                  "end_date": str(today)}
    assert len(body["daily_revenue"]) == 30
    assert body["total_revenue"] == "0.00" and body["top_buyers"] == []


@pytest.mark.parametrize("days", ["0", "367", "-1", "x"])
def test_charts_days_out_of_range_is_a_400(market: Marketplace, days: str) -> None:
    root = staff_user(market, "days_root", None)
    for path in ("/api/admin/overview/charts/", "/real_estate/admin/dashboard/charts/"):
        response = market.client.simulate_get(path, headers=root.headers, params={"days": days})
        assert response.status_code == 400 and "days" in response.json["details"]


def test_only_staff_with_the_dashboard_permission_read_them(market: Marketplace) -> None:
    buyer, artist = market.user("buyer"), market.user("artist")
    moderator = staff_user(market, "mod_only", StaffRole.CONTENT_MODERATOR)
    staff = staff_user(market, "staff_only", StaffRole.STAFF)
    admin = staff_user(market, "admin_only", StaffRole.ADMIN)
    for path in ROUTES:
        assert market.client.simulate_get(path).status_code == 401, path
        for user in (buyer, artist, moderator):
            response = market.client.simulate_get(path, headers=user.headers)
            assert response.status_code == 403, (path, user.username)
            assert response.json["detail"]
        for user in (staff, admin):
            assert market.client.simulate_get(path, headers=user.headers).status_code == 200



def test_the_command_line_answers_what_the_api_does(market: Marketplace,
                                                    history: dict[str, Any]) -> None:
    from typer.testing import CliRunner

    from cultureup.entrypoints.cli.app import app

    settings = market.services.settings
    env = {"CULTUREUP_DATABASE_URL": settings.database_url,
           "CULTUREUP_MEDIA_ROOT": settings.media_root,
           "CULTUREUP_SECRET_KEY": settings.secret_key, "CULTUREUP_RATE_LIMIT_ENABLED": "false"}
    root = staff_user(market, "cli_root", None)
    start, end = str(history["day_one"]), str(history["today"])
    api = market.client.simulate_get("/api/admin/revenue-report/", headers=root.headers,
                                     params={"start_date": start, "end_date": end}).json
    runner = CliRunner()
    result = runner.invoke(app, ["reports", "revenue", "--as", "cli_root", "--from", start,
                                 "--to", end, "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == api
    result = runner.invoke(app, ["reports", "revenue", "--as", "cli_root", "--from", end,
                                 "--to", start], env=env)
    assert result.exit_code == 1 and "start date must not be after" in result.output
    for far in (["--from", "9999-12-31"], ["--to", "0001-01-01"],
                ["--from", "9999-12-30", "--to", "9999-12-31"]):
        result = runner.invoke(app, ["reports", "revenue", "--as", "cli_root", *far], env=env)
        assert result.exit_code == 1 and "between 1970-01-01 and 9998-12-31" in result.output
        assert "Traceback" not in result.output
    result = runner.invoke(app, ["reports", "revenue", "--as", "cli_root", "--from",
                                 "9998-12-01", "--to", "9998-12-31", "--json"], env=env)
    assert result.exit_code == 0 and json.loads(result.output)["total_revenue"] == "0.00"
    buyer = market.user("buyer")
    result = runner.invoke(app, ["reports", "revenue", "--as", buyer.username], env=env)
    assert result.exit_code == 1 and "not a staff account" in result.output
    result = runner.invoke(app, ["reports", "revenue", "--as", "cli_root"], env=env)
    assert result.exit_code == 0 and "By payment method" in result.output


@pytest.fixture
def sampled(market: Marketplace) -> dict[str, Any]:
    """A bulk sample marketplace over 60 days (the full 12 months at --scale 10000 are
    test_admin_reports_at_scale.py's), snapshots for every past day, and this morning's
    payments on top, counted live."""
    import attrs

    from cultureup.application.admin.sample_market import MarketShape

    shape = attrs.evolve(MarketShape.of(400), days=60)
    counts = market.services.sample_data.create_marketplace(market.admin_actor(), shape)
    assert counts is not None
    market.clock.advance(hours=2)
    market.services.sample_data.create_sample_data(market.admin_actor())
    return {"counts": counts, "today": market.clock.now().date(), "days": 60}


def test_on_sample_data_the_figures_equal_sql_over_the_same_rows(
        market: Marketplace, sampled: dict[str, Any]) -> None:
    counts = sampled["counts"]
    assert counts.users == 400 and counts.payments > 50
    assert scalar(market, "SELECT COUNT(*) FROM daily_analytics") == sampled["days"]
    root = staff_user(market, "sample_root", None)
    end = sampled["today"]
    start = end - timedelta(days=sampled["days"])
    report = market.client.simulate_get(
        "/api/admin/revenue-report/", headers=root.headers,
        params={"start_date": str(start), "end_date": str(end)}).json
    lo, hi = f"{start} 00:00:00", f"{end + timedelta(days=1)} 00:00:00"
    with market.services.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT method, SUM(amount) AS total, COUNT(*) AS n FROM payments "
            "WHERE completed_at >= :lo AND completed_at < :hi GROUP BY method"),
            {"lo": lo, "hi": hi}).all()
        refunds = dict(connection.execute(text(
            "SELECT p.method, SUM(e.amount) FROM ledger_entries e JOIN payments p "
            "ON p.id = e.payment_id WHERE e.account = 'buyer' AND e.kind = 'refunded' "
            "AND e.created_at >= :lo AND e.created_at < :hi GROUP BY p.method"),
            {"lo": lo, "hi": hi}).all())
        per_day = dict(connection.execute(text(
            "SELECT substr(CAST(completed_at AS TEXT), 1, 10), COUNT(*) FROM payments "
            "WHERE completed_at >= :lo AND completed_at < :hi "
            "GROUP BY substr(CAST(completed_at AS TEXT), 1, 10)"), {"lo": lo, "hi": hi}).all())
    expected = {row.method: (cents(int(row.total) - int(refunds.get(row.method, 0))), row.n)
                for row in rows}
    got = {m["payment_method"]: (m["total"], m["count"]) for m in report["revenue_by_method"]
           if m["count"] or m["total"] != "0.00"}
    assert got == expected
    assert report["total_transactions"] == sum(row.n for row in rows)
    assert {d["day"]: d["count"] for d in report["daily_revenue"] if d["count"]} == per_day
    # The ended months the sample spans were rolled up per user by the snapshots it wrote,
    # and the top lists (those months stored, the other days live) equal the ledger's.
    months = scalar(market, "SELECT COUNT(*) FROM revenue_rollup_months")
    assert months == len({(end - timedelta(days=n)).replace(day=1)
                          for n in range(1, sampled["days"] + 1)} - {end.replace(day=1)})
    for role in ("artist", "buyer"):
        expected = raw_top(market, role, lo, hi)
        assert report_top(report, role) == expected and expected, role
    dashboard = market.client.simulate_get("/api/admin/dashboard/", headers=root.headers).json
    assert dashboard["user_stats"]["total_users"] == scalar(market, "SELECT COUNT(*) FROM users")
    assert dashboard["content_stats"]["total_artworks"] == scalar(
        market, "SELECT COUNT(*) FROM artworks")
    assert dashboard["content_stats"]["pending_artworks"] == scalar(
        market, "SELECT COUNT(*) FROM artworks WHERE moderation_status = 'PENDING'")
    assert dashboard["activity_stats"]["average_rating"] == round(float(scalar(
        market, "SELECT AVG(rating) FROM reviews")), 2)
    assert dashboard["financial_stats"]["total_revenue"] == cents(scalar(
        market, "SELECT -SUM(amount) FROM ledger_entries WHERE account = 'buyer'"))
    month = f"{end - timedelta(days=29)} 00:00:00"
    assert dashboard["user_stats"]["new_users_month"] == scalar(
        market, "SELECT COUNT(*) FROM users WHERE created_at >= :m", m=month)
    assert dashboard["financial_stats"]["revenue_month"] == cents(scalar(
        market, "SELECT -SUM(amount) FROM ledger_entries WHERE account = 'buyer' "
                "AND created_at >= :m", m=month))
    charts = market.client.simulate_get("/api/admin/overview/charts/", headers=root.headers,
                                        params={"days": "60"}).json
    assert sum(d["count"] for d in charts["registrations_over_time"]) == scalar(
        market, "SELECT COUNT(*) FROM users WHERE created_at >= :lo",
        lo=f"{end - timedelta(days=59)} 00:00:00")
    # The bulk load leaves the sequences past its ids: a registration still works.
    assert market.user("buyer").id > 400


def test_setup_admin_scale_is_checked_before_anything_is_written(market: Marketplace) -> None:
    from typer.testing import CliRunner

    from cultureup.entrypoints.cli.app import app

    settings = market.services.settings
    env = {"CULTUREUP_DATABASE_URL": settings.database_url,
           "CULTUREUP_MEDIA_ROOT": settings.media_root,
           "CULTUREUP_SECRET_KEY": settings.secret_key, "CULTUREUP_RATE_LIMIT_ENABLED": "false"}
    runner = CliRunner()
    result = runner.invoke(app, ["setup-admin", "--create-superuser", "--scale", "50"], env=env)
    assert result.exit_code == 2 and "--scale needs --create-sample-data" in result.output
    result = runner.invoke(app, ["setup-admin", "--create-superuser", "--create-sample-data",
                                 "--scale", "5"], env=env)
    assert result.exit_code == 1 and "between 10 and" in result.output
    assert scalar(market, "SELECT COUNT(*) FROM users") == 0


def test_setup_admin_with_a_scale_run_again_adds_nothing(market: Marketplace) -> None:
    """The README's "safe to run again": the scaled sample is recognised and left alone."""
    from typer.testing import CliRunner

    from cultureup.entrypoints.cli.app import app

    settings = market.services.settings
    env = {"CULTUREUP_DATABASE_URL": settings.database_url,
           "CULTUREUP_MEDIA_ROOT": settings.media_root,
           "CULTUREUP_SECRET_KEY": settings.secret_key, "CULTUREUP_RATE_LIMIT_ENABLED": "false"}
    tables = ("users", "artworks", "jobs", "bids", "orders", "payments", "ledger_entries",
              "audit_log")
    runner = CliRunner()
    command = ["setup-admin", "--create-superuser", "--create-sample-data", "--scale", "60",
               "--json"]
    first = runner.invoke(app, command, env=env)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["marketplace"]["users"] == 60
    counts = {table: scalar(market, f"SELECT COUNT(*) FROM {table}") for table in tables}
    again = runner.invoke(app, command, env=env)
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert "marketplace" not in report and report["created"] == []
    assert "sample marketplace of 60 users" in report["skipped"]
    assert {table: scalar(market, f"SELECT COUNT(*) FROM {table}") for table in tables} == {
        **counts, "audit_log": counts["audit_log"] + 1}  # the small sample's run is audited
    for_people = runner.invoke(app, command[:-1], env=env)
    assert for_people.exit_code == 0 and "Traceback" not in for_people.output
    assert "exists   sample marketplace of 60 users" in for_people.stdout


def test_the_overview_counts_user_reports_by_status_and_reason(market: Marketplace) -> None:
    root = staff_user(market, "reports_root", None)
    reporter, reported = market.user("buyer"), market.user("artist")
    rows = [("spam", "pending"), ("spam", "resolved"), ("scam", "dismissed"),
            ("offensive", "reviewed")]
    with market.services.engine.begin() as connection:
        for number, (reason, status) in enumerate(rows, start=1):
            connection.execute(text(
                "INSERT INTO reports (reporter_id, content_type, object_id, reported_user_id, "
                "title, reason, description, status, created_at, updated_at) VALUES (:r, "
                "'user', :o, :u, 'x', :reason, '', :status, :t, :t)"),
                {"r": reporter.id, "o": number, "u": reported.id, "reason": reason,
                 "status": status, "t": "2026-03-01 09:00:00"})
    overview = market.client.simulate_get("/api/admin/overview/", headers=root.headers).json
    closed = scalar(market, "SELECT COUNT(*) FROM reports WHERE status IN "
                            "('resolved', 'dismissed')")
    total = scalar(market, "SELECT COUNT(*) FROM reports")
    assert overview["reports"]["response_rate"] == round(100 * closed / total, 1) == 50.0
    assert overview["reports"]["by_reason"] == [
        {"reason": "spam", "count": 2}, {"reason": "offensive", "count": 1},
        {"reason": "scam", "count": 1}]
    panel = market.client.simulate_get("/real_estate/admin/dashboard/",
                                       headers=root.headers).json["data"]["inquiries"]
    assert panel == {"response_rate": 50.0, "by_type": [
        {"inquiry_type": "spam", "count": 2}, {"inquiry_type": "offensive", "count": 1},
        {"inquiry_type": "scam", "count": 1}]}


def test_system_health_counts_pending_verification_applications(market: Marketplace) -> None:
    root = staff_user(market, "health_root", None)
    artists = [market.user("artist") for _ in range(3)]
    with market.services.engine.begin() as connection:
        for artist, status in zip(artists, ("pending", "pending", "rejected"), strict=True):
            connection.execute(text(
                "INSERT INTO verification_applications (user_id, notes, status, submitted_at) "
                "VALUES (:u, '', :s, :t)"), {"u": artist.id, "s": status,
                                            "t": "2026-03-01 09:00:00"})
    pending = scalar(market, "SELECT COUNT(*) FROM verification_applications "
                             "WHERE status = 'pending'")
    overview = market.client.simulate_get("/api/admin/overview/", headers=root.headers).json
    assert overview["system_health"]["applications_pending"] == pending == 2
    panel = market.client.simulate_get("/real_estate/admin/dashboard/",
                                       headers=root.headers).json["data"]["system_health"]
    assert panel["agents_pending_verification"] == 2


def test_the_top_lists_and_pending_count_read_their_indexes(
        market: Marketplace, month_history: dict[str, Any]) -> None:
    """On SQLite (whose planner does not weigh table sizes), the year's top lists read the
    stored months by their key and the other days through the ledger's covering index, and
    the dashboard's pending payments through their partial index: no statement of either
    reads the whole ledger, payments or monthly rows."""
    engine = market.services.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("plans of the few rows here are a matter of table sizes on PostgreSQL")
    root = staff_user(market, "plan_root", None)
    statements: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", remember)
    try:
        for path in ("/api/admin/revenue-report/", "/api/admin/dashboard/"):
            assert market.client.simulate_get(path, headers=root.headers, params={
                "start_date": "2026-01-15", "end_date": str(month_history["today"])}
                if "revenue" in path else None).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    with engine.connect() as connection:
        plans = [(statement, " | ".join(row[-1] for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters)))
            for statement, parameters in statements]
    tops = [plan for statement, plan in plans if "user_monthly_revenue" in statement]
    assert len(tops) == 2
    for plan in tops:
        assert "SEARCH user_monthly_revenue USING PRIMARY KEY" in plan, plan
        assert "COVERING INDEX ix_ledger_entries_account_created_at" in plan, plan
    pending = [plan for statement, plan in plans if "payments.status =" in statement]
    assert pending and all("ix_payments_pending" in plan for plan in pending), pending
    for _, plan in plans:  # an ordered walk of an index under a LIMIT is no scan
        for step in plan.split(" | "):
            assert not re.fullmatch(
                r"SCAN (ledger_entries|payments|user_monthly_revenue)( USING COVERING.*)?",
                step), plan
