"""/api/admin/audit-log/: the audit trail, for admins (``Permission.VIEW_AUDIT_LOG``)."""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field

from cultureup.application.audit import AuditService, readable_details
from cultureup.application.views import AuditFilters
from cultureup.domain.accounts.roles import Permission
from cultureup.domain.audit import AuditEntry
from cultureup.domain.errors import ValidationFailed
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, endpoint
from cultureup.entrypoints.http.fields import Text, Timestamp, TimestampIn
from cultureup.entrypoints.http.shapes import PageOf, Pagination

TAG = "Admin: audit log"


class AuditQuery(Pagination):
    actor: Text(150, description="Username or user id of who acted") = None
    action: Text(64, description='An action such as admin.user_verified, or a family ending '
                                 'in "." such as admin.') = None
    target_type: Text(32, description="What was acted on: user, artwork, payment...") = None
    target_id: Text(64, description="Its id") = None
    since: TimestampIn = None
    until: TimestampIn = None

    def filters(self) -> AuditFilters:
        if self.since is not None and self.until is not None and self.until <= self.since:
            raise ValidationFailed({"until": ["Ensure until is later than since."]})
        return AuditFilters(actor=self.actor, action=self.action, since=self.since,
                            until=self.until, target_type=self.target_type,
                            target_id=self.target_id)


class AuditEntryAnswer(Answer):
    id: int
    actor_id: int | None
    actor_username: str
    action: str
    target_type: str
    target_id: str | None
    ip_address: str | None
    details: dict[str, Any] = Field(description=(
        "What the entry records; `before` and `after`, when present, are objects of the "
        "changed fields' values"))
    created_at: Timestamp

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryAnswer:
        assert entry.id is not None
        return cls(id=entry.id, actor_id=entry.actor_id, actor_username=entry.actor_username,
                   action=entry.action, target_type=entry.target_type,
                   target_id=entry.target_id, ip_address=entry.ip_address,
                   details=readable_details(entry.details), created_at=entry.created_at)


class AuditPage(PageOf[AuditEntryAnswer]):
    pass


class AuditLogResource:
    def __init__(self, audit: AuditService) -> None:
        self._audit = audit

    @endpoint("The audit log, newest first", TAG, permission=Permission.VIEW_AUDIT_LOG,
              query=AuditQuery, response=AuditPage,
              description="Filters: actor (username or id; one that names no account and "
                          "no entry is a 404), action (exact, or a family ending in \".\"), "
                          "target_type and target_id, since (inclusive) and until "
                          "(exclusive).")
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: AuditQuery
               ) -> AuditPage:
        page = self._audit.list_entries(require_actor(req), query.filters(),
                                        query.page_request())
        return AuditPage.of(req, page, AuditEntryAnswer.of)


def add_admin_audit_routes(app: falcon.App, audit: AuditService) -> None:
    app.add_route("/api/admin/audit-log", AuditLogResource(audit))
