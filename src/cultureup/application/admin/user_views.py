"""What the admin reads: user rows with their activity, and user statistics."""

from __future__ import annotations

from datetime import datetime

import attrs

from cultureup.domain.money import Money

ADMIN_USER_ORDERING_FIELDS = ("created_at", "username", "last_login")
ADMIN_USERS_DEFAULT_PAGE_SIZE = 50
ADMIN_USERS_MAX_PAGE_SIZE = 200


@attrs.frozen(kw_only=True)
class AdminUserFilters:
    user_type: str | None = None
    is_verified: bool | None = None
    # Whether the account may be used at `now`: activated and neither suspended nor banned
    # (the one meaning of is_active, docs/decisions.md "Trust and safety").
    is_active: bool | None = None
    is_staff: bool | None = None
    search: str | None = None  # in username, e-mail, first and last name
    ordering: str | None = None  # ADMIN_USER_ORDERING_FIELDS, "-" for descending
    now: datetime | None = None  # the moment is_active is judged at (the service sets it)


@attrs.frozen(kw_only=True)
class AdminUserRow:
    """One row of the admin users list: the account with its contact data (staff only) and
    its activity. Fields added to admin rows later (suspension, bans) belong here.

    It carries what both admin clients read: the web admin's activity figures and the mobile
    panel's `profile` (avatar, bio) and `stats` (listings, views, reports made and received;
    docs/decisions.md, "Admin: users")."""

    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    user_type: str
    phone_number: str
    is_verified: bool
    is_active: bool
    is_staff: bool
    is_superuser: bool
    staff_role: str | None
    profile_image: str | None
    created_at: datetime
    updated_at: datetime
    last_login: datetime | None
    total_artworks: int
    total_jobs_posted: int
    total_bids: int
    total_spent: Money  # paid as a buyer, net of refunds (the ledger)
    total_earned: Money  # earned as an artist, net of the fee and refunds, held or released
    last_activity: datetime | None  # the latest of last login and account changes
    bio: str  # the artist profile's bio; "" for an account without one
    total_views: int  # views of the user's artworks, every artwork counted by total_artworks
    reports_made: int  # reports the user filed, whatever their status
    # Reports on the account itself and on anything it owns (artworks, jobs, messages,
    # reviews): reports.reported_user_id, whatever their status.
    reports_received: int
    # The moderation actions in force at the clock's now (domain.moderation.actions.
    # restriction_of): banned, or suspended until `suspension_until` (None: indefinitely).
    suspended: bool = False
    suspension_until: datetime | None = None
    banned: bool = False

    @property
    def total_listings(self) -> int:
        """The user's listings: artworks uploaded and jobs posted (equipment is the
        platform's own stock, nobody's listing)."""
        return self.total_artworks + self.total_jobs_posted


@attrs.frozen(kw_only=True)
class UserStats:
    total_users: int
    verified_users: int
    active_users: int
    artists: int
    buyers: int
    admins: int  # accounts of the admin user type
    staff_users: int  # accounts holding a platform role (staff flag, role or superuser)
    recent_registrations: int  # joined in the last RECENT_DAYS days
    suspended_users: int = 0  # suspended now (not banned), by the moderation actions in force
    banned_users: int = 0  # banned now


RECENT_DAYS = 30


@attrs.frozen(kw_only=True)
class UserChange:
    """The answer of one action on one account."""

    id: int
    username: str
    is_verified: bool
    is_active: bool
    is_staff: bool
    staff_role: str | None
    updated_at: datetime
    changed: bool


@attrs.frozen(kw_only=True)
class BulkResult:
    action: str
    requested: int  # distinct ids asked for
    affected: int  # accounts the action changed
    unchanged: int  # accounts that already were so
    not_found_ids: tuple[int, ...]
    processed_at: datetime
