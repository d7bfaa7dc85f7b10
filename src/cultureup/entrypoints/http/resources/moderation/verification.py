"""Verification applications: artists apply (/api/verification-applications/), staff decide
(/api/admin/verification-applications/ and the admin-panel document's agent paths,
/real_estate/api/admin/agents/pending/ and /real_estate/api/admin/agents/{id}/verify/)."""

from __future__ import annotations

from typing import Annotated, Any

import falcon
from pydantic import ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema

from cultureup.application.collaboration.messages import Upload
from cultureup.application.moderation.ports import ApplicationFilters, ApplicationView
from cultureup.application.moderation.verification import (
    DOCUMENT_FILE_KIND,
    VerificationService,
)
from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.moderation.verification import DOCUMENTS_MAX, NOTES_MAX
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import Choice, Text, Timestamp, invalid
from cultureup.entrypoints.http.resources.catalog.artworks import absolute
from cultureup.entrypoints.http.resources.private_files import private_file_path
from cultureup.entrypoints.http.shapes import PageOf, Pagination

TAG = "Verification"
ADMIN_TAG = "Admin: moderation"
ID = "id"  # the ASCII-only path id converter
STATUSES = ["pending", "approved", "rejected"]
Notes = Text(NOTES_MAX, blank=True, description="What the artist tells staff")
Status = Choice(STATUSES)
SearchText = Text(200, blank=True, description="In the applicant's username or e-mail")
Action = Choice(["approve", "reject"])
Reason = Text(NOTES_MAX, blank=True, description="Told to the applicant; required to reject")


def _files(value: Any) -> list[bytes]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(item, bytes) for item in values):
        raise invalid("Send the documents as files.")
    if len(values) > DOCUMENTS_MAX:
        raise invalid(f"Send at most {DOCUMENTS_MAX} documents.")
    return values


Documents = Annotated[list[bytes], PlainValidator(_files),
                      WithJsonSchema({"type": "array", "maxItems": DOCUMENTS_MAX, "items": {
                          "type": "string", "format": "binary",
                          "description": "An image, a PDF, a ZIP archive or plain text"}})]


def _not_files(value: Any) -> None:
    raise invalid("Send the documents as files, in a multipart body.")


class ApplicationNotes(Shape):
    """A JSON or form application: notes only. Documents are files, sent as multipart; a
    `documents` key here is a 400 (and invalid in the document: "not required")."""

    model_config = ConfigDict(json_schema_extra={"not": {"required": ["documents"]}})

    notes: Notes = ""
    documents: SkipJsonSchema[Annotated[None, PlainValidator(_not_files)]] = None


class ApplicationInput(Shape):
    notes: Notes = ""
    documents: Documents = Field(default_factory=list)


class ApplicationQuery(Pagination):
    pass


class AdminApplicationQuery(Pagination):
    status: Status = None
    search: SearchText = None

    def filters(self, *, default_status: str | None = None) -> ApplicationFilters:
        return ApplicationFilters(status=self.status or default_status,
                                  search=(self.search or "").strip() or None)


class DecisionInput(Shape):
    action: Action
    reason: Reason = None


class Applicant(Answer):
    id: int
    username: str
    email: str | None = Field(description="To the applicant and staff who see contact data")
    first_name: str
    last_name: str


class ShortUser(Answer):
    id: int
    username: str


class DocumentAnswer(Answer):
    id: int
    type: str = Field(description="image, pdf, archive or text (judged by the content)")
    url: str = Field(description="A private file: only the applicant and staff fetch it")
    filename: str
    content_type: str
    size: int


def _kind(content_type: str) -> str:
    if content_type.startswith("image/"):
        return "image"
    return {"application/pdf": "pdf", "application/zip": "archive"}.get(content_type, "text")


class Application(Answer):
    id: int
    user: Applicant
    status: str = Field(json_schema_extra={"enum": STATUSES})
    application_date: Timestamp
    documents: list[DocumentAnswer]
    notes: str
    verified_by: ShortUser | None = Field(description="Who decided, once decided")
    verified_at: Timestamp | None
    reason: str | None = Field(description="The decision's reason, told to the applicant")

    @classmethod
    def of(cls, req: falcon.Request, view: ApplicationView, actor: Actor) -> Application:
        sees_contact = actor.id == view.user.id or can(actor, Permission.VIEW_USERS)
        return cls(
            id=view.id, status=view.status, application_date=view.submitted_at,
            notes=view.notes, verified_at=view.decided_at, reason=view.decision_reason,
            user=Applicant(id=view.user.id, username=view.user.username,
                           email=view.user.email if sees_contact else None,
                           first_name=view.user.first_name, last_name=view.user.last_name),
            verified_by=ShortUser(id=view.decided_by.id, username=view.decided_by.username)
            if view.decided_by else None,
            documents=[DocumentAnswer(
                id=d.id, type=_kind(d.content_type), filename=d.filename,
                content_type=d.content_type, size=d.size,
                url=absolute(req, private_file_path(DOCUMENT_FILE_KIND, d.id)))
                for d in view.documents])


class ApplicationPage(PageOf[Application]):
    pass


class OwnApplicationsResource:
    def __init__(self, verification: VerificationService, max_upload_bytes: int) -> None:
        self._verification, self.max_upload_bytes = verification, max_upload_bytes

    @endpoint("Apply for the verified badge (artists; notes and up to 5 documents, sent as "
              "multipart; a JSON or form body carries notes only)", TAG,
              auth=True, body=ApplicationInput, text_body=ApplicationNotes,
              response=Application, status=201, errors=(403, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response,
                body: ApplicationInput | ApplicationNotes) -> Application:
        actor = require_actor(req)
        names = getattr(req.context, "filenames", {}).get("documents", [])
        uploads = [Upload(filename=names[i] if i < len(names) else "", data=data)
                   for i, data in enumerate(body.documents or [])]
        view = self._verification.apply(actor, notes=body.notes, documents=uploads,
                                        ip=req.context.ip)
        return Application.of(req, view, actor)

    @endpoint("The caller's own verification applications, newest first", TAG, auth=True,
              query=ApplicationQuery, response=ApplicationPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: ApplicationQuery
               ) -> ApplicationPage:
        actor = require_actor(req)
        page = self._verification.my_applications(actor, query.page_request())
        return ApplicationPage.of(req, page, lambda view: Application.of(req, view, actor))


class AdminApplicationsResource:
    def __init__(self, verification: VerificationService, *,
                 default_status: str | None = None) -> None:
        self._verification, self._default_status = verification, default_status

    @endpoint("Verification applications, oldest first (staff who verify users)", ADMIN_TAG,
              permission=Permission.VERIFY_USERS, query=AdminApplicationQuery,
              response=ApplicationPage, errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               query: AdminApplicationQuery) -> ApplicationPage:
        actor = require_actor(req)
        page = self._verification.list_applications(
            actor, query.filters(default_status=self._default_status), query.page_request())
        return ApplicationPage.of(req, page, lambda view: Application.of(req, view, actor))


class PendingAgentsResource(AdminApplicationsResource):
    """The admin-panel document's GET /real_estate/api/admin/agents/pending/: pending
    applications unless `status` asks for others."""

    def __init__(self, verification: VerificationService) -> None:
        super().__init__(verification, default_status="pending")

    @endpoint("Pending verification applications (the admin panel's agent applications)",
              ADMIN_TAG, permission=Permission.VERIFY_USERS, query=AdminApplicationQuery,
              response=ApplicationPage,
              errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               query: AdminApplicationQuery) -> ApplicationPage:
        actor = require_actor(req)
        page = self._verification.list_applications(
            actor, query.filters(default_status=self._default_status), query.page_request())
        return ApplicationPage.of(req, page, lambda view: Application.of(req, view, actor))


class DecideResource:
    def __init__(self, verification: VerificationService) -> None:
        self._verification = verification

    @endpoint("Approve (the artist becomes verified) or reject (a reason is required) a "
              "pending application (staff who verify users)", ADMIN_TAG,
              permission=Permission.VERIFY_USERS,
              body=DecisionInput, response=Application, errors=(403, 404, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, application_id: int,
                body: DecisionInput) -> Application:
        actor = require_actor(req)
        view = self._verification.decide(actor, application_id, body.action, body.reason,
                                         ip=req.context.ip)
        return Application.of(req, view, actor)


def add_verification_routes(app: falcon.App, services: Any) -> None:
    verification: VerificationService = services.verification
    per_file = services.settings.max_attachment_mb * 2**20
    app.add_route("/api/verification-applications",
                  OwnApplicationsResource(verification, DOCUMENTS_MAX * per_file))
    app.add_route("/api/admin/verification-applications",
                  AdminApplicationsResource(verification))
    app.add_route(f"/api/admin/verification-applications/{{application_id:{ID}}}/verify",
                  DecideResource(verification))
    app.add_route("/real_estate/api/admin/agents/pending", PendingAgentsResource(verification))
    app.add_route(f"/real_estate/api/admin/agents/{{application_id:{ID}}}/verify",
                  DecideResource(verification))
