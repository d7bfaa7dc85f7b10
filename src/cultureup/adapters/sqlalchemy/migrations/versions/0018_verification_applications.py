"""verification applications

Revision ID: 0018
Revises: 0017

Artists' applications for the verified badge (notes, status, the decision) and the documents
sent with them (kept in the private store; the rows hold their keys). A partial unique index
keeps one pending application per user.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cultureup.adapters.sqlalchemy.types import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')",
                           name=op.f("ck_verification_applications_status_choice")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_verification_applications_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_applications")),
    )
    pending = sa.text("status = 'pending'")
    op.create_index("uq_verification_applications_one_pending", "verification_applications",
                    ["user_id"], unique=True, sqlite_where=pending, postgresql_where=pending)
    op.create_index("ix_verification_applications_status_submitted",
                    "verification_applications", ["status", "submitted_at", "id"])
    op.create_index("ix_verification_applications_submitted", "verification_applications",
                    ["submitted_at", "id"])
    op.create_index("ix_verification_applications_user", "verification_applications",
                    ["user_id", "submitted_at"])
    op.create_table(
        "verification_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["verification_applications.id"], ondelete="CASCADE",
            name=op.f("fk_verification_documents_application_id_verification_applications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_documents")),
    )
    op.create_index("ix_verification_documents_application", "verification_documents",
                    ["application_id"])


def downgrade() -> None:
    op.drop_index("ix_verification_documents_application", table_name="verification_documents")
    op.drop_table("verification_documents")
    for name in ("ix_verification_applications_user", "ix_verification_applications_submitted",
                 "ix_verification_applications_status_submitted",
                 "uq_verification_applications_one_pending"):
        op.drop_index(name, table_name="verification_applications")
    op.drop_table("verification_applications")
