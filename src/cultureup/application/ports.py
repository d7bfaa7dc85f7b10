"""Ports: what the use cases need from the outside world, as small Protocols."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Protocol, Self

from cultureup.application.catalog.artwork_ports import ArtworkRepository
from cultureup.application.catalog.ports import (
    ArtistProfileRepository,
    BuyerProfileRepository,
    EquipmentRepository,
)
from cultureup.application.collaboration.ports import (
    AnalyticsRepository,
    ContractRepository,
    MessageRepository,
    NotificationRepository,
    ReviewRepository,
)
from cultureup.application.commerce.ports import (
    ArtworkHolds,
    EquipmentStock,
    Ledger,
    OrderRepository,
    PaymentRepository,
    ProcessedEvents,
)
from cultureup.application.moderation.ports import ContentRepository, VerificationRepository
from cultureup.application.moderation.sanction_ports import (
    ModerationActionRepository,
    ReportRepository,
)
from cultureup.application.views import (
    AuditFilters,
    BidFilters,
    BidView,
    CategoryView,
    JobFilters,
    JobView,
    Page,
    PageRequest,
    RateDecision,
)
from cultureup.domain.accounts.two_factor import LoginChallenge, TwoFactorAccount
from cultureup.domain.accounts.users import User
from cultureup.domain.audit import AuditEntry
from cultureup.domain.catalog.categories import Category
from cultureup.domain.events import DomainEvent
from cultureup.domain.hiring.jobs import Job


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str:
        """A salted, slow hash of the password, safe to store."""
        ...

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether the password matches; False (never an exception) when it does not."""
        ...

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with parameters weaker than the current ones."""
        ...


class PasswordPolicy(Protocol):
    def problems(self, password: str, *, user_attributes: Iterable[str]) -> list[str]:
        """Human-readable reasons the password is too weak; empty when it is acceptable."""
        ...


class TokenService(Protocol):
    def new_token(self) -> str:
        """A fresh random token for a client, with at least 128 bits of entropy."""
        ...

    def digest(self, token: str) -> str:
        """The stored form of a token: a one-way digest."""
        ...


class UserRepository(Protocol):
    def add(self, user: User) -> None:
        """Store a new user and give it an id."""
        ...

    def get(self, user_id: int) -> User:
        """The user with this id; raises NotFound."""
        ...

    def find_by_login(self, key: str) -> User | None:
        """The user whose username key or e-mail key (`identity_key`) is `key`. Should one
        account's e-mail and another's username share it (accounts stored before the two were
        kept apart), the e-mail's owner."""
        ...

    def username_taken(self, key: str, *, exclude_id: int | None = None) -> bool:
        """Whether another user has this username key."""
        ...

    def email_taken(self, key: str, *, exclude_id: int | None = None) -> bool:
        """Whether another user has this e-mail key."""
        ...

    def skeleton_taken(self, skeleton: str, *, exclude_id: int | None = None) -> bool:
        """Whether another user's username has this confusable skeleton."""
        ...

    def lock_login_names(self) -> None:
        """Until the transaction ends, make other transactions that add or change a username
        or e-mail wait, so that checks across accounts and the write that follows are one."""
        ...

    def get_many(self, user_ids: Iterable[int]) -> list[User]:
        """The accounts of those ids that exist (any order), locked for this unit of work
        where the database locks rows."""
        ...

    def save(self, user: User) -> None:
        """Write the changed fields of a loaded user."""
        ...


class ConfusableNames(Protocol):
    """Unicode TR39 confusable detection for usernames."""

    def skeleton(self, name: str) -> str:
        """A key under which names that look alike (whatever their case) are equal."""
        ...

    def is_suspicious(self, name: str) -> bool:
        """Whether the name mixes scripts or digit systems as a spoof would (TR39
        restriction level), or holds invisible characters."""
        ...


class TokenRepository(Protocol):
    def add(self, *, user_id: int, digest: str, created_at: datetime,
            expires_at: datetime | None) -> None:
        """Store the digest of a newly issued token."""
        ...

    def find_user_id(self, digest: str, *, now: datetime) -> int | None:
        """The owner of a live (not revoked, not expired) token with this digest."""
        ...

    def revoke(self, digest: str, *, now: datetime) -> None:
        """Revoke one token; a token already revoked stays revoked."""
        ...

    def revoke_all(self, user_id: int, *, now: datetime) -> None:
        """Revoke every live token of a user (after a password change)."""
        ...


class CategoryRepository(Protocol):
    def add(self, category: Category) -> None:
        """Store a new category and give it an id."""
        ...

    def find(self, category_id: int) -> Category | None:
        """The category with this id, or None."""
        ...

    def find_by_name(self, name: str) -> Category | None:
        """The category with this name, ignoring case, or None."""
        ...

    def get(self, category_id: int) -> Category:
        """The category, locked for this unit of work; raises NotFound."""
        ...

    def save(self, category: Category) -> None: ...


class JobRepository(Protocol):
    def add(self, job: Job) -> None:
        """Store a new job and give it an id."""
        ...

    def get(self, job_id: int) -> Job:
        """The job with its bids; raises NotFound."""
        ...

    def get_by_bid(self, bid_id: int) -> Job:
        """The job that holds this bid, with all its bids; raises NotFound."""
        ...

    def save(self, job: Job) -> None:
        """Write the job and its bids; raises ConcurrentUpdate if it changed since loaded."""
        ...

    def delete(self, job: Job) -> None:
        """Remove the job and its bids."""
        ...


class TwoFactorRepository(Protocol):
    def get(self, user_id: int) -> TwoFactorAccount:
        """The user's 2FA state, locked for this unit of work; a blank one if never set up."""
        ...

    def save(self, account: TwoFactorAccount) -> None:
        """Write the state and its backup codes."""
        ...


class LoginChallengeRepository(Protocol):
    def add(self, challenge: LoginChallenge) -> None:
        """Store a new challenge."""
        ...

    def find(self, digest: str) -> LoginChallenge | None:
        """The challenge with this digest, locked for this unit of work, if any."""
        ...

    def save(self, challenge: LoginChallenge) -> None:
        """Write a consumed challenge."""
        ...


class AuditLog(Protocol):
    def add(self, entry: AuditEntry) -> None:
        """Append one entry in the current transaction; entries are never changed."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository; rolls back unless committed."""

    users: UserRepository
    tokens: TokenRepository
    categories: CategoryRepository
    jobs: JobRepository
    two_factor: TwoFactorRepository
    challenges: LoginChallengeRepository
    audit: AuditLog
    artworks: ArtworkRepository
    artist_profiles: ArtistProfileRepository
    buyer_profiles: BuyerProfileRepository
    equipment: EquipmentRepository
    orders: OrderRepository
    artwork_holds: ArtworkHolds
    stock: EquipmentStock
    payments: PaymentRepository
    ledger: Ledger
    processed_events: ProcessedEvents
    contracts: ContractRepository
    messages: MessageRepository
    reviews: ReviewRepository
    notifications: NotificationRepository
    analytics: AnalyticsRepository
    content: ContentRepository
    moderation_actions: ModerationActionRepository
    reports: ReportRepository
    verification: VerificationRepository

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def commit(self) -> None:
        """Make every change of this unit durable, or raise a domain error; then run the
        `after_commit` steps, in order (the first step's error is raised after all ran: the
        changes stay committed)."""
        ...

    def after_commit(self, step: Callable[[], None]) -> None:
        """Run `step` once this unit has committed (never if it rolls back): work outside
        the database that must follow the committed state, such as moving files."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work; `read_only` promises no writes, which lets the database
        serve it without taking the write lock."""
        ...


class JobQueries(Protocol):
    """Read models for jobs and bids, each page in a fixed number of queries."""

    def list_jobs(self, filters: JobFilters, page: PageRequest) -> Page[JobView]: ...

    def get_job(self, job_id: int) -> JobView:
        """Raises NotFound."""
        ...

    def list_bids(self, filters: BidFilters, page: PageRequest) -> Page[BidView]: ...

    def get_bid(self, bid_id: int) -> BidView:
        """Raises NotFound."""
        ...


class CategoryQueries(Protocol):
    def list_categories(self, *, include_inactive: bool,
                        page: PageRequest) -> Page[CategoryView]: ...

    def get_category(self, category_id: int) -> CategoryView:
        """Raises NotFound."""
        ...


class EventPublisher(Protocol):
    def publish(self, events: Iterable[DomainEvent]) -> None:
        """Hand committed events to their handlers; never raises into the caller."""
        ...


class AuditQueries(Protocol):
    def list_entries(self, filters: AuditFilters, page: PageRequest) -> Page[AuditEntry]:
        """Entries newest first."""
        ...


class OneTimePasswords(Protocol):
    def new_secret(self) -> str:
        """A fresh base32 TOTP secret (160 bits)."""
        ...

    def matching_step(self, secret: str, code: str, *, now: datetime) -> int | None:
        """The RFC 6238 time step (30 s) whose 6-digit code equals `code`, looking one step
        either side of now and no further; None when none does."""
        ...

    def provisioning_uri(self, secret: str, *, account_name: str, issuer: str) -> str:
        """The otpauth:// URI authenticator apps read from a QR code."""
        ...

    def new_backup_codes(self, count: int) -> list[str]:
        """Random single-use backup codes, as shown to the user."""
        ...


class QrCodeRenderer(Protocol):
    def png_data_uri(self, text: str) -> str:
        """A data:image/png;base64 URI of a QR code holding `text`."""
        ...


class SecretSealer(Protocol):
    def seal(self, plain: str) -> str:
        """Encrypt and authenticate a secret for storage."""
        ...

    def unseal(self, sealed: str) -> str:
        """Decrypt a sealed secret; raises ValueError when it was tampered with."""
        ...


class KeyedDigest(Protocol):
    def digest(self, value: str) -> str:
        """A keyed one-way digest (HMAC) of a short secret such as a backup code."""
        ...


class RateLimiter(Protocol):
    """Sliding-window budgets: at most `limit` events per key in any `window`-long span,
    counted in the limiter's own clock and shared as far as its storage reaches."""

    def hit(self, key: str, *, limit: int, window: timedelta) -> RateDecision:
        """Count one event for `key` if it fits the budget and say whether it did (a refused
        event is not counted)."""
        ...

    def peek(self, key: str, *, limit: int, window: timedelta) -> RateDecision:
        """Whether one more event would fit, without counting one."""
        ...

    def reset(self, key: str, *, limit: int, window: timedelta) -> None:
        """Forget the events of `key` for this budget."""
        ...
