"""/api/reports/ (any signed-in user files and reads their own) and /api/admin/reports/
(the queue and its update, Permission.HANDLE_REPORTS), in the admin-panel document's shape."""

from __future__ import annotations

import falcon
from pydantic import Field

from cultureup.application.moderation.reports import ReportService
from cultureup.application.moderation.views import ReportView
from cultureup.application.views import UserRef as UserData
from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.moderation.actions import REASON_MAX
from cultureup.domain.moderation.reports import (
    DESCRIPTION_MAX,
    FILTER_CHOICES,
    REPORTABLE,
    ContentType,
    ReportAction,
    ReportReason,
    ReportStatus,
)
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import Choice, Flag, Id, Text, Timestamp
from cultureup.entrypoints.http.shapes import PageOf, Pagination, UserRef

TAG, ADMIN_TAG = "Reports", "Admin: moderation"
REASONS = [reason.value for reason in ReportReason]
STATUSES = [status.value for status in ReportStatus]
ACTIONS = [action.value for action in ReportAction]
TYPES = [kind.value for kind in ContentType]


class ReportInput(Shape):
    content_type: Choice([kind.value for kind in REPORTABLE])
    object_id: Id
    reason: Choice(REASONS, description="spam, plagiarism, offensive, scam, "
                   "off_platform_payment or other")
    description: Text(DESCRIPTION_MAX, blank=True) = None


class ReportedContent(Answer):
    id: int
    type: str = Field(json_schema_extra={"enum": TYPES})
    title: str


class ReportUser(Answer):
    """A user named in a report; the e-mail only to staff who may see users' contact data."""

    id: int
    username: str
    email: str | None = None


class OwnReport(Answer):
    id: int
    content_type: str = Field(json_schema_extra={"enum": TYPES})
    object_id: int
    reported_content: ReportedContent
    reason: str = Field(json_schema_extra={"enum": REASONS})
    description: str
    status: str = Field(json_schema_extra={"enum": STATUSES})
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, view: ReportView) -> OwnReport:
        report = view.report
        assert report.id is not None
        return cls(id=report.id, content_type=report.content_type.value,
                   object_id=report.object_id, reported_content=_content(view),
                   reason=report.reason.value, description=report.description,
                   status=report.status.value, created_at=report.created_at,
                   updated_at=report.updated_at)


class OwnReportPage(PageOf[OwnReport]):
    pass


def _content(view: ReportView) -> ReportedContent:
    return ReportedContent(id=view.report.object_id, type=view.report.content_type.value,
                           title=view.report.title)


class AdminReport(Answer):
    id: int
    reporter: ReportUser
    reported_content: ReportedContent
    reported_user: ReportUser
    reason: str = Field(json_schema_extra={"enum": REASONS})
    description: str
    status: str = Field(json_schema_extra={"enum": STATUSES})
    action: str | None = Field(json_schema_extra={"enum": [*ACTIONS, None]})
    created_at: Timestamp
    updated_at: Timestamp
    resolved_by: UserRef | None
    resolution_notes: str | None
    target_report_count: int = Field(
        description="Open reports on the same target (this one included while open)")

    @classmethod
    def for_staff(cls, view: ReportView, contact: bool) -> AdminReport:
        report = view.report
        assert report.id is not None

        def person(user: UserData) -> ReportUser:
            return ReportUser(id=user.id, username=user.username,
                              email=user.email if contact else None)

        resolver = view.resolved_by
        return cls(id=report.id, reporter=person(view.reporter),
                   reported_content=_content(view), reported_user=person(view.reported_user),
                   reason=report.reason.value, description=report.description,
                   status=report.status.value,
                   action=report.action.value if report.action else None,
                   created_at=report.created_at, updated_at=report.updated_at,
                   resolved_by=UserRef(id=resolver.id, username=resolver.username)
                   if resolver else None,
                   resolution_notes=report.resolution_notes,
                   target_report_count=view.target_open_reports)


class AdminReportPage(PageOf[AdminReport]):
    pass


class AdminReportQuery(Pagination):
    status: Choice(STATUSES) = None
    content_type: Choice(list(FILTER_CHOICES), description="artwork, job, equipment, "
                         "message, review or user; the admin-panel document's product "
                         "(artwork), service (job) and property (equipment) too") = None
    group_by_target: Flag = None


class ReportUpdate(Shape):
    status: Choice(STATUSES)
    action: Choice(ACTIONS) = None
    reason: Text(REASON_MAX, blank=True) = None
    resolve_all: Flag = None


class ReportUpdated(Answer):
    id: int
    status: str = Field(json_schema_extra={"enum": STATUSES})
    action: str | None = Field(json_schema_extra={"enum": [*ACTIONS, None]})
    reason: str | None
    updated_at: Timestamp
    resolved_by: UserRef | None
    target_report_count: int


class ReportListResource:
    def __init__(self, reports: ReportService) -> None:
        self._reports = reports

    @endpoint("Report a listing, message, review or user", TAG, auth=True, body=ReportInput,
              response=OwnReport, status=201,
              description="One open report per reporter and target; the target must exist "
              "and be visible to the reporter; nobody reports themselves.")
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: ReportInput
                ) -> OwnReport:
        return OwnReport.of(self._reports.file(
            require_actor(req), content_type=body.content_type, object_id=body.object_id,
            reason=body.reason, description=body.description or "", ip=req.context.ip))

    @endpoint("The caller's own reports, newest first", TAG, auth=True, query=Pagination,
              response=OwnReportPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: Pagination
               ) -> OwnReportPage:
        page = self._reports.my_reports(require_actor(req), query.page_request())
        return OwnReportPage.of(req, page, OwnReport.of)


class AdminReportListResource:
    def __init__(self, reports: ReportService) -> None:
        self._reports = reports

    @endpoint("The report queue, newest first", ADMIN_TAG,
              permission=Permission.HANDLE_REPORTS, query=AdminReportQuery,
              response=AdminReportPage, errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: AdminReportQuery
               ) -> AdminReportPage:
        actor = require_actor(req)
        page = self._reports.list_reports(
            actor, status=query.status, content_type=query.content_type,
            group_by_target=bool(query.group_by_target), page=query.page_request())
        contact = can(actor, Permission.VIEW_USERS)
        return AdminReportPage.of(req, page, lambda view: AdminReport.for_staff(view, contact))


class AdminReportUpdateResource:
    def __init__(self, reports: ReportService) -> None:
        self._reports = reports

    @endpoint("Update a report; resolving with an action performs it", ADMIN_TAG,
              permission=Permission.HANDLE_REPORTS,
              body=ReportUpdate, response=ReportUpdated, errors=(403, 404, 409),
              description="action removed_content removes the listing, warned_user warns "
              "and banned_user bans the reported user (reason required, the user is told "
              "it); resolve_all closes every open report on the same target the same way.")
    def on_patch(self, req: falcon.Request, resp: falcon.Response, report_id: int,
                 body: ReportUpdate) -> ReportUpdated:
        view = self._reports.update(require_actor(req), report_id, status=body.status,
                                    action=body.action, reason=body.reason,
                                    resolve_all=bool(body.resolve_all), ip=req.context.ip)
        report = view.report
        resolver = view.resolved_by
        return ReportUpdated(id=report_id, status=report.status.value,
                             action=report.action.value if report.action else None,
                             reason=report.resolution_notes, updated_at=report.updated_at,
                             resolved_by=UserRef(id=resolver.id, username=resolver.username)
                             if resolver else None,
                             target_report_count=view.target_open_reports)
