"""Reports: a user flags a listing, message, review or account for moderators.

One open report per reporter and target (the database keeps it with a partial unique
index too); nobody reports themselves or their own content. Staff move a report through
pending -> reviewed -> resolved or dismissed; resolving may carry an action that is performed
at once (see `ReportAction`).
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from cultureup.domain.errors import FieldErrors, InvalidState
from cultureup.domain.moderation.content import CONTENT_TYPE_ALIASES

DESCRIPTION_MAX = 2000
NOTES_MAX = 1000


class ContentType(enum.StrEnum):
    ARTWORK = "artwork"
    JOB = "job"
    EQUIPMENT = "equipment"
    MESSAGE = "message"
    REVIEW = "review"
    USER = "user"


# What a user may report (equipment is sold by the platform itself).
REPORTABLE = (ContentType.ARTWORK, ContentType.JOB, ContentType.MESSAGE, ContentType.REVIEW,
              ContentType.USER)
# The admin-panel document's listing kinds, read as CultureUp's: the one mapping that
# content removal uses too (product: artwork, service: job, property: equipment).
ALIASES = {alias: ContentType(kind.value) for alias, kind in CONTENT_TYPE_ALIASES.items()}
FILTER_CHOICES = tuple([kind.value for kind in ContentType] + list(ALIASES))


def content_type_of(name: str) -> ContentType:
    """A content type by its CultureUp name or the document's alias; ValueError otherwise."""
    return ALIASES.get(name) or ContentType(name)


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    PLAGIARISM = "plagiarism"
    OFFENSIVE = "offensive"
    SCAM = "scam"
    OFF_PLATFORM_PAYMENT = "off_platform_payment"
    OTHER = "other"


class ReportStatus(enum.StrEnum):
    PENDING = "pending"
    REVIEWED = "reviewed"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


OPEN = (ReportStatus.PENDING, ReportStatus.REVIEWED)
CLOSED = (ReportStatus.RESOLVED, ReportStatus.DISMISSED)


class ReportAction(enum.StrEnum):
    REMOVED_CONTENT = "removed_content"
    WARNED_USER = "warned_user"
    BANNED_USER = "banned_user"
    NO_ACTION = "no_action"


@attrs.define(eq=False, kw_only=True)
class Report:
    id: int | None = None
    reporter_id: int
    content_type: ContentType
    object_id: int
    reported_user_id: int  # the account reported, or the owner of the content reported
    title: str  # the target's title (or excerpt, or username) when it was reported
    reason: ReportReason
    description: str = ""
    status: ReportStatus = ReportStatus.PENDING
    action: ReportAction | None = None
    resolution_notes: str | None = None
    resolved_by_id: int | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def review(self, *, status: ReportStatus, action: ReportAction | None, notes: str | None,
               by_id: int, now: datetime) -> None:
        """Move an open report to `status`. An action other than no_action needs the status
        resolved and a reason (the notes). A closed report stays closed (InvalidState)."""
        if not self.is_open:
            raise InvalidState(f"This report is already {self.status.value}.")
        errors = FieldErrors()
        if action is not None and status in OPEN:
            errors.add("action", "An action is taken when the report is resolved or "
                       "dismissed; set status to resolved.")
        elif action not in (None, ReportAction.NO_ACTION) and status is not ReportStatus.RESOLVED:
            errors.add("action", f"{action} needs status resolved.")
        if action not in (None, ReportAction.NO_ACTION) and not (notes or "").strip():
            errors.add("reason", f"A reason is required for {action}; the user is told it.")
        if notes is not None and len(notes) > NOTES_MAX:
            errors.add("reason", f"Ensure this field has no more than {NOTES_MAX} characters.")
        errors.raise_if_any()
        self.status, self.updated_at = status, now
        if action is not None:
            self.action = action
        if notes is not None:
            self.resolution_notes = notes.strip()
        if status in CLOSED:
            self.resolved_by_id = by_id
