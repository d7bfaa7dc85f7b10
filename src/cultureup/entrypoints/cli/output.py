"""What the command line prints: stored text made safe for a terminal, and times as the API
writes them."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

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


class UtcFormatter(logging.Formatter):
    """Log records stamped in UTC, written like the API's times."""

    converter = time.gmtime
    default_time_format = TIME_FORMAT
    default_msec_format = None  # type: ignore[assignment]

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt, datefmt or TIME_FORMAT)
