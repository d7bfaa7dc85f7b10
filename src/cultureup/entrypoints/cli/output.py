"""What the command line prints: stored text made safe for a terminal, times as the API
writes them, and tables (rich) for the people reading a list."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Column, Table
from rich.text import Text

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def printable(text: object) -> str:
    """`text` with every character a terminal would act on written as an escape: control
    characters (a newline in a username must not start a forged line, an ESC must not drive
    the terminal), bidirectional overrides and other format characters, line and paragraph
    separators. Backslashes are doubled, so that an escape cannot be faked either."""
    return "".join(
        char if char.isprintable() and char != "\\" else
        "\\\\" if char == "\\" else char.encode("unicode_escape").decode("ascii")
        for char in str(text))


def utc(value: datetime) -> str:
    """`2026-03-01T09:00:00Z`, as the API writes times."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime(TIME_FORMAT)


def iso(value: datetime | None) -> str | None:
    """`utc(value)`, or None for None: the times of `--json` output."""
    return None if value is None else utc(value)


# Wide enough that no row of a table is ever wrapped when the output is not a terminal (a pipe
# or a file): each row stays one line, every cell whole.
PIPE_WIDTH = 100_000
EMPTY = "-"


def console(*, stderr: bool = False) -> Console:
    """The console tables are printed on: the terminal's width on a terminal; otherwise
    PIPE_WIDTH and no colour, so that `grep`, `cut` and `awk` see whole rows."""
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal else PIPE_WIDTH
    return Console(stderr=stderr, width=width, highlight=False, soft_wrap=False)


def cell(value: object) -> Text:
    """A table cell: `printable` text, never read as rich markup (a title such as
    "[bold]" prints as typed), `-` for None or an empty string so that every row of a
    pipe has the same number of fields."""
    if value is None or value == "":
        return Text(EMPTY)
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, datetime):
        return Text(utc(value))
    return Text(printable(value))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[object]], *,
                title: str | None = None, right: Sequence[str] = ()) -> None:
    """Print `rows` under `headers` as one table on standard output: no outer frame, a rule
    under the header. Values go through `cell`. On a terminal too narrow for the table only
    the columns holding free text wrap between words: ids, numbers, flags, times and words
    stay whole, nothing is cut off. Columns named in `right`
    (amounts, counts) are right-aligned."""
    rows = [tuple(row) for row in rows]
    textual = [any(isinstance(row[index], str) and not _code(row[index]) for row in rows)
               for index in range(len(headers))]
    columns = [Column(header, no_wrap=not textual[index], overflow="fold",
                      justify="right" if header in right else "left")
               for index, header in enumerate(headers)]
    table = Table(*columns, title=title, box=box.SIMPLE_HEAD, pad_edge=False,
                  title_justify="left", show_edge=False)
    for row in rows:
        table.add_row(*(cell(value) for value in row))
    out = console()
    # A table that cannot fit the terminal even with its text wrapped is printed whole, each
    # row one line, and the terminal wraps the lines: no cell is squeezed or cut.
    needed = Measurement.get(out, out.options.update(max_width=PIPE_WIDTH), table)
    if needed.minimum > out.width:
        out = Console(file=out.file, width=needed.maximum, highlight=False, soft_wrap=False)
    out.print(table)


def _code(text: str) -> bool:
    """Short words without spaces (statuses, types, roles) are kept whole like numbers."""
    return len(text) <= 20 and " " not in text


class UtcFormatter(logging.Formatter):
    """Log records stamped in UTC, written like the API's times."""

    converter = time.gmtime
    default_time_format = TIME_FORMAT
    default_msec_format = None  # type: ignore[assignment]

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt, datefmt or TIME_FORMAT)
