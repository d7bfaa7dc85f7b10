"""Verification applications: who may apply, how many documents, and the decision rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cultureup.domain.accounts.users import Actor, UserType
from cultureup.domain.errors import InvalidState, PermissionDenied, ValidationFailed
from cultureup.domain.moderation.verification import (
    ApplicationStatus,
    Decision,
    Document,
    VerificationApplication,
)

NOW = datetime(2026, 5, 1, tzinfo=UTC)
ARTIST = Actor(id=10, username="ayesha", user_type=UserType.ARTIST)
STAFF = Actor(id=1, username="staff", user_type=UserType.ADMIN, is_staff=True)


def _document(n: int) -> Document:
    return Document(key=f"verification/10/{n}.pdf", filename=f"{n}.pdf",
                    content_type="application/pdf", size=100)


def _application() -> VerificationApplication:
    return VerificationApplication.submit(applicant=ARTIST, already_verified=False,
                                          notes=" Portfolio ", documents=[_document(1)],
                                          now=NOW)


def test_an_artist_applies_with_up_to_five_documents() -> None:
    application = _application()
    assert (application.status, application.notes, application.user_id) == (
        ApplicationStatus.PENDING, "Portfolio", ARTIST.id)
    with pytest.raises(ValidationFailed) as caught:
        VerificationApplication.submit(applicant=ARTIST, already_verified=False, notes="",
                                       documents=[_document(n) for n in range(6)], now=NOW)
    assert "documents" in caught.value.details


def test_only_unverified_artists_apply() -> None:
    buyer = Actor(id=11, username="sarah", user_type=UserType.BUYER)
    with pytest.raises(PermissionDenied):
        VerificationApplication.submit(applicant=buyer, already_verified=False, notes="",
                                       documents=[], now=NOW)
    with pytest.raises(InvalidState):
        VerificationApplication.submit(applicant=ARTIST, already_verified=True, notes="",
                                       documents=[], now=NOW)


def test_a_decision_is_taken_once_and_a_rejection_gives_a_reason() -> None:
    application = _application()
    with pytest.raises(ValidationFailed):
        application.decide(by=STAFF, decision=Decision.REJECT, reason="  ", now=NOW)
    assert application.status is ApplicationStatus.PENDING
    with pytest.raises(PermissionDenied):
        application.decide(by=ARTIST, decision=Decision.APPROVE, reason=None, now=NOW)
    application.decide(by=STAFF, decision=Decision.APPROVE, reason=None, now=NOW)
    assert (application.status, application.decided_by_id, application.decision_reason) == (
        ApplicationStatus.APPROVED, STAFF.id, None)
    with pytest.raises(InvalidState):
        application.decide(by=STAFF, decision=Decision.REJECT, reason="late", now=NOW)
