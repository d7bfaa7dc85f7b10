"""The admin revenue report at a million payments, beside a raw GROUP BY over the payments.

Run: ``python -m benchmarks.revenue_bench [--payments 1000000] [--database-url URL]
[--rounds 7]``; a database URL that already holds the benchmark's payments is used as it is
(loading a million payments takes minutes), only its snapshots are written again.

Builds (in bulk, in a temporary SQLite file unless a database URL is given) `--payments`
completed payments spread over the last 365 days, each with its share and its balanced
capture in the ledger (buyer, platform fee, artist's held earning), between 20,000 buyers and
5,000 artists; then the daily analytics snapshot of every past day, as the nightly
`cultureup analytics calculate` would have written them. It then times, `--rounds` times
each, and prints the medians of:

- the revenue report over the whole year (the use case: past days from the snapshot rows,
  today from the ledger; top artists and buyers from the monthly rows of the whole months,
  the other days from the ledger),
- the same report over the last 30 days,
- the top artists and buyers of the year alone, the same counted from the ledger alone (as
  before migration 0020), and the admin dashboard,
- the report with no snapshot at all (every day counted from the ledger),
- a raw `SELECT method, SUM(amount), COUNT(*) FROM payments WHERE completed_at ... GROUP BY
  method` over the year, and the same grouped by day and method.

It also checks that the report's totals equal the raw GROUP BY's, and that the whole report
equals the one counted from the ledger alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.progress import Progress
from sqlalchemy import delete, func, insert, select, text

from cultureup.adapters.sqlalchemy.admin.tables import (
    daily_revenue,
    revenue_rollup_months,
    user_monthly_revenue,
)
from cultureup.adapters.sqlalchemy.collaboration.tables import daily_analytics
from cultureup.adapters.sqlalchemy.commerce.tables import (
    ledger_entries,
    ledger_transactions,
    payment_shares,
    payments,
)
from cultureup.adapters.sqlalchemy.tables import users
from cultureup.application.admin.reports import days_from, spans_of
from cultureup.bootstrap import Services, bootstrap
from cultureup.config import Settings
from cultureup.domain.commerce.fees import FeeRate
from cultureup.domain.money import Money

BUYERS, ARTISTS, BATCH = 20_000, 5_000, 20_000
METHODS = ("stripe", "jazzcash", "bank_transfer", "cash_on_delivery")
PASSWORD = "Str0ng-Palette-42!"


def _fill(services: Services, count: int, now: datetime) -> None:
    rng = random.Random(7)
    rate = FeeRate("0.10")
    engine = services.engine
    with engine.begin() as connection:
        first = int(connection.execute(select(func.coalesce(func.max(users.c.id), 0)))
                    .scalar_one()) + 1
        connection.execute(insert(users), [
            {"id": first + n, "username": f"bench_{n}", "email": f"bench_{n}@example.com",
             "password_hash": "!", "first_name": "Bench", "last_name": str(n),
             "user_type": "buyer" if n < BUYERS else "artist", "created_at": now,
             "updated_at": now, "username_key": f"bench_{n}",
             "email_key": f"bench_{n}@example.com", "username_skeleton": f"bench_{n}"}
            for n in range(BUYERS + ARTISTS)])
    start = now - timedelta(days=365)
    with Progress() as bar, engine.begin() as connection:
        task = bar.add_task("payments", total=count)
        for offset in range(0, count, BATCH):
            pays, shares, txns, entries = [], [], [], []
            for pid in range(offset + 1, min(count, offset + BATCH) + 1):
                at = start + timedelta(seconds=rng.uniform(0, 365 * 86400 - 1))
                amount = Money.from_cents(rng.randrange(500, 200_000) * 100)
                fee = rate.fee_on(amount)
                payer = first + rng.randrange(BUYERS)
                payee = first + BUYERS + rng.randrange(ARTISTS)
                pays.append({"id": pid, "transaction_id": f"BENCH{pid}", "payer_id": payer,
                             "payee_id": payee, "order_id": pid, "amount": amount,
                             "method": rng.choice(METHODS), "status": "completed",
                             "hire_status": "pending", "created_at": at, "updated_at": at,
                             "completed_at": at})
                shares.append({"payment_id": pid, "seller_id": payee, "amount": amount,
                               "platform_fee": fee, "artist_earning": amount - fee})
                txns.append({"id": pid, "kind": "capture", "payment_id": pid, "created_at": at})
                for account, user, kind, value in (
                        ("buyer", payer, "captured", Money(0) - amount),
                        ("platform_fees", None, "fee", fee),
                        ("artist_held", payee, "earning_held", amount - fee)):
                    entries.append({"transaction_id": pid, "payment_id": pid,
                                    "account": account, "user_id": user, "kind": kind,
                                    "amount": value, "created_at": at})
            for table, rows in ((payments, pays), (payment_shares, shares),
                                (ledger_transactions, txns), (ledger_entries, entries)):
                connection.execute(insert(table), rows)
            bar.update(task, completed=offset + len(pays))
        if connection.dialect.name == "sqlite":
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE payments"))
            connection.execute(text("ANALYZE ledger_entries"))


def _median(rounds: int, call: Any) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(rounds):
        began = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'revenue.db'}"
        settings = Settings(database_url=url, media_root=str(Path(tmp) / "media"),
                            private_root=str(Path(tmp) / "private"), rate_limit_enabled=False,
                            password_hash_time_cost=1, password_hash_memory_kib=1024,
                            secret_key="revenue-bench-secret-key-0123456789abcdef")
        now = datetime.now(UTC).replace(microsecond=0)
        services = bootstrap(settings, upgrade_database=True)
        admin, _ = services.sample_data.ensure_superuser(
            username="bench_root", email="bench_root@example.com", password=PASSWORD)
        actor = admin.as_actor()
        with services.engine.connect() as connection:
            loaded = connection.execute(select(func.count()).select_from(payments).where(
                payments.c.transaction_id.like("BENCH%"))).scalar_one()
        if loaded:
            print(f"reusing {loaded:,} payments already loaded")
        else:
            began = time.perf_counter()
            _fill(services, args.payments, now)
            print(f"loaded {args.payments:,} payments in {time.perf_counter() - began:.0f} s")
        began = time.perf_counter()
        today = now.date()
        with Progress() as bar:
            task = bar.add_task("snapshots", total=365)
            for day in services.analytics.days_between(today - timedelta(days=365),
                                                       today - timedelta(days=1)):
                services.analytics.calculate(day)
                bar.advance(task)
        print(f"365 daily snapshots in {time.perf_counter() - began:.0f} s")
        if services.engine.dialect.name == "postgresql":
            # As autovacuum leaves a table at rest: visibility map set (index-only scans of
            # the ledger's covering index) and statistics current.
            with services.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        year = (today - timedelta(days=364), today)
        reports = services.admin_reports
        queries = reports._queries
        rounds = args.rounds
        lo = datetime.combine(year[0], datetime.min.time(), tzinfo=UTC)
        by_method = (select(payments.c.method, func.sum(payments.c.amount), func.count())
                     .where(payments.c.completed_at >= lo).group_by(payments.c.method))
        day = func.date(payments.c.completed_at)
        by_day = (select(day, payments.c.method, func.sum(payments.c.amount), func.count())
                  .where(payments.c.completed_at >= lo).group_by(day, payments.c.method))

        def raw(query: Any) -> Any:
            with services.engine.connect() as connection:
                return connection.execute(query).all()

        figures = {
            "report, 365 days (rollups + today)": _median(
                rounds, lambda: reports.revenue_report(actor, *year)),
            "report, 30 days": _median(rounds, lambda: reports.revenue_report(
                actor, today - timedelta(days=29), today)),
            "  of which top artists and buyers": _median(rounds, lambda: (
                queries.top_artists(*reports._party_sources(*year), 10),
                queries.top_buyers(*reports._party_sources(*year), 10))),
            "  the same counted from the ledger alone (before 0020)": _median(
                rounds, lambda: (queries.top_artists([], spans_of(days_from(*year)), 10),
                                 queries.top_buyers([], spans_of(days_from(*year)), 10))),
            "dashboard": _median(rounds, lambda: reports.dashboard(actor)),
            "raw GROUP BY method over payments, 365 days": _median(rounds, lambda: raw(
                by_method)),
            "raw GROUP BY day, method over payments, 365 days": _median(
                rounds, lambda: raw(by_day)),
        }
        report = figures["report, 365 days (rollups + today)"][1]
        raw_rows = figures["raw GROUP BY method over payments, 365 days"][1]
        assert report.total_transactions == sum(row[2] for row in raw_rows)
        assert report.total_revenue == Money.from_cents(sum(
            int(row[1].cents) for row in raw_rows))
        with services.engine.begin() as connection:
            for table in (daily_revenue, daily_analytics, user_monthly_revenue,
                          revenue_rollup_months):
                connection.execute(delete(table))
        figures["report, 365 days, no snapshot or rollup (all from the ledger)"] = _median(
            max(1, rounds // 2), lambda: reports.revenue_report(actor, *year))
        # The same year counted from the ledger alone gives the same report.
        assert figures["report, 365 days, no snapshot or rollup (all from the ledger)"][
            1] == report
        print(f"{services.engine.dialect.name}, {args.payments:,} payments, median of "
              f"{rounds}:")
        for name, (seconds, _) in figures.items():
            print(f"  {name:<56} {seconds * 1000:9.1f} ms")
        services.close()


if __name__ == "__main__":
    main()
