"""The admin figures on a sample marketplace of `--scale` users (10,000 by default), checked
against direct SQL over the same rows, with the time each step takes.

Run: ``python -m benchmarks.sample_check [--scale 10000] [--database-url URL]``

Builds the marketplace as `cultureup setup-admin --create-sample-data --scale N` does (bulk
rows over 12 months, then a daily snapshot per past day) in a temporary SQLite file unless a
database URL is given, then compares the dashboard and the year's revenue report with
COUNT/SUM queries written by hand. It prints each comparison and exits non-zero on a mismatch.
The test suite runs the same comparison on 400 users over 60 days
(tests/integration/test_admin_reports.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from cultureup.application.admin.sample_market import MarketShape
from cultureup.bootstrap import bootstrap
from cultureup.config import Settings
from cultureup.domain.money import Money

PASSWORD = "Str0ng-Palette-42!"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'sample.db'}"
        services = bootstrap(Settings(
            database_url=url, media_root=str(Path(tmp) / "media"),
            private_root=str(Path(tmp) / "private"), rate_limit_enabled=False,
            password_hash_time_cost=1, password_hash_memory_kib=1024,
            secret_key="sample-check-secret-key-0123456789abcdef"), upgrade_database=True)
        admin, _ = services.sample_data.ensure_superuser(
            username="check_root", email="check_root@example.com", password=PASSWORD)
        actor = admin.as_actor()
        began = time.perf_counter()
        counts = services.sample_data.create_marketplace(actor, MarketShape.of(args.scale))
        print(f"{services.engine.dialect.name}: marketplace of {counts.users:,} users, "
              f"{counts.artworks:,} artworks, {counts.jobs:,} jobs, {counts.bids:,} bids, "
              f"{counts.orders:,} orders, {counts.payments:,} payments, "
              f"{counts.ledger_entries:,} ledger entries in {time.perf_counter() - began:.0f} s "
              "(with 365 daily snapshots)")

        def sql(query: str, **params: Any) -> Any:
            with services.engine.connect() as connection:
                return connection.execute(text(query), params).scalar()

        today = datetime.now(UTC).date()
        start = today - timedelta(days=364)
        lo = f"{start} 00:00:00"
        began = time.perf_counter()
        report = services.admin_reports.revenue_report(actor, start, today)
        report_ms = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        dashboard = services.admin_reports.dashboard(actor)
        dashboard_ms = (time.perf_counter() - began) * 1000
        refunds = sql("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE "
                      "account = 'buyer' AND kind = 'refunded' AND created_at >= :lo", lo=lo)
        checks = [
            ("report total_transactions", report.total_transactions,
             sql("SELECT COUNT(*) FROM payments WHERE completed_at >= :lo", lo=lo)),
            ("report total_revenue", report.total_revenue, Money.from_cents(
                int(sql("SELECT SUM(amount) FROM payments WHERE completed_at >= :lo", lo=lo))
                - int(refunds))),
            ("dashboard total_users", dashboard.user_stats.total_users,
             sql("SELECT COUNT(*) FROM users")),
            ("dashboard artists", dashboard.user_stats.artists,
             sql("SELECT COUNT(*) FROM users WHERE user_type = 'artist'")),
            ("dashboard total_artworks", dashboard.content_stats.total_artworks,
             sql("SELECT COUNT(*) FROM artworks")),
            ("dashboard completed_jobs", dashboard.content_stats.completed_jobs,
             sql("SELECT COUNT(*) FROM jobs WHERE status = 'completed'")),
            ("dashboard pending_bids", dashboard.activity_stats.pending_bids,
             sql("SELECT COUNT(*) FROM bids WHERE status = 'pending'")),
            ("dashboard total_revenue", dashboard.financial_stats.total_revenue,
             Money.from_cents(-int(sql("SELECT SUM(amount) FROM ledger_entries "
                                       "WHERE account = 'buyer'")))),
        ]
        failed = False
        for name, got, expected in checks:
            same = got == expected
            failed |= not same
            print(f"  {'ok ' if same else 'BAD'} {name:<28} {got!s:>16} {expected!s:>16}")
        print(f"revenue report (365 days) {report_ms:.0f} ms, dashboard {dashboard_ms:.0f} ms")
        services.close()
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
