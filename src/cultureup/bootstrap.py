"""The composition root: the one place that picks concrete adapters for the ports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
from sqlalchemy import Engine

from cultureup.adapters.security.password_policy import StandardPasswordPolicy
from cultureup.adapters.security.passwords import Argon2PasswordHasher
from cultureup.adapters.security.tokens import SecretTokenService
from cultureup.adapters.sqlalchemy import migrate
from cultureup.adapters.sqlalchemy.engine import build_engine
from cultureup.adapters.sqlalchemy.queries import SqlAlchemyCategoryQueries, SqlAlchemyJobQueries
from cultureup.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork
from cultureup.adapters.system import InProcessEventPublisher, SystemClock
from cultureup.application.accounts import AccountService
from cultureup.application.bids import BidService
from cultureup.application.categories import CategoryService
from cultureup.application.jobs import JobService
from cultureup.application.ports import Clock
from cultureup.application.sample_data import SampleDataService
from cultureup.application.services import UseCases
from cultureup.config import Settings


@attrs.frozen(kw_only=True)
class Services(UseCases):
    """The use cases plus the infrastructure they were built on."""

    settings: Settings
    engine: Engine
    clock: Clock
    events: InProcessEventPublisher

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

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(engine)

    job_queries = SqlAlchemyJobQueries(engine)
    hasher = Argon2PasswordHasher(time_cost=settings.password_hash_time_cost,
                                  memory_cost=settings.password_hash_memory_kib)
    accounts = AccountService(
        uow=uow, clock=clock, hasher=hasher, policy=StandardPasswordPolicy(),
        tokens=SecretTokenService(), events=events,
        token_ttl=timedelta(days=settings.token_ttl_days) if settings.token_ttl_days else None,
    )
    categories = CategoryService(uow=uow, queries=SqlAlchemyCategoryQueries(engine), clock=clock)
    jobs = JobService(uow=uow, queries=job_queries, clock=clock, events=events)
    bids = BidService(uow=uow, queries=job_queries, clock=clock, events=events)
    return Services(
        settings=settings, engine=engine, clock=clock, events=events, accounts=accounts,
        categories=categories, jobs=jobs, bids=bids,
        sample_data=SampleDataService(accounts=accounts, categories=categories, jobs=jobs,
                                      bids=bids, uow=uow, clock=clock),
    )
