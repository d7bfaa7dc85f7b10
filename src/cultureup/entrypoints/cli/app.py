"""`cultureup`: serve the API, migrate the database, set up admins and sample data."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from typing import Annotated, Any

import attrs
import typer
from typer.core import TyperCommand

from cultureup.adapters.sqlalchemy import migrate
from cultureup.application.admin.sample_market import MarketShape
from cultureup.application.audit import readable_details
from cultureup.application.collaboration.views import MessageFilters, NotificationFilters
from cultureup.application.views import AuditFilters, PageRequest
from cultureup.bootstrap import Services, bootstrap
from cultureup.config import Settings, SettingsError
from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import DomainError
from cultureup.entrypoints.cli.catalog import (
    add_artwork_commands,
    categories_app,
    equipment_app,
    jobs_app,
)
from cultureup.entrypoints.cli.commerce import orders_app, payments_app
from cultureup.entrypoints.cli.common import fail, load_settings, open_services, whole_number
from cultureup.entrypoints.cli.moderation import moderation_app
from cultureup.entrypoints.cli.moderation_content import (  # noqa: F401  (adds its commands)
    moderation_json,
)
from cultureup.entrypoints.cli.output import UtcFormatter, print_table, printable, utc
from cultureup.entrypoints.cli.reports import reports_app
from cultureup.entrypoints.cli.users import users_app

app = typer.Typer(
    help="CultureUp, the art marketplace backend. Settings come from CULTUREUP_* environment "
         "variables or a .env file; the defaults need no set-up (SQLite file and a local "
         "media folder in the working directory).",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
artworks_app = typer.Typer(help="Artwork maintenance.", no_args_is_help=True)
app.add_typer(artworks_app, name="artworks")
audit_app = typer.Typer(help="The audit log of logins, security changes and admin actions.",
                        no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(payments_app, name="payments")
app.add_typer(orders_app, name="orders")
app.add_typer(users_app, name="users")
analytics_app = typer.Typer(help="Daily platform analytics (one row per UTC day).",
                            no_args_is_help=True)
app.add_typer(analytics_app, name="analytics")
messages_app = typer.Typer(help="A user's messages, for support.", no_args_is_help=True)
app.add_typer(messages_app, name="messages")
notifications_app = typer.Typer(help="A user's notifications, for support.",
                                no_args_is_help=True)
app.add_typer(notifications_app, name="notifications")
add_artwork_commands(artworks_app)
app.add_typer(jobs_app, name="jobs")
app.add_typer(categories_app, name="categories")
app.add_typer(equipment_app, name="equipment")
app.add_typer(reports_app, name="reports")
app.add_typer(moderation_app, name="moderation")

DEFAULT_ADMIN_PASSWORD = "admin123"  # noqa: S105 - the documented first-run default


SERVE_SETTINGS = ("host", "port", "workers", "threads")


class _ServeCommand(TyperCommand):
    """`serve --help` shows the values the options default to here and now: the settings
    from the environment and the .env file, else the built-in defaults."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        try:
            settings = Settings.from_env()
        except SettingsError:
            settings = Settings()
        for param in self.params:
            if param.name in SERVE_SETTINGS and hasattr(param, "show_default"):
                param.show_default = (f"{getattr(settings, param.name)}, from "
                                      f"CULTUREUP_{param.name.upper()}")
        super().format_help(ctx, formatter)


@app.command(cls=_ServeCommand)
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(
        parser=whole_number(0, 65535), help="Port to listen on; 0 takes any free port.")] = None,
    workers: Annotated[int | None, typer.Option(
        parser=whole_number(1), help="Worker processes.")] = None,
    threads: Annotated[int | None, typer.Option(
        parser=whole_number(1), help="Threads per worker.")] = None,
) -> None:
    """Bring the schema up to date, then serve the HTTP API with gunicorn. The server keeps
    the terminal until Ctrl+C (or SIGTERM) stops it."""
    from cultureup.entrypoints.cli.server import CultureUpServer, PortUnavailable, listen

    settings = load_settings()
    handler = logging.StreamHandler()
    handler.setFormatter(UtcFormatter("%(asctime)s [%(process)d] [%(levelname)s] "
                                      "%(name)s: %(message)s"))
    logging.basicConfig(level=settings.log_level.upper(), handlers=[handler])
    host = settings.host if host is None else host
    workers = workers or settings.workers
    try:
        listeners = listen(host, settings.port if port is None else port, sockets=workers)
    except PortUnavailable as exc:
        typer.secho(f"Error: {exc}", err=True, fg="red")
        raise typer.Exit(code=1) from exc
    try:
        services = bootstrap(settings, upgrade_database=settings.migrate_on_start)
        try:
            if settings.migrate_on_start:
                moved = services.artworks.protect_originals()
                if moved:
                    typer.echo(f"Moved {moved} original images out of public media.")
                hidden = services.artworks.images.repair(hidden_only=True)
                if hidden.withdrawn:
                    typer.echo(f"Withdrew the public images of {hidden.withdrawn} hidden "
                               "artworks.")
        finally:
            services.close()
    except BaseException:
        for listener in listeners:
            listener.close()
        raise
    bound_host, bound_port = listeners[0].getsockname()[:2]
    shown_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    typer.echo(f"CultureUp API on http://{shown_host}:{bound_port}/api/ (docs: /api/docs/), "
               f"database {settings.describe()['database_url']}; Ctrl+C stops it")
    CultureUpServer(settings, listeners=listeners, workers=workers,
                    threads=threads or settings.threads).run()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    services = open_services(upgrade=False)
    before = migrate.current_revision(services.engine)
    services.upgrade_database()
    after = migrate.current_revision(services.engine)
    typer.echo(f"Database at revision {after}" + ("" if before == after
                                                   else f" (was {before or 'empty'})"))
    services.close()


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database and the newest one available."""
    services = open_services(upgrade=False)
    typer.echo(f"current: {migrate.current_revision(services.engine) or 'empty'}; "
               f"head: {migrate.head_revision()}")
    services.close()


@app.command("setup-admin")
def setup_admin(
    create_superuser: Annotated[bool, typer.Option(
        "--create-superuser", help="Create the superuser account if it does not exist.")] = False,
    admin_username: Annotated[str, typer.Option(help="Superuser name.")] = "admin",
    admin_email: Annotated[str, typer.Option(help="Superuser email.")] = "admin@artconnect.com",
    admin_password: Annotated[str, typer.Option(
        help="Superuser password. Change the default at once.")] = DEFAULT_ADMIN_PASSWORD,
    create_sample_data: Annotated[bool, typer.Option(
        "--create-sample-data",
        help="Add the standard categories, staff accounts, artists, buyers, jobs and bids.",
    )] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
    scale: Annotated[int | None, typer.Option(
        parser=whole_number(),
        help="With --create-sample-data: also a marketplace of about N users, with artworks, "
             "jobs, bids, orders, payments and daily snapshots over 12 months, in bulk.",
    )] = None,
) -> None:
    """Create the first superuser and, optionally, sample data. Safe to run again."""
    if not (create_superuser or create_sample_data):
        raise typer.BadParameter("nothing to do: pass --create-superuser and/or "
                                 "--create-sample-data")
    if scale is not None and not create_sample_data:
        raise typer.BadParameter("--scale needs --create-sample-data")
    shape = None
    if scale is not None:
        try:
            shape = MarketShape.of(scale)
        except DomainError as error:
            raise fail(error) from error
    services = open_services()
    report: dict[str, Any] = {"created": [], "skipped": [], "warnings": []}
    try:
        if create_superuser:
            user, created = services.sample_data.ensure_superuser(
                username=admin_username, email=admin_email, password=admin_password)
            report["created" if created else "skipped"].append(f"superuser {admin_username}")
            if created and admin_password == DEFAULT_ADMIN_PASSWORD:
                report["warnings"].append(
                    f"Superuser '{admin_username}' has the default password "
                    f"'{DEFAULT_ADMIN_PASSWORD}'. Change it before going live.")
        else:
            user = services.sample_data.find_superuser(admin_username)
        if create_sample_data:
            result = services.sample_data.create_sample_data(user.as_actor())
            report["created"] += result.created
            report["skipped"] += result.skipped
            report["warnings"].append(
                "Sample staff accounts use the documented passwords (admin_manager/manager123, "
                "content_moderator/moderator123); sample artists and buyers use "
                f"'{services.sample_data.sample_password}'. Never keep them in production.")
            if shape is not None:
                loaded = _sample_marketplace(services, user.as_actor(), shape, quiet=as_json)
                if loaded is None:
                    report["skipped"].append(f"sample marketplace of {shape.users} users")
                else:
                    report["marketplace"] = loaded
    except DomainError as error:
        raise fail(error) from error
    finally:
        services.close()
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    for line in report["created"]:
        typer.echo(f"created  {line}")
    for line in report["skipped"]:
        typer.echo(f"exists   {line}")
    for line in report["warnings"]:
        typer.secho(f"WARNING: {line}", fg="yellow", err=True)
    if "marketplace" in report:
        typer.echo("sample marketplace: " + ", ".join(
            f"{value} {name}" for name, value in report["marketplace"].items()))


def _sample_marketplace(services: Services, actor: Actor, shape: MarketShape, *,
                        quiet: bool) -> dict[str, Any] | None:
    """The bulk marketplace, with a progress bar per phase on standard error; None when
    the marketplace of this shape is already there (nothing written)."""
    import time

    from rich.console import Console
    from rich.progress import Progress

    started = time.perf_counter()
    with Progress(disable=quiet, console=Console(stderr=True)) as bar:
        tasks: dict[str, Any] = {}

        def progress(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        counts = services.sample_data.create_marketplace(actor, shape, progress=progress)
    if counts is None:
        return None
    return {**attrs.asdict(counts), "seconds": round(time.perf_counter() - started, 1)}


@artworks_app.command("rescan")
def artworks_rescan() -> None:
    """Fingerprint every stored artwork image again and rebuild the duplicate index (after
    changing the fingerprint method, or restoring images from a backup)."""
    services = open_services()
    try:
        total = services.artworks.count_all()
        with typer.progressbar(length=total, label="Fingerprinting artworks") as bar:
            done = services.artworks.rescan(progress=bar.update)
    finally:
        services.close()
    typer.echo(f"Rescanned {done} artworks.")


@artworks_app.command("protect-originals")
def artworks_protect_originals() -> None:
    """Move artwork originals stored in public media (uploads from before originals were
    private) to private storage, and delete the public copies. Safe to run again, and
    while the server runs; `serve` does it on start unless CULTUREUP_MIGRATE_ON_START=false."""
    services = open_services()
    try:
        with typer.progressbar(length=services.artworks.count_all(),
                               label="Moving originals") as bar:
            moved = services.artworks.protect_originals(progress=bar.update)
    finally:
        services.close()
    typer.echo(f"Moved {moved} original{'' if moved == 1 else 's'} to private storage.")


@artworks_app.command("sync-images")
def artworks_sync_images() -> None:
    """Put every artwork's watermarked image where its state says: a public copy while the
    public sees the artwork, none while it is removed, rejected or held for a duplicate
    review (the private copy is kept either way, and written from the public one for images
    stored before). Repairs what a crash between a moderation change and its file step left
    behind; safe to run again, and while the server runs. `serve` does it on start for the
    hidden artworks unless CULTUREUP_MIGRATE_ON_START=false."""
    services = open_services()
    try:
        with typer.progressbar(length=services.artworks.count_all(),
                               label="Syncing artwork images") as bar:
            result = services.artworks.images.repair(progress=bar.update)
    finally:
        services.close()
    typer.echo(f"Checked {result.checked} artworks: published {result.published}, "
               f"withdrew {result.withdrawn}, kept {result.kept} private copies.")
    if result.missing:
        shown = ", ".join(str(artwork_id) for artwork_id in result.missing[:20])
        more = "" if len(result.missing) <= 20 else f" and {len(result.missing) - 20} more"
        typer.echo(f"No image stored for {len(result.missing)} artworks: {shown}{more}.")


@audit_app.command("list")
def audit_list(
    actor: Annotated[str | None, typer.Option(help="Username or user id.")] = None,
    action: Annotated[str | None, typer.Option(
        help='An action such as login.failed, or a family ending in "." such as 2fa.')] = None,
    since: Annotated[str | None, typer.Option(
        help="ISO 8601 date or time, UTC unless it has an offset.")] = None,
    limit: Annotated[int, typer.Option(parser=whole_number(1, 200), help="Entries to show.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Show audit entries, newest first."""
    since_at = None
    if since:
        try:
            since_at = datetime.fromisoformat(since)
        except ValueError as exc:
            raise typer.BadParameter(f"not an ISO 8601 date or time: {since}",
                                     param_hint="--since") from exc
        since_at = (since_at if since_at.tzinfo else since_at.replace(tzinfo=UTC)).astimezone(UTC)
    services = open_services()
    try:
        page = services.audit.list_entries(None, AuditFilters(actor=actor, action=action,
                                                              since=since_at),
                                           PageRequest.of(1, limit, max_page_size=200))
    except DomainError as error:
        raise fail(error) from error
    finally:
        services.close()
    if as_json:  # JSON escapes control characters itself
        for entry in page.items:
            typer.echo(json.dumps({"id": entry.id, "at": utc(entry.created_at),
                                   "actor": entry.actor_username,
                                   "actor_id": entry.actor_id, "action": entry.action,
                                   "target_type": entry.target_type,
                                   "target_id": entry.target_id, "ip": entry.ip_address,
                                   "details": readable_details(entry.details)}))
        return
    print_table(("at", "actor", "action", "target", "ip", "details"), [
        (entry.created_at, entry.actor_username, entry.action,
         f"{entry.target_type}:{entry.target_id}" if entry.target_id else entry.target_type,
         entry.ip_address, " ".join(
             f"{printable(k)}={printable(v if isinstance(v, str) else json.dumps(v))}"
             for k, v in sorted(readable_details(entry.details).items())))
        for entry in page.items])
    typer.secho(f"{len(page.items)} of {page.total} entries", err=True, fg="cyan")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value}", param_hint=option) from exc


@analytics_app.command("calculate")
def analytics_calculate(
    day: Annotated[str | None, typer.Option("--date", help="One UTC day (YYYY-MM-DD) "
                                            "[default: today].")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day of a backfill.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day of a backfill "
                                            "[default: today].")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print each day's row as JSON.")
                       ] = False,
) -> None:
    """Count the platform's figures for a day, or every day of a range, and store them as
    that day's one row (recalculating replaces the row)."""
    if day is not None and (start is not None or end is not None):
        raise typer.BadParameter("give --date, or --from/--to, not both", param_hint="--date")
    services = open_services()
    try:
        today = services.clock.now().date()
        if day is not None:
            first = last = _day(day, "--date") or today
        else:
            last = _day(end, "--to") or today
            first = _day(start, "--from") or last
        try:
            days = services.analytics.days_between(first, last)
            with typer.progressbar(length=len(days), label="Calculating daily analytics",
                                   file=typer.get_text_stream("stderr")) as bar:
                snapshots = services.analytics.backfill(first, last,
                                                        progress=lambda _day: bar.update(1))
        except DomainError as error:
            raise fail(error) from error
    finally:
        services.close()
    for snapshot in snapshots:
        figures = {name: (str(value) if not isinstance(value, int) else value)
                   for name, value in attrs.asdict(snapshot.figures, recurse=False).items()}
        if as_json:
            typer.echo(json.dumps({"id": snapshot.id, "date": snapshot.date.isoformat(),
                                   **figures, "calculated_at": utc(snapshot.calculated_at)}))
        else:
            typer.echo(f"{snapshot.date.isoformat()}  " + "  ".join(
                f"{name}={value}" for name, value in figures.items()))


def _support_actor(services: Services, user: str) -> Actor:
    try:
        return services.accounts.find_actor(user)
    except DomainError as error:
        raise fail(error) from error


@messages_app.command("list")
def messages_list(
    user: Annotated[str, typer.Option(help="Username, e-mail or user id.")],
    unread: Annotated[bool, typer.Option("--unread", help="Only unread messages.")] = False,
    limit: Annotated[int, typer.Option(parser=whole_number(1, 100), help="Messages to show.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Show the messages a user sent or received, newest first."""
    services = open_services()
    try:
        actor = _support_actor(services, user)
        page = services.messages.list_messages(
            actor, MessageFilters(is_read=False if unread else None), PageRequest.of(1, limit))
    finally:
        services.close()
    if as_json:
        for message in page.items:
            typer.echo(json.dumps({
                "id": message.id, "sender": message.sender.username,
                "receiver": message.receiver.username, "job": message.job_id,
                "content": message.content, "is_read": message.is_read,
                "attachment": None if message.attachment is None else message.attachment.name,
                "created_at": utc(message.created_at)}, ensure_ascii=False))
        return
    print_table(("id", "at", "from", "to", "read", "content"), [
        (message.id, message.created_at, message.sender.username, message.receiver.username,
         message.is_read, message.content) for message in page.items])
    typer.secho(f"{len(page.items)} of {page.total} messages", err=True, fg="cyan")


@notifications_app.command("list")
def notifications_list(
    user: Annotated[str, typer.Option(help="Username, e-mail or user id.")],
    unread: Annotated[bool, typer.Option("--unread", help="Only unread ones.")] = False,
    limit: Annotated[int, typer.Option(parser=whole_number(1, 100),
        help="Notifications to show.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Show a user's notifications, newest first."""
    services = open_services()
    try:
        actor = _support_actor(services, user)
        page = services.notifications.list_notifications(
            actor, NotificationFilters(is_read=False if unread else None),
            PageRequest.of(1, limit))
    finally:
        services.close()
    if as_json:
        for note in page.items:
            typer.echo(json.dumps({
                "id": note.id, "notification_type": note.notification_type,
                "title": note.title, "message": note.message, "is_read": note.is_read,
                "created_at": utc(note.created_at)}, ensure_ascii=False))
        return
    print_table(("id", "at", "type", "read", "message"), [
        (note.id, note.created_at, note.notification_type, note.is_read, note.message)
        for note in page.items])
    typer.secho(f"{len(page.items)} of {page.total} notifications", err=True, fg="cyan")


def main() -> None:
    app()
