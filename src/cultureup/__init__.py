"""CultureUp: the art marketplace backend, usable over HTTP, from the CLI, or as a library.

    from cultureup import Settings, bootstrap
    services = bootstrap(Settings(database_url="sqlite:///marketplace.db"),
                         upgrade_database=True)

See the README's "Library use" for a whole example.
"""

from cultureup.application.accounts.users import ProfileChanges, Registration
from cultureup.application.hiring.bids import BidChanges
from cultureup.application.views import BidFilters, JobFilters, PageRequest
from cultureup.bootstrap import Services, bootstrap
from cultureup.config import Settings
from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import (
    ConcurrentUpdate,
    DomainError,
    InvalidState,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cultureup.domain.hiring.jobs import BidTerms, JobTerms
from cultureup.domain.money import Money

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "BidChanges",
    "BidFilters",
    "BidTerms",
    "ConcurrentUpdate",
    "DomainError",
    "InvalidState",
    "JobFilters",
    "JobTerms",
    "Money",
    "NotAuthenticated",
    "NotFound",
    "PageRequest",
    "PermissionDenied",
    "ProfileChanges",
    "Registration",
    "Services",
    "Settings",
    "ValidationFailed",
    "__version__",
    "bootstrap",
]
