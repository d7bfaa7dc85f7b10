"""`retried` runs a transaction again while the database gives it up for a concurrent one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.application.transactions import retried
from cultureup.domain.errors import ConcurrentUpdate, InvalidState


@given(failures=st.integers(min_value=0, max_value=6), attempts=st.integers(1, 5))
def test_runs_until_it_commits_or_attempts_run_out(failures: int, attempts: int) -> None:
    calls = []

    def transaction() -> str:
        calls.append(1)
        if len(calls) <= failures:
            raise ConcurrentUpdate("deadlock")
        return "committed"

    if failures < attempts:
        assert retried(transaction, attempts) == "committed"
        assert len(calls) == failures + 1
    else:
        with pytest.raises(ConcurrentUpdate):
            retried(transaction, attempts)
        assert len(calls) == attempts


def test_any_other_error_is_the_answer_at_once() -> None:
    calls = []

    def transaction() -> None:
        calls.append(1)
        raise InvalidState("hired already")

    with pytest.raises(InvalidState):
        retried(transaction)
    assert calls == [1]
