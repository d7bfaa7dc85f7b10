"""Two-factor authentication: one account's TOTP secret, replay guard, lockout and backup codes.

Checking a code against a secret is measurement and lives behind a port; what counts as an
acceptable, fresh, not-yet-used answer, and when the account locks, is decided here.
"""

from __future__ import annotations

import hmac
import math
from datetime import datetime, timedelta

import attrs

from cultureup.domain.errors import InvalidState, RateLimited

SETUP_TTL = timedelta(minutes=30)
CHALLENGE_TTL = timedelta(minutes=10)
BACKUP_CODE_COUNT = 10
FAILURES_PER_LOCK = 5
FIRST_LOCK = timedelta(minutes=15)
# Doubling stops here so a forgotten account is not locked for years.
LONGEST_LOCK = timedelta(days=7)


@attrs.define(eq=False, kw_only=True)
class BackupCode:
    id: int | None = None
    digest: str
    used_at: datetime | None = None


@attrs.define(eq=False, kw_only=True)
class TwoFactorAccount:
    """The 2FA state of one user. Secrets are kept sealed (encrypted) by the application."""

    user_id: int
    enabled: bool = False
    sealed_secret: str | None = None
    pending_sealed_secret: str | None = None
    pending_created_at: datetime | None = None
    # The last accepted TOTP time step: a code for this step or an older one is a replay.
    last_used_step: int = -1
    failed_attempts: int = 0
    locked_until: datetime | None = None
    backup_codes: list[BackupCode] = attrs.Factory(list)
    updated_at: datetime | None = None
    is_new: bool = attrs.field(default=False, repr=False)

    # -- setup -----------------------------------------------------------------------------

    def pending_setup(self, now: datetime) -> str | None:
        """The sealed secret of a setup started less than 30 minutes ago, if any."""
        if self.pending_sealed_secret and self.pending_created_at and \
                now < self.pending_created_at + SETUP_TTL:
            return self.pending_sealed_secret
        return None

    def setup_minutes_left(self, now: datetime) -> int:
        assert self.pending_created_at is not None
        left = (self.pending_created_at + SETUP_TTL - now).total_seconds()
        return max(1, math.ceil(left / 60))

    def start_setup(self, sealed_secret: str, now: datetime) -> None:
        if self.enabled:
            raise InvalidState("Two-factor authentication is already enabled.")
        self.pending_sealed_secret = sealed_secret
        self.pending_created_at = now
        self.updated_at = now

    def reset_setup(self, now: datetime) -> None:
        self.pending_sealed_secret = None
        self.pending_created_at = None
        self.updated_at = now

    def enable(self, *, step: int, backup_digests: list[str], now: datetime) -> None:
        """Turn 2FA on with the pending secret, once a code from it was accepted at `step`."""
        if self.enabled:
            raise InvalidState("Two-factor authentication is already enabled.")
        if self.pending_setup(now) is None:
            raise InvalidState("No setup in progress, or it expired. Call the setup endpoint "
                               "for a new QR code.")
        self.sealed_secret, self.pending_sealed_secret = self.pending_sealed_secret, None
        self.pending_created_at = None
        self.enabled = True
        self.last_used_step = step
        self.replace_backup_codes(backup_digests, now)

    def disable(self, now: datetime) -> None:
        if not self.enabled:
            raise InvalidState("Two-factor authentication is not enabled.")
        self.enabled = False
        self.sealed_secret = None
        self.last_used_step = -1
        self.backup_codes = []
        self.updated_at = now

    def replace_backup_codes(self, digests: list[str], now: datetime) -> None:
        self.backup_codes = [BackupCode(digest=digest) for digest in digests]
        self.updated_at = now

    @property
    def backup_codes_left(self) -> int:
        return sum(1 for code in self.backup_codes if code.used_at is None)

    # -- verification ----------------------------------------------------------------------

    def ensure_not_locked(self, now: datetime) -> None:
        if self.locked_until is not None and now < self.locked_until:
            raise RateLimited(
                "Too many failed verification attempts. Try again later.",
                retry_after=math.ceil((self.locked_until - now).total_seconds()))

    def accept_step(self, step: int, now: datetime) -> bool:
        """Accept a TOTP code that matched `step`, unless that step (or a later one) was used."""
        if step <= self.last_used_step:
            return False
        self.last_used_step = step
        self._succeeded(now)
        return True

    def use_backup_code(self, digest: str, now: datetime) -> bool:
        """Spend the unused backup code with this digest, if there is one."""
        for code in self.backup_codes:
            if code.used_at is None and hmac.compare_digest(code.digest, digest):
                code.used_at = now
                self._succeeded(now)
                return True
        return False

    def record_failure(self, now: datetime) -> bool:
        """Count a wrong code; every fifth in a row locks, each lock twice as long as the
        last. Returns whether this failure started a lock."""
        self.failed_attempts += 1
        self.updated_at = now
        if self.failed_attempts % FAILURES_PER_LOCK:
            return False
        doublings = self.failed_attempts // FAILURES_PER_LOCK - 1
        self.locked_until = now + min(FIRST_LOCK * (2 ** min(doublings, 20)), LONGEST_LOCK)
        return True

    def _succeeded(self, now: datetime) -> None:
        self.failed_attempts = 0
        self.locked_until = None
        self.updated_at = now


@attrs.define(eq=False, kw_only=True)
class LoginChallenge:
    """The short-lived, single-use session between a correct password and a correct code."""

    id: int | None = None
    user_id: int
    digest: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def issue(cls, *, user_id: int, digest: str, now: datetime) -> LoginChallenge:
        return cls(user_id=user_id, digest=digest, created_at=now, expires_at=now + CHALLENGE_TTL)

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def consume(self, now: datetime) -> None:
        self.used_at = now
