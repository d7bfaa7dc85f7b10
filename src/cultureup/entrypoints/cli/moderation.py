"""`cultureup moderation ...`: the report queue, suspensions, bans and appeals, through the
same use cases as the admin API, acting as a named staff account (`--as`), each action in
the audit log with its reason."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cultureup.application.moderation.views import ActionView, ReportView, SanctionResult
from cultureup.application.views import PageRequest
from cultureup.bootstrap import Services
from cultureup.entrypoints.cli.common import AsJson, AsUser, IdArgument, run, whole_number
from cultureup.entrypoints.cli.output import iso, print_table

moderation_app = typer.Typer(help="Trust and safety: reports, suspensions, bans, appeals.",
                             no_args_is_help=True)

Reason = Annotated[str, typer.Option(help="Why; the user is told it, and it is audited.")]
User = Annotated[str, typer.Argument(help="The account: id, username or e-mail.")]
Limit = Annotated[int, typer.Option(parser=whole_number(1, 100), help="Rows to show.")]


def report_json(view: ReportView) -> dict[str, Any]:
    report = view.report
    return {"id": report.id, "content_type": report.content_type.value,
            "object_id": report.object_id, "title": report.title,
            "reporter": view.reporter.username, "reported_user": view.reported_user.username,
            "reason": report.reason.value, "description": report.description,
            "status": report.status.value,
            "action": report.action.value if report.action else None,
            "resolution_notes": report.resolution_notes,
            "resolved_by": view.resolved_by.username if view.resolved_by else None,
            "target_report_count": view.target_open_reports,
            "created_at": iso(report.created_at), "updated_at": iso(report.updated_at)}


def action_json(view: ActionView) -> dict[str, Any]:
    action = view.action
    return {"id": action.id, "action": action.kind.value, "user": view.user.username,
            "moderator": action.moderator_username, "reason": action.reason,
            "target_type": action.target_type, "target_id": action.target_id,
            "duration_days": action.duration_days, "until": iso(action.until),
            "report_id": action.report_id, "created_at": iso(action.created_at),
            "reversed_at": iso(action.reversed_at),
            "appeal_status": action.appeal_status.value if action.appeal_status else None,
            "appeal_reason": action.appeal_reason, "appealed_at": iso(action.appealed_at),
            "appeal_decided_by": view.decided_by.username if view.decided_by else None,
            "appeal_decision_reason": action.appeal_decision_reason}


def sanction_json(result: SanctionResult) -> dict[str, Any]:
    restriction = result.restriction
    return {"id": result.user_id, "username": result.username, "is_active": result.is_active,
            "suspended": restriction is not None and not restriction.banned,
            "banned": restriction is not None and restriction.banned,
            "suspension_until": iso(restriction.until) if restriction else None,
            "action_id": result.action.id, "action": result.action.kind.value,
            "reason": result.action.reason, "by": result.action.moderator_username,
            "at": iso(result.action.created_at)}


@moderation_app.command("reports")
def reports(
    as_user: AsUser,
    status: Annotated[str | None, typer.Option(
        help="pending, reviewed, resolved or dismissed.")] = None,
    content_type: Annotated[str | None, typer.Option(
        "--content-type", help="artwork, job, equipment, message, review or user (or the "
        "admin-panel document's product, service, property).")] = None,
    group: Annotated[bool, typer.Option(
        "--group", help="One row per target, with the number of open reports on it.")
    ] = False,
    limit: Limit = 50, as_json: AsJson = False,
) -> None:
    """Show the report queue, newest first."""
    page = run(lambda s: s.moderation_reports.list_reports(
        s.accounts.staff_actor(as_user), status=status, content_type=content_type,
        group_by_target=group, page=PageRequest.of(1, limit)))
    if as_json:
        for view in page.items:
            typer.echo(json.dumps(report_json(view)))
        return
    print_table(
        ("id", "status", "content", "object", "reason", "reporter", "reported user",
         "open on target", "created"),
        [(v.report.id, v.report.status.value, v.report.content_type.value, v.report.object_id,
          v.report.reason.value, v.reporter.username, v.reported_user.username,
          v.target_open_reports, v.report.created_at) for v in page.items],
        right=("object", "open on target"))
    typer.secho(f"{len(page.items)} of {page.total} reports", err=True, fg="cyan")


@moderation_app.command("resolve")
def resolve(
    report_id: Annotated[int, IdArgument("The report's id.")],
    as_user: AsUser,
    status: Annotated[str, typer.Option(
        help="pending, reviewed, resolved or dismissed.")] = "resolved",
    action: Annotated[str | None, typer.Option(
        help="removed_content, warned_user, banned_user or no_action (performed).")] = None,
    reason: Annotated[str | None, typer.Option(
        help="Why; required with an action, and the user is told it.")] = None,
    close_all: Annotated[bool, typer.Option(
        "--all", help="Close every open report on the same target the same way.")] = False,
    as_json: AsJson = False,
) -> None:
    """Update a report; with an action, perform it on the reported user or content."""
    view = run(lambda s: s.moderation_reports.update(
        s.accounts.staff_actor(as_user), report_id, status=status, action=action,
        reason=reason, resolve_all=close_all))
    if as_json:
        typer.echo(json.dumps(report_json(view)))
    else:
        typer.echo(f"Report #{report_id} {view.report.status.value}"
                   + (f" with {view.report.action.value}." if view.report.action else "."))


def _sanction(kind: str, as_user: str, user: str, **options: Any) -> SanctionResult:
    def action(services: Services) -> SanctionResult:
        actor = services.accounts.staff_actor(as_user)
        target = services.accounts.find_actor(user)
        method = getattr(services.sanctions, kind)
        return method(actor, target.id, **options)  # type: ignore[no-any-return]

    return run(action)


def _show(result: SanctionResult, as_json: bool, message: str) -> None:
    typer.echo(json.dumps(sanction_json(result)) if as_json else message)


@moderation_app.command("suspend")
def suspend(
    user: User, as_user: AsUser, reason: Reason,
    days: Annotated[int | None, typer.Option(
        "--days", parser=whole_number(),
        help="Whole days from now (1-3650); leave out for an indefinite "
        "suspension.")] = None,
    as_json: AsJson = False,
) -> None:
    """Suspend an account: its tokens and login are refused until the end (or an unsuspend)."""
    result = _sanction("suspend", as_user, user, reason=reason, duration_days=days)
    until = result.restriction.until if result.restriction else None
    _show(result, as_json, f"{result.username} suspended "
          + (f"until {iso(until)}." if until else "until lifted."))


@moderation_app.command("ban")
def ban(user: User, as_user: AsUser, reason: Reason, as_json: AsJson = False) -> None:
    """Ban an account until unbanned."""
    result = _sanction("ban", as_user, user, reason=reason)
    _show(result, as_json, f"{result.username} banned.")


@moderation_app.command("unsuspend")
def unsuspend(user: User, as_user: AsUser, reason: Reason, as_json: AsJson = False) -> None:
    """Lift an account's suspension early."""
    result = _sanction("unsuspend", as_user, user, reason=reason)
    _show(result, as_json, f"{result.username}'s suspension lifted.")


@moderation_app.command("unban")
def unban(user: User, as_user: AsUser, reason: Reason, as_json: AsJson = False) -> None:
    """Lift an account's ban."""
    result = _sanction("unban", as_user, user, reason=reason)
    _show(result, as_json, f"{result.username}'s ban lifted.")


@moderation_app.command("actions")
def actions(user: User, as_user: AsUser, limit: Limit = 50, as_json: AsJson = False) -> None:
    """Show the moderation actions on an account, newest first (for support)."""
    def action_page(services: Services) -> Any:
        services.accounts.staff_actor(as_user)
        target = services.accounts.find_actor(user)
        return services.sanctions.my_actions(target, PageRequest.of(1, limit))

    page = run(action_page)
    if as_json:
        for view in page.items:
            typer.echo(json.dumps(action_json(view)))
        return
    print_table(ACTION_HEADERS, [_action_row(view) for view in page.items])


ACTION_HEADERS = ("id", "action", "user", "by", "at", "until", "lifted", "appeal", "reason")


def _action_row(view: ActionView) -> tuple[object, ...]:
    action = view.action
    return (action.id, action.kind.value, view.user.username, action.moderator_username,
            action.created_at, action.until, action.reversed_at,
            action.appeal_status.value if action.appeal_status else None, action.reason)


@moderation_app.command("appeals")
def appeals(
    as_user: AsUser,
    status: Annotated[str | None, typer.Option(
        help="pending, approved or rejected.")] = "pending",
    limit: Limit = 50, as_json: AsJson = False,
) -> None:
    """Show appeals against moderation actions, oldest first."""
    page = run(lambda s: s.sanctions.list_appeals(s.accounts.staff_actor(as_user), status,
                                                   PageRequest.of(1, limit)))
    if as_json:
        for view in page.items:
            typer.echo(json.dumps(action_json(view)))
        return
    print_table((*ACTION_HEADERS, "appeal reason", "appealed"),
                [(*_action_row(view), view.action.appeal_reason, view.action.appealed_at)
                 for view in page.items])
    typer.secho(f"{len(page.items)} of {page.total} appeals", err=True, fg="cyan")


@moderation_app.command("decide")
def decide(
    action_id: Annotated[int, IdArgument("The appealed action's id.")],
    as_user: AsUser,
    decision: Annotated[str, typer.Option(help="approve or reject.")],
    reason: Reason, as_json: AsJson = False,
) -> None:
    """Decide an appeal (not by the moderator who acted); approval reverses the action."""
    view = run(lambda s: s.sanctions.decide_appeal(s.accounts.staff_actor(as_user),
                                                    action_id, decision=decision,
                                                    reason=reason))
    if as_json:
        typer.echo(json.dumps(action_json(view)))
    else:
        status = view.action.appeal_status.value if view.action.appeal_status else ""
        typer.echo(f"Appeal against action #{action_id} {status}.")
