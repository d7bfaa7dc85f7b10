"""Abuse limits: request budgets per caller, and one budget of failed passwords per account.

Both are sliding windows counted by the `RateLimiter` port: a budget of N per window allows at
most N events in any window-long span, so no burst at a window edge doubles it, and Retry-After
is the time until the oldest counted event leaves the window.
"""

from __future__ import annotations

from datetime import timedelta

import attrs

from cultureup.application.audit import record
from cultureup.application.ports import Clock, PasswordHasher, RateLimiter, UnitOfWork
from cultureup.application.views import RateDecision
from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor, User
from cultureup.domain.audit import AuditAction
from cultureup.domain.errors import RateLimited, ValidationFailed
from cultureup.domain.text import identity_key

HOUR = timedelta(hours=1)
LOGIN_THROTTLED_MESSAGE = "Too many failed login attempts. Try again later."
PASSWORD_THROTTLED_MESSAGE = "Too many wrong passwords. Try again later."  # noqa: S105
INVALID_PASSWORD = "Invalid password"  # noqa: S105 - a message


@attrs.frozen(kw_only=True)
class LoginThrottle:
    """How many failed passwords are tolerated in any `window`: per account (per name typed
    when it names no account) and per client address."""

    per_account: int = 5
    per_client: int = 20
    window: timedelta = timedelta(minutes=15)


@attrs.frozen(kw_only=True)
class AttemptKeys:
    subject: str
    client: str | None


class PasswordAttempts:
    """Failed password checks, wherever the password is typed (login, password change, 2FA
    disable, backup codes), count against one budget per account and one per client.

    The account is the key when the login names one, by username or by e-mail, so both ways of
    naming it share the budget; a name that is no account is keyed by its folded text, so an
    unknown name is throttled exactly like a known one."""

    def __init__(self, *, limiter: RateLimiter, throttle: LoginThrottle, hasher: PasswordHasher,
                 clock: Clock) -> None:
        self._limiter, self._throttle = limiter, throttle
        self._hasher, self._clock = hasher, clock

    @property
    def throttle(self) -> LoginThrottle:
        return self._throttle

    def keys(self, *, user: User | None, typed: str, ip: str | None) -> AttemptKeys:
        if user is not None and user.id is not None:
            subject = f"password-failures:account:{user.id}"
        else:
            subject = f"password-failures:name:{identity_key(typed)}"
        return AttemptKeys(subject=subject,
                           client=f"password-failures:client:{ip}" if ip else None)

    def refusal(self, keys: AttemptKeys, message: str) -> RateLimited | None:
        """The error to answer when either budget is spent, None while both have room."""
        for key, limit in self._budgets(keys):
            decision = self._limiter.peek(key, limit=limit, window=self._throttle.window)
            if not decision.allowed:
                return RateLimited(message, retry_after=decision.retry_after)
        return None

    def failed(self, keys: AttemptKeys) -> None:
        for key, limit in self._budgets(keys):
            self._limiter.hit(key, limit=limit, window=self._throttle.window)

    def succeeded(self, keys: AttemptKeys) -> None:
        """A right password clears its account's failures (not the client's)."""
        self._limiter.reset(keys.subject, limit=self._throttle.per_account,
                            window=self._throttle.window)

    def confirm(self, uow: UnitOfWork, actor: Actor, user: User, password: str, *,
                purpose: str, field: str, ip: str | None,
                message: str = INVALID_PASSWORD) -> None:
        """Check the password of a signed-in user who confirms a sensitive change. Refused
        with 429 (and audited) while the account's budget is spent, without hashing; a wrong
        password is counted and audited (committed, although the request fails) and answered
        with a 400 on `field`."""
        now = self._clock.now()
        keys = self.keys(user=user, typed=user.username, ip=ip)
        refused = self.refusal(keys, PASSWORD_THROTTLED_MESSAGE)
        if refused is not None:
            record(uow, now=now, action=AuditAction.PASSWORD_CHECK_THROTTLED,
                   actor_id=actor.id, actor_username=actor.username, target_type="user",
                   target_id=actor.id, ip_address=ip, purpose=purpose)
            uow.commit()
            raise refused
        if not self._hasher.verify(user.password_hash, password):
            self.failed(keys)
            record(uow, now=now, action=AuditAction.PASSWORD_CHECK_FAILED, actor_id=actor.id,
                   actor_username=actor.username, target_type="user", target_id=actor.id,
                   ip_address=ip, purpose=purpose)
            uow.commit()
            raise ValidationFailed({field: [INVALID_PASSWORD]}, message)
        self.succeeded(keys)

    def _budgets(self, keys: AttemptKeys) -> list[tuple[str, int]]:
        budgets = [(keys.subject, self._throttle.per_account)]
        if keys.client is not None:
            budgets.append((keys.client, self._throttle.per_client))
        return budgets


@attrs.frozen(kw_only=True)
class RequestBudgets:
    """Requests per hour: anonymous callers per client address, users per account; callers
    holding Permission.UNMETERED_REQUESTS (admins and the superuser, by the role table) have
    no budget."""

    anonymous_per_hour: int = 100
    user_per_hour: int = 1000


class RequestLimiter:
    def __init__(self, *, limiter: RateLimiter, budgets: RequestBudgets) -> None:
        self._limiter, self._budgets = limiter, budgets

    @property
    def budgets(self) -> RequestBudgets:
        return self._budgets

    def charge(self, actor: Actor | None, client: str | None) -> RateDecision | None:
        """Count one request against the caller's budget; None when the caller has none."""
        if can(actor, Permission.UNMETERED_REQUESTS):
            return None
        if actor is not None:
            key, limit = f"requests:user:{actor.id}", self._budgets.user_per_hour
        else:
            key, limit = f"requests:client:{client}", self._budgets.anonymous_per_hour
        return self._limiter.hit(key, limit=limit, window=HOUR)

    @staticmethod
    def refusal(decision: RateDecision) -> RateLimited:
        return RateLimited(f"Request limit of {decision.limit} per hour reached. "
                           "Try again later.", retry_after=decision.retry_after)
