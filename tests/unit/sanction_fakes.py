"""In-memory moderation repositories for the unit of work fake: writes are buffered and
applied on commit, like the other fakes."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import attrs

from cultureup.domain.errors import NotFound
from cultureup.domain.moderation.actions import RESTRICTING, ActionKind, ModerationAction
from cultureup.domain.moderation.reports import ContentType, Report


@attrs.define
class ModerationState:
    actions: dict[int, ModerationAction] = attrs.Factory(dict)
    reports: dict[int, Report] = attrs.Factory(dict)
    ids: Any = attrs.Factory(lambda: itertools.count(1))


class _Buffered:
    def __init__(self, state: ModerationState, table: str) -> None:
        self._state, self._table = state, table
        self.pending: dict[int, Any] = {}

    def _rows(self) -> dict[int, Any]:
        return {**getattr(self._state, self._table), **self.pending}

    def add(self, row: Any) -> None:
        row.id = next(self._state.ids)
        self.pending[row.id] = copy.deepcopy(row)

    def get(self, row_id: int) -> Any:
        row = self._rows().get(row_id)
        if row is None:
            raise NotFound("Not found.")
        return copy.deepcopy(row)

    def save(self, row: Any) -> None:
        self.pending[row.id] = copy.deepcopy(row)

    def commit(self) -> None:
        getattr(self._state, self._table).update(self.pending)
        self.pending.clear()


class InMemoryModerationActions(_Buffered):
    def __init__(self, state: ModerationState) -> None:
        super().__init__(state, "actions")

    def unreversed_removal(self, user_id: int, target_type: str, target_id: int
                           ) -> ModerationAction | None:
        found = [action for action in self._rows().values()
                 if action.user_id == user_id and action.kind is ActionKind.CONTENT_REMOVAL
                 and action.reversed_at is None and action.target_type == target_type
                 and action.target_id == target_id]
        return copy.deepcopy(max(found, key=lambda action: action.id or 0)) if found else None

    def unreversed_restrictions(self, user_id: int) -> list[ModerationAction]:
        return [copy.deepcopy(action) for action in self._rows().values()
                if action.user_id == user_id and action.kind in RESTRICTING
                and action.reversed_at is None]


class InMemoryReports(_Buffered):
    def __init__(self, state: ModerationState) -> None:
        super().__init__(state, "reports")

    def open_report(self, reporter_id: int, content_type: ContentType,
                    object_id: int) -> Report | None:
        return next((copy.deepcopy(report) for report in self._rows().values()
                     if report.reporter_id == reporter_id and report.is_open
                     and report.content_type is content_type
                     and report.object_id == object_id), None)

    def open_on_target_of(self, report_id: int) -> list[Report]:
        of = self._rows().get(report_id)
        if of is None:
            return []
        return [copy.deepcopy(report) for _, report in sorted(self._rows().items())
                if report.is_open and report.content_type is of.content_type
                and report.object_id == of.object_id]
