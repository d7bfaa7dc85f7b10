"""The moderation routes (one call from entrypoints/http/routes.py)."""

from __future__ import annotations

import falcon

from cultureup.application.services import UseCases
from cultureup.entrypoints.http.resources.moderation.actions import (
    AdminAppealDecisionResource,
    AdminAppealListResource,
    AppealResource,
    MyActionsResource,
)
from cultureup.entrypoints.http.resources.moderation.reports import (
    AdminReportListResource,
    AdminReportUpdateResource,
    ReportListResource,
)
from cultureup.entrypoints.http.resources.moderation.sanctions import (
    BanResource,
    SuspendResource,
    UnbanResource,
    UnsuspendResource,
)


def add_safety_routes(app: falcon.App, services: UseCases) -> None:
    sanctions, reports = services.sanctions, services.moderation_reports
    app.add_route("/api/reports", ReportListResource(reports))
    app.add_route("/api/admin/reports", AdminReportListResource(reports))
    app.add_route("/api/admin/reports/{report_id:id}/update",
                  AdminReportUpdateResource(reports))
    app.add_route("/api/admin/users/{user_id:id}/suspend", SuspendResource(sanctions))
    app.add_route("/api/admin/users/{user_id:id}/ban", BanResource(sanctions))
    app.add_route("/api/admin/users/{user_id:id}/unsuspend", UnsuspendResource(sanctions))
    app.add_route("/api/admin/users/{user_id:id}/unban", UnbanResource(sanctions))
    app.add_route("/api/moderation/actions", MyActionsResource(sanctions))
    app.add_route("/api/moderation/actions/{action_id:id}/appeal", AppealResource(sanctions))
    app.add_route("/api/admin/appeals", AdminAppealListResource(sanctions))
    app.add_route("/api/admin/appeals/{action_id:id}/decide",
                  AdminAppealDecisionResource(sanctions))
