"""`cultureup users ...`: the users admin at the command line, through the same use cases as
/api/admin/users/, acting as a named staff account (`--as`) whose role decides, and audited
alike."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cultureup.application.admin.user_views import AdminUserFilters, AdminUserRow, UserChange
from cultureup.application.admin.users import page_request
from cultureup.bootstrap import Services
from cultureup.domain.admin.bulk import BULK_MAX_IDS
from cultureup.domain.admin.users import PAST_TENSE, USER_ACTIONS, UserAction
from cultureup.entrypoints.cli.common import (
    AsJson,
    AsUser,
    IdArgument,
    Ids,
    IdsFile,
    Reason,
    in_batches,
    read_ids,
    run,
    whole_number,
)
from cultureup.entrypoints.cli.output import iso, print_table

users_app = typer.Typer(help="User accounts: list, verify, activate, deactivate, grant roles, "
                             "bulk actions.", no_args_is_help=True)

UserId = Annotated[int, IdArgument("The account's id.")]


def row_json(row: AdminUserRow) -> dict[str, Any]:
    return {"id": row.id, "username": row.username, "email": row.email,
            "first_name": row.first_name, "last_name": row.last_name,
            "user_type": row.user_type, "phone_number": row.phone_number,
            "is_verified": row.is_verified, "is_active": row.is_active,
            "is_staff": row.is_staff, "is_superuser": row.is_superuser,
            "staff_role": row.staff_role, "created_at": iso(row.created_at),
            "last_login": iso(row.last_login), "total_artworks": row.total_artworks,
            "total_jobs_posted": row.total_jobs_posted, "total_bids": row.total_bids,
            "total_spent": str(row.total_spent), "total_earned": str(row.total_earned),
            "last_activity": iso(row.last_activity), "bio": row.bio,
            "total_listings": row.total_listings, "total_views": row.total_views,
            "reports_received": row.reports_received, "reports_made": row.reports_made,
            "suspended": row.suspended, "suspension_until": iso(row.suspension_until),
            "banned": row.banned}


def change_json(change: UserChange) -> dict[str, Any]:
    return {"id": change.id, "username": change.username, "is_verified": change.is_verified,
            "is_active": change.is_active, "is_staff": change.is_staff,
            "staff_role": change.staff_role, "updated_at": iso(change.updated_at),
            "changed": change.changed}


def _flag(value: str | None, option: str) -> bool | None:
    if value is None:
        return None
    if value not in ("true", "false"):
        raise typer.BadParameter("true or false", param_hint=option)
    return value == "true"


@users_app.command("list")
def users_list(
    as_user: AsUser,
    user_type: Annotated[str | None, typer.Option(help="artist, buyer or admin.")] = None,
    verified: Annotated[str | None, typer.Option(help="true or false.")] = None,
    active: Annotated[str | None, typer.Option(help="true or false.")] = None,
    staff: Annotated[str | None, typer.Option(help="true or false: holds a role.")] = None,
    search: Annotated[str | None, typer.Option(
        help="In username, e-mail, first or last name.")] = None,
    ordering: Annotated[str | None, typer.Option(
        help="created_at, username or last_login; - first for descending.")] = None,
    page: Annotated[int, typer.Option(parser=whole_number(1), help="Page number.")] = 1,
    page_size: Annotated[int, typer.Option(parser=whole_number(1, 200), help="Rows a page.")] = 50,
    as_json: AsJson = False,
) -> None:
    """Show accounts with their activity, newest first (the admin users list)."""
    filters = AdminUserFilters(user_type=user_type, is_verified=_flag(verified, "--verified"),
                               is_active=_flag(active, "--active"),
                               is_staff=_flag(staff, "--staff"), search=search,
                               ordering=ordering)

    def action(services: Services) -> Any:
        actor = services.accounts.staff_actor(as_user)
        return services.admin_users.list_users(actor, filters, page_request(page, page_size))

    result = run(action)
    if as_json:
        for row in result.items:
            typer.echo(json.dumps(row_json(row)))
        return
    print_table(
        ("id", "username", "email", "type", "verified", "active", "role", "restricted",
         "joined", "last login"),
        [(row.id, row.username, row.email, row.user_type, row.is_verified, row.is_active,
          "superuser" if row.is_superuser else row.staff_role, _restriction(row),
          row.created_at, row.last_login) for row in result.items])
    typer.secho(f"{len(result.items)} of {result.total} users (page {page})", err=True,
                fg="cyan")


def _restriction(row: AdminUserRow) -> str | None:
    if row.banned:
        return "banned"
    if row.suspended:
        return f"suspended until {iso(row.suspension_until)}" if row.suspension_until \
            else "suspended"
    return None


def _act(action: UserAction, user_id: int, as_user: str, reason: str, as_json: bool,
         role: str | None = None) -> None:
    change = run(lambda s: s.admin_users.act(s.accounts.staff_actor(as_user), action,
                                              user_id, role=role, reason=reason))
    if as_json:
        typer.echo(json.dumps(change_json(change)))
    elif action is UserAction.MAKE_STAFF:
        typer.echo(f"User {change.username} is now "
                   f"{(change.staff_role or 'staff').replace('_', ' ')}")
    else:
        typer.echo(f"User {change.username} {PAST_TENSE[action]} successfully"
                   + ("" if change.changed else " (no change)"))


@users_app.command("verify")
def users_verify(user_id: UserId, as_user: AsUser, reason: Reason = "",
                 as_json: AsJson = False) -> None:
    """Mark an account verified."""
    _act(UserAction.VERIFY, user_id, as_user, reason, as_json)


@users_app.command("activate")
def users_activate(user_id: UserId, as_user: AsUser, reason: Reason = "",
                   as_json: AsJson = False) -> None:
    """Let an account sign in again."""
    _act(UserAction.ACTIVATE, user_id, as_user, reason, as_json)


@users_app.command("deactivate")
def users_deactivate(user_id: UserId, as_user: AsUser, reason: Reason = "",
                     as_json: AsJson = False) -> None:
    """Stop an account; its tokens stop working at once."""
    _act(UserAction.DEACTIVATE, user_id, as_user, reason, as_json)


@users_app.command("make-staff")
def users_make_staff(
    user_id: UserId, as_user: AsUser,
    role: Annotated[str | None, typer.Option(
        help="staff (the default), admin or content_moderator.")] = None,
    reason: Reason = "", as_json: AsJson = False,
) -> None:
    """Grant a platform role (only a superuser grants staff or admin)."""
    _act(UserAction.MAKE_STAFF, user_id, as_user, reason, as_json, role=role)


@users_app.command("bulk", help=(
    f"One action on many accounts. Ids are sent in batches of at most {BULK_MAX_IDS} (the "
    "API's cap), each batch one transaction, with a progress bar; the totals and unknown ids "
    "at the end."))
def users_bulk(
    action: Annotated[str, typer.Argument(help="One of: " + ", ".join(USER_ACTIONS) + ".")],
    as_user: AsUser, ids: Ids = None, ids_file: IdsFile = None,
    role: Annotated[str | None, typer.Option(help="For make_staff: the role granted.")] = None,
    reason: Reason = "", as_json: AsJson = False,
) -> None:
    """One action on many accounts (help above: it names the cap)."""
    results = in_batches(read_ids(ids, ids_file), action, lambda batch: run(
        lambda s: s.admin_users.bulk(s.accounts.staff_actor(as_user), action, batch,
                                     role=role, reason=reason)))
    affected = sum(result.affected for result in results)
    unchanged = sum(result.unchanged for result in results)
    missing = [user_id for result in results for user_id in result.not_found_ids]
    if as_json:
        typer.echo(json.dumps({"action": action, "affected_users": affected,
                               "unchanged_users": unchanged, "not_found_ids": missing}))
    else:
        words = PAST_TENSE[UserAction(action)]
        typer.echo(f"{affected} user{'' if affected == 1 else 's'} {words} successfully")
        if missing:
            typer.echo("Not found: " + ", ".join(map(str, missing)))
