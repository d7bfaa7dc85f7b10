"""Idempotency keys: a client that repeats a money request with the same `Idempotency-Key`
gets the first answer again instead of a second order, payment, charge, release or refund.

The rule (after the IETF draft "The Idempotency-Key HTTP Header Field" and Stripe's API):

- A key belongs to the user who sent it; keys of different users never meet.
- The first request with a key claims it (a committed row) before it runs. When it answers
  with success, the status and body are stored with the key; the same key with the same
  request (same operation, same body) then replays them, without running anything again.
- The same key with a different request is refused with 409 (`IdempotencyKeyReused`): it is
  a client bug, and answering with the first request's result would hide it.
- While the first request still runs, the same key is refused with 409 and `Retry-After: 1`
  (`IdempotencyKeyInFlight`); the client retries later and then gets the stored answer. The
  `Retry-After` header (and the message) tell this race from the reuse above.
- An error answer is not stored: the claim is dropped, so the client may retry with the same
  key (an error changed nothing, so running the request again is safe).
- Keys expire `ttl` after they were claimed (`CULTUREUP_IDEMPOTENCY_KEY_HOURS`, 24 h);
  afterwards the key is new again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

import attrs

from cultureup.application.ports import Clock
from cultureup.domain.errors import InvalidState, ValidationFailed

KEY_MAX = 255
HEADER = "Idempotency-Key"


class IdempotencyKeyReused(InvalidState):
    """The key was used before for a different request (409, no Retry-After)."""


class IdempotencyKeyInFlight(InvalidState):
    """The first request with this key has not finished yet (409 with Retry-After: 1)."""


@attrs.frozen
class StoredAnswer:
    status: int
    body: bytes
    content_type: str


@attrs.frozen
class Claim:
    """What `claim` found: `answer` when the key was used for this request and answered;
    `fingerprint` of the request that holds the key when it is someone else's (or running);
    neither when this call now holds the key."""

    claimed: bool
    fingerprint: str | None = None
    answer: StoredAnswer | None = None


class IdempotencyStore(Protocol):
    def claim(self, user_id: int, key: str, fingerprint: str, *, now: datetime,
              expires_at: datetime) -> Claim:
        """Take the key for this request unless a live (unexpired) row holds it; an expired
        row is replaced. Committed before returning, so a concurrent claim sees it."""
        ...

    def finish(self, user_id: int, key: str, answer: StoredAnswer) -> None:
        """Store the answer of the request holding the key (committed)."""
        ...

    def release(self, user_id: int, key: str) -> None:
        """Drop the claim of a request that failed, so the key can be used again."""
        ...

    def purge_expired(self, *, now: datetime) -> int:
        """Delete the expired keys; how many."""
        ...


def check_key(key: str) -> str:
    """A key is 1-255 printable ASCII characters (a UUID is typical)."""
    if not key or len(key) > KEY_MAX or not all(" " < ch < "\x7f" for ch in key):
        raise ValidationFailed({HEADER: [
            f"Send 1 to {KEY_MAX} printable ASCII characters without spaces "
            "(a random UUID, say)."]},
            f"The {HEADER} header must be 1 to {KEY_MAX} printable ASCII characters.")
    return key


def fingerprint(operation: str, body: Any) -> str:
    """SHA-256 of the operation (method and path) and the validated body as canonical JSON:
    the same fields with the same values are the same request however they were encoded."""
    canonical = json.dumps([operation, body], sort_keys=True, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotentRequests:
    def __init__(self, *, store: IdempotencyStore, clock: Clock, ttl: timedelta) -> None:
        self._store, self._clock, self._ttl = store, clock, ttl

    def run(self, user_id: int, key: str, request_fingerprint: str,
            perform: Callable[[], StoredAnswer]) -> tuple[StoredAnswer, bool]:
        """The answer to the request and whether it is a replay.

        `perform` runs the request at most once per live key and returns its answer; it is
        stored when its status is below 400. Raises `ValidationFailed` (400) for a malformed
        key, `IdempotencyKeyReused` (409) for a key used with another request,
        `IdempotencyKeyInFlight` (409) while the first request runs. Whatever `perform`
        raises is re-raised after the key is released."""
        check_key(key)
        now = self._clock.now()
        claim = self._store.claim(user_id, key, request_fingerprint, now=now,
                                  expires_at=now + self._ttl)
        if not claim.claimed:
            if claim.fingerprint != request_fingerprint:
                raise IdempotencyKeyReused(
                    f"This {HEADER} was already used for a different request; use a new "
                    "key for a new request.")
            if claim.answer is None:
                raise IdempotencyKeyInFlight(
                    f"A request with this {HEADER} is still being processed; retry shortly.")
            return claim.answer, True
        try:
            answer = perform()
        except BaseException:
            self._store.release(user_id, key)
            raise
        if answer.status >= 400:
            self._store.release(user_id, key)
        else:
            self._store.finish(user_id, key, answer)
        return answer, False

    def purge_expired(self) -> int:
        """Delete the keys that have expired (they would be replaced on use anyway)."""
        return self._store.purge_expired(now=self._clock.now())
