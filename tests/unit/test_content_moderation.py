"""Content removal: the public-visibility rule, the content types and the remove/restore use
case with in-memory fakes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.adapters.notifications import DatabaseNotifier
from cultureup.application.collaboration.views import NotificationFilters
from cultureup.application.moderation.content import ModerationContentService
from cultureup.application.views import PageRequest
from cultureup.domain.audit import AuditAction
from cultureup.domain.catalog.artworks import ModerationStatus, is_public
from cultureup.domain.errors import (
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cultureup.domain.moderation.content import ContentType, check_reason, parse_content_type
from tests.unit.builders import Marketplace


def test_the_public_sees_approved_and_unreviewed_clear_artworks_only() -> None:
    assert is_public(moderation_status="APPROVED", duplicate_candidate_id=None, removed=False)
    # Moderation after publication: a clear upload shows before review.
    assert is_public(moderation_status="PENDING", duplicate_candidate_id=None, removed=False)
    # Held for a duplicate review: hidden until approved.
    assert not is_public(moderation_status="PENDING", duplicate_candidate_id=4, removed=False)
    assert is_public(moderation_status="APPROVED", duplicate_candidate_id=4, removed=False)
    assert not is_public(moderation_status="REJECTED", duplicate_candidate_id=None,
                         removed=False)


@given(status=st.sampled_from(list(ModerationStatus)),
       candidate=st.one_of(st.none(), st.integers(1, 10**6)))
def test_a_removed_artwork_is_never_public(status: ModerationStatus,
                                           candidate: int | None) -> None:
    assert not is_public(moderation_status=status, duplicate_candidate_id=candidate,
                         removed=True)


@pytest.mark.parametrize(("word", "kind"), [
    ("artwork", ContentType.ARTWORK), ("JOB", ContentType.JOB),
    (" equipment ", ContentType.EQUIPMENT), ("product", ContentType.ARTWORK),
    ("service", ContentType.JOB), ("property", ContentType.EQUIPMENT)])
def test_content_types_and_the_documents_aliases(word: str, kind: ContentType) -> None:
    assert parse_content_type(word) is kind


@pytest.mark.parametrize("word", ["", None, "message", "artworks", "user"])
def test_an_unknown_content_type_names_the_choices(word: str | None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_content_type(word)
    assert "artwork, job, equipment" in caught.value.details["content_type"][0]


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 1001])
def test_a_reason_is_required_and_bounded(reason: str | None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_reason(reason)
    assert "reason" in caught.value.details


def _setup() -> tuple[Marketplace, ModerationContentService]:
    m = Marketplace.create()
    service = ModerationContentService(uow=m.store.unit_of_work, queries=None,  # type: ignore[arg-type]
                                       clock=m.clock, notifier=DatabaseNotifier())
    return m, service


def test_removing_a_job_tells_its_buyer_audits_and_blocks_bids() -> None:
    m, service = _setup()
    m.add_category()
    buyer, moderator, artist = m.add_buyer(), m.add_staff(), m.add_artist()
    job = m.jobs.post_job(buyer, m.job_terms())

    done = service.remove(moderator, "service", job.id, " Spam listing ")

    assert (done.content_type, done.removed, done.removal_reason) == (
        ContentType.JOB, True, "Spam listing")
    assert done.removed_by is not None and done.removed_by.id == moderator.id
    notes = m.notifications.list_notifications(buyer, NotificationFilters(),
                                               PageRequest.of(1, 20)).items
    assert [n.notification_type for n in notes] == ["content_removed"]
    assert "Spam listing" in notes[0].message
    entry = m.store.audit[-1]
    assert (entry.action, entry.target_type, entry.target_id, entry.details["reason"]) == (
        AuditAction.CONTENT_REMOVED, "job", str(job.id), "Spam listing")
    with pytest.raises(NotFound):
        m.jobs.get_job(job.id)  # the public
    assert m.jobs.get_job(job.id, actor=buyer).id == job.id  # its owner
    assert m.jobs.get_job(job.id, actor=moderator).id == job.id  # staff
    from tests.unit.builders import bid_terms
    with pytest.raises(NotFound):
        m.bids.place_bid(artist, job.id, bid_terms())


def test_remove_twice_is_a_conflict_and_restore_brings_it_back() -> None:
    m, service = _setup()
    m.add_category()
    buyer, moderator = m.add_buyer(), m.add_staff()
    job = m.jobs.post_job(buyer, m.job_terms())
    with pytest.raises(InvalidState):
        service.restore(moderator, "job", job.id, "nothing to restore")
    service.remove(moderator, "job", job.id, "spam")
    audited = len(m.store.audit)
    with pytest.raises(InvalidState):
        service.remove(moderator, "job", job.id, "spam again")
    assert len(m.store.audit) == audited

    back = service.restore(moderator, "job", job.id, "appeal upheld")

    assert (back.removed, back.reason) == (False, "appeal upheld")
    assert m.jobs.get_job(job.id).id == job.id
    assert m.store.audit[-1].action == AuditAction.CONTENT_RESTORED


def test_bad_input_and_strangers_change_nothing() -> None:
    m, service = _setup()
    m.add_category()
    buyer, moderator = m.add_buyer(), m.add_staff()
    job = m.jobs.post_job(buyer, m.job_terms())
    audited = len(m.store.audit)
    with pytest.raises(PermissionDenied):
        service.remove(buyer, "job", job.id, "mine")
    with pytest.raises(ValidationFailed):
        service.remove(moderator, "listing", job.id, "spam")
    with pytest.raises(ValidationFailed):
        service.remove(moderator, "job", job.id, "  ")
    with pytest.raises(NotFound):
        service.remove(moderator, "job", job.id + 1000, "spam")
    assert len(m.store.audit) == audited
    assert m.jobs.get_job(job.id).id == job.id
