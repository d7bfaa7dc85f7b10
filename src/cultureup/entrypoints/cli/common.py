"""What every `cultureup` command shares: the settings and services it runs on, how a refused
use case is reported (a red `Error: ...` on standard error, exit code 1), and the options of
the staff commands (`--as USER`, `--json`, `--reason`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import typer

from cultureup.bootstrap import Services, bootstrap
from cultureup.config import Settings, SettingsError
from cultureup.domain.errors import DomainError, ValidationFailed
from cultureup.entrypoints.cli.output import printable

T = TypeVar("T")

AsUser = Annotated[str, typer.Option(
    "--as", help="The staff account acting (named in the audit log).")]
Reason = Annotated[str, typer.Option(help="Why; kept in the audit log.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def load_settings() -> Settings:
    """The settings from CULTUREUP_* variables and the .env file; a bad one is a usage error."""
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise typer.BadParameter(str(exc)) from exc


def open_services(*, upgrade: bool = True) -> Services:
    """The wired services (the schema brought up to date first unless `upgrade` is False);
    the caller closes them."""
    return bootstrap(load_settings(), upgrade_database=upgrade)


def fail(error: DomainError) -> typer.Exit:
    """Print a refused use case's message (and its field messages) in red on standard error,
    made safe for a terminal; the caller raises the returned exit (code 1)."""
    typer.secho(f"Error: {printable(error.message)}", err=True, fg="red")
    if isinstance(error, ValidationFailed):
        for field, messages in error.details.items():
            for message in messages:
                typer.secho(f"  {printable(field)}: {printable(message)}", err=True, fg="red")
    return typer.Exit(code=1)


def run(action: Callable[[Services], T]) -> T:
    """`action` on freshly opened services, closed afterwards; a DomainError it raises ends
    the command as `fail` says."""
    services = open_services()
    try:
        return action(services)
    except DomainError as error:
        raise fail(error) from error
    finally:
        services.close()
