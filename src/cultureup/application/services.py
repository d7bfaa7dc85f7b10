"""The set of use-case services that every entrypoint drives."""

from __future__ import annotations

import attrs

from cultureup.application.accounts.two_factor import TwoFactorService
from cultureup.application.accounts.users import AccountService
from cultureup.application.admin.artworks import ArtworkModerationService
from cultureup.application.admin.jobs import JobOversightService
from cultureup.application.admin.reports import AdminReportService
from cultureup.application.admin.users import UserAdminService
from cultureup.application.audit import AuditService
from cultureup.application.catalog.artworks import ArtworkService
from cultureup.application.catalog.categories import CategoryService
from cultureup.application.catalog.equipment import EquipmentService
from cultureup.application.catalog.profiles import ArtistProfileService, BuyerProfileService
from cultureup.application.catalog.search import SearchService
from cultureup.application.collaboration.contracts import ContractService
from cultureup.application.collaboration.dashboard import AnalyticsService, DashboardService
from cultureup.application.collaboration.messages import MessageService
from cultureup.application.collaboration.notifications import NotificationService
from cultureup.application.collaboration.reviews import ReviewService
from cultureup.application.commerce.idempotency import IdempotentRequests
from cultureup.application.commerce.orders import OrderService
from cultureup.application.commerce.payments import PaymentService
from cultureup.application.hiring.bids import BidService
from cultureup.application.hiring.jobs import JobService
from cultureup.application.moderation.content import ModerationContentService
from cultureup.application.moderation.reports import ReportService
from cultureup.application.moderation.sanctions import SanctionService
from cultureup.application.moderation.verification import VerificationService
from cultureup.application.private_files import PrivateFileService
from cultureup.application.sample_data import SampleDataService


@attrs.frozen(kw_only=True)
class UseCases:
    accounts: AccountService
    artworks: ArtworkService
    two_factor: TwoFactorService
    audit: AuditService
    categories: CategoryService
    jobs: JobService
    bids: BidService
    sample_data: SampleDataService
    artist_profiles: ArtistProfileService
    buyer_profiles: BuyerProfileService
    equipment: EquipmentService
    search: SearchService
    private_files: PrivateFileService
    orders: OrderService
    payments: PaymentService
    contracts: ContractService
    messages: MessageService
    reviews: ReviewService
    notifications: NotificationService
    dashboard: DashboardService
    analytics: AnalyticsService
    idempotency: IdempotentRequests
    artwork_moderation: ArtworkModerationService
    job_oversight: JobOversightService
    admin_reports: AdminReportService
    moderation_content: ModerationContentService
    sanctions: SanctionService
    moderation_reports: ReportService
    verification: VerificationService
    admin_users: UserAdminService
