"""`cultureup moderation remove|restore|applications|verify`: content removal and
verification applications, added to the `moderation` commands, through the same use cases as
the admin API, acting as a named staff account, each action audited."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cultureup.application.moderation.content import ContentModeration
from cultureup.application.moderation.ports import ApplicationFilters, ApplicationView
from cultureup.application.views import PageRequest
from cultureup.bootstrap import Services
from cultureup.entrypoints.cli.common import AsJson, AsUser, IdArgument, run, whole_number
from cultureup.entrypoints.cli.moderation import moderation_app
from cultureup.entrypoints.cli.output import iso, print_table, printable

ContentTypeOption = Annotated[str, typer.Option(
    "--type", help="artwork, job or equipment (product, service, property are read as those).")]
Reason = Annotated[str, typer.Option(help="Why; told to the owner and kept in the audit log.")]
ContentId = Annotated[int, IdArgument("The listing's id.")]


def moderation_json(done: ContentModeration) -> dict[str, Any]:
    return {"id": done.id, "title": done.title, "content_type": done.content_type.value,
            "removed": done.removed, "removal_reason": done.removal_reason,
            "removed_by": done.removed_by.username if done.removed_by else None,
            "removed_at": iso(done.removed_at), "reason": done.reason,
            "acted_by": done.acted_by.username, "acted_at": iso(done.acted_at)}


def application_json(view: ApplicationView) -> dict[str, Any]:
    return {"id": view.id, "user": {"id": view.user.id, "username": view.user.username},
            "status": view.status, "notes": view.notes,
            "documents": [{"id": d.id, "filename": d.filename, "content_type": d.content_type,
                           "size": d.size} for d in view.documents],
            "application_date": iso(view.submitted_at),
            "verified_by": view.decided_by.username if view.decided_by else None,
            "verified_at": iso(view.decided_at), "reason": view.decision_reason}


def _show(done: ContentModeration, as_json: bool, verb: str) -> None:
    if as_json:
        typer.echo(json.dumps(moderation_json(done)))
    else:
        typer.echo(f"{done.content_type.value.capitalize()} {done.id} "
                   f"({printable(done.title)}) {verb}: {printable(done.reason)}")


@moderation_app.command("remove")
def moderation_remove(content_id: ContentId, as_user: AsUser, content_type: ContentTypeOption,
                      reason: Reason, as_json: AsJson = False) -> None:
    """Take a listing down; its owner is notified with the reason."""
    done = run(lambda s: s.moderation_content.remove(
        s.accounts.staff_actor(as_user), content_type, content_id, reason))
    _show(done, as_json, "removed")


@moderation_app.command("restore")
def moderation_restore(content_id: ContentId, as_user: AsUser,
                       content_type: ContentTypeOption, reason: Reason,
                       as_json: AsJson = False) -> None:
    """Put a removed listing back; its owner is notified with the reason."""
    done = run(lambda s: s.moderation_content.restore(
        s.accounts.staff_actor(as_user), content_type, content_id, reason))
    _show(done, as_json, "restored")


@moderation_app.command("applications")
def moderation_applications(
    as_user: AsUser,
    status: Annotated[str | None, typer.Option(
        help="pending, approved or rejected (all by default).")] = None,
    limit: Annotated[int, typer.Option(parser=whole_number(1, 100),
        help="Applications to show.")] = 50,
    as_json: AsJson = False,
) -> None:
    """Show verification applications, oldest first."""
    def action(services: Services) -> Any:
        return services.verification.list_applications(
            services.accounts.staff_actor(as_user), ApplicationFilters(status=status),
            PageRequest.of(1, limit))

    page = run(action)
    if as_json:
        for view in page.items:
            typer.echo(json.dumps(application_json(view)))
        return
    print_table(("id", "user", "status", "submitted", "documents", "decided by", "notes"),
                [(view.id, view.user.username, view.status, view.submitted_at,
                  len(view.documents), view.decided_by.username if view.decided_by else None,
                  view.notes) for view in page.items], right=("documents",))
    typer.secho(f"{len(page.items)} of {page.total} applications", err=True, fg="cyan")


@moderation_app.command("verify")
def moderation_verify(
    application_id: Annotated[int, IdArgument("The application's id.")],
    as_user: AsUser,
    action: Annotated[str, typer.Option(help="approve or reject.")],
    reason: Annotated[str, typer.Option(
        help="Told to the applicant; required to reject.")] = "",
    as_json: AsJson = False,
) -> None:
    """Approve (the artist becomes verified) or reject a pending verification application."""
    view = run(lambda s: s.verification.decide(s.accounts.staff_actor(as_user),
                                                application_id, action, reason or None))
    if as_json:
        typer.echo(json.dumps(application_json(view)))
    else:
        typer.echo(f"Application {view.id} of {printable(view.user.username)}: {view.status}.")
