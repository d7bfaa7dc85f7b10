"""Read models of moderation: each page in two statements (rows with their users, count)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.sql.elements import ColumnElement

from cultureup.adapters.sqlalchemy.moderation.sanction_repositories import action_of, report_of
from cultureup.adapters.sqlalchemy.moderation.tables import moderation_actions, reports
from cultureup.adapters.sqlalchemy.queries import _paginate, _user_columns, _user_ref
from cultureup.adapters.sqlalchemy.tables import users
from cultureup.application.moderation.views import ActionView, ReportFilters, ReportView
from cultureup.application.views import Page, PageRequest
from cultureup.domain.errors import NotFound
from cultureup.domain.moderation.actions import AppealStatus
from cultureup.domain.moderation.reports import OPEN

affected, moderator, decider = (users.alias(name) for name in (
    "affected_user", "moderator_user", "decider_user"))
reporter, reported, resolver = (users.alias(name) for name in (
    "reporter_user", "reported_user", "resolver_user"))
other_report = reports.alias("other_report")
newer_report = reports.alias("newer_report")
OPEN_VALUES = [status.value for status in OPEN]


def _optional_ref(row: Any, prefix: str) -> Any:
    return _user_ref(row, prefix) if row[f"{prefix}_id"] is not None else None


def _action_view(row: Any) -> ActionView:
    return ActionView(action=action_of(row), user=_user_ref(row, "u_affected"),
                      moderator=_optional_ref(row, "u_moderator"),
                      decided_by=_optional_ref(row, "u_decider"))


def _report_view(row: Any) -> ReportView:
    return ReportView(report=report_of(row), reporter=_user_ref(row, "u_reporter"),
                      reported_user=_user_ref(row, "u_reported"),
                      resolved_by=_optional_ref(row, "u_resolver"),
                      target_open_reports=row["target_open_reports"])


class SqlAlchemyModerationQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._action_select().compile(dialect=engine.dialect)
        self._report_select().compile(dialect=engine.dialect)

    def _action_select(self) -> Select[Any]:
        return (select(moderation_actions, *_user_columns(affected, "u_affected"),
                       *_user_columns(moderator, "u_moderator"),
                       *_user_columns(decider, "u_decider"))
                .join(affected, affected.c.id == moderation_actions.c.user_id)
                .outerjoin(moderator, moderator.c.id == moderation_actions.c.moderator_id)
                .outerjoin(decider, decider.c.id == moderation_actions.c.appeal_decided_by_id))

    def _report_select(self) -> Select[Any]:
        open_count = (select(func.count(other_report.c.id)).where(
            other_report.c.content_type == reports.c.content_type,
            other_report.c.object_id == reports.c.object_id,
            other_report.c.status.in_(OPEN_VALUES)).scalar_subquery())
        return (select(reports, *_user_columns(reporter, "u_reporter"),
                       *_user_columns(reported, "u_reported"),
                       *_user_columns(resolver, "u_resolver"),
                       open_count.label("target_open_reports"))
                .join(reporter, reporter.c.id == reports.c.reporter_id)
                .join(reported, reported.c.id == reports.c.reported_user_id)
                .outerjoin(resolver, resolver.c.id == reports.c.resolved_by_id))

    def _one(self, query: Select[Any], what: str) -> Any:
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            raise NotFound(f"{what} not found.")
        return row

    def list_actions(self, user_id: int, page: PageRequest) -> Page[ActionView]:
        condition = moderation_actions.c.user_id == user_id
        query = self._action_select().where(condition).order_by(
            moderation_actions.c.created_at.desc(), moderation_actions.c.id.desc())
        count = select(func.count()).select_from(moderation_actions).where(condition)
        return _paginate(self._engine, query, count, page, _action_view)

    def get_action(self, action_id: int) -> ActionView:
        return _action_view(self._one(self._action_select().where(
            moderation_actions.c.id == action_id), "Moderation action"))

    def list_appeals(self, status: AppealStatus | None, page: PageRequest
                     ) -> Page[ActionView]:
        condition = (moderation_actions.c.appeal_status == status.value if status is not None
                     else moderation_actions.c.appealed_at.is_not(None))
        query = self._action_select().where(condition).order_by(
            moderation_actions.c.appealed_at, moderation_actions.c.id)
        count = select(func.count()).select_from(moderation_actions).where(condition)
        return _paginate(self._engine, query, count, page, _action_view)

    def list_reports(self, filters: ReportFilters, page: PageRequest) -> Page[ReportView]:
        conditions: list[ColumnElement[bool]] = []
        if filters.status is not None:
            conditions.append(reports.c.status == filters.status.value)
        if filters.content_type is not None:
            conditions.append(reports.c.content_type == filters.content_type.value)
        if filters.reporter_id is not None:
            conditions.append(reports.c.reporter_id == filters.reporter_id)
        if filters.group_by_target:
            # The newest report of each target among those the filters keep.
            newer = [newer_report.c.content_type == reports.c.content_type,
                     newer_report.c.object_id == reports.c.object_id,
                     newer_report.c.id > reports.c.id]
            if filters.status is not None:
                newer.append(newer_report.c.status == filters.status.value)
            conditions.append(~select(newer_report.c.id).where(*newer).exists())
        query = self._report_select().where(*conditions).order_by(
            reports.c.created_at.desc(), reports.c.id.desc())
        count = select(func.count()).select_from(reports).where(*conditions)
        return _paginate(self._engine, query, count, page, _report_view)

    def get_report(self, report_id: int) -> ReportView:
        return _report_view(self._one(self._report_select().where(reports.c.id == report_id),
                                      "Report"))
