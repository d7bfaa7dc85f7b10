"""Builders for terms and actors, and the application services wired to the fakes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs

from cultureup.adapters.notifications import DatabaseNotifier
from cultureup.application.accounts.throttling import LoginThrottle, PasswordAttempts
from cultureup.application.accounts.two_factor import TwoFactorService
from cultureup.application.accounts.users import AccountService
from cultureup.application.audit import AuditService
from cultureup.application.catalog.categories import CategoryService
from cultureup.application.collaboration.contracts import ContractService
from cultureup.application.collaboration.dashboard import AnalyticsService, DashboardService
from cultureup.application.collaboration.messages import MessageService
from cultureup.application.collaboration.notifications import NotificationService
from cultureup.application.collaboration.reviews import ReviewService
from cultureup.application.hiring.bids import BidService
from cultureup.application.hiring.jobs import JobService
from cultureup.domain.accounts.users import Actor, StaffRole, UserType
from cultureup.domain.hiring.jobs import BidTerms, JobTerms
from cultureup.domain.money import Money
from tests.unit.collaboration_fakes import InMemoryCollaborationQueries
from tests.unit.fakes import (
    DEFAULT_NOW,
    FakeAttachmentInspector,
    FakeClock,
    FakeConfusableNames,
    FakeKeyedDigest,
    FakeOneTimePasswords,
    FakePasswordHasher,
    FakePasswordPolicy,
    FakeQrCodeRenderer,
    FakeRateLimiter,
    FakeSecretSealer,
    FakeTokenService,
    InMemoryAuditQueries,
    InMemoryCategoryQueries,
    InMemoryJobQueries,
    InMemoryPrivateFileStore,
    InMemoryStore,
    RecordingEventPublisher,
)

NOW = DEFAULT_NOW


def job_terms(*, now: datetime = NOW, **overrides: Any) -> JobTerms:
    """Valid terms: a 500-1000 PKR expert job in category 1, due in 30 days."""
    values: dict[str, Any] = {
        "title": "Logo for a bakery in Lahore",
        "description": "A warm, hand-drawn logo for signage and packaging.",
        "category_id": 1,
        "budget_min": Money("500.00"),
        "budget_max": Money("1000.00"),
        "duration_days": 7,
        "required_skills": "Logo Design, Adobe Illustrator",
        "experience_level": "expert",
        "deadline": now + timedelta(days=30),
    }
    values.update(overrides)
    return JobTerms(**values)


def bid_terms(amount: str = "750.00", **overrides: Any) -> BidTerms:
    values: dict[str, Any] = {
        "bid_amount": Money(amount),
        "delivery_time": 5,
        "cover_letter": "I have drawn logos for twenty bakeries.",
    }
    values.update(overrides)
    return BidTerms(**values)


def buyer(actor_id: int = 1, username: str = "buyer_sarah") -> Actor:
    return Actor(id=actor_id, username=username, user_type=UserType.BUYER)


def artist(actor_id: int = 10, username: str = "artist_ayesha") -> Actor:
    return Actor(id=actor_id, username=username, user_type=UserType.ARTIST)


def staff(actor_id: int = 100, username: str = "moderator") -> Actor:
    return Actor(id=actor_id, username=username, user_type=UserType.ADMIN, is_staff=True,
                 staff_role=StaffRole.CONTENT_MODERATOR)


def plain_staff(actor_id: int = 101, username: str = "helpdesk") -> Actor:
    return Actor(id=actor_id, username=username, user_type=UserType.ADMIN, is_staff=True,
                 staff_role=StaffRole.STAFF)


def admin(actor_id: int = 102, username: str = "admin_manager") -> Actor:
    return Actor(id=actor_id, username=username, user_type=UserType.ADMIN, is_staff=True,
                 staff_role=StaffRole.ADMIN)


@attrs.define(kw_only=True)
class Marketplace:
    """The application services wired to one in-memory store and its fakes."""

    store: InMemoryStore
    clock: FakeClock
    events: RecordingEventPublisher
    hasher: FakePasswordHasher
    policy: FakePasswordPolicy
    tokens: FakeTokenService
    limiter: FakeRateLimiter
    otp: FakeOneTimePasswords
    sealer: FakeSecretSealer
    accounts: AccountService
    two_factor: TwoFactorService
    audit: AuditService
    categories: CategoryService
    jobs: JobService
    bids: BidService
    contracts: ContractService
    messages: MessageService
    reviews: ReviewService
    notifications: NotificationService
    dashboard: DashboardService
    analytics: AnalyticsService
    files: InMemoryPrivateFileStore

    @classmethod
    def create(cls, *, token_ttl: timedelta | None = None,
               throttle: LoginThrottle | None = None) -> Marketplace:
        store, clock, events = InMemoryStore(), FakeClock(), RecordingEventPublisher()
        hasher, policy, tokens = FakePasswordHasher(), FakePasswordPolicy(), FakeTokenService()
        limiter, otp, sealer = FakeRateLimiter(clock), FakeOneTimePasswords(), FakeSecretSealer()
        job_queries = InMemoryJobQueries(store)
        notifier, collaboration = DatabaseNotifier(), InMemoryCollaborationQueries(store)
        files = InMemoryPrivateFileStore()
        attempts = PasswordAttempts(limiter=limiter, throttle=throttle or LoginThrottle(),
                                    hasher=hasher, clock=clock)
        accounts = AccountService(uow=store.unit_of_work, clock=clock, hasher=hasher,
                                  policy=policy, tokens=tokens, events=events,
                                  token_ttl=token_ttl, attempts=attempts,
                                  names=FakeConfusableNames())
        return cls(
            store=store, clock=clock, events=events, hasher=hasher, policy=policy,
            tokens=tokens, limiter=limiter, otp=otp, sealer=sealer, accounts=accounts,
            two_factor=TwoFactorService(
                uow=store.unit_of_work, clock=clock, otp=otp, qr=FakeQrCodeRenderer(),
                sealer=sealer, backup_digest=FakeKeyedDigest(), attempts=attempts, tokens=tokens,
                sign_in=accounts.sign_in),
            audit=AuditService(queries=InMemoryAuditQueries(store), uow=store.unit_of_work),
            categories=CategoryService(uow=store.unit_of_work,
                                       queries=InMemoryCategoryQueries(store), clock=clock),
            jobs=JobService(uow=store.unit_of_work, queries=job_queries, clock=clock,
                            events=events, notifier=notifier),
            bids=BidService(uow=store.unit_of_work, queries=job_queries, clock=clock,
                            events=events, notifier=notifier),
            contracts=ContractService(uow=store.unit_of_work, queries=collaboration,
                                      clock=clock, events=events, notifier=notifier),
            messages=MessageService(uow=store.unit_of_work, queries=collaboration, clock=clock,
                                    events=events, notifier=notifier, store=files,
                                    inspector=FakeAttachmentInspector(),
                                    max_attachment_bytes=1000),
            reviews=ReviewService(uow=store.unit_of_work, queries=collaboration, clock=clock,
                                  events=events, notifier=notifier),
            notifications=NotificationService(uow=store.unit_of_work, queries=collaboration,
                                              clock=clock),
            dashboard=DashboardService(queries=collaboration),
            analytics=AnalyticsService(uow=store.unit_of_work, queries=collaboration,
                                       clock=clock),
            files=files,
        )

    def add_user(self, username: str, user_type: UserType, **fields: Any) -> Actor:
        """A user committed before the test starts, as an Actor."""
        return self.store.seed_user(username=username, user_type=user_type,
                                    now=self.clock.now(), **fields).as_actor()

    def add_buyer(self, username: str = "buyer_sarah") -> Actor:
        return self.add_user(username, UserType.BUYER)

    def add_artist(self, username: str = "artist_ayesha") -> Actor:
        return self.add_user(username, UserType.ARTIST)

    def add_staff(self, username: str = "moderator",
                  role: StaffRole = StaffRole.CONTENT_MODERATOR) -> Actor:
        return self.add_user(username, UserType.ADMIN, is_staff=True, staff_role=role)

    def add_category(self, name: str = "Graphic Design", *, is_active: bool = True) -> int:
        category = self.store.seed_category(name=name, is_active=is_active,
                                            now=self.clock.now())
        assert category.id is not None
        return category.id

    def job_terms(self, **overrides: Any) -> JobTerms:
        return job_terms(now=self.clock.now(), **overrides)
