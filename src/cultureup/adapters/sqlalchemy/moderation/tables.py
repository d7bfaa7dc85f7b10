"""The schema of reports and moderation actions, on the shared `metadata`. Change it only
together with a migration in migrations/versions."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, text

from cultureup.adapters.sqlalchemy.tables import metadata
from cultureup.adapters.sqlalchemy.types import UTCDateTime

OPEN_REPORT = text("status IN ('pending', 'reviewed')")

reports = Table(
    "reports", metadata,
    Column("id", Integer, primary_key=True),
    Column("reporter_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("content_type", String(16), nullable=False),
    Column("object_id", Integer, nullable=False),
    Column("reported_user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"),
           nullable=False),
    Column("title", String(200), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("status", String(16), nullable=False),
    Column("action", String(32), nullable=True),
    Column("resolution_notes", Text, nullable=True),
    Column("resolved_by_id", Integer, ForeignKey("users.id", ondelete="SET NULL"),
           nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
# One open report per reporter and target, whatever the code does.
Index("uq_reports_open_per_reporter", reports.c.reporter_id, reports.c.content_type,
      reports.c.object_id, unique=True, sqlite_where=OPEN_REPORT, postgresql_where=OPEN_REPORT)
# The queue (newest first, by status), a target's reports, a reporter's own, a user's received.
Index("ix_reports_created_at", reports.c.created_at, reports.c.id)
Index("ix_reports_status_created_at", reports.c.status, reports.c.created_at, reports.c.id)
Index("ix_reports_content_type_created_at", reports.c.content_type, reports.c.created_at,
      reports.c.id)
Index("ix_reports_target", reports.c.content_type, reports.c.object_id, reports.c.status)
Index("ix_reports_reporter_created_at", reports.c.reporter_id, reports.c.created_at,
      reports.c.id)
Index("ix_reports_reported_user", reports.c.reported_user_id)

moderation_actions = Table(
    "moderation_actions", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("moderator_id", Integer, ForeignKey("users.id", ondelete="SET NULL"),
           nullable=True),
    Column("moderator_username", String(150), nullable=False),
    Column("reason", Text, nullable=False),
    Column("target_type", String(16), nullable=False),
    Column("target_id", Integer, nullable=False),
    Column("duration_days", Integer, nullable=True),
    Column("until", UTCDateTime, nullable=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("reversed_at", UTCDateTime, nullable=True),
    Column("reversed_by_id", Integer, ForeignKey("users.id", ondelete="SET NULL"),
           nullable=True),
    Column("appeal_reason", Text, nullable=True),
    Column("appealed_at", UTCDateTime, nullable=True),
    Column("appeal_status", String(16), nullable=True),
    Column("appeal_decided_by_id", Integer, ForeignKey("users.id", ondelete="SET NULL"),
           nullable=True),
    Column("appeal_decision_reason", Text, nullable=True),
    Column("appeal_decided_at", UTCDateTime, nullable=True),
)
# A user's actions newest first; the sanctions in force of a user (read on every request).
Index("ix_moderation_actions_user_created_at", moderation_actions.c.user_id,
      moderation_actions.c.created_at, moderation_actions.c.id)
Index("ix_moderation_actions_in_force", moderation_actions.c.user_id,
      moderation_actions.c.kind, sqlite_where=text("reversed_at IS NULL"),
      postgresql_where=text("reversed_at IS NULL"))
# The appeals queue, by status or all of it, oldest first.
Index("ix_moderation_actions_appeals", moderation_actions.c.appeal_status,
      moderation_actions.c.appealed_at, moderation_actions.c.id)
Index("ix_moderation_actions_appealed_at", moderation_actions.c.appealed_at,
      moderation_actions.c.id, sqlite_where=text("appealed_at IS NOT NULL"),
      postgresql_where=text("appealed_at IS NOT NULL"))
