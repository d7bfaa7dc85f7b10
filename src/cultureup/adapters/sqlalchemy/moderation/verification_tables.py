"""Verification applications and their documents. Change them only together with a migration
(0018)."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from cultureup.adapters.sqlalchemy.tables import metadata
from cultureup.adapters.sqlalchemy.types import UTCDateTime

verification_applications = Table(
    "verification_applications", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("notes", Text, nullable=False, server_default=""),
    Column("status", String(16), nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("decided_by_id", Integer, nullable=True),  # a user id, not a key
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decision_reason", Text, nullable=True),
    CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status_choice"),
)
# One pending application per user, whatever the code does; the staff queue by status, oldest
# first; an applicant's own, newest first.
Index("uq_verification_applications_one_pending", verification_applications.c.user_id,
      unique=True, sqlite_where=text("status = 'pending'"),
      postgresql_where=text("status = 'pending'"))
Index("ix_verification_applications_status_submitted", verification_applications.c.status,
      verification_applications.c.submitted_at, verification_applications.c.id)
Index("ix_verification_applications_submitted", verification_applications.c.submitted_at,
      verification_applications.c.id)
Index("ix_verification_applications_user", verification_applications.c.user_id,
      verification_applications.c.submitted_at)

verification_documents = Table(
    "verification_documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("application_id", Integer,
           ForeignKey("verification_applications.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(300), nullable=False),
    Column("filename", String(200), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
)
Index("ix_verification_documents_application", verification_documents.c.application_id)
