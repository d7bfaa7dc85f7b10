"""A unit of work over one database transaction; it rolls back unless committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from cultureup.adapters.sqlalchemy.catalog.artwork_repositories import SqlAlchemyArtworkRepository
from cultureup.adapters.sqlalchemy.catalog.repositories import (
    SqlAlchemyArtistProfileRepository,
    SqlAlchemyBuyerProfileRepository,
    SqlAlchemyEquipmentRepository,
)
from cultureup.adapters.sqlalchemy.collaboration.repositories import (
    SqlAlchemyAnalyticsRepository,
    SqlAlchemyContractRepository,
    SqlAlchemyMessageRepository,
    SqlAlchemyNotificationRepository,
    SqlAlchemyReviewRepository,
)
from cultureup.adapters.sqlalchemy.commerce.repositories import (
    SqlAlchemyArtworkHolds,
    SqlAlchemyEquipmentStock,
    SqlAlchemyLedger,
    SqlAlchemyOrderRepository,
    SqlAlchemyPaymentRepository,
    SqlAlchemyProcessedEvents,
)
from cultureup.adapters.sqlalchemy.integrity import domain_error_for
from cultureup.adapters.sqlalchemy.moderation.repositories import SqlAlchemyContentRepository
from cultureup.adapters.sqlalchemy.moderation.sanction_repositories import (
    SqlAlchemyModerationActionRepository,
    SqlAlchemyReportRepository,
)
from cultureup.adapters.sqlalchemy.moderation.verification import (
    SqlAlchemyVerificationRepository,
)
from cultureup.adapters.sqlalchemy.repositories import (
    SqlAlchemyCategoryRepository,
    SqlAlchemyJobRepository,
    SqlAlchemyTokenRepository,
    SqlAlchemyUserRepository,
)
from cultureup.adapters.sqlalchemy.security_repositories import (
    SqlAlchemyAuditLog,
    SqlAlchemyLoginChallengeRepository,
    SqlAlchemyTwoFactorRepository,
)
from cultureup.domain.errors import ConcurrentUpdate


class SqlAlchemyUnitOfWork:
    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: Connection | None = None
        self._after_commit: list[Callable[[], None]] = []

    def __enter__(self) -> Self:
        connection = self._engine.connect()
        # SQLite writers take the write lock at BEGIN; readers need not wait for it.
        connection.execution_options(sqlite_begin="DEFERRED" if self._read_only else "IMMEDIATE")
        connection.begin()
        self._connection = connection
        self._after_commit = []
        self.users = SqlAlchemyUserRepository(connection)
        self.tokens = SqlAlchemyTokenRepository(connection)
        self.categories = SqlAlchemyCategoryRepository(connection)
        self.jobs = SqlAlchemyJobRepository(connection)
        self.two_factor = SqlAlchemyTwoFactorRepository(connection)
        self.challenges = SqlAlchemyLoginChallengeRepository(connection)
        self.audit = SqlAlchemyAuditLog(connection)
        self.artworks = SqlAlchemyArtworkRepository(connection)
        self.artist_profiles = SqlAlchemyArtistProfileRepository(connection)
        self.buyer_profiles = SqlAlchemyBuyerProfileRepository(connection)
        self.equipment = SqlAlchemyEquipmentRepository(connection)
        self.orders = SqlAlchemyOrderRepository(connection)
        self.artwork_holds = SqlAlchemyArtworkHolds(connection)
        self.stock = SqlAlchemyEquipmentStock(connection)
        self.payments = SqlAlchemyPaymentRepository(connection)
        self.ledger = SqlAlchemyLedger(connection)
        self.processed_events = SqlAlchemyProcessedEvents(connection)
        self.contracts = SqlAlchemyContractRepository(connection)
        self.messages = SqlAlchemyMessageRepository(connection)
        self.reviews = SqlAlchemyReviewRepository(connection)
        self.notifications = SqlAlchemyNotificationRepository(connection)
        self.analytics = SqlAlchemyAnalyticsRepository(connection)
        self.content = SqlAlchemyContentRepository(connection)
        self.moderation_actions = SqlAlchemyModerationActionRepository(connection)
        self.reports = SqlAlchemyReportRepository(connection)
        self.verification = SqlAlchemyVerificationRepository(connection)
        return self

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        assert self._connection is not None
        try:
            self._connection.rollback()
        finally:
            self._connection.close()
            self._connection = None
        _translate(exc)

    def commit(self) -> None:
        assert self._connection is not None
        try:
            self._connection.commit()
        except (IntegrityError, OperationalError) as exc:
            _translate(exc)
            raise
        run_after_commit(self._after_commit)

    def after_commit(self, step: Callable[[], None]) -> None:
        self._after_commit.append(step)


def run_after_commit(steps: list[Callable[[], None]]) -> None:
    """Run every step once, in order, even when one fails; then raise the first error."""
    pending, failure = list(steps), None
    steps.clear()
    for step in pending:
        try:
            step()
        except Exception as exc:
            failure = failure or exc
    if failure is not None:
        raise failure


def _translate(exc: BaseException | None) -> None:
    """Turn constraint violations, serialization failures and deadlocks into domain
    errors."""
    if isinstance(exc, IntegrityError):
        raise domain_error_for(exc) from exc
    if isinstance(exc, OperationalError) and (
            getattr(exc.orig, "sqlstate", None) in GIVEN_UP or "could not serialize" in str(
                exc.orig)):
        raise ConcurrentUpdate("Someone else changed this at the same time; try again.") from exc


# PostgreSQL's SQLSTATEs for a transaction ended for a concurrent one: a serialization
# failure and a deadlock (either may succeed when run again: application/transactions.py).
GIVEN_UP = ("40001", "40P01")
