"""Read-side data of moderation: actions with the users they name, reports with theirs."""

from __future__ import annotations

import attrs

from cultureup.application.views import UserRef
from cultureup.domain.moderation.actions import ModerationAction, Restriction
from cultureup.domain.moderation.reports import ContentType, Report, ReportStatus


@attrs.frozen(kw_only=True)
class ActionView:
    action: ModerationAction
    user: UserRef
    moderator: UserRef | None
    decided_by: UserRef | None = None


@attrs.frozen(kw_only=True)
class SanctionResult:
    """An account after a suspension, ban or their lifting: the action recorded and the
    restriction in force now (None: the account may be used)."""

    user_id: int
    username: str
    is_active: bool
    action: ModerationAction
    restriction: Restriction | None


@attrs.frozen(kw_only=True)
class ReportFilters:
    status: ReportStatus | None = None
    content_type: ContentType | None = None
    reporter_id: int | None = None
    # One row per target (its newest report matching the filters).
    group_by_target: bool = False


@attrs.frozen(kw_only=True)
class ReportView:
    report: Report
    reporter: UserRef
    reported_user: UserRef
    resolved_by: UserRef | None
    # Open reports on the same target (this one included when it is open).
    target_open_reports: int
