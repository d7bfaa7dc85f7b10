"""Repositories of reports and moderation actions over the unit of work's connection."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from cultureup.adapters.sqlalchemy.moderation.tables import moderation_actions, reports
from cultureup.domain.errors import NotFound
from cultureup.domain.moderation.actions import (
    RESTRICTING,
    ActionKind,
    AppealStatus,
    ModerationAction,
)
from cultureup.domain.moderation.reports import (
    OPEN,
    ContentType,
    Report,
    ReportAction,
    ReportReason,
    ReportStatus,
)

ACTION_COLUMNS = tuple(column.name for column in moderation_actions.c)
REPORT_COLUMNS = tuple(column.name for column in reports.c)
_ACTION_STATE = ("reversed_at", "reversed_by_id", "appeal_reason", "appealed_at",
                 "appeal_decided_by_id", "appeal_decision_reason", "appeal_decided_at")


def action_of(row: Any) -> ModerationAction:
    data = {name: row[name] for name in ACTION_COLUMNS}
    data["kind"] = ActionKind(data["kind"])
    data["appeal_status"] = AppealStatus(data["appeal_status"]) if data["appeal_status"] \
        else None
    data["moderator_id"] = data["moderator_id"] or 0
    return ModerationAction(**data)


def report_of(row: Any) -> Report:
    data = {name: row[name] for name in REPORT_COLUMNS}
    data["content_type"] = ContentType(data["content_type"])
    data["reason"] = ReportReason(data["reason"])
    data["status"] = ReportStatus(data["status"])
    data["action"] = ReportAction(data["action"]) if data["action"] else None
    return Report(**data)


class SqlAlchemyModerationActionRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, action: ModerationAction) -> None:
        values = {name: getattr(action, name) for name in ACTION_COLUMNS
                  if name != "id"}
        values["kind"] = action.kind.value
        values["appeal_status"] = action.appeal_status.value if action.appeal_status else None
        action.id = self._c.execute(insert(moderation_actions).values(**values)
                                    .returning(moderation_actions.c.id)).scalar_one()

    def get(self, action_id: int) -> ModerationAction:
        row = self._c.execute(select(moderation_actions).where(
            moderation_actions.c.id == action_id).with_for_update()).mappings().first()
        if row is None:
            raise NotFound("Moderation action not found.")
        return action_of(row)

    def save(self, action: ModerationAction) -> None:
        values = {name: getattr(action, name) for name in _ACTION_STATE}
        values["appeal_status"] = action.appeal_status.value if action.appeal_status else None
        self._c.execute(update(moderation_actions)
                        .where(moderation_actions.c.id == action.id).values(**values))

    def unreversed_removal(self, user_id: int, target_type: str, target_id: int
                           ) -> ModerationAction | None:
        # The (user_id, kind) index of actions not reversed, then the few of that user.
        row = self._c.execute(select(moderation_actions).where(
            moderation_actions.c.user_id == user_id,
            moderation_actions.c.kind == ActionKind.CONTENT_REMOVAL.value,
            moderation_actions.c.reversed_at.is_(None),
            moderation_actions.c.target_type == target_type,
            moderation_actions.c.target_id == target_id)
            .order_by(moderation_actions.c.id.desc()).limit(1)
            .with_for_update()).mappings().first()
        return None if row is None else action_of(row)

    def unreversed_restrictions(self, user_id: int) -> list[ModerationAction]:
        rows = self._c.execute(select(moderation_actions).where(
            moderation_actions.c.user_id == user_id,
            moderation_actions.c.kind.in_([kind.value for kind in RESTRICTING]),
            moderation_actions.c.reversed_at.is_(None))).mappings().all()
        return [action_of(row) for row in rows]


class SqlAlchemyReportRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    @staticmethod
    def _values(report: Report) -> dict[str, Any]:
        values = {name: getattr(report, name) for name in REPORT_COLUMNS if name != "id"}
        for name in ("content_type", "reason", "status", "action"):
            values[name] = values[name].value if values[name] is not None else None
        return values

    def add(self, report: Report) -> None:
        report.id = self._c.execute(insert(reports).values(**self._values(report))
                                    .returning(reports.c.id)).scalar_one()

    def get(self, report_id: int) -> Report:
        row = self._c.execute(select(reports).where(reports.c.id == report_id)
                              .with_for_update()).mappings().first()
        if row is None:
            raise NotFound("Report not found.")
        return report_of(row)

    def save(self, report: Report) -> None:
        values = self._values(report)
        self._c.execute(update(reports).where(reports.c.id == report.id).values(
            **{name: values[name] for name in ("status", "action", "resolution_notes",
                                               "resolved_by_id", "updated_at")}))

    def open_report(self, reporter_id: int, content_type: ContentType,
                    object_id: int) -> Report | None:
        row = self._c.execute(select(reports).where(
            reports.c.reporter_id == reporter_id, reports.c.content_type == content_type.value,
            reports.c.object_id == object_id,
            reports.c.status.in_([s.value for s in OPEN]))).mappings().first()
        return report_of(row) if row is not None else None

    def open_on_target_of(self, report_id: int) -> list[Report]:
        of = select(reports.c.content_type, reports.c.object_id).where(
            reports.c.id == report_id).subquery()
        rows = self._c.execute(select(reports).join(of, and_(
            reports.c.content_type == of.c.content_type, reports.c.object_id == of.c.object_id))
            .where(reports.c.status.in_([s.value for s in OPEN])).order_by(reports.c.id)
            .with_for_update(of=reports)).mappings().all()
        return [report_of(row) for row in rows]
