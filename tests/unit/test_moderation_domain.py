"""Moderation rules: when a sanction is in force, what restriction an account has, appeals,
and reports' status changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.domain.accounts.users import Actor, UserType
from cultureup.domain.errors import InvalidState, PermissionDenied, ValidationFailed
from cultureup.domain.moderation.actions import (
    APPEAL_WINDOW,
    ActionKind,
    AppealStatus,
    Decision,
    ModerationAction,
    restriction_of,
)
from cultureup.domain.moderation.reports import (
    ContentType,
    Report,
    ReportAction,
    ReportReason,
    ReportStatus,
    content_type_of,
)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
MODERATOR = Actor(id=1, username="mod", user_type=UserType.ADMIN, is_staff=True)
OTHER_MODERATOR = Actor(id=2, username="mod2", user_type=UserType.ADMIN, is_staff=True)
USER = Actor(id=10, username="user", user_type=UserType.ARTIST)


def suspension(days: int | None = 7, *, at: datetime = NOW) -> ModerationAction:
    action = ModerationAction.record(kind=ActionKind.SUSPENSION, user_id=USER.id,
                                     moderator=MODERATOR, reason="Spam", now=at,
                                     duration_days=days)
    action.id = 1
    return action


def test_a_suspension_is_in_force_until_its_end_and_then_over_by_itself() -> None:
    action = suspension(7)
    assert action.until == NOW + timedelta(days=7)
    restriction = restriction_of([action], NOW + timedelta(days=7) - timedelta(seconds=1))
    assert restriction is not None and restriction.reason == "Spam"
    assert restriction.until == NOW + timedelta(days=7) and not restriction.banned
    assert restriction_of([action], NOW + timedelta(days=7)) is None


def test_an_indefinite_suspension_and_a_ban_never_end_by_themselves() -> None:
    ban = ModerationAction.record(kind=ActionKind.BAN, user_id=USER.id, moderator=MODERATOR,
                                  reason="Scam", now=NOW)
    far = NOW + timedelta(days=100_000)
    assert restriction_of([suspension(None)], far) is not None
    restriction = restriction_of([suspension(3), ban], far)
    assert restriction is not None and restriction.banned and restriction.reason == "Scam"


def test_a_reversed_sanction_is_not_in_force() -> None:
    action = suspension(None)
    action.reverse(by=OTHER_MODERATOR, now=NOW)
    assert restriction_of([action], NOW) is None


@pytest.mark.parametrize(("reason", "days", "field"), [
    ("", 7, "reason"), ("   ", 7, "reason"), ("Spam", 0, "duration_days"),
    ("Spam", -3, "duration_days"), ("Spam", 4000, "duration_days")])
def test_bad_reason_or_duration_is_refused(reason: str, days: int, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        ModerationAction.record(kind=ActionKind.SUSPENSION, user_id=USER.id,
                                moderator=MODERATOR, reason=reason, now=NOW,
                                duration_days=days)
    assert field in caught.value.details


def test_an_appeal_is_once_within_twenty_days_by_the_user_only() -> None:
    action = suspension()
    with pytest.raises(PermissionDenied):
        action.appeal(by=OTHER_MODERATOR, reason="Not me", now=NOW)
    late = suspension()
    with pytest.raises(InvalidState):
        late.appeal(by=USER, reason="Please", now=NOW + APPEAL_WINDOW + timedelta(seconds=1))
    action.appeal(by=USER, reason="It was a mistake", now=NOW + APPEAL_WINDOW)
    assert action.appeal_status is AppealStatus.PENDING
    with pytest.raises(InvalidState):
        action.appeal(by=USER, reason="Again", now=NOW + APPEAL_WINDOW)


def test_the_moderator_who_acted_cannot_decide_the_appeal() -> None:
    action = suspension()
    action.appeal(by=USER, reason="Mistake", now=NOW)
    with pytest.raises(PermissionDenied):
        action.decide_appeal(by=MODERATOR, decision=Decision.APPROVE, reason="Fine", now=NOW)
    assert action.appeal_status is AppealStatus.PENDING and action.reversed_at is None
    action.decide_appeal(by=OTHER_MODERATOR, decision=Decision.APPROVE, reason="Fine",
                         now=NOW)
    assert action.appeal_status is AppealStatus.APPROVED and action.reversed_at == NOW
    assert restriction_of([action], NOW) is None
    with pytest.raises(InvalidState):
        action.decide_appeal(by=OTHER_MODERATOR, decision=Decision.REJECT, reason="No",
                             now=NOW)


def test_a_rejected_appeal_leaves_the_sanction_in_force() -> None:
    action = suspension(None)
    action.appeal(by=USER, reason="Mistake", now=NOW)
    action.decide_appeal(by=OTHER_MODERATOR, decision=Decision.REJECT, reason="No", now=NOW)
    assert restriction_of([action], NOW) is not None


moments = st.integers(min_value=0, max_value=60 * 24 * 400).map(
    lambda minutes: NOW + timedelta(minutes=minutes))
sanctions = st.lists(st.tuples(
    st.sampled_from([ActionKind.SUSPENSION, ActionKind.BAN, ActionKind.WARNING]),
    st.one_of(st.none(), st.integers(1, 60)), moments, st.booleans()), max_size=6)


@given(sanctions, moments)
def test_restriction_is_exactly_the_sanctions_in_force(
        specs: list[tuple[ActionKind, int | None, datetime, bool]], now: datetime) -> None:
    actions = []
    for kind, days, at, reversed_ in specs:
        action = ModerationAction.record(
            kind=kind, user_id=USER.id, moderator=MODERATOR, reason="r", now=at,
            duration_days=days if kind is ActionKind.SUSPENSION else None)
        if reversed_:
            action.reverse(by=MODERATOR, now=at)
        actions.append(action)
    live = [a for a in actions if a.kind is not ActionKind.WARNING and not a.reversed_at
            and (a.until is None or now < a.until)]
    restriction = restriction_of(actions, now)
    assert (restriction is None) == (not live)
    if restriction is not None:
        assert restriction.banned == any(a.kind is ActionKind.BAN for a in live)
        if not restriction.banned:
            ends = [a.until for a in live]
            assert restriction.until == (None if None in ends else max(ends))  # type: ignore


def report(**overrides: object) -> Report:
    fields: dict = dict(id=1, reporter_id=10, content_type=ContentType.ARTWORK, object_id=5,
                        reported_user_id=11, title="Sunset", reason=ReportReason.SPAM,
                        created_at=NOW, updated_at=NOW)
    fields.update(overrides)
    return Report(**fields)


def test_an_action_needs_status_resolved_and_a_reason() -> None:
    with pytest.raises(ValidationFailed) as caught:
        report().review(status=ReportStatus.REVIEWED, action=ReportAction.BANNED_USER,
                        notes="x", by_id=1, now=NOW)
    assert "action" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        report().review(status=ReportStatus.RESOLVED, action=ReportAction.BANNED_USER,
                        notes=None, by_id=1, now=NOW)
    assert "reason" in caught.value.details
    closed = report()
    closed.review(status=ReportStatus.DISMISSED, action=ReportAction.NO_ACTION, notes=None,
                  by_id=1, now=NOW)
    assert closed.resolved_by_id == 1 and not closed.is_open
    with pytest.raises(InvalidState):
        closed.review(status=ReportStatus.PENDING, action=None, notes=None, by_id=1, now=NOW)


def test_the_documents_listing_kinds_are_aliases() -> None:
    assert content_type_of("product") is ContentType.ARTWORK
    assert content_type_of("service") is ContentType.JOB
    assert content_type_of("property") is ContentType.EQUIPMENT
    assert content_type_of("message") is ContentType.MESSAGE
    with pytest.raises(ValueError):
        content_type_of("house")
