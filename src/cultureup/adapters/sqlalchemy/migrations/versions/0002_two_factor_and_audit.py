"""two-factor authentication, login challenges, audit log

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cultureup.adapters.sqlalchemy.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_username", sa.String(length=150), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("details", sa.Text(), server_default="{}", nullable=False),
        sa.Column("created_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_audit_log_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_log_action_created_at", ["action", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_audit_log_actor_created_at", ["actor_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_audit_log_created_at", ["created_at"], unique=False)

    op.create_table(
        "backup_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("used_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_backup_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_codes")),
    )
    with op.batch_alter_table("backup_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_backup_codes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "login_challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=False),
        sa.Column("used_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_login_challenges_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_challenges")),
        sa.UniqueConstraint("digest", name=op.f("uq_login_challenges_digest")),
    )
    with op.batch_alter_table("login_challenges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_challenges_user_id"), ["user_id"], unique=False)

    op.create_table(
        "two_factor_accounts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("(false)"), nullable=False),
        sa.Column("sealed_secret", sa.Text(), nullable=True),
        sa.Column("pending_sealed_secret", sa.Text(), nullable=True),
        sa.Column(
            "pending_created_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=True
        ),
        sa.Column("last_used_step", sa.BigInteger(), server_default="-1", nullable=False),
        sa.Column("failed_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=True),
        sa.Column("updated_at", cultureup.adapters.sqlalchemy.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_two_factor_accounts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_two_factor_accounts")),
    )


def downgrade() -> None:
    op.drop_table("two_factor_accounts")
    with op.batch_alter_table("login_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_challenges_user_id"))

    op.drop_table("login_challenges")
    with op.batch_alter_table("backup_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backup_codes_user_id"))

    op.drop_table("backup_codes")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_created_at")
        batch_op.drop_index("ix_audit_log_actor_created_at")
        batch_op.drop_index("ix_audit_log_action_created_at")

    op.drop_table("audit_log")
