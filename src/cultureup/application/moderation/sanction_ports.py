"""What the moderation use cases need from storage and from content moderation."""

from __future__ import annotations

from typing import Any, Protocol

from cultureup.application.moderation.views import (
    ActionView,
    ReportFilters,
    ReportView,
)
from cultureup.application.views import Page, PageRequest
from cultureup.domain.accounts.users import Actor
from cultureup.domain.moderation.actions import AppealStatus, ModerationAction
from cultureup.domain.moderation.reports import ContentType, Report


class ModerationActionRepository(Protocol):
    def add(self, action: ModerationAction) -> None:
        """Store a new action and give it an id."""
        ...

    def get(self, action_id: int) -> ModerationAction:
        """The action, locked for this unit of work; raises NotFound."""
        ...

    def save(self, action: ModerationAction) -> None:
        """Write the reversal and appeal fields of a loaded action."""
        ...

    def unreversed_removal(self, user_id: int, target_type: str, target_id: int
                           ) -> ModerationAction | None:
        """The content removal of the user's listing that nobody reversed, if any."""
        ...

    def unreversed_restrictions(self, user_id: int) -> list[ModerationAction]:
        """The user's suspensions and bans that nobody lifted (expired ones included: the
        domain compares them with the clock)."""
        ...


class ReportRepository(Protocol):
    def add(self, report: Report) -> None:
        """Store a new report and give it an id; a second open report by one reporter on
        one target is refused by the database too (ValidationFailed)."""
        ...

    def get(self, report_id: int) -> Report:
        """The report, locked for this unit of work; raises NotFound."""
        ...

    def save(self, report: Report) -> None:
        """Write the status, action and resolution of a loaded report."""
        ...

    def open_report(self, reporter_id: int, content_type: ContentType,
                    object_id: int) -> Report | None:
        """The reporter's open report on this target, if any."""
        ...

    def open_on_target_of(self, report_id: int) -> list[Report]:
        """Every open report on the same target as report `report_id` (that one included
        while open; none when it does not exist), locked for this unit of work in id order:
        two callers closing reports on one target wait for each other instead of each
        holding one report and waiting for the other's."""
        ...


class ModerationQueries(Protocol):
    def list_actions(self, user_id: int, page: PageRequest) -> Page[ActionView]:
        """The user's actions, newest first."""
        ...

    def get_action(self, action_id: int) -> ActionView:
        """Raises NotFound."""
        ...

    def list_appeals(self, status: AppealStatus | None, page: PageRequest) -> Page[ActionView]:
        """Appealed actions, oldest appeal first."""
        ...

    def list_reports(self, filters: ReportFilters, page: PageRequest) -> Page[ReportView]:
        """Reports newest first, each with the number of open reports on its target."""
        ...

    def get_report(self, report_id: int) -> ReportView:
        """Raises NotFound."""
        ...


class ContentRemoval(Protocol):
    """Removing and restoring a listing (artwork, job, equipment) as a step of the caller's
    transaction: the content use case hides it everywhere (or brings it back), tells its owner
    the reason and writes its audit entry; the caller commits."""

    def remove_within(self, uow: Any, actor: Actor, content_type: str, object_id: int,
                      reason: str | None, *, report_id: int | None = None,
                      ip: str | None = None) -> Any: ...

    def restore_within(self, uow: Any, actor: Actor, content_type: str, object_id: int,
                       reason: str | None, *, report_id: int | None = None,
                       ip: str | None = None) -> Any: ...
