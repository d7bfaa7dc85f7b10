"""The audit trail: who did what to which thing, when and from where."""

from __future__ import annotations

from datetime import datetime

import attrs


class AuditAction:
    """The actions the log records. Strings, so new areas add their own without a migration."""

    USER_REGISTERED = "user.registered"
    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"
    LOGIN_THROTTLED = "login.throttled"
    LOGIN_2FA_REQUIRED = "login.2fa_required"
    LOGOUT = "logout"
    TWO_FACTOR_VERIFIED = "2fa.verified"
    TWO_FACTOR_FAILED = "2fa.failed"
    # A right code for a time step already used: refused, but not counted towards the lock.
    TWO_FACTOR_REPLAYED = "2fa.replayed"
    TWO_FACTOR_LOCKED = "2fa.locked"
    TWO_FACTOR_ENABLED = "2fa.enabled"
    TWO_FACTOR_DISABLED = "2fa.disabled"
    BACKUP_CODES_REGENERATED = "2fa.backup_codes_regenerated"
    PASSWORD_CHANGED = "password.changed"  # noqa: S105 - an action name
    # A wrong password, or one refused unchecked, where a signed-in user confirms a change.
    PASSWORD_CHECK_FAILED = "password.check_failed"  # noqa: S105 - an action name
    PASSWORD_CHECK_THROTTLED = "password.check_throttled"  # noqa: S105 - an action name
    SUPERUSER_CREATED = "admin.superuser_created"
    STAFF_USER_CREATED = "admin.staff_user_created"
    CATEGORY_CREATED = "admin.category_created"
    SAMPLE_DATA_CREATED = "admin.sample_data_created"
    ARTWORK_REMOVED = "admin.artwork_removed"
    ARTWORK_APPROVED = "admin.artwork_approved"
    ARTWORK_REJECTED = "admin.artwork_rejected"
    ARTWORK_FEATURED = "admin.artwork_featured"
    ARTWORK_UNFEATURED = "admin.artwork_unfeatured"
    JOB_CLOSED = "admin.job_closed"
    CATEGORY_ACTIVATED = "admin.category_activated"
    CATEGORY_DEACTIVATED = "admin.category_deactivated"
    CONTENT_REMOVED = "moderation.content_removed"
    CONTENT_RESTORED = "moderation.content_restored"
    # Trust and safety
    LOGIN_RESTRICTED = "login.restricted"
    USER_SUSPENDED = "moderation.user_suspended"
    USER_UNSUSPENDED = "moderation.user_unsuspended"
    USER_BANNED = "moderation.user_banned"
    USER_UNBANNED = "moderation.user_unbanned"
    USER_WARNED = "moderation.user_warned"
    REPORT_FILED = "moderation.report_filed"
    REPORT_UPDATED = "moderation.report_updated"
    APPEAL_FILED = "moderation.appeal_filed"
    APPEAL_DECIDED = "moderation.appeal_decided"
    VERIFICATION_APPLIED = "verification.applied"
    VERIFICATION_APPROVED = "moderation.verification_approved"
    VERIFICATION_REJECTED = "moderation.verification_rejected"
    USER_VERIFIED = "admin.user_verified"
    USER_UNVERIFIED = "admin.user_unverified"
    USER_ACTIVATED = "admin.user_activated"
    USER_DEACTIVATED = "admin.user_deactivated"
    USER_ROLE_GRANTED = "admin.user_role_granted"
    USER_ROLE_REMOVED = "admin.user_role_removed"


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One line of the trail. `details` never holds a password, code or token."""

    actor_id: int | None
    actor_username: str
    action: str
    target_type: str
    target_id: str | None = None
    ip_address: str | None = None
    details: dict[str, str] = attrs.Factory(dict)
    created_at: datetime
    id: int | None = None
