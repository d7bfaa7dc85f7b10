"""`cultureup reports ...`: the admin reports, through the same use cases as the admin API,
acting as a named staff user. `--json` prints exactly what the API answers."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

import typer

from cultureup.entrypoints.cli.common import AsJson, AsUser, run
from cultureup.entrypoints.cli.output import print_table
from cultureup.entrypoints.http.resources.admin.reports import revenue_answer

reports_app = typer.Typer(help="Admin reports: revenue.", no_args_is_help=True)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar day
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date written YYYY-MM-DD",
                                 param_hint=option) from exc


@reports_app.command("revenue")
def reports_revenue(
    as_user: AsUser,
    start: Annotated[str | None, typer.Option(
        "--from", help="First UTC day, YYYY-MM-DD (default: 29 days before --to).")] = None,
    end: Annotated[str | None, typer.Option(
        "--to", help="Last UTC day, YYYY-MM-DD (default: today).")] = None,
    as_json: AsJson = False,
) -> None:
    """Revenue of a period: total, by payment method, per day, top artists and buyers."""
    first, last = _day(start, "--from"), _day(end, "--to")
    report = run(lambda s: s.admin_reports.revenue_report(
        s.accounts.staff_actor(as_user), first, last))
    answer = revenue_answer(report)
    if as_json:
        typer.echo(json.dumps(answer.model_dump(mode="json")))
        return
    typer.echo(f"Revenue {report.start_date} to {report.end_date}: {report.total_revenue} "
               f"from {report.total_transactions} payments")
    print_table(("payment method", "total", "payments"),
                [(m.payment_method, m.total, m.count) for m in report.revenue_by_method],
                title="By payment method", right=("total", "payments"))
    print_table(("day", "total", "payments"),
                [(day.day, day.total, day.count) for day in report.daily_revenue
                 if day.count or day.total.cents],
                title="Days with payments or refunds", right=("total", "payments"))
    for title, parties in (("Top artists (earned)", report.top_artists),
                           ("Top buyers (spent)", report.top_buyers)):
        print_table(("username", "total", "payments"),
                    [(party.username, party.total, party.count) for party in parties],
                    title=title, right=("total", "payments"))
