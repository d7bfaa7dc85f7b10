"""What the admin catalogue use cases answer: statistics and bulk results."""

from __future__ import annotations

from datetime import datetime

import attrs

from cultureup.application.views import UserRef
from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.money import Money


def contact_for(actor: Actor, ref: UserRef) -> UserRef:
    """The user reference as this actor may see it: the e-mail only with
    ``Permission.VIEW_USERS`` (a content moderator sees the username, not the e-mail).
    Every admin answer naming another user goes through this."""
    return ref if can(actor, Permission.VIEW_USERS) else attrs.evolve(ref, email="")


# "Recent" in the statistics: created within this many days before now.
RECENT_DAYS = 7


@attrs.frozen(kw_only=True)
class ArtworkStats:
    total_artworks: int
    available_artworks: int
    featured_artworks: int
    pending_review: int
    approved_artworks: int
    rejected_artworks: int
    total_views: int
    total_likes: int
    average_price: Money  # 0.00 without artworks
    recent_uploads: int  # created in the last RECENT_DAYS days


@attrs.frozen(kw_only=True)
class JobStats:
    total_jobs: int
    open_jobs: int
    in_progress_jobs: int
    completed_jobs: int
    cancelled_jobs: int
    average_budget_min: Money  # 0.00 without jobs
    average_budget_max: Money
    total_bids: int
    recent_jobs: int  # posted in the last RECENT_DAYS days


@attrs.frozen(kw_only=True)
class BulkResult:
    action: str
    affected_ids: list[int]  # the ids the action changed, in the order given
    not_found_ids: list[int]  # ids asked for that name no artwork
    processed_at: datetime
    # Already so (featured again, unfeatured again): left alone, not audited.
    unchanged_ids: list[int] = attrs.Factory(list)
    # Not public (rejected, removed, held for a duplicate review): never featured.
    not_featurable_ids: list[int] = attrs.Factory(list)
