"""The set of use-case services that every entrypoint drives."""

from __future__ import annotations

import attrs

from cultureup.application.accounts import AccountService
from cultureup.application.audit import AuditService
from cultureup.application.bids import BidService
from cultureup.application.categories import CategoryService
from cultureup.application.jobs import JobService
from cultureup.application.sample_data import SampleDataService
from cultureup.application.two_factor import TwoFactorService


@attrs.frozen(kw_only=True)
class UseCases:
    accounts: AccountService
    two_factor: TwoFactorService
    audit: AuditService
    categories: CategoryService
    jobs: JobService
    bids: BidService
    sample_data: SampleDataService
