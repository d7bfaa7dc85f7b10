"""`cultureup artworks approve|reject|feature|bulk`, `cultureup jobs close`, `cultureup categories
create|activate|deactivate` and `cultureup equipment stock`: the admin catalogue actions,
through the same use cases as the admin API, acting as a named staff account (`--as`) that
the audit log records."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cultureup.application.admin.artworks import BULK_ACTIONS, bulk_message
from cultureup.application.admin.views import BulkResult
from cultureup.application.catalog.artwork_ports import ArtworkView
from cultureup.application.catalog.views import EquipmentView
from cultureup.application.views import CategoryView, JobView
from cultureup.domain.admin.bulk import BULK_MAX_IDS
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
from cultureup.entrypoints.cli.output import iso

jobs_app = typer.Typer(help="Jobs: close one as staff.", no_args_is_help=True)
categories_app = typer.Typer(help="Categories: create, activate, deactivate.",
                             no_args_is_help=True)
equipment_app = typer.Typer(help="Equipment: set or change the stock.", no_args_is_help=True)


def artwork_json(view: ArtworkView) -> dict[str, Any]:
    return {"id": view.id, "title": view.title, "artist": view.artist.username,
            "moderation_status": view.moderation_status, "is_featured": view.is_featured,
            "is_available": view.is_available, "updated_at": iso(view.updated_at)}


def job_json(view: JobView) -> dict[str, Any]:
    return {"id": view.id, "title": view.title, "status": view.status,
            "updated_at": iso(view.updated_at)}


def category_json(view: CategoryView) -> dict[str, Any]:
    return {"id": view.id, "name": view.name, "description": view.description,
            "is_active": view.is_active, "created_at": iso(view.created_at),
            "updated_at": iso(view.updated_at)}


def equipment_json(view: EquipmentView) -> dict[str, Any]:
    return {"id": view.id, "name": view.name, "stock_quantity": view.stock_quantity,
            "updated_at": iso(view.updated_at)}


def _show(data: dict[str, Any], as_json: bool, message: str) -> None:
    typer.echo(json.dumps(data) if as_json else message)


ArtworkId = Annotated[int, IdArgument("The artwork's id.")]


def approve(artwork_id: ArtworkId, as_user: AsUser, as_json: AsJson = False) -> None:
    """Approve an artwork (from any moderation status)."""
    view = run(lambda s: s.artwork_moderation.approve(s.accounts.staff_actor(as_user),
                                                       artwork_id))
    _show(artwork_json(view), as_json, f'Artwork "{view.title}" approved successfully.')


def reject(artwork_id: ArtworkId, as_user: AsUser,
           reason: Annotated[str, typer.Option(help="Why; told to the artist.")],
           as_json: AsJson = False) -> None:
    """Reject an artwork with a reason, which the artist is notified of."""
    view = run(lambda s: s.artwork_moderation.reject(s.accounts.staff_actor(as_user),
                                                      artwork_id, reason=reason))
    _show(artwork_json(view), as_json, f'Artwork "{view.title}" rejected successfully.')


def feature(artwork_id: ArtworkId, as_user: AsUser,
            off: Annotated[bool, typer.Option("--off", help="Unfeature it.")] = False,
            as_json: AsJson = False) -> None:
    """Feature an artwork (or, with --off, stop featuring it)."""
    view = run(lambda s: s.artwork_moderation.feature(s.accounts.staff_actor(as_user),
                                                       artwork_id, featured=not off))
    verb = "featured" if view.is_featured else "unfeatured"
    _show(artwork_json(view), as_json, f'Artwork "{view.title}" {verb} successfully.')


def bulk(
    as_user: AsUser,
    action: Annotated[str, typer.Option(help="One of: " + ", ".join(BULK_ACTIONS) + ".")],
    ids: Ids = None, ids_file: IdsFile = None,
    reason: Annotated[str, typer.Option(
        help="Why; required to reject (the artists are told it), audited.")] = "",
    as_json: AsJson = False,
) -> None:
    """One action on many artworks (help above: it names the cap)."""
    results: list[BulkResult] = in_batches(
        read_ids(ids, ids_file), action, lambda batch: run(
            lambda s: s.artwork_moderation.bulk(s.accounts.staff_actor(as_user), batch, action,
                                                reason=reason)))
    total = BulkResult(action=results[-1].action,
                       affected_ids=[i for result in results for i in result.affected_ids],
                       not_found_ids=[i for result in results for i in result.not_found_ids],
                       processed_at=results[-1].processed_at,
                       unchanged_ids=[i for result in results for i in result.unchanged_ids],
                       not_featurable_ids=[i for result in results
                                           for i in result.not_featurable_ids])
    if as_json:
        typer.echo(json.dumps({"message": bulk_message(total),
                               "affected_artworks": len(total.affected_ids),
                               "action": total.action, "processed_at": iso(total.processed_at),
                               "affected_ids": total.affected_ids,
                               "not_found_ids": total.not_found_ids,
                               "unchanged_ids": total.unchanged_ids,
                               "not_featurable_ids": total.not_featurable_ids}))
        return
    typer.echo(bulk_message(total))
    for label, named in (("Not found", total.not_found_ids),
                         ("Unchanged (already so)", total.unchanged_ids),
                         ("Not featurable (not public)", total.not_featurable_ids)):
        if named:
            typer.echo(f"{label}: " + ", ".join(map(str, named)))


def add_artwork_commands(artworks_app: typer.Typer) -> None:
    artworks_app.command("approve")(approve)
    artworks_app.command("reject")(reject)
    artworks_app.command("feature")(feature)
    artworks_app.command("bulk", help=(
        "Approve, reject (with --reason), feature or unfeature many artworks, as "
        "POST /api/admin/bulk/artworks/ does. Ids are sent in batches of at most "
        f"{BULK_MAX_IDS} (the API's cap), each batch one transaction, with a progress bar; "
        "the total and the ids that name no artwork at the end."))(bulk)


@jobs_app.command("close")
def jobs_close(job_id: Annotated[int, IdArgument("The job's id.")], as_user: AsUser,
               reason: Reason = "", as_json: AsJson = False) -> None:
    """Close a job: it is cancelled and its pending bids rejected."""
    view = run(lambda s: s.job_oversight.close(s.accounts.staff_actor(as_user), job_id,
                                                reason=reason))
    _show(job_json(view), as_json, f'Job "{view.title}" closed by admin.')


@categories_app.command("create")
def categories_create(
    name: Annotated[str, typer.Argument(help="The category's name (unique, any case).")],
    as_user: AsUser,
    description: Annotated[str, typer.Option(help="What it holds.")] = "",
    inactive: Annotated[bool, typer.Option("--inactive", help="Create it inactive.")] = False,
    as_json: AsJson = False,
) -> None:
    """Create a category."""
    view = run(lambda s: s.categories.create_category(
        actor=s.accounts.staff_actor(as_user), name=name, description=description,
        is_active=not inactive))
    _show(category_json(view), as_json, f'Category "{view.name}" created (id {view.id}).')


def _set_active(category_id: int, as_user: str, active: bool, as_json: bool) -> None:
    view = run(lambda s: s.categories.set_active(actor=s.accounts.staff_actor(as_user),
                                                  category_id=category_id, active=active))
    verb = "activated" if active else "deactivated"
    _show(category_json(view), as_json, f'Category "{view.name}" {verb} successfully.')


CategoryId = Annotated[int, IdArgument("The category's id.")]


@categories_app.command("activate")
def categories_activate(category_id: CategoryId, as_user: AsUser,
                        as_json: AsJson = False) -> None:
    """Activate a category: it takes new jobs and artworks again."""
    _set_active(category_id, as_user, True, as_json)


@categories_app.command("deactivate")
def categories_deactivate(category_id: CategoryId, as_user: AsUser,
                          as_json: AsJson = False) -> None:
    """Deactivate a category: no new jobs or artworks; existing ones stay visible."""
    _set_active(category_id, as_user, False, as_json)


@equipment_app.command("stock")
def equipment_stock(
    equipment_id: Annotated[int, IdArgument("The item's id.")],
    as_user: AsUser,
    set_to: Annotated[int | None, typer.Option("--set", parser=whole_number(),
        help="Set the stock to this.")] = None,
    adjust: Annotated[int | None, typer.Option(
        "--adjust", parser=whole_number(),
        help="Add this (negative removes); never below zero.")] = None,
    reason: Reason = "", as_json: AsJson = False,
) -> None:
    """Set (--set N) or change (--adjust +/-N) an item's stock; exactly one of them."""
    view = run(lambda s: s.equipment.update_stock(
        s.accounts.staff_actor(as_user), equipment_id, stock_quantity=set_to,
        adjustment=adjust, reason=reason))
    _show(equipment_json(view), as_json,
          f'Stock updated for "{view.name}": {view.stock_quantity}.')
