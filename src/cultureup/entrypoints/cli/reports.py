"""`cultureup reports ...`: the admin reports, through the same use cases as the admin API,
acting as a named staff user. `--json` prints exactly what the API answers."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cultureup.entrypoints.cli.commerce import AsJson, AsUser, _run
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
    report = _run(lambda s: s.admin_reports.revenue_report(
        s.accounts.staff_actor(as_user), first, last))
    answer = revenue_answer(report)
    if as_json:
        typer.echo(json.dumps(answer.model_dump(mode="json")))
        return
    console = Console()
    console.print(f"Revenue {report.start_date} to {report.end_date}: "
                  f"[bold]{report.total_revenue}[/bold] from "
                  f"{report.total_transactions} payments")
    methods = Table("payment method", "total", "payments", title="By payment method")
    for method in report.revenue_by_method:
        methods.add_row(method.payment_method, str(method.total), str(method.count))
    console.print(methods)
    days = Table("day", "total", "payments", title="Days with payments or refunds")
    for day in report.daily_revenue:
        if day.count or day.total.cents:
            days.add_row(str(day.day), str(day.total), str(day.count))
    console.print(days)
    for title, parties in (("Top artists (earned)", report.top_artists),
                           ("Top buyers (spent)", report.top_buyers)):
        table = Table("username", "total", "payments", title=title)
        for party in parties:
            table.add_row(party.username, str(party.total), str(party.count))
        console.print(table)
