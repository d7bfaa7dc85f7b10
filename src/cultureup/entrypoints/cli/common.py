"""What every `cultureup` command shares: the settings and services it runs on, how a refused
use case is reported (a red `Error: ...` on standard error, exit code 1), and the options of
the staff commands (`--as USER`, `--json`, `--reason`), and how ids and whole numbers are read
(`IdArgument`, `whole_number`: the rule of ``domain/ids.py`` that HTTP applies too)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from cultureup.bootstrap import Services, bootstrap
from cultureup.config import Settings, SettingsError
from cultureup.domain.admin.bulk import BULK_MAX_IDS, distinct_ids
from cultureup.domain.errors import DomainError, ValidationFailed
from cultureup.domain.ids import MAX_ID, id_of, integer_of
from cultureup.entrypoints.cli.output import printable

T = TypeVar("T")


def id_number(value: str | int) -> int:
    """An id argument or option: ASCII digits, 1 to MAX_ID (the ids HTTP paths accept);
    anything else is a usage error (exit 2) naming the rule."""
    found = value if isinstance(value, int) else id_of(value)
    if isinstance(value, int) and not 1 <= value <= MAX_ID:
        found = None
    if found is None:
        raise typer.BadParameter(f"{printable(str(value))!r} is not an id: ids are written in "
                                 f"ASCII digits, from 1 to {MAX_ID}")
    return found


def whole_number(minimum: int | None = None,
                 maximum: int | None = None) -> Callable[[str | int], int]:
    """The parser of a whole-number option or argument: an optional sign and ASCII digits
    (``domain/ids.py``; "١٢" or fullwidth digits are not numbers), within the bounds given;
    else a usage error (exit 2) naming them."""
    def parse(value: str | int) -> int:
        number = value if isinstance(value, int) else integer_of(value)
        if number is None:
            raise typer.BadParameter(f"{printable(str(value))!r} is not a whole number written "
                                     "in ASCII digits")
        if (minimum is not None and number < minimum) or (
                maximum is not None and number > maximum):
            low = "" if minimum is None else f"at least {minimum}"
            high = "" if maximum is None else f"at most {maximum}"
            raise typer.BadParameter(f"{number} is out of range: "
                                     f"{' and '.join(part for part in (low, high) if part)}")
        return number
    parse.__name__ = "integer"
    return parse


def IdArgument(help: str) -> Any:
    """A command's id argument, read by `id_number`."""
    return typer.Argument(help=help, parser=id_number)

AsUser = Annotated[str, typer.Option(
    "--as", help="The staff account acting (named in the audit log).")]
Reason = Annotated[str, typer.Option(help="Why; kept in the audit log.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Ids = Annotated[str | None, typer.Option(help="Comma-separated ids.")]
IdsFile = Annotated[Path | None, typer.Option(
    help="A file of ids, one a line or separated by commas.", exists=True, dir_okay=False,
    readable=True)]


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


def read_ids(ids: str | None, ids_file: Path | None) -> list[int]:
    """The ids of `--ids` then `--ids-file`, in order, each once (as the API counts them
    done); a usage error (exit 2) for anything but ids (`id_number`: ASCII digits, 1 to
    MAX_ID; spaces around each allowed), or when there are none."""
    text = (ids or "") + "," + (ids_file.read_text() if ids_file else "")
    try:
        found = [id_number(part.strip()) for part in text.replace("\n", ",").split(",")
                 if part.strip()]
    except typer.BadParameter as exc:
        raise typer.BadParameter(exc.message, param_hint="--ids") from exc
    if not found:
        raise typer.BadParameter("give --ids or --ids-file", param_hint="--ids")
    return distinct_ids(found)


def in_batches(ids: list[int], label: str, send: Callable[[list[int]], T]) -> list[T]:
    """`send` each run of at most BULK_MAX_IDS ids (the API's cap, ``domain/admin/bulk.py``)
    in order, with a progress bar on standard error; the answers in order. Each batch is its
    own request (one transaction): a refusal stops the command, keeping the batches before
    it."""
    answers = []
    with typer.progressbar(length=len(ids), label=label, file=sys.stderr) as bar:
        for start in range(0, len(ids), BULK_MAX_IDS):
            batch = ids[start:start + BULK_MAX_IDS]
            answers.append(send(batch))
            bar.update(len(batch))
    return answers
