"""The e-mail rule is one pattern, shared by the domain and the OpenAPI document: a value the
document admits is one the domain takes."""

from __future__ import annotations

import pytest

from cultureup.domain.accounts.users import EMAIL_PATTERN


@pytest.mark.parametrize("email", ["ayesha@example.com", "a.b+c@mail.example.pk"])
def test_ordinary_addresses_match(email: str) -> None:
    assert EMAIL_PATTERN.fullmatch(email)


@pytest.mark.parametrize("email", ["a\x00b@example.com", "ab@exa\x00mple.com",
                                   "ab@example.c\x00m", "ab@example", "no-at.example.com"])
def test_null_characters_and_malformed_addresses_do_not_match(email: str) -> None:
    assert not EMAIL_PATTERN.fullmatch(email)
