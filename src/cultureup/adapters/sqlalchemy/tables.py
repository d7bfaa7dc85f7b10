"""The schema. Change it only together with a migration in migrations/versions."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)

from cultureup.adapters.sqlalchemy.types import MoneyCents, UTCDateTime

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(150), nullable=False),
    Column("email", String(254), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("first_name", String(150), nullable=False),
    Column("last_name", String(150), nullable=False),
    Column("user_type", String(16), nullable=False),
    Column("phone_number", String(32), nullable=False, server_default=""),
    Column("is_verified", Boolean, nullable=False, server_default=text("false")),
    Column("is_active", Boolean, nullable=False, server_default=text("true")),
    Column("is_staff", Boolean, nullable=False, server_default=text("false")),
    Column("is_superuser", Boolean, nullable=False, server_default=text("false")),
    Column("staff_role", String(32), nullable=True),
    Column("profile_image", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("last_login", UTCDateTime, nullable=True),
    # Computed in Python (cultureup.domain.text): the identity keys that are compared, the
    # TR39 skeleton of the username, and the folded words the user is found by.
    Column("username_key", Text, nullable=False, server_default=""),
    Column("email_key", Text, nullable=False, server_default=""),
    Column("username_skeleton", Text, nullable=False, server_default=""),
    Column("search_text", Text, nullable=False, server_default=""),
)
# One canonical form per username and per e-mail, unique, compared by every database alike.
Index("uq_users_username_key", users.c.username_key, unique=True)
Index("uq_users_email_key", users.c.email_key, unique=True)
Index("ix_users_username_skeleton", users.c.username_skeleton)
# The orderings of the admin users list (migration 0019), alone and under its user_type
# filter (migration 0021; the created_at one also counts the daily analytics' artists and
# buyers from the index alone).
for _order in ("created_at", "username", "last_login"):
    Index(f"ix_users_{_order}", users.c[_order], users.c.id)
    Index(f"ix_users_user_type_{_order}", users.c.user_type, users.c[_order], users.c.id)

auth_tokens = Table(
    "auth_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
)

categories = Table(
    "categories", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("is_active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("uq_categories_name_lower", func.lower(categories.c.name), unique=True)

jobs = Table(
    "jobs", metadata,
    Column("id", Integer, primary_key=True),
    Column("buyer_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("category_id", Integer, ForeignKey("categories.id"), nullable=False, index=True),
    Column("budget_min", MoneyCents, nullable=False),
    Column("budget_max", MoneyCents, nullable=False, index=True),
    Column("duration_days", Integer, nullable=False),
    Column("required_skills", String(500), nullable=False, server_default=""),
    Column("experience_level", String(16), nullable=False),
    Column("deadline", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("hired_artist_id", Integer, ForeignKey("users.id"), nullable=True, index=True),
    Column("final_amount", MoneyCents, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="0"),
    # The folded words of title and description (cultureup.domain.text.search_text).
    Column("search_text", Text, nullable=False, server_default=""),
    # Taken down by a moderator (migration 0015): when, by whom and the reason its owner is told.
    Column("removed_at", UTCDateTime, nullable=True),
    Column("removed_by_id", Integer, nullable=True),  # a user id, not a key
    Column("removal_reason", Text, nullable=True),
    CheckConstraint("budget_min > 0", name="budget_min_positive"),
    CheckConstraint("budget_max >= budget_min", name="budget_range"),
    CheckConstraint("duration_days > 0", name="duration_positive"),
)
# Every ordering of the job list, alone and under each equality filter the list offers, ends
# in the id that breaks ties: pages come in index order, never from a sort (migration 0008).
# `removed_at` rides along at the end, so the public list's condition (not removed) is tested
# in the index and a deep page skips index entries, not rows (migration 0022).
for _order in ("created_at", "budget_min", "deadline"):
    Index(f"ix_jobs_{_order}", jobs.c[_order], jobs.c.id, jobs.c.removed_at)
    Index(f"ix_jobs_status_{_order}", jobs.c.status, jobs.c[_order], jobs.c.id,
          jobs.c.removed_at)
for _facet in ("category_id", "experience_level", "buyer_id"):
    Index(f"ix_jobs_{_facet}_created_at", jobs.c[_facet], jobs.c.created_at, jobs.c.id,
          jobs.c.removed_at)

bids = Table(
    "bids", metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", Integer, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("artist_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("bid_amount", MoneyCents, nullable=False),
    Column("delivery_time", Integer, nullable=False),
    Column("cover_letter", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("bid_amount > 0", name="amount_positive"),
    CheckConstraint("delivery_time > 0", name="delivery_positive"),
)
Index("uq_bids_job_artist", bids.c.job_id, bids.c.artist_id, unique=True)
# A bid list is one artist's bids or one job's bids, in each ordering; (job_id, bid_amount,
# id) also answers the bid_rank sub-query.
for _order in ("created_at", "bid_amount", "delivery_time"):
    Index(f"ix_bids_artist_{_order}", bids.c.artist_id, bids.c[_order], bids.c.id)
    Index(f"ix_bids_job_{_order}", bids.c.job_id, bids.c[_order], bids.c.id)
# The database itself refuses a second accepted bid on one job, whatever the code does.
Index("uq_bids_one_accepted_per_job", bids.c.job_id, unique=True,
      sqlite_where=text("status = 'accepted'"), postgresql_where=text("status = 'accepted'"))

two_factor_accounts = Table(
    "two_factor_accounts", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("enabled", Boolean, nullable=False, server_default=text("false")),
    # AES-GCM sealed; the key is derived from the secret key setting, never stored here.
    Column("sealed_secret", Text, nullable=True),
    Column("pending_sealed_secret", Text, nullable=True),
    Column("pending_created_at", UTCDateTime, nullable=True),
    Column("last_used_step", BigInteger, nullable=False, server_default="-1"),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=True),
)

backup_codes = Table(
    "backup_codes", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("digest", String(64), nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

login_challenges = Table(
    "login_challenges", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("actor_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("actor_username", String(150), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target_type", String(32), nullable=False),
    Column("target_id", String(64), nullable=True),
    Column("ip_address", String(64), nullable=True),
    Column("details", Text, nullable=False, server_default="{}"),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_audit_log_created_at", audit_log.c.created_at)
Index("ix_audit_log_actor_created_at", audit_log.c.actor_id, audit_log.c.created_at)
# The admin audit-log filter by target (migration 0011).
Index("ix_audit_log_target", audit_log.c.target_type, audit_log.c.target_id,
      audit_log.c.created_at)
Index("ix_audit_log_action_created_at", audit_log.c.action, audit_log.c.created_at)

__all__ = [
    "audit_log", "auth_tokens", "backup_codes", "bids", "categories", "jobs", "login_challenges",
    "metadata", "two_factor_accounts", "users",
]
