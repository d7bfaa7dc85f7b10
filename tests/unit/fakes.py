"""In-memory fakes for every port in `cultureup.application.ports`.

One `InMemoryStore` holds the committed state of a test. Each `InMemoryUnitOfWork` reads
from it (deep copies, so the caller's objects never alias stored ones) and buffers its own
writes; `commit` applies the buffer, leaving the `with` block without committing drops it.
Saving a job checks its version like the SQL repository, so a stale aggregate raises
`ConcurrentUpdate`.

The fakes deliberately do not enforce the bid constraints the database has (one bid per
artist and job, one accepted bid per job): the domain must keep those rules on its own, and
the unit tests check that it does. Users (by identity key) and categories keep their
case-insensitive unique
names, as the database does.
"""

from __future__ import annotations

import base64
import copy
import itertools
import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Self, TypeVar

import attrs

from cultureup.adapters.sqlalchemy.uow import run_after_commit
from cultureup.application.catalog.search import parse_search_query
from cultureup.application.views import (
    AuditFilters,
    BidFilters,
    BidJobRef,
    BidView,
    CategoryView,
    JobFilters,
    JobView,
    Page,
    PageRequest,
    RateDecision,
    UserRef,
)
from cultureup.domain.accounts.two_factor import LoginChallenge, TwoFactorAccount
from cultureup.domain.accounts.users import User, UserType
from cultureup.domain.audit import AuditEntry
from cultureup.domain.catalog.categories import Category
from cultureup.domain.errors import ConcurrentUpdate, NotFound, ValidationFailed
from cultureup.domain.events import DomainEvent
from cultureup.domain.hiring.jobs import Bid, Job
from cultureup.domain.moderation.content import ContentType
from cultureup.domain.money import Money
from cultureup.domain.text import identity_key, search_words
from tests.unit.collaboration_fakes import TABLES as COLLABORATION_TABLES
from tests.unit.collaboration_fakes import (
    CollaborationState,
    InMemoryAnalyticsRepository,
    InMemoryContractRepository,
    InMemoryMessageRepository,
    InMemoryNotificationRepository,
    InMemoryReviewRepository,
    commit_collaboration,
)
from tests.unit.moderation_fakes import InMemoryContentRepository
from tests.unit.sanction_fakes import (
    InMemoryModerationActions,
    InMemoryReports,
    ModerationState,
)

T = TypeVar("T")
E = TypeVar("E", bound=DomainEvent)

DEFAULT_NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


# -- clock, security and events -----------------------------------------------------------


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = DEFAULT_NOW) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now


class FakePasswordHasher:
    """Cheap and transparent: the hash of `pw` is `"<scheme>:pw"`.

    Hashes of any scheme verify; those of another scheme than the current one need a rehash,
    which is how a test stands for "made with weaker parameters"."""

    def __init__(self, scheme: str = "hashed") -> None:
        self.scheme = scheme
        self.verify_calls = 0

    def hash(self, password: str) -> str:
        return f"{self.scheme}:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        self.verify_calls += 1
        _, separator, stored = password_hash.partition(":")
        return bool(separator) and stored == password

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(f"{self.scheme}:")


class FakePasswordPolicy:
    """Refuses short passwords and those listed as weak; remembers what it was asked."""

    TOO_SHORT = "This password is too short."
    TOO_COMMON = "This password is too common."

    def __init__(self, *, min_length: int = 8,
                 weak: Iterable[str] = ("password", "12345678")) -> None:
        self.min_length = min_length
        self.weak = frozenset(weak)
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def problems(self, password: str, *, user_attributes: Iterable[str]) -> list[str]:
        self.calls.append((password, tuple(user_attributes)))
        problems: list[str] = []
        if len(password) < self.min_length:
            problems.append(self.TOO_SHORT)
        if password.lower() in self.weak:
            problems.append(self.TOO_COMMON)
        return problems


class FakeTokenService:
    """Predictable tokens ("token-1", "token-2", ...) and a visible digest."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def new_token(self) -> str:
        return f"token-{next(self._counter)}"

    def digest(self, token: str) -> str:
        return f"digest({token})"


class RecordingEventPublisher:
    """Keeps every published event; listeners run at publish time (to look at the store)."""

    def __init__(self) -> None:
        self.batches: list[list[DomainEvent]] = []
        self._listeners: list[Callable[[DomainEvent], None]] = []

    def publish(self, events: Iterable[DomainEvent]) -> None:
        batch = list(events)
        self.batches.append(batch)
        for event in batch:
            for listener in self._listeners:
                listener(event)

    def subscribe(self, listener: Callable[[DomainEvent], None]) -> None:
        self._listeners.append(listener)

    @property
    def events(self) -> list[DomainEvent]:
        return [event for batch in self.batches for event in batch]

    def of_type(self, event_type: type[E]) -> list[E]:
        return [event for event in self.events if isinstance(event, event_type)]

    def clear(self) -> None:
        self.batches.clear()


class FakeRateLimiter:
    """A sliding log per key: exact, deterministic, in the time of the clock it is given.
    Like the real limiter, a refused event is not counted."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock()
        self.events: dict[str, list[datetime]] = {}

    def _recent(self, key: str, window: timedelta) -> list[datetime]:
        now = self.clock.now()
        recent = [at for at in self.events.get(key, []) if now - window < at <= now]
        self.events[key] = recent
        return recent

    def _decide(self, recent: list[datetime], *, allowed: bool, limit: int,
                window: timedelta) -> RateDecision:
        retry_after = 0
        if not allowed and recent:
            retry_after = max(1, math.ceil((recent[0] + window - self.clock.now())
                                           .total_seconds()))
        return RateDecision(allowed=allowed, limit=limit,
                            remaining=max(0, limit - len(recent)), retry_after=retry_after)

    def hit(self, key: str, *, limit: int, window: timedelta) -> RateDecision:
        recent = self._recent(key, window)
        allowed = len(recent) < limit
        if allowed:
            recent.append(self.clock.now())
        return self._decide(recent, allowed=allowed, limit=limit, window=window)

    def peek(self, key: str, *, limit: int, window: timedelta) -> RateDecision:
        recent = self._recent(key, window)
        return self._decide(recent, allowed=len(recent) < limit, limit=limit, window=window)

    def reset(self, key: str, *, limit: int, window: timedelta) -> None:
        self.events.pop(key, None)


class FakeConfusableNames:
    """A few TR39 confusables by hand (the real table is ICU's): Cyrillic look-alikes of
    Latin letters, 1 for l, rn for m; names mixing Latin and Cyrillic letters are
    suspicious."""

    LOOK_ALIKES = {"\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p",
                   "\u0441": "c", "1": "l"}

    def skeleton(self, name: str) -> str:
        key = identity_key(name)
        return "".join(self.LOOK_ALIKES.get(c, c) for c in key).replace("rn", "m")

    def is_suspicious(self, name: str) -> bool:
        scripts = {unicodedata.name(c, "").split(" ")[0] for c in name if c.isalpha()}
        return {"LATIN", "CYRILLIC"} <= scripts


class FakeOneTimePasswords:
    """TOTP without cryptography: the code of a step is derived from the secret and step
    number in a way tests can compute with `code_at`."""

    STEP_SECONDS = 30

    def __init__(self) -> None:
        self._secrets = itertools.count(1)
        self._backup = itertools.count(1)

    def new_secret(self) -> str:
        return f"SECRET{next(self._secrets):04d}"

    @classmethod
    def step_at(cls, now: datetime) -> int:
        return int(now.timestamp()) // cls.STEP_SECONDS

    @staticmethod
    def code_for(secret: str, step: int) -> str:
        return f"{(sum(map(ord, secret)) * 7919 + step) % 1_000_000:06d}"

    @classmethod
    def code_at(cls, secret: str, now: datetime) -> str:
        return cls.code_for(secret, cls.step_at(now))

    def matching_step(self, secret: str, code: str, *, now: datetime) -> int | None:
        current = self.step_at(now)
        for step in (current - 1, current, current + 1):
            if self.code_for(secret, step) == "".join(code.split()):
                return step
        return None

    def provisioning_uri(self, secret: str, *, account_name: str, issuer: str) -> str:
        return f"otpauth://totp/{issuer}:{account_name}?secret={secret}&issuer={issuer}"

    def new_backup_codes(self, count: int) -> list[str]:
        return [f"BACKUP{next(self._backup):02d}" for _ in range(count)]


class FakeQrCodeRenderer:
    def png_data_uri(self, text: str) -> str:
        return "data:image/png;base64," + base64.b64encode(text.encode()).decode()


class FakeSecretSealer:
    """Sealed secrets are visibly wrapped; anything else is 'tampered with'."""

    def seal(self, plain: str) -> str:
        return f"sealed({plain})"

    def unseal(self, sealed: str) -> str:
        if not (sealed.startswith("sealed(") and sealed.endswith(")")):
            raise ValueError("the sealed secret was tampered with")
        return sealed[len("sealed("):-1]


class FakeKeyedDigest:
    def digest(self, value: str) -> str:
        return f"hmac({value})"


# -- the store and the unit of work ---------------------------------------------------------


@attrs.define(kw_only=True)
class StoredToken:
    user_id: int
    digest: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None = None


class InMemoryStore:
    """The committed state of one test: what a database would hold."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.tokens: dict[str, StoredToken] = {}
        self.categories: dict[int, Category] = {}
        self.jobs: dict[int, Job] = {}
        self.two_factor: dict[int, TwoFactorAccount] = {}
        self.challenges: dict[str, LoginChallenge] = {}
        self.audit: list[AuditEntry] = []
        self.collaboration = CollaborationState()
        self.moderation = ModerationState()
        self.commits = 0
        self._sequences = {name: itertools.count(1) for name in (
            "users", "categories", "jobs", "bids", "backup_codes", "challenges", "audit")}

    def next_id(self, sequence: str) -> int:
        """Like a database sequence: ids are never reused, even after a rollback."""
        return next(self._sequences[sequence])

    def unit_of_work(self, *, read_only: bool = False) -> InMemoryUnitOfWork:
        """A `UnitOfWorkFactory` (the store has no write lock to spare readers)."""
        return InMemoryUnitOfWork(self)

    # -- reading committed state in assertions ----------------------------------------------

    def job(self, job_id: int) -> Job:
        """A copy of the committed job."""
        return copy.deepcopy(self.jobs[job_id])

    def user(self, user_id: int) -> User:
        return copy.deepcopy(self.users[user_id])

    def bids(self) -> Iterator[Bid]:
        """Every committed bid (the stored objects; do not change them)."""
        for job in self.jobs.values():
            yield from job.bids

    def find_bid(self, bid_id: int) -> Bid | None:
        return next((bid for bid in self.bids() if bid.id == bid_id), None)

    def audit_actions(self) -> list[str]:
        return [entry.action for entry in self.audit]

    # -- seeding, as if an earlier transaction had committed -------------------------------

    def seed_user(self, *, username: str, user_type: UserType, now: datetime = DEFAULT_NOW,
                  email: str | None = None, password_hash: str = "hashed:Unused-Pass-1",
                  is_active: bool = True, is_staff: bool = False,
                  is_superuser: bool = False, **fields: Any) -> User:
        user = User(
            id=self.next_id("users"), username=username,
            email=email if email is not None else f"{username}@example.com",
            password_hash=password_hash, first_name=username.title(), last_name="Tester",
            user_type=user_type, is_active=is_active, is_staff=is_staff,
            is_superuser=is_superuser, created_at=now, updated_at=now, **fields,
        )
        assert user.id is not None
        self.users[user.id] = copy.deepcopy(user)
        return user

    def seed_category(self, *, name: str, is_active: bool = True,
                      now: datetime = DEFAULT_NOW) -> Category:
        category = Category(id=self.next_id("categories"), name=name,
                            description=f"All about {name}", is_active=is_active,
                            created_at=now, updated_at=now)
        assert category.id is not None
        self.categories[category.id] = copy.deepcopy(category)
        return category


_DELETED = None


@attrs.define
class _Changes:
    """What one unit of work has written and not yet committed (None marks a deletion)."""

    users: dict[int, User | None] = attrs.Factory(dict)
    tokens: dict[str, StoredToken | None] = attrs.Factory(dict)
    categories: dict[int, Category | None] = attrs.Factory(dict)
    jobs: dict[int, Job | None] = attrs.Factory(dict)
    two_factor: dict[int, TwoFactorAccount | None] = attrs.Factory(dict)
    challenges: dict[str, LoginChallenge | None] = attrs.Factory(dict)
    audit: list[AuditEntry] = attrs.Factory(list)
    collaboration: dict[str, dict[int, Any]] = attrs.Factory(
        lambda: {name: {} for name in COLLABORATION_TABLES})
    # For each job saved or added: the committed version it was based on (None when new).
    job_base_versions: dict[int, int | None] = attrs.Factory(dict)

    def clear(self) -> None:
        for table in (self.users, self.tokens, self.categories, self.jobs, self.two_factor,
                      self.challenges, self.audit, self.job_base_versions,
                      *self.collaboration.values()):
            table.clear()


K = TypeVar("K")
V = TypeVar("V")


def _visible(committed: dict[K, V], pending: dict[K, V | None]) -> dict[K, V]:
    """The rows this transaction sees: its own writes over the committed ones."""
    merged: dict[K, V | None] = {**committed, **pending}
    return {key: value for key, value in merged.items() if value is not None}


class _Repository:
    def __init__(self, store: InMemoryStore, changes: _Changes) -> None:
        self._store = store
        self._changes = changes


class InMemoryUserRepository(_Repository):
    def _rows(self) -> dict[int, User]:
        return _visible(self._store.users, self._changes.users)

    def add(self, user: User) -> None:
        user.id = self._store.next_id("users")
        self._changes.users[user.id] = copy.deepcopy(user)

    def get(self, user_id: int) -> User:
        user = self._rows().get(user_id)
        if user is None:
            raise NotFound("User not found.")
        return copy.deepcopy(user)

    def find_by_login(self, key: str) -> User | None:
        matches = [user for user in self._rows().values()
                   if key in (user.username_key, user.email_key)]
        # As the SQL repository: the e-mail's owner wins over a username equal to it.
        matches.sort(key=lambda user: (user.email_key != key, user.id))
        return copy.deepcopy(matches[0]) if matches else None

    def username_taken(self, key: str, *, exclude_id: int | None = None) -> bool:
        return any(user.username_key == key and user.id != exclude_id
                   for user in self._rows().values())

    def email_taken(self, key: str, *, exclude_id: int | None = None) -> bool:
        return any(user.email_key == key and user.id != exclude_id
                   for user in self._rows().values())

    def skeleton_taken(self, skeleton: str, *, exclude_id: int | None = None) -> bool:
        return any(user.username_skeleton == skeleton and user.id != exclude_id
                   for user in self._rows().values())

    def lock_login_names(self) -> None:
        """Nothing to do: in-memory units of work do not run concurrently."""

    def get_many(self, user_ids: Iterable[int]) -> list[User]:
        rows = self._rows()
        return [copy.deepcopy(rows[user_id]) for user_id in sorted(set(user_ids))
                if user_id in rows]

    def save(self, user: User) -> None:
        assert user.id is not None and user.id in self._rows(), "save only loaded users"
        self._changes.users[user.id] = copy.deepcopy(user)


class InMemoryTokenRepository(_Repository):
    def _rows(self) -> dict[str, StoredToken]:
        return _visible(self._store.tokens, self._changes.tokens)

    def add(self, *, user_id: int, digest: str, created_at: datetime,
            expires_at: datetime | None) -> None:
        assert digest not in self._rows(), "token digests are unique"
        self._changes.tokens[digest] = StoredToken(user_id=user_id, digest=digest,
                                                   created_at=created_at,
                                                   expires_at=expires_at)

    def find_user_id(self, digest: str, *, now: datetime) -> int | None:
        token = self._rows().get(digest)
        if token is None or token.revoked_at is not None:
            return None
        if token.expires_at is not None and token.expires_at <= now:
            return None
        return token.user_id

    def revoke(self, digest: str, *, now: datetime) -> None:
        token = self._rows().get(digest)
        if token is not None and token.revoked_at is None:
            self._changes.tokens[digest] = attrs.evolve(token, revoked_at=now)

    def revoke_all(self, user_id: int, *, now: datetime) -> None:
        for digest, token in self._rows().items():
            if token.user_id == user_id and token.revoked_at is None:
                self._changes.tokens[digest] = attrs.evolve(token, revoked_at=now)


class InMemoryCategoryRepository(_Repository):
    def _rows(self) -> dict[int, Category]:
        return _visible(self._store.categories, self._changes.categories)

    def add(self, category: Category) -> None:
        category.id = self._store.next_id("categories")
        self._changes.categories[category.id] = copy.deepcopy(category)

    def find(self, category_id: int) -> Category | None:
        category = self._rows().get(category_id)
        return copy.deepcopy(category)

    def find_by_name(self, name: str) -> Category | None:
        wanted = name.strip().lower()
        found = next((category for category in self._rows().values()
                      if category.name.lower() == wanted), None)
        return copy.deepcopy(found)

    def get(self, category_id: int) -> Category:
        category = self.find(category_id)
        if category is None:
            raise NotFound("Category not found.")
        return category

    def save(self, category: Category) -> None:
        assert category.id is not None
        self._changes.categories[category.id] = copy.deepcopy(category)


def _stored_form(job: Job) -> Job:
    """What a database row keeps of a job: no events, no withdrawal bookkeeping."""
    stored = copy.deepcopy(job)
    stored.events = []
    stored.withdrawn_bid_ids = []
    for bid in stored.bids:
        bid.changed = False
    return stored


class InMemoryJobRepository(_Repository):
    def _rows(self) -> dict[int, Job]:
        return _visible(self._store.jobs, self._changes.jobs)

    def add(self, job: Job) -> None:
        job.id = self._store.next_id("jobs")
        job.version = 0
        self._changes.job_base_versions[job.id] = None
        self._store_bids_and_buffer(job)

    def get(self, job_id: int) -> Job:
        job = self._rows().get(job_id)
        if job is None:
            raise NotFound("Job not found.")
        return copy.deepcopy(job)

    def get_by_bid(self, bid_id: int) -> Job:
        for job in self._rows().values():
            if any(bid.id == bid_id for bid in job.bids):
                return copy.deepcopy(job)
        raise NotFound("Bid not found.")

    def save(self, job: Job) -> None:
        assert job.id is not None
        current = self._rows().get(job.id)
        if current is None or current.version != job.version:
            raise ConcurrentUpdate("This job was changed by someone else; try again.")
        committed = self._store.jobs.get(job.id)
        self._changes.job_base_versions.setdefault(
            job.id, committed.version if committed is not None else None)
        job.version += 1
        job.withdrawn_bid_ids.clear()
        self._store_bids_and_buffer(job)

    def delete(self, job: Job) -> None:
        assert job.id is not None
        self._changes.jobs[job.id] = _DELETED

    def _store_bids_and_buffer(self, job: Job) -> None:
        assert job.id is not None
        for bid in job.bids:
            bid.job_id = job.id
            if bid.id is None:
                bid.id = self._store.next_id("bids")
            bid.changed = False
        self._changes.jobs[job.id] = _stored_form(job)


class InMemoryTwoFactorRepository(_Repository):
    def get(self, user_id: int) -> TwoFactorAccount:
        account = _visible(self._store.two_factor, self._changes.two_factor).get(user_id)
        if account is None:
            return TwoFactorAccount(user_id=user_id, is_new=True)
        return copy.deepcopy(account)

    def save(self, account: TwoFactorAccount) -> None:
        for code in account.backup_codes:
            if code.id is None:
                code.id = self._store.next_id("backup_codes")
        account.is_new = False
        self._changes.two_factor[account.user_id] = copy.deepcopy(account)


class InMemoryLoginChallengeRepository(_Repository):
    def _rows(self) -> dict[str, LoginChallenge]:
        return _visible(self._store.challenges, self._changes.challenges)

    def add(self, challenge: LoginChallenge) -> None:
        assert challenge.digest not in self._rows(), "challenge digests are unique"
        challenge.id = self._store.next_id("challenges")
        self._changes.challenges[challenge.digest] = copy.deepcopy(challenge)

    def find(self, digest: str) -> LoginChallenge | None:
        return copy.deepcopy(self._rows().get(digest))

    def save(self, challenge: LoginChallenge) -> None:
        assert challenge.digest in self._rows(), "save only stored challenges"
        self._changes.challenges[challenge.digest] = copy.deepcopy(challenge)


class InMemoryAuditLog(_Repository):
    def add(self, entry: AuditEntry) -> None:
        self._changes.audit.append(entry)


class InMemoryUnitOfWork:
    """One transaction over the store; rolls back unless committed."""

    users: InMemoryUserRepository
    tokens: InMemoryTokenRepository
    categories: InMemoryCategoryRepository
    jobs: InMemoryJobRepository
    two_factor: InMemoryTwoFactorRepository
    challenges: InMemoryLoginChallengeRepository
    audit: InMemoryAuditLog

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self._changes = _Changes()
        self.users = InMemoryUserRepository(store, self._changes)
        self.tokens = InMemoryTokenRepository(store, self._changes)
        self.categories = InMemoryCategoryRepository(store, self._changes)
        self.jobs = InMemoryJobRepository(store, self._changes)
        self.two_factor = InMemoryTwoFactorRepository(store, self._changes)
        self.challenges = InMemoryLoginChallengeRepository(store, self._changes)
        self.audit = InMemoryAuditLog(store, self._changes)
        state, pending = store.collaboration, self._changes.collaboration
        self.contracts = InMemoryContractRepository(state, pending)
        self.messages = InMemoryMessageRepository(state, pending)
        self.reviews = InMemoryReviewRepository(state, pending)
        self.notifications = InMemoryNotificationRepository(state, pending)
        self.analytics = InMemoryAnalyticsRepository(state, pending)
        self.content = InMemoryContentRepository(store)
        self.moderation_actions = InMemoryModerationActions(store.moderation)
        self.reports = InMemoryReports(store.moderation)

    def __enter__(self) -> Self:
        self._changes.clear()
        self.moderation_actions.pending.clear()
        self.reports.pending.clear()
        self._after_commit: list[Callable[[], None]] = []
        return self

    def after_commit(self, step: Callable[[], None]) -> None:
        self._after_commit.append(step)

    def __exit__(self, *exc_info: object) -> None:
        self._changes.clear()
        self.moderation_actions.pending.clear()
        self.reports.pending.clear()

    def commit(self) -> None:
        store, changes = self._store, self._changes
        for job_id, base_version in changes.job_base_versions.items():
            committed = store.jobs.get(job_id)
            if (committed.version if committed is not None else None) != base_version:
                raise ConcurrentUpdate("This job was changed by someone else; try again.")
        users = _visible(store.users, changes.users)
        _check_unique(users.values(), lambda user: user.username_key,
                      "username", "A user with that username already exists.")
        _check_unique(users.values(), lambda user: user.email_key,
                      "email", "A user with that email already exists.")
        _check_unique(_visible(store.categories, changes.categories).values(),
                      lambda category: category.name.lower(),
                      "name", "A category with this name already exists.")
        commit_collaboration(store.collaboration, changes.collaboration)
        self.moderation_actions.commit()
        self.reports.commit()
        for table_name in ("users", "tokens", "categories", "jobs", "two_factor",
                           "challenges"):
            committed_table: dict[Any, Any] = getattr(store, table_name)
            for key, value in getattr(changes, table_name).items():
                if value is _DELETED:
                    committed_table.pop(key, None)
                else:
                    committed_table[key] = copy.deepcopy(value)
        store.audit.extend(attrs.evolve(entry, id=store.next_id("audit"))
                           for entry in changes.audit)
        store.commits += 1
        changes.clear()
        run_after_commit(self._after_commit)


def _check_unique(rows: Iterable[T], key: Callable[[T], str], field: str, message: str
                  ) -> None:
    seen: set[str] = set()
    for row in rows:
        value = key(row)
        if value in seen:
            raise ValidationFailed({field: [message]})
        seen.add(value)


# -- read models ------------------------------------------------------------------------------


def _paginate(items: Sequence[T], page: PageRequest) -> Page[T]:
    return Page(items=list(items[page.offset:page.offset + page.page_size]), total=len(items),
                request=page)


def _order(items: Iterable[Any], ordering: str | None,
           keys: dict[str, Callable[[Any], Any]]) -> list[Any]:
    """Like the SQL read models: by `ordering` (or newest first), ties broken by id in the same
    direction. Python's sort is stable, also with reverse=True."""
    if not ordering:
        by_id = sorted(items, key=lambda item: item.id, reverse=True)
        return sorted(by_id, key=lambda item: item.created_at, reverse=True)
    descending = ordering.startswith("-")
    by_id = sorted(items, key=lambda item: item.id, reverse=descending)
    return sorted(by_id, key=keys[ordering.lstrip("-")], reverse=descending)


def mean_amount(amounts: Sequence[Money]) -> Money | None:
    """The exact mean, rounded half-up to the paisa (integer arithmetic, no float)."""
    if not amounts:
        return None
    total_cents, count = sum(amount.cents for amount in amounts), len(amounts)
    assert total_cents >= 0, "bids are positive"
    return Money.from_cents((2 * total_cents + count) // (2 * count))


def _user_ref(user: User) -> UserRef:
    assert user.id is not None
    return UserRef(id=user.id, username=user.username, email=user.email,
                   first_name=user.first_name, last_name=user.last_name,
                   user_type=user.user_type.value)


def _category_view(category: Category) -> CategoryView:
    assert category.id is not None
    return CategoryView(id=category.id, name=category.name, description=category.description,
                        is_active=category.is_active, created_at=category.created_at,
                        updated_at=category.updated_at)


class InMemoryJobQueries:
    """Job and bid views computed from the store's committed state."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def _job_view(self, job: Job) -> JobView:
        assert job.id is not None
        store = self._store
        hired = store.users[job.hired_artist_id] if job.hired_artist_id is not None else None
        removal = getattr(store, "removals", {}).get((ContentType.JOB, job.id))
        return JobView(
            id=job.id, buyer=_user_ref(store.users[job.buyer_id]), title=job.title,
            description=job.description,
            category=_category_view(store.categories[job.category_id]),
            budget_min=job.budget_min, budget_max=job.budget_max,
            duration_days=job.duration_days, required_skills=job.required_skills,
            experience_level=job.experience_level.value, status=job.status.value,
            hired_artist=_user_ref(hired) if hired is not None else None,
            final_amount=job.final_amount, deadline=job.deadline, created_at=job.created_at,
            updated_at=job.updated_at,
            average_bid=mean_amount([bid.bid_amount for bid in job.bids]),
            total_bids=len(job.bids),
            removed_at=removal.removed_at if removal else None,
            removed_by_id=removal.removed_by_id if removal else None,
            removal_reason=removal.reason if removal else None,
        )

    def list_jobs(self, filters: JobFilters, page: PageRequest) -> Page[JobView]:
        removed = getattr(self._store, "removals", {})
        jobs = [job for job in self._store.jobs.values() if _job_matches(job, filters)
                and (filters.include_removed or (ContentType.JOB, job.id) not in removed)]
        ordered = _order(jobs, filters.ordering, {
            "budget_min": lambda job: job.budget_min, "deadline": lambda job: job.deadline,
            "created_at": lambda job: job.created_at,
        })
        return _paginate([self._job_view(job) for job in ordered], page)

    def get_job(self, job_id: int) -> JobView:
        job = self._store.jobs.get(job_id)
        if job is None:
            raise NotFound("Job not found.")
        return self._job_view(job)

    def _bid_view(self, job: Job, bid: Bid) -> BidView:
        assert job.id is not None and bid.id is not None
        store = self._store
        cheaper = sum(
            1 for other in job.bids
            if other.bid_amount < bid.bid_amount
            or (other.bid_amount == bid.bid_amount and (other.id or 0) < bid.id)
        )
        return BidView(
            id=bid.id,
            job=BidJobRef(id=job.id, title=job.title, buyer_id=job.buyer_id,
                          buyer_name=store.users[job.buyer_id].username,
                          category_name=store.categories[job.category_id].name,
                          budget_min=job.budget_min, budget_max=job.budget_max,
                          status=job.status.value),
            artist=_user_ref(store.users[bid.artist_id]), bid_amount=bid.bid_amount,
            delivery_time=bid.delivery_time, cover_letter=bid.cover_letter,
            status=bid.status.value, created_at=bid.created_at, updated_at=bid.updated_at,
            bid_rank=1 + cheaper,
        )

    def list_bids(self, filters: BidFilters, page: PageRequest) -> Page[BidView]:
        pairs = [
            (job, bid) for job in self._store.jobs.values() for bid in job.bids
            if (filters.artist_id is None or bid.artist_id == filters.artist_id)
            and (filters.job_id is None or job.id == filters.job_id)
            and (filters.status is None or bid.status.value == filters.status)
        ]
        views = [self._bid_view(job, bid) for job, bid in pairs]
        ordered = _order(views, filters.ordering, {
            "bid_amount": lambda view: view.bid_amount,
            "delivery_time": lambda view: view.delivery_time,
            "created_at": lambda view: view.created_at,
        })
        return _paginate(ordered, page)

    def get_bid(self, bid_id: int) -> BidView:
        for job in self._store.jobs.values():
            for bid in job.bids:
                if bid.id == bid_id:
                    return self._bid_view(job, bid)
        raise NotFound("Bid not found.")


def _found_by(search: str | None, *texts: str) -> bool:
    """Like the SQL read model's use of the search index: every folded word of the query
    is a word of the folded text, the last may be the start of one."""
    if not search:
        return True
    terms = parse_search_query(search)
    words = set(search_words(" ".join(texts)))
    return bool(terms) and all(word in words for word in terms.exact) and any(
        word.startswith(terms.prefix) for word in words)


def _job_matches(job: Job, filters: JobFilters) -> bool:
    return all((
        filters.status is None or job.status.value == filters.status,
        filters.category_id is None or job.category_id == filters.category_id,
        filters.experience_level is None
        or job.experience_level.value == filters.experience_level,
        # Budgets are ranges: keep jobs whose range reaches the caller's bounds.
        filters.min_budget is None or job.budget_max >= filters.min_budget,
        filters.max_budget is None or job.budget_min <= filters.max_budget,
        filters.buyer_id is None or job.buyer_id == filters.buyer_id,
        _found_by(filters.search, job.title, job.description),
    ))


class InMemoryCategoryQueries:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def list_categories(self, *, include_inactive: bool,
                        page: PageRequest) -> Page[CategoryView]:
        categories = sorted(
            (category for category in self._store.categories.values()
             if include_inactive or category.is_active),
            key=lambda category: (category.name, category.id or 0),
        )
        return _paginate([_category_view(category) for category in categories], page)

    def get_category(self, category_id: int) -> CategoryView:
        category = self._store.categories.get(category_id)
        if category is None:
            raise NotFound("Category not found.")
        return _category_view(category)


class InMemoryAuditQueries:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def list_entries(self, filters: AuditFilters, page: PageRequest) -> Page[AuditEntry]:
        """Like the SQL read model: `actor` is an id (all digits) or a username (any case);
        an `action` ending in "." selects the whole family; newest first."""
        entries = [entry for entry in self._store.audit if _audit_matches(entry, filters)]
        return _paginate(_order(entries, None, {}), page)


def _audit_matches(entry: AuditEntry, filters: AuditFilters) -> bool:
    if filters.actor:
        actor = filters.actor.strip()
        if filters.actor_id is not None and entry.actor_id != filters.actor_id:
            return False
        if filters.actor_id is None and entry.actor_username.lower() != actor.lower():
            return False
    if filters.action:
        if filters.action.endswith("."):
            if not entry.action.startswith(filters.action):
                return False
        elif entry.action != filters.action:
            return False
    if filters.until is not None and entry.created_at >= filters.until:
        return False
    if filters.target_type and entry.target_type != filters.target_type:
        return False
    if filters.target_id and entry.target_id != filters.target_id:
        return False
    return filters.since is None or entry.created_at >= filters.since


# -- private files and attachments -------------------------------------------------------------


class InMemoryPrivateFileStore:
    """Private files in a dict; no signed URLs, like the local folder."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.files[key] = (data, content_type)

    def delete(self, key: str) -> None:
        self.files.pop(key, None)

    def read(self, key: str) -> bytes:
        if key not in self.files:
            raise NotFound("File not found.")
        return self.files[key][0]

    def signed_url(self, key: str, *, filename: str, content_type: str) -> str | None:
        return None


class FakeAttachmentInspector:
    """Plain text only (bytes that decode as UTF-8 without NUL), up to the limit."""

    def inspect(self, data: bytes, *, max_bytes: int) -> Any:
        from cultureup.application.collaboration.messages import CheckedFile

        if not data or len(data) > max_bytes or b"\x00" in data:
            raise ValidationFailed({"attachment": ["This file is not accepted."]})
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationFailed({"attachment": ["This file is not accepted."]}) from error
        return CheckedFile(data, "text/plain; charset=utf-8", ".txt")
