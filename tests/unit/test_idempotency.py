"""The idempotency rule with an in-memory key store: replay, refusal, release, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.application.commerce.idempotency import (
    Claim,
    IdempotencyKeyInFlight,
    IdempotencyKeyReused,
    IdempotentRequests,
    StoredAnswer,
    check_key,
    fingerprint,
)
from cultureup.domain.errors import ValidationFailed


class MemoryStore:
    def __init__(self) -> None:
        self.rows: dict[tuple[int, str], dict] = {}

    def claim(self, user_id, key, fingerprint, *, now, expires_at):  # type: ignore[no-untyped-def]
        row = self.rows.get((user_id, key))
        if row is not None and row["expires_at"] <= now:
            row = None
        if row is None:
            self.rows[(user_id, key)] = {"fingerprint": fingerprint, "answer": None,
                                         "expires_at": expires_at}
            return Claim(claimed=True)
        return Claim(claimed=False, fingerprint=row["fingerprint"], answer=row["answer"])

    def finish(self, user_id, key, answer):  # type: ignore[no-untyped-def]
        self.rows[(user_id, key)]["answer"] = answer

    def release(self, user_id, key):  # type: ignore[no-untyped-def]
        self.rows.pop((user_id, key), None)

    def purge_expired(self, *, now):  # type: ignore[no-untyped-def]
        gone = [k for k, row in self.rows.items() if row["expires_at"] <= now]
        for k in gone:
            del self.rows[k]
        return len(gone)


class Clock:
    def __init__(self) -> None:
        self.current = datetime(2026, 3, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


def keeper() -> tuple[IdempotentRequests, Clock, list[int]]:
    clock, calls = Clock(), []
    return IdempotentRequests(store=MemoryStore(), clock=clock, ttl=timedelta(hours=24)), \
        clock, calls


def ok(calls: list[int], status: int = 201) -> StoredAnswer:
    calls.append(1)
    return StoredAnswer(status=status, body=f"answer {len(calls)}".encode(),
                        content_type="application/json")


def test_a_repeat_replays_without_running_again() -> None:
    requests, _, calls = keeper()
    first = requests.run(1, "k", "f", lambda: ok(calls))
    again = requests.run(1, "k", "f", lambda: ok(calls))
    assert first == (again[0], False) and again[1] is True and len(calls) == 1


def test_another_request_with_the_key_is_refused_and_not_run() -> None:
    requests, _, calls = keeper()
    requests.run(1, "k", "f", lambda: ok(calls))
    with pytest.raises(IdempotencyKeyReused):
        requests.run(1, "k", "other", lambda: ok(calls))
    assert len(calls) == 1


def test_a_key_held_by_a_running_request_is_a_conflict() -> None:
    requests, _, calls = keeper()

    def nested() -> StoredAnswer:
        with pytest.raises(IdempotencyKeyInFlight):
            requests.run(1, "k", "f", lambda: ok(calls))
        return ok(calls)

    requests.run(1, "k", "f", nested)
    assert len(calls) == 1


def test_errors_release_the_key() -> None:
    requests, _, calls = keeper()
    with pytest.raises(ValueError):
        requests.run(1, "k", "f", lambda: (_ for _ in ()).throw(ValueError("boom")))
    assert requests.run(1, "k", "f", lambda: ok(calls, 400))[1] is False
    assert requests.run(1, "k", "g", lambda: ok(calls))[1] is False
    assert len(calls) == 2


def test_keys_expire_and_belong_to_one_user() -> None:
    requests, clock, calls = keeper()
    requests.run(1, "k", "f", lambda: ok(calls))
    requests.run(2, "k", "other", lambda: ok(calls))
    clock.current += timedelta(hours=24)
    assert requests.run(1, "k", "new", lambda: ok(calls))[1] is False
    assert len(calls) == 3
    clock.current += timedelta(hours=24)
    assert requests.purge_expired() == 2


@pytest.mark.parametrize("key", ["", " ", "a b", "é", "x" * 256, "tab\there"])
def test_malformed_keys_are_refused(key: str) -> None:
    with pytest.raises(ValidationFailed):
        check_key(key)


@given(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=5))
def test_the_fingerprint_ignores_field_order(body: dict) -> None:
    reordered = dict(reversed(list(body.items())))
    assert fingerprint("POST /api/orders", body) == fingerprint("POST /api/orders", reordered)
    assert fingerprint("POST /api/orders", body) != fingerprint("POST /api/payments", body)
