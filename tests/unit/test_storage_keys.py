"""Storage keys in URLs: the fast path for plain keys gives what checking and quoting give."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cultureup.adapters.storage.local import KEY_MAX, check_key, key_path

SEGMENT = st.text(alphabet=st.sampled_from("aZ09._~-/%: \\\x00é"), max_size=12)


def _slow(key: str) -> str:
    return quote(check_key(key), safe="/")


@given(st.one_of(SEGMENT, st.text(max_size=40),
                 st.lists(SEGMENT, min_size=1, max_size=5).map("/".join)))
@example("media/artworks/12_wm.jpg")
@example("a/../b")
@example("./a")
@example("a//b")
@example("/a")
@example(".hidden/a")
@example("a/.")
@example("x" * (KEY_MAX + 1))
@example("")
def test_key_path_is_the_checked_and_quoted_key(key: str) -> None:
    try:
        expected = _slow(key)
    except ValueError:
        with pytest.raises(ValueError):
            key_path(key)
        return
    assert key_path(key) == expected
