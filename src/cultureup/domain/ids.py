"""How an id or a whole number is read from text, for every entry point (HTTP paths and
query strings, the command line, account names that may be ids).

Ids are stored as 32-bit integers (PostgreSQL ``integer``), so an id is 1 to MAX_ID. Text is a
number only when written in ASCII digits: Python's ``int`` also reads Arabic-Indic and
fullwidth digits (U+0661, U+FF15), which are not ids to a client or a database.
"""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1
# An optional sign and at most 20 ASCII digits (every 64-bit value; longer is not a number).
_INTEGER = re.compile(r"[+-]?[0-9]{1,20}")
_ID = re.compile(r"[0-9]{1,10}")


def integer_of(text: str) -> int | None:
    """`text` as a whole number when it is an optional sign and 1 to 20 ASCII digits, else
    None (no surrounding spaces, no underscores, no other scripts' digits)."""
    return int(text) if _INTEGER.fullmatch(text) else None


def id_of(text: str) -> int | None:
    """`text` as an id when it is ASCII digits without a sign, 1 to MAX_ID, else None."""
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
