"""The set of use-case services that every entrypoint drives."""

from __future__ import annotations

import attrs

from cultureup.application.accounts import AccountService
from cultureup.application.bids import BidService
from cultureup.application.categories import CategoryService
from cultureup.application.jobs import JobService
from cultureup.application.sample_data import SampleDataService


@attrs.frozen(kw_only=True)
class UseCases:
    accounts: AccountService
    categories: CategoryService
    jobs: JobService
    bids: BidService
    sample_data: SampleDataService
