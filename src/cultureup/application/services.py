"""The set of use-case services that every entrypoint drives."""

from __future__ import annotations

import attrs

from cultureup.application.accounts import AccountService
from cultureup.application.artworks import ArtworkService
from cultureup.application.audit import AuditService
from cultureup.application.bids import BidService
from cultureup.application.categories import CategoryService
from cultureup.application.contracts import ContractService
from cultureup.application.dashboard import AnalyticsService, DashboardService
from cultureup.application.equipment import EquipmentService
from cultureup.application.jobs import JobService
from cultureup.application.messages import MessageService
from cultureup.application.notifications import NotificationService
from cultureup.application.orders import OrderService
from cultureup.application.payments import PaymentService
from cultureup.application.private_files import PrivateFileService
from cultureup.application.profiles import ArtistProfileService, BuyerProfileService
from cultureup.application.reviews import ReviewService
from cultureup.application.sample_data import SampleDataService
from cultureup.application.search import SearchService
from cultureup.application.two_factor import TwoFactorService


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
