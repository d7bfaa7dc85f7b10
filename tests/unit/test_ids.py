"""How ids and whole numbers are read from text (domain/ids.py), and the command line's
parsers built on it: ASCII digits only, ids within the database's range."""

from __future__ import annotations

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st

from cultureup.domain.ids import MAX_ID, id_of, integer_of
from cultureup.entrypoints.cli.common import id_number, whole_number

ASCII_DIGITS = "0123456789"


@given(st.text(max_size=25))
def test_any_text_is_an_id_only_when_it_is_ascii_digits_in_range(text: str) -> None:
    found = id_of(text)
    is_digits = bool(text) and all(c in ASCII_DIGITS for c in text)
    if found is None:
        assert not is_digits or len(text) > 10 or not 1 <= int(text) <= MAX_ID
    else:
        assert is_digits and int(text) == found and 1 <= found <= MAX_ID


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_every_id_written_in_ascii_digits_is_read_back(number: int) -> None:
    assert id_of(str(number)) == number
    assert id_number(str(number)) == number


@pytest.mark.parametrize("text", [
    "\u0661\u0662", "\uff15", "\u00b2", "0", "-1", "+1", " 1", "1_0", "1e3", "",
    str(MAX_ID + 1), str(2**63), str(2**64), "9" * 30])
def test_what_is_not_an_id(text: str) -> None:
    assert id_of(text) is None
    with pytest.raises(typer.BadParameter, match="not an id"):
        id_number(text)


@given(st.text(max_size=22))
def test_a_whole_number_is_a_sign_and_ascii_digits(text: str) -> None:
    found = integer_of(text)
    if found is not None:
        assert str(found) == str(int(text)) and all(
            c in ASCII_DIGITS for c in text.lstrip("+-"))
    elif text.lstrip("+-") and all(c in ASCII_DIGITS for c in text.lstrip("+-")):
        assert len(text.lstrip("+-")) > 20 or text[:2].count("+") + text[:2].count("-") > 1


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_whole_number_keeps_its_bounds(number: int) -> None:
    parse = whole_number(1, 200)
    if 1 <= number <= 200:
        assert parse(str(number)) == number
    else:
        with pytest.raises(typer.BadParameter, match="out of range"):
            parse(str(number))


@pytest.mark.parametrize("text", ["\u0661\u0662", "\uff15", "1.5", "", " 3"])
def test_a_whole_number_in_other_digits_is_refused(text: str) -> None:
    with pytest.raises(typer.BadParameter, match="ASCII digits"):
        whole_number()(text)
