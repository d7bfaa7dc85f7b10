"""Password strength: length, common passwords, similarity to the user, all-digit passwords."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 8
MAX_LENGTH = 128
MAX_SIMILARITY = 0.7


@cache
def common_passwords() -> frozenset[str]:
    """About 30,000 passwords most often seen in leaks, lower-cased (shipped with zxcvbn)."""
    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


class StandardPasswordPolicy:
    """The checks of a careful site: each failure is one message shown to the user."""

    def __init__(self, *, min_length: int = MIN_LENGTH) -> None:
        self._min_length = min_length

    def problems(self, password: str, *, user_attributes: Iterable[str]) -> list[str]:
        problems: list[str] = []
        if len(password) < self._min_length:
            problems.append(f"This password is too short. It must contain at least "
                            f"{self._min_length} characters.")
        if len(password) > MAX_LENGTH:
            problems.append(f"This password is too long. Use at most {MAX_LENGTH} characters.")
        if password.isdigit():
            problems.append("This password is entirely numeric.")
        if password.lower() in common_passwords():
            problems.append("This password is too common.")
        if _too_similar(password, user_attributes):
            problems.append("The password is too similar to your personal information.")
        return problems


def _too_similar(password: str, attributes: Iterable[str]) -> bool:
    lowered = password.lower()
    for attribute in attributes:
        if not attribute:
            continue
        for part in {attribute.lower(), *re.split(r"\W+", attribute.lower())}:
            if len(part) < 3:
                continue
            matcher = SequenceMatcher(a=lowered, b=part)
            if matcher.quick_ratio() >= MAX_SIMILARITY and matcher.ratio() >= MAX_SIMILARITY:
                return True
    return False
