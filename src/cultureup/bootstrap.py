"""The composition root: the one place that picks concrete adapters for the ports."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import falcon
from sqlalchemy import Engine

from cultureup.adapters.notifications import DatabaseNotifier
from cultureup.adapters.payments.offline import OfflineGateway, RandomTransactionIds
from cultureup.adapters.payments.stripe_gateway import (
    StripePaymentGateway,
    StripeWebhookVerifier,
)
from cultureup.adapters.ratelimit.moving_window import LimitsRateLimiter
from cultureup.adapters.security.confusables import IcuConfusableNames
from cultureup.adapters.security.password_policy import StandardPasswordPolicy
from cultureup.adapters.security.passwords import Argon2PasswordHasher
from cultureup.adapters.security.qr import PillowQrCodeRenderer
from cultureup.adapters.security.sealing import AesGcmSecretSealer, HmacDigest
from cultureup.adapters.security.tokens import SecretTokenService
from cultureup.adapters.security.totp import PyOtpOneTimePasswords
from cultureup.adapters.sqlalchemy import migrate
from cultureup.adapters.sqlalchemy.admin.queries import SqlAlchemyAdminCatalogQueries
from cultureup.adapters.sqlalchemy.admin.reports import SqlAlchemyReportQueries
from cultureup.adapters.sqlalchemy.admin.sample_market import SqlAlchemyMarketLoader
from cultureup.adapters.sqlalchemy.admin.user_queries import SqlAlchemyAdminUserQueries
from cultureup.adapters.sqlalchemy.catalog.artwork_queries import SqlAlchemyArtworkQueries
from cultureup.adapters.sqlalchemy.catalog.queries import (
    SqlAlchemyEquipmentQueries,
    SqlAlchemyProfileQueries,
)
from cultureup.adapters.sqlalchemy.catalog.search_queries import search_queries_for
from cultureup.adapters.sqlalchemy.collaboration.queries import SqlAlchemyCollaborationQueries
from cultureup.adapters.sqlalchemy.commerce.idempotency import SqlAlchemyIdempotencyStore
from cultureup.adapters.sqlalchemy.commerce.queries import SqlAlchemyCommerceQueries
from cultureup.adapters.sqlalchemy.counts import CursorSeal
from cultureup.adapters.sqlalchemy.engine import build_engine
from cultureup.adapters.sqlalchemy.moderation.queries import SqlAlchemyContentQueries
from cultureup.adapters.sqlalchemy.moderation.sanction_queries import SqlAlchemyModerationQueries
from cultureup.adapters.sqlalchemy.moderation.verification import (
    SqlAlchemyVerificationQueries,
)
from cultureup.adapters.sqlalchemy.queries import (
    SqlAlchemyAuditQueries,
    SqlAlchemyCategoryQueries,
    SqlAlchemyJobQueries,
)
from cultureup.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork
from cultureup.adapters.sqlalchemy.view_counter import BufferedViewCounter
from cultureup.adapters.storage.local import LocalImageStore, LocalPrivateFileStore
from cultureup.adapters.storage.s3 import S3ImageStore, S3PrivateFileStore, s3_client
from cultureup.adapters.system import InProcessEventPublisher, SystemClock
from cultureup.adapters.vision.attachments import ContentAttachmentInspector
from cultureup.adapters.vision.fingerprint_index import InMemoryFingerprintIndex
from cultureup.adapters.vision.perceptual import PerceptualFingerprinter
from cultureup.adapters.vision.rekognition import RekognitionVisualAnalyzer
from cultureup.adapters.vision.sanitize import PillowImageSanitizer
from cultureup.adapters.vision.watermark import PillowWatermarker
from cultureup.application.accounts.throttling import (
    LoginThrottle,
    PasswordAttempts,
    RequestBudgets,
    RequestLimiter,
)
from cultureup.application.accounts.two_factor import TwoFactorService
from cultureup.application.accounts.users import AccountService
from cultureup.application.admin.artworks import ArtworkModerationService
from cultureup.application.admin.jobs import JobOversightService
from cultureup.application.admin.reports import AdminReportService
from cultureup.application.admin.users import UserAdminService
from cultureup.application.audit import AuditService
from cultureup.application.catalog.artworks import (
    ORIGINAL_FILE_KIND,
    WATERMARKED_FILE_KIND,
    ArtworkService,
)
from cultureup.application.catalog.categories import CategoryService
from cultureup.application.catalog.equipment import EquipmentService
from cultureup.application.catalog.profiles import ArtistProfileService, BuyerProfileService
from cultureup.application.catalog.search import SearchService
from cultureup.application.collaboration.contracts import ContractService
from cultureup.application.collaboration.dashboard import AnalyticsService, DashboardService
from cultureup.application.collaboration.messages import ATTACHMENT_FILE_KIND, MessageService
from cultureup.application.collaboration.notifications import NotificationService
from cultureup.application.collaboration.reviews import ReviewService
from cultureup.application.commerce.idempotency import IdempotentRequests
from cultureup.application.commerce.orders import OrderService
from cultureup.application.commerce.payments import PaymentService
from cultureup.application.commerce.ports import PaymentGateway
from cultureup.application.commerce.settlement import Settlement
from cultureup.application.hiring.bids import BidService
from cultureup.application.hiring.jobs import JobService
from cultureup.application.moderation.content import ModerationContentService
from cultureup.application.moderation.reports import ReportService
from cultureup.application.moderation.sanctions import SanctionService
from cultureup.application.moderation.verification import (
    DOCUMENT_FILE_KIND,
    VerificationService,
)
from cultureup.application.ports import Clock
from cultureup.application.private_files import PrivateFileService
from cultureup.application.sample_data import SampleDataService
from cultureup.application.services import UseCases
from cultureup.application.storage import ImageStore, PrivateFileStore, VisualAnalyzer
from cultureup.config import Settings, SettingsError
from cultureup.domain.commerce.fees import FeeRate
from cultureup.domain.commerce.payments import PaymentMethod
from cultureup.domain.events import JobCancelled, JobCompleted
from cultureup.entrypoints.http import create_app
from cultureup.entrypoints.http.docs import ASSETS
from cultureup.entrypoints.http.ratelimit import RateLimit
from cultureup.entrypoints.http.resources.private_files import private_file_path
from cultureup.entrypoints.http.web_policy import WebPolicy


def _image_store(settings: Settings) -> ImageStore:
    if settings.storage_backend == "s3":
        if not settings.aws_storage_bucket_name:
            raise SettingsError("the s3 storage backend needs AWS_STORAGE_BUCKET_NAME")
        return S3ImageStore.from_settings(
            settings.aws_storage_bucket_name, settings.aws_s3_region_name, None, None,
            endpoint_url=settings.aws_endpoint_url or None)
    return LocalImageStore(Path(settings.media_root), url_prefix=settings.media_url)


def _private_store(settings: Settings) -> PrivateFileStore:
    if settings.storage_backend == "s3":
        bucket = settings.private_bucket_name or settings.aws_storage_bucket_name
        if not bucket:
            raise SettingsError("the s3 storage backend needs AWS_STORAGE_BUCKET_NAME")
        client = s3_client(settings.aws_s3_region_name,
                           endpoint_url=settings.aws_endpoint_url or None)
        return S3PrivateFileStore(
            client, bucket, prefix="" if settings.private_bucket_name else "private/",
            url_ttl_seconds=settings.private_url_ttl_seconds)
    private_root = Path(settings.private_root).resolve()
    media_root = Path(settings.media_root).resolve()
    if private_root.is_relative_to(media_root):
        raise SettingsError("CULTUREUP_PRIVATE_ROOT must not lie inside CULTUREUP_MEDIA_ROOT, "
                            "which is served to everyone")
    return LocalPrivateFileStore(private_root)


def hidden_image_path(artwork_id: int) -> str:
    """Where a hidden artwork's watermarked image is fetched by its artist and staff."""
    return private_file_path(WATERMARKED_FILE_KIND, artwork_id)


def _visual_analyzer(settings: Settings) -> VisualAnalyzer | None:
    if settings.image_analysis != "rekognition":
        return None
    return RekognitionVisualAnalyzer.from_settings(
        settings.aws_s3_region_name, endpoint_url=settings.aws_endpoint_url or None)


def _payment_gateways(settings: Settings) -> dict[PaymentMethod, PaymentGateway]:
    """The offline methods always; cards when a Stripe secret key is set."""
    gateways: dict[PaymentMethod, PaymentGateway] = {
        method: OfflineGateway(method) for method in PaymentMethod
        if method is not PaymentMethod.STRIPE}
    if settings.stripe_secret_key:
        gateways[PaymentMethod.STRIPE] = StripePaymentGateway(
            secret_key=settings.stripe_secret_key, api_base=settings.stripe_api_base or None)
    return gateways


def _rate_limiter(settings: Settings, clock: Clock) -> LimitsRateLimiter:
    if settings.rate_limit_backend == "redis":
        return LimitsRateLimiter.in_redis(settings.redis_url)
    if settings.rate_limit_backend == "memory":
        return LimitsRateLimiter.in_memory()
    return LimitsRateLimiter.in_file(settings.rate_limit_file,
                                     clock=lambda: clock.now().timestamp())


@attrs.frozen(kw_only=True)
class Services(UseCases):
    """The use cases plus the infrastructure they were built on."""

    settings: Settings
    engine: Engine
    clock: Clock
    events: InProcessEventPublisher
    limiter: LimitsRateLimiter
    views: BufferedViewCounter

    def upgrade_database(self) -> None:
        """Apply pending schema migrations."""
        migrate.upgrade(self.engine)

    def close(self) -> None:
        self.views.close()
        self.engine.dispose()
        self.limiter.close()


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
    engine = build_engine(settings.database_url, threads=settings.threads)
    if upgrade_database:
        migrate.upgrade(engine)
    clock = clock or SystemClock()
    events = InProcessEventPublisher()

    def uow(*, read_only: bool = False) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(engine, read_only=read_only)

    cursor_seal = CursorSeal.derived(settings.resolve_secret_key())
    job_queries = SqlAlchemyJobQueries(engine, cursor_seal)
    hasher = Argon2PasswordHasher(time_cost=settings.password_hash_time_cost,
                                  memory_cost=settings.password_hash_memory_kib)
    limiter = _rate_limiter(settings, clock)
    tokens = SecretTokenService()
    attempts = PasswordAttempts(
        limiter=limiter, hasher=hasher, clock=clock,
        throttle=LoginThrottle(per_account=settings.login_failures_per_username,
                               per_client=settings.login_failures_per_client,
                               window=timedelta(minutes=settings.login_failure_window_minutes)))
    accounts = AccountService(
        uow=uow, clock=clock, hasher=hasher, policy=StandardPasswordPolicy(),
        tokens=tokens, events=events,
        token_ttl=timedelta(days=settings.token_ttl_days) if settings.token_ttl_days else None,
        attempts=attempts, names=IcuConfusableNames())
    secret_key = settings.resolve_secret_key()
    two_factor = TwoFactorService(
        uow=uow, clock=clock, otp=PyOtpOneTimePasswords(), qr=PillowQrCodeRenderer(),
        sealer=AesGcmSecretSealer(secret_key), backup_digest=HmacDigest(secret_key),
        attempts=attempts, tokens=tokens, sign_in=accounts.sign_in)
    categories = CategoryService(uow=uow, queries=SqlAlchemyCategoryQueries(engine), clock=clock)
    notifier = DatabaseNotifier()
    collaboration = SqlAlchemyCollaborationQueries(engine)
    jobs = JobService(uow=uow, queries=job_queries, clock=clock, events=events,
                      notifier=notifier)
    bids = BidService(uow=uow, queries=job_queries, clock=clock, events=events,
                      notifier=notifier)
    profile_queries = SqlAlchemyProfileQueries(engine, cursor_seal)
    store, private = _image_store(settings), _private_store(settings)
    sanitizer = PillowImageSanitizer(max_pixels=settings.max_image_pixels)
    artwork_queries = SqlAlchemyArtworkQueries(
        engine, url_for=store.url,
        original_url_for=lambda artwork_id: private_file_path(ORIGINAL_FILE_KIND, artwork_id),
        hidden_url_for=hidden_image_path, cursor_seal=cursor_seal)
    views = BufferedViewCounter(engine, flush_seconds=settings.view_flush_seconds)
    artworks = ArtworkService(
        uow=uow, queries=artwork_queries, clock=clock, store=store,
        private=private,
        sanitizer=sanitizer,
        watermarker=PillowWatermarker(),
        fingerprinter=PerceptualFingerprinter(), index_factory=InMemoryFingerprintIndex,
        analyzer=_visual_analyzer(settings), max_upload_bytes=settings.max_upload_mb * 2**20,
        image_jobs=settings.image_jobs_per_process, views=views)
    artist_profiles = ArtistProfileService(uow=uow, queries=profile_queries, clock=clock)
    buyer_profiles = BuyerProfileService(uow=uow, queries=profile_queries, clock=clock)
    equipment = EquipmentService(uow=uow, queries=SqlAlchemyEquipmentQueries(engine, cursor_seal),
                                 clock=clock)
    private_files = PrivateFileService(store=private)
    private_files.register(ORIGINAL_FILE_KIND, artworks.original_file)
    private_files.register(WATERMARKED_FILE_KIND, artworks.watermarked_file)
    commerce_queries = SqlAlchemyCommerceQueries(engine)
    settlement = Settlement(_payment_gateways(settings), notifier=notifier)
    reservation = timedelta(minutes=settings.order_reservation_minutes)
    orders = OrderService(uow=uow, queries=commerce_queries, clock=clock, events=events,
                          settlement=settlement, reservation=reservation)
    payments = PaymentService(
        uow=uow, queries=commerce_queries, clock=clock, events=events, settlement=settlement,
        fee_rate=FeeRate(settings.platform_fee_rate), ids=RandomTransactionIds(),
        reservation=reservation,
        webhooks=StripeWebhookVerifier(settings.stripe_webhook_secret)
        if settings.stripe_webhook_secret else None)
    # Escrow ends when the buyer completes the job (after that commit, in its own one).
    events.subscribe(JobCompleted, payments.release_for_completed_job)  # type: ignore[arg-type]
    # ... and the buyer gets a held payment back when the job is cancelled.
    events.subscribe(JobCancelled, payments.refund_for_cancelled_job)  # type: ignore[arg-type]
    messages = MessageService(
        uow=uow, queries=collaboration, clock=clock, events=events, notifier=notifier,
        store=private, inspector=ContentAttachmentInspector(sanitizer),
        max_attachment_bytes=settings.max_attachment_mb * 2**20)
    private_files.register(ATTACHMENT_FILE_KIND, messages.attachment_file)
    verification = VerificationService(
        uow=uow, queries=SqlAlchemyVerificationQueries(engine), clock=clock, notifier=notifier,
        store=private, inspector=ContentAttachmentInspector(sanitizer),
        max_document_bytes=settings.max_attachment_mb * 2**20)
    private_files.register(DOCUMENT_FILE_KIND, verification.document_file)
    contracts = ContractService(uow=uow, queries=collaboration, clock=clock, events=events,
                                notifier=notifier)
    reviews = ReviewService(uow=uow, queries=collaboration, clock=clock, events=events,
                            notifier=notifier)
    admin_catalog = SqlAlchemyAdminCatalogQueries(engine)
    analytics = AnalyticsService(uow=uow, queries=collaboration, clock=clock)
    moderation = SqlAlchemyModerationQueries(engine)
    moderation_content = ModerationContentService(
        uow=uow, queries=SqlAlchemyContentQueries(
            engine, url_for=store.url, hidden_url_for=hidden_image_path),
        clock=clock, notifier=notifier, artwork_images=artworks.images)
    # Report actions and approved appeals remove and restore listings through it.
    sanctions = SanctionService(uow=uow, queries=moderation, clock=clock,
                                content=moderation_content)
    moderation_reports = ReportService(uow=uow, queries=moderation, clock=clock,
                                       content=moderation_content)
    return Services(
        sanctions=sanctions, moderation_reports=moderation_reports,
        settings=settings, engine=engine, clock=clock, events=events, limiter=limiter,
        orders=orders, payments=payments,
        views=views,
        accounts=accounts, two_factor=two_factor, categories=categories, jobs=jobs, bids=bids,
        artworks=artworks,
        audit=AuditService(queries=SqlAlchemyAuditQueries(engine), uow=uow),
        sample_data=SampleDataService(accounts=accounts, categories=categories, jobs=jobs,
                                      bids=bids, uow=uow, clock=clock,
                                      artist_profiles=artist_profiles,
                                      buyer_profiles=buyer_profiles, equipment=equipment,
                                      orders=orders, payments=payments,
                                      contracts=contracts, messages=messages,
                                      reviews=reviews,
                                      market=SqlAlchemyMarketLoader(
                                          engine, FeeRate(settings.platform_fee_rate)),
                                      hasher=hasher, analytics=analytics),
        artist_profiles=artist_profiles, buyer_profiles=buyer_profiles, equipment=equipment,
        search=SearchService(queries=search_queries_for(engine, url_for=store.url)),
        private_files=private_files,
        contracts=contracts, messages=messages, reviews=reviews,
        notifications=NotificationService(uow=uow, queries=collaboration, clock=clock),
        dashboard=DashboardService(queries=collaboration),
        analytics=analytics,
        idempotency=IdempotentRequests(
            store=SqlAlchemyIdempotencyStore(engine), clock=clock,
            ttl=timedelta(hours=settings.idempotency_key_hours)),
        artwork_moderation=ArtworkModerationService(
            uow=uow, queries=artwork_queries, admin_queries=admin_catalog, clock=clock,
            notifier=notifier, artwork_images=artworks.images),
        job_oversight=JobOversightService(jobs=jobs, admin_queries=admin_catalog, clock=clock),
        admin_reports=AdminReportService(queries=SqlAlchemyReportQueries(engine), clock=clock),
        moderation_content=moderation_content,
        verification=verification,
        admin_users=UserAdminService(uow=uow, queries=SqlAlchemyAdminUserQueries(engine),
                                     clock=clock),
    )


def http_app(services: Services) -> falcon.App:
    """The WSGI app for these services, with the request budgets their settings ask for."""
    settings = services.settings
    rate_limit = None
    if settings.rate_limit_enabled:
        rate_limit = RateLimit(RequestLimiter(limiter=services.limiter, budgets=RequestBudgets(
            anonymous_per_hour=settings.rate_limit_anonymous_per_hour,
            user_per_hour=settings.rate_limit_user_per_hour)))
    media_root = Path(settings.media_root) if settings.storage_backend == "local" else None
    return create_app(services, rate_limit=rate_limit,
                      trust_forwarded_for=settings.trust_forwarded_for, media_root=media_root,
                      media_url=settings.media_url, max_upload_mb=settings.max_upload_mb,
                      web=web_policy(settings))


def web_policy(settings: Settings) -> WebPolicy:
    """The hosts, public URL, origins and headers the served API keeps to."""
    return WebPolicy(allowed_hosts=settings.allowed_hosts, public_url=settings.public_url,
                     cors_allowed_origins=settings.cors_allowed_origins,
                     hsts_seconds=settings.hsts_seconds,
                     trust_proxy=settings.trust_forwarded_for,
                     cacheable_prefixes=(settings.media_url, ASSETS))
