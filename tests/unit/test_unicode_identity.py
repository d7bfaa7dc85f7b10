# ruff: noqa: RUF001, RUF003  (look-alike characters are what these tests are about)
"""One canonical form per username and e-mail, computed in Python: case, width, composition,
ligatures and invisible characters never make two accounts of one name, and a name may
neither look like another account's name nor be another account's e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cultureup.adapters.security.confusables import IcuConfusableNames
from cultureup.application.accounts.users import (
    EMAIL_TAKEN,
    USERNAME_CONFUSABLE,
    USERNAME_SUSPICIOUS,
    USERNAME_TAKEN,
    ProfileChanges,
    Registration,
)
from cultureup.domain.accounts.users import UserType
from cultureup.domain.errors import ValidationFailed
from cultureup.domain.text import (
    MAX_WORD_LENGTH,
    fold,
    identity_key,
    search_text,
    search_words,
    unicode_fold,
    unicode_search_words,
)
from tests.unit.builders import Marketplace

PASSWORD = "Sturdy-Brush-42"


# -- the canonical form ----------------------------------------------------------------------

@pytest.mark.parametrize("variants", [
    ("Émile_r2", "émile_r2", "E\u0301mile_r2", "ÉMILE_R2"),  # case, composed or not
    ("İlyas", "İLYAS", "I\u0307lyas"),  # Turkish dotted capital I
    ("ΝΙΚΟΣ", "νικος", "νικοσ", "Νικος"),  # final sigma
    ("Straße", "STRASSE", "strasse", "STRAẞE"),  # sharp s
    ("ａｄｍｉｎ", "admin", "ADMIN", "Ａdmin"),  # fullwidth
    ("ﬁle_art", "file_art", "FILE_ART"),  # ligature
    ("ad\u200dmin", "ad\u200cmin", "admin\ufe0f", "ad\u00admin", "admin"),  # invisible
    ("victim@example.com", "VICTIM@EXAMPLE.COM", " Victim@Example.Com "),
])
def test_variants_of_one_name_have_one_key(variants: tuple[str, ...]) -> None:
    assert len({identity_key(variant) for variant in variants}) == 1


@pytest.mark.parametrize(("one", "other"), [
    ("ilyas", "İlyas"),  # the dot is kept: a different name, found apart
    ("ılyas", "ilyas"),  # dotless i is its own letter
    ("émile", "emile"),  # accents distinguish names (they do not for search)
    ("νίκος", "νικος"),
])
def test_different_names_keep_different_keys(one: str, other: str) -> None:
    assert identity_key(one) != identity_key(other)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_keys_and_search_text_are_fixed_points(text: str) -> None:
    key = identity_key(text)
    assert identity_key(key) == key
    folded = search_text(text)
    assert search_text(folded) == folded


# -- confusables (ICU, TR39) -----------------------------------------------------------------

@pytest.fixture(scope="module")
def icu_names() -> IcuConfusableNames:
    return IcuConfusableNames()


@pytest.mark.parametrize("look_alikes", [
    ("admin", "\u0430dmin", "ADMIN", "ａｄｍｉｎ", "adrnin"),  # Cyrillic a, case, width, rn
    ("paypal", "p\u0430yp\u0430l", "PAYPAL"),
    ("user_l", "user_1"),
    ("pay", "\u0440\u0430\u0443"),  # a whole word in Cyrillic letters
    ("ΝΙΚΟΣ", "νικος"),
])
def test_names_that_look_alike_share_a_skeleton(icu_names: IcuConfusableNames,
                                                look_alikes: tuple[str, ...]) -> None:
    assert len({icu_names.skeleton(name) for name in look_alikes}) == 1


@pytest.mark.parametrize(("name", "suspicious"), [
    ("admin", False), ("Émile_r2", False), ("ΝΙΚΟΣ", False), ("İlyas", False),
    ("اردو_خطاط", False), ("山田taro", False), ("user_2024", False),
    ("p\u0430ypal", True),  # Latin with a Cyrillic letter
    ("ab\u03b1c", True),  # Latin with a Greek letter
    ("\u0661" + "2", True), ("\u0967" + "2", True),  # digits of two systems
])
def test_names_that_mix_scripts_are_suspicious(icu_names: IcuConfusableNames, name: str,
                                               suspicious: bool) -> None:
    assert icu_names.is_suspicious(name) is suspicious


# -- registration and login --------------------------------------------------------------------

def register(market: Marketplace, username: str, email: str | None = None,
             **overrides: Any) -> Any:
    return market.accounts.register(Registration(
        username=username, email=email or f"{abs(hash(username))}@example.com",
        password=PASSWORD, password_confirm=PASSWORD, user_type="artist",
        first_name="First", last_name="Last", **overrides))


def refused(market: Marketplace, username: str, email: str | None = None) -> dict[str, Any]:
    with pytest.raises(ValidationFailed) as error:
        register(market, username, email)
    return error.value.details


@pytest.mark.parametrize(("stored", "typed"), [
    ("Émile_r2", "émile_r2"), ("Émile_r2", "E\u0301MILE_R2"), ("İlyas", "İLYAS"),
    ("ΝΙΚΟΣ", "νικος"), ("Straße", "strasse"), ("admin", "ａｄｍｉｎ"),
])
def test_login_with_any_variant_of_the_name(market: Marketplace, stored: str,
                                            typed: str) -> None:
    user = register(market, stored)
    assert user.username == stored
    result = market.accounts.login(username=typed, password=PASSWORD)
    assert result.user.id == user.id and result.token


@pytest.mark.parametrize(("first", "second"), [
    ("Émile_r2", "émile_r2"), ("admin", "ａｄｍｉｎ"), ("file_art", "ﬁle_art"),
    ("Straße", "STRASSE"), ("ΝΙΚΟΣ", "νικοσ"),
])
def test_a_variant_of_a_taken_name_is_refused(market: Marketplace, first: str,
                                              second: str) -> None:
    register(market, first)
    assert refused(market, second) == {"username": [USERNAME_TAKEN]}


def test_a_name_that_looks_like_a_taken_one_is_refused(market: Marketplace) -> None:
    register(market, "poco_2")
    # Cyrillic р, о, с: one script throughout, so not suspicious; but it looks the same.
    assert refused(market, "\u0440\u043e\u0441\u043e_2") == {
        "username": [USERNAME_CONFUSABLE]}
    assert refused(market, "poc\u043e_2") == {"username": [USERNAME_SUSPICIOUS]}


def test_a_name_mixing_scripts_is_refused(market: Marketplace) -> None:
    assert refused(market, "p\u0430yp\u0430l") == {"username": [USERNAME_SUSPICIOUS]}


def test_a_username_may_not_be_another_accounts_email(market: Marketplace) -> None:
    victim = register(market, "victim", "victim@example.com")
    assert refused(market, "VICTIM@EXAMPLE.COM") == {"username": [USERNAME_TAKEN]}
    assert refused(market, "victim@example.com") == {"username": [USERNAME_TAKEN]}
    # The victim's e-mail still opens the victim's account, whatever its case.
    found = market.accounts.login(username="Victim@Example.COM", password=PASSWORD)
    assert found.user.id == victim.id


def test_an_email_may_not_be_another_accounts_username(market: Marketplace) -> None:
    register(market, "studio@lahore.pk", "owner@example.com")
    assert refused(market, "someone", "STUDIO@lahore.pk") == {"email": [EMAIL_TAKEN]}
    other = register(market, "other", "other@example.com")
    with pytest.raises(ValidationFailed) as error:
        market.accounts.update_profile(market.store.user(other.id).as_actor(),
                                       ProfileChanges(email="Studio@Lahore.PK"))
    assert error.value.details == {"email": [EMAIL_TAKEN]}


def test_an_email_variant_is_taken(market: Marketplace) -> None:
    register(market, "emile", "émile@example.com")
    assert refused(market, "emile2", "ÉMILE@EXAMPLE.COM") == {"email": [EMAIL_TAKEN]}


def test_ones_own_email_may_be_ones_username(market: Marketplace) -> None:
    user = register(market, "me@example.com", "ME@example.com")
    result = market.accounts.login(username="me@EXAMPLE.com", password=PASSWORD)
    assert result.user.id == user.id


def test_of_two_old_accounts_sharing_a_login_the_email_owner_logs_in(
        market: Marketplace) -> None:
    # Stored before the rule: an attacker's username is the victim's e-mail in capitals.
    victim = market.store.seed_user(username="victim", user_type=UserType.ARTIST,
                                    email="victim@example.com",
                                    password_hash=market.hasher.hash("Victim-Pass-42"))
    market.store.seed_user(username="VICTIM@EXAMPLE.COM", user_type=UserType.ARTIST,
                           email="attacker@example.com",
                           password_hash=market.hasher.hash("Attacker-Pass-42"))
    found = market.accounts.login(username="victim@example.com", password="Victim-Pass-42")
    assert found.user.id == victim.id
    with pytest.raises(ValidationFailed):
        market.accounts.login(username="victim@example.com", password="Attacker-Pass-42")


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60)
       | st.builds(lambda word, rest: word + rest,
                   st.text(alphabet="aZ9", min_size=MAX_WORD_LENGTH - 1,
                           max_size=MAX_WORD_LENGTH + 2),
                   st.text(alphabet=st.characters(max_codepoint=127), max_size=10)))
def test_ascii_text_has_the_words_the_unicode_rules_give(text: str) -> None:
    """The ASCII road of `search_words` (lowercase, runs of letters and digits) finds what
    the character-by-character Unicode rules find, long words dropped alike."""
    assert search_words(text) == unicode_search_words(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_text_folds_as_the_unicode_rules_fold_it(text: str) -> None:
    # Usernames and e-mail addresses are folded for their identity key on every write.
    assert fold(text) == unicode_fold(text)
    assert identity_key(text) == unicode_fold(text.strip()).strip()
