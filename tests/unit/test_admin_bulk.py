"""The one cap of bulk admin requests: counted as given, repeats included; each id acted on
once, in the order first given."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cultureup.domain.admin.bulk import BULK_MAX_IDS, bulk_ids_error, distinct_ids

ids = st.lists(st.integers(min_value=1, max_value=BULK_MAX_IDS), max_size=BULK_MAX_IDS + 3)


@given(ids)
def test_refused_exactly_when_none_or_more_than_the_cap(given_ids: list[int]) -> None:
    error = bulk_ids_error(given_ids, "artwork")
    assert (error is None) == (0 < len(given_ids) <= BULK_MAX_IDS)
    if given_ids and error is not None:
        assert f"At most {BULK_MAX_IDS} artwork ids" in error and str(len(given_ids)) in error


@given(ids)
def test_distinct_keeps_the_first_order_once_each(given_ids: list[int]) -> None:
    once = distinct_ids(given_ids)
    assert len(once) == len(set(given_ids)) and set(once) == set(given_ids)
    assert once == sorted(once, key=given_ids.index)
