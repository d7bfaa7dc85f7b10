"""The composition root: the one place that picks concrete adapters for the ports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
import falcon
from sqlalchemy import Engine

from cultureup.adapters.ratelimit.memory import InMemoryRateLimiter
from cultureup.adapters.ratelimit.redis import RedisRateLimiter
from cultureup.adapters.security.password_policy import StandardPasswordPolicy
from cultureup.adapters.security.passwords import Argon2PasswordHasher
from cultureup.adapters.security.qr import PillowQrCodeRenderer
from cultureup.adapters.security.sealing import AesGcmSecretSealer, HmacDigest
from cultureup.adapters.security.tokens import SecretTokenService
from cultureup.adapters.security.totp import PyOtpOneTimePasswords
from cultureup.adapters.sqlalchemy import migrate
from cultureup.adapters.sqlalchemy.engine import build_engine
from cultureup.adapters.sqlalchemy.queries import (
    SqlAlchemyAuditQueries,
    SqlAlchemyCategoryQueries,
    SqlAlchemyJobQueries,
)
from cultureup.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork
from cultureup.adapters.system import InProcessEventPublisher, SystemClock
from cultureup.application.accounts import AccountService, LoginThrottle
from cultureup.application.audit import AuditService
from cultureup.application.bids import BidService
from cultureup.application.categories import CategoryService
from cultureup.application.jobs import JobService
from cultureup.application.ports import Clock, RateLimiter
from cultureup.application.sample_data import SampleDataService
from cultureup.application.services import UseCases
from cultureup.application.two_factor import TwoFactorService
from cultureup.config import Settings
from cultureup.entrypoints.http import create_app
from cultureup.entrypoints.http.ratelimit import RateLimit


def _rate_limiter(settings: Settings) -> RateLimiter:
    if settings.rate_limit_backend == "redis":
        return RedisRateLimiter.from_url(settings.redis_url)
    return InMemoryRateLimiter()


@attrs.frozen(kw_only=True)
class Services(UseCases):
    """The use cases plus the infrastructure they were built on."""

    settings: Settings
    engine: Engine
    clock: Clock
    events: InProcessEventPublisher
    limiter: RateLimiter

    def upgrade_database(self) -> None:
        """Apply pending schema migrations."""
        migrate.upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None,
              upgrade_database: bool = False, **overrides: Any) -> Services:
    """Build the services from settings (read from the environment when not given).

    `clock` replaces the system clock (tests, simulations); `overrides` replace settings fields.
    Nothing is built at import time, and nothing touches the database unless
    `upgrade_database` is true.
    """
    settings = settings or Settings.from_env()
    if overrides:
        settings = attrs.evolve(settings, **overrides)
    engine = build_engine(settings.database_url)
    if upgrade_database:
        migrate.upgrade(engine)
    clock = clock or SystemClock()
    events = InProcessEventPublisher()

    def uow(*, read_only: bool = False) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(engine, read_only=read_only)

    job_queries = SqlAlchemyJobQueries(engine)
    hasher = Argon2PasswordHasher(time_cost=settings.password_hash_time_cost,
                                  memory_cost=settings.password_hash_memory_kib)
    limiter = _rate_limiter(settings)
    tokens = SecretTokenService()
    accounts = AccountService(
        uow=uow, clock=clock, hasher=hasher, policy=StandardPasswordPolicy(),
        tokens=tokens, events=events,
        token_ttl=timedelta(days=settings.token_ttl_days) if settings.token_ttl_days else None,
        limiter=limiter,
        throttle=LoginThrottle(per_username=settings.login_failures_per_username,
                               per_client=settings.login_failures_per_client,
                               window=timedelta(minutes=settings.login_failure_window_minutes)),
    )
    secret_key = settings.resolve_secret_key()
    two_factor = TwoFactorService(
        uow=uow, clock=clock, otp=PyOtpOneTimePasswords(), qr=PillowQrCodeRenderer(),
        sealer=AesGcmSecretSealer(secret_key), backup_digest=HmacDigest(secret_key),
        hasher=hasher, tokens=tokens, issue_token=accounts.issue_token)
    categories = CategoryService(uow=uow, queries=SqlAlchemyCategoryQueries(engine), clock=clock)
    jobs = JobService(uow=uow, queries=job_queries, clock=clock, events=events)
    bids = BidService(uow=uow, queries=job_queries, clock=clock, events=events)
    return Services(
        settings=settings, engine=engine, clock=clock, events=events, limiter=limiter,
        accounts=accounts, two_factor=two_factor, categories=categories, jobs=jobs, bids=bids,
        audit=AuditService(queries=SqlAlchemyAuditQueries(engine)),
        sample_data=SampleDataService(accounts=accounts, categories=categories, jobs=jobs,
                                      bids=bids, uow=uow, clock=clock),
    )


def http_app(services: Services) -> falcon.App:
    """The WSGI app for these services, with the request budgets their settings ask for."""
    settings = services.settings
    rate_limit = None
    if settings.rate_limit_enabled:
        rate_limit = RateLimit(services.limiter, services.clock,
                               anonymous_per_hour=settings.rate_limit_anonymous_per_hour,
                               user_per_hour=settings.rate_limit_user_per_hour)
    return create_app(services, rate_limit=rate_limit,
                      trust_forwarded_for=settings.trust_forwarded_for)
