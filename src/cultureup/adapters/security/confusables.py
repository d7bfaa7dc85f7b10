"""Unicode TR39 (security mechanisms) for usernames, by ICU's SpoofChecker: the reference
implementation, with the confusables data of the Unicode version ICU ships."""

from __future__ import annotations

import threading
import unicodedata

import icu

from cultureup.domain.text import identity_key


class IcuConfusableNames:
    """Skeletons and restriction levels from ICU.

    Usernames are case-insensitive, so the skeleton is taken of the identity key (NFKC, case
    folded), as TR39 does for case-insensitive identifiers: `ADMIN`, `\u0430dmin` (Cyrillic a)
    and `adrnin` all meet `admin`.

    A name is suspicious when it is not "moderately restrictive" (Latin may be mixed with one
    other script, but never with Cyrillic or Greek), mixes digits of several systems, or
    stacks invisible or repeated marks."""

    CHECKS = (icu.USpoofChecks.RESTRICTION_LEVEL | icu.USpoofChecks.MIXED_NUMBERS
              | icu.USpoofChecks.INVISIBLE)

    def __init__(self) -> None:
        # A SpoofChecker is not documented as safe to share between threads: one per thread.
        self._local = threading.local()

    def _checker(self) -> icu.SpoofChecker:
        checker = getattr(self._local, "checker", None)
        if checker is None:
            checker = icu.SpoofChecker()
            checker.setChecks(self.CHECKS)
            checker.setRestrictionLevel(icu.URestrictionLevel.MODERATELY_RESTRICTIVE)
            self._local.checker = checker
        return checker

    def skeleton(self, name: str) -> str:
        return unicodedata.normalize("NFC", self._checker().getSkeleton(0, identity_key(name)))

    def is_suspicious(self, name: str) -> bool:
        return self._checker().check(unicodedata.normalize("NFC", name)) != 0
