"""Unicode folding, computed here and nowhere else, so that every database compares alike.

Two forms:

- `identity_key`: the one form of a username or an e-mail address that is compared, stored
  in a uniquely indexed column, and looked up at login. NFKC, then full Unicode case folding,
  then NFKC again (folding can leave text unnormalised), with default-ignorable characters
  (zero-width joiners, soft hyphens, variation selectors, bidi controls) removed: Python's
  `str.casefold`, not a database's `lower()`, which on SQLite folds ASCII only and on both
  databases misses `ß`, final sigma and the Turkish dotted capital I.
- `search_text` / `search_words`: the words a text is found by. The identity fold, then the
  diacritics (accents of Latin, Greek and Cyrillic; Arabic harakat; Hebrew points) are
  removed, and the text is cut into words: runs of letters, digits, remaining marks and
  private-use characters. Stored text is folded like this before it is indexed, and a query
  is folded the same way, so `École`, `ECOLE`, `e` + combining acute and `ecole` are one word,
  and `اُردو` is found typed with or without its vowel marks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Default_Ignorable_Code_Point characters that are not of category Cf (those are caught by
# category): combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian
# free variation selectors, variation selectors.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0000, 0xE0FFF),
)

# Marks removed for search: they change how a word is written, not which word it is.
_DIACRITIC_RANGES = (
    (0x0300, 0x036F),  # combining diacritical marks (Latin, Greek, Cyrillic accents)
    (0x0483, 0x0489),  # Cyrillic titlo and the like
    (0x0591, 0x05BD), (0x05BF, 0x05BF), (0x05C1, 0x05C2), (0x05C4, 0x05C5), (0x05C7, 0x05C7),
    (0x0610, 0x061A),  # Arabic honorifics
    (0x064B, 0x065F),  # Arabic harakat: fathatan ... sukun, maddah, hamza marks
    (0x0670, 0x0670),  # Arabic superscript alef
    (0x06D6, 0x06DC), (0x06DF, 0x06E4), (0x06E7, 0x06E8), (0x06EA, 0x06ED),
    (0x08D3, 0x08E1), (0x08E3, 0x08FF),  # Arabic extended marks
    (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F),
)

# A word longer than this is not a word anyone searches for; it is dropped so that no index
# (PostgreSQL limits a lexeme to 2 KB) ever refuses a row because of it.
MAX_WORD_LENGTH = 100


def _in(ranges: tuple[tuple[int, int], ...], character: str) -> bool:
    point = ord(character)
    return any(low <= point <= high for low, high in ranges)


def is_ignorable(character: str) -> bool:
    """A default-ignorable character: invisible, and never part of an identity."""
    return unicodedata.category(character) == "Cf" or _in(_IGNORABLE_RANGES, character)


def is_diacritic(character: str) -> bool:
    return _in(_DIACRITIC_RANGES, character)


def fold(text: str) -> str:
    """NFKC, case folded, NFKC again, without default-ignorable characters.

    ASCII text is its own NFKC form, holds no default-ignorable character and case folds as
    `str.lower` does, so it takes that shorter road (tests/unit/test_unicode_identity.py
    compares the two roads)."""
    if text.isascii():
        return text.lower()
    return unicode_fold(text)


def unicode_fold(text: str) -> str:
    """`fold` for any text, by the Unicode rules."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return "".join(character for character in folded if not is_ignorable(character))


def identity_key(text: str) -> str:
    """The form of a username or e-mail address that is stored uniquely and compared."""
    return fold(text.strip()).strip()


def is_word_character(character: str) -> bool:
    # Letters, digits, marks (vowel signs and viramas of Indic scripts stay inside their
    # word) and private-use characters. The full-text indexes split text the same way.
    category = unicodedata.category(character)
    return category[0] in "LNM" or category == "Co"


def search_words(text: str) -> list[str]:
    """The folded words of a text, in order, repeats kept.

    ASCII text takes a shorter road to the same words: in ASCII, folding is `str.lower`, no
    character is ignorable or a diacritic, and the word characters are letters and digits
    (tests/unit/test_unicode_identity.py compares the two roads)."""
    if text.isascii():
        return [word for word in _ASCII_WORD.findall(text.lower())
                if len(word) <= MAX_WORD_LENGTH]
    return unicode_search_words(text)


_ASCII_WORD = re.compile("[a-z0-9]+")


def unicode_search_words(text: str) -> list[str]:
    """`search_words` for any text, character by character."""
    decomposed = unicodedata.normalize("NFD", fold(text))
    plain = unicodedata.normalize(
        "NFC", "".join(character for character in decomposed if not is_diacritic(character)))
    words: list[str] = []
    current: list[str] = []
    for character in plain + " ":
        if is_word_character(character):
            current.append(character)
            continue
        if current and len(current) <= MAX_WORD_LENGTH:
            words.append("".join(current))
        current = []
    return words


def search_text(*parts: str | None) -> str:
    """What is written to the search index for these pieces of text: their folded words,
    separated by single spaces."""
    return " ".join(word for part in parts if part for word in search_words(part))


def unique(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(words))
