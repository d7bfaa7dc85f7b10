"""Verification applications: an artist asks for the verified badge with notes and documents;
staff approve (the account becomes verified) or reject, with a reason the artist is told.

One pending application per artist at a time; a decided application stays as a record, and
the artist may apply again after a rejection. The admin-panel document calls these agent
applications (`/real_estate/api/admin/agents/...`).
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import FieldErrors, InvalidState, PermissionDenied

NOTES_MAX = 2000
DOCUMENTS_MAX = 5


class ApplicationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Decision(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


@attrs.frozen(kw_only=True)
class Document:
    """A file sent with an application, kept in the private store under `key`."""

    key: str
    filename: str
    content_type: str
    size: int
    id: int | None = None


@attrs.define(eq=False, kw_only=True)
class VerificationApplication:
    id: int | None = None
    user_id: int
    notes: str
    documents: list[Document] = attrs.Factory(list)
    status: ApplicationStatus = ApplicationStatus.PENDING
    submitted_at: datetime
    decided_by_id: int | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None

    @classmethod
    def submit(cls, *, applicant: Actor, already_verified: bool, notes: str,
               documents: list[Document], now: datetime) -> VerificationApplication:
        """Artists only, not yet verified; notes at most NOTES_MAX characters, at most
        DOCUMENTS_MAX documents (the checks of each file are the caller's)."""
        if not applicant.is_artist:
            raise PermissionDenied("Only artists can apply for verification.")
        if already_verified:
            raise InvalidState("Your account is verified already.")
        errors = FieldErrors()
        errors.check_text("notes", notes, max_length=NOTES_MAX, required=False)
        if len(documents) > DOCUMENTS_MAX:
            errors.add("documents", f"Send at most {DOCUMENTS_MAX} documents.")
        errors.raise_if_any()
        return cls(user_id=applicant.id, notes=notes.strip(), documents=list(documents),
                   submitted_at=now)

    def decide(self, *, by: Actor, decision: Decision, reason: str | None,
               now: datetime) -> None:
        """Approve or reject a pending application (the caller checked the permission). A
        rejection needs a reason, which the artist is told; staff never decide their own."""
        if by.id == self.user_id:
            raise PermissionDenied("Nobody decides their own verification application.")
        if self.status is not ApplicationStatus.PENDING:
            raise InvalidState(f"This application was {self.status.value} already.")
        reason = (reason or "").strip()
        errors = FieldErrors()
        if decision is Decision.REJECT and not reason:
            errors.add("reason", "A rejection needs a reason; the applicant is told it.")
        elif len(reason) > NOTES_MAX:
            errors.add("reason", f"Ensure this field has no more than {NOTES_MAX} characters.")
        errors.raise_if_any()
        self.status = (ApplicationStatus.APPROVED if decision is Decision.APPROVE
                       else ApplicationStatus.REJECTED)
        self.decided_by_id, self.decided_at = by.id, now
        self.decision_reason = reason or None
