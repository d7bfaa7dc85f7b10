"""reports and moderation actions (suspensions, bans, warnings, removals, appeals)

Revision ID: 0017
Revises: 0016

A partial unique index allows one open (pending or reviewed) report per reporter and target.
Moderation actions carry their appeal; a partial index on the unreversed rows serves the
check of every authenticated request (is this account suspended or banned now?).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cultureup.adapters.sqlalchemy.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

Time = cultureup.adapters.sqlalchemy.types.UTCDateTime
OPEN_REPORT = sa.text("status IN ('pending', 'reviewed')")
UNREVERSED = sa.text("reversed_at IS NULL")


def _fk(table: str, column: str, target: str, **options: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), **options)


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("reported_user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=True),
        sa.Column("resolution_notes", sa.Text(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", Time(), nullable=False),
        sa.Column("updated_at", Time(), nullable=False),
        _fk("reports", "reporter_id", "users", ondelete="CASCADE"),
        _fk("reports", "reported_user_id", "users", ondelete="CASCADE"),
        _fk("reports", "resolved_by_id", "users", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    op.create_index("uq_reports_open_per_reporter", "reports",
                    ["reporter_id", "content_type", "object_id"], unique=True,
                    sqlite_where=OPEN_REPORT, postgresql_where=OPEN_REPORT)
    op.create_index("ix_reports_created_at", "reports", ["created_at", "id"])
    op.create_index("ix_reports_status_created_at", "reports", ["status", "created_at", "id"])
    op.create_index("ix_reports_content_type_created_at", "reports",
                    ["content_type", "created_at", "id"])
    op.create_index("ix_reports_target", "reports", ["content_type", "object_id", "status"])
    op.create_index("ix_reports_reporter_created_at", "reports",
                    ["reporter_id", "created_at", "id"])
    op.create_index("ix_reports_reported_user", "reports", ["reported_user_id"])

    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("moderator_username", sa.String(length=150), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("duration_days", sa.Integer(), nullable=True),
        sa.Column("until", Time(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("created_at", Time(), nullable=False),
        sa.Column("reversed_at", Time(), nullable=True),
        sa.Column("reversed_by_id", sa.Integer(), nullable=True),
        sa.Column("appeal_reason", sa.Text(), nullable=True),
        sa.Column("appealed_at", Time(), nullable=True),
        sa.Column("appeal_status", sa.String(length=16), nullable=True),
        sa.Column("appeal_decided_by_id", sa.Integer(), nullable=True),
        sa.Column("appeal_decision_reason", sa.Text(), nullable=True),
        sa.Column("appeal_decided_at", Time(), nullable=True),
        _fk("moderation_actions", "user_id", "users", ondelete="CASCADE"),
        _fk("moderation_actions", "moderator_id", "users", ondelete="SET NULL"),
        _fk("moderation_actions", "report_id", "reports", ondelete="SET NULL"),
        _fk("moderation_actions", "reversed_by_id", "users", ondelete="SET NULL"),
        _fk("moderation_actions", "appeal_decided_by_id", "users", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_actions")),
    )
    op.create_index("ix_moderation_actions_user_created_at", "moderation_actions",
                    ["user_id", "created_at", "id"])
    op.create_index("ix_moderation_actions_in_force", "moderation_actions", ["user_id", "kind"],
                    sqlite_where=UNREVERSED, postgresql_where=UNREVERSED)
    op.create_index("ix_moderation_actions_appeals", "moderation_actions",
                    ["appeal_status", "appealed_at", "id"])
    appealed = sa.text("appealed_at IS NOT NULL")
    op.create_index("ix_moderation_actions_appealed_at", "moderation_actions",
                    ["appealed_at", "id"], sqlite_where=appealed, postgresql_where=appealed)


def downgrade() -> None:
    op.drop_table("moderation_actions")
    op.drop_table("reports")
