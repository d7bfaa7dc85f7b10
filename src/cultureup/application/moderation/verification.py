"""Verification applications: artists ask for the verified badge; staff decide.

Source of the rules: the admin-panel document (Admin Agent Management: pending applications,
verify/reject with a reason) read for CultureUp (applicants are artists), and the platform's
moderation principles (docs/decisions.md, "Verification applications"): one pending
application at a time; documents are private files, fetched only by the applicant and staff
who verify users (`/api/files/verification-document/{id}/`), never at a public URL; files
are judged by their content like message attachments (an image, a PDF, a ZIP archive or
plain text, at most `max_document_bytes` each); a decision is audited and told to the artist
in the same transaction; approval sets the account's `is_verified`.
"""

from __future__ import annotations

import secrets

from cultureup.application.audit import record
from cultureup.application.collaboration.messages import (
    AttachmentInspector,
    CheckedFile,
    Upload,
)
from cultureup.application.collaboration.ports import Notifier
from cultureup.application.moderation.ports import (
    ApplicationFilters,
    ApplicationView,
    VerificationQueries,
)
from cultureup.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from cultureup.application.private_files import PrivateFile
from cultureup.application.storage import PrivateFileStore
from cultureup.application.views import Page, PageRequest
from cultureup.domain.accounts.roles import Permission, can, require
from cultureup.domain.accounts.users import Actor, User
from cultureup.domain.audit import AuditAction
from cultureup.domain.collaboration.notifications import TITLES, Notification, NotificationType
from cultureup.domain.errors import FieldErrors, InvalidState, NotFound, ValidationFailed
from cultureup.domain.moderation.verification import (
    DOCUMENTS_MAX,
    ApplicationStatus,
    Decision,
    Document,
    VerificationApplication,
)

DOCUMENT_FILE_KIND = "verification-document"


class VerificationService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: VerificationQueries, clock: Clock,
                 notifier: Notifier, store: PrivateFileStore, inspector: AttachmentInspector,
                 max_document_bytes: int) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock
        self._notifier, self._store, self._inspector = notifier, store, inspector
        self._max_document_bytes = max_document_bytes

    # -- the applicant ---------------------------------------------------------------------

    def apply(self, actor: Actor, *, notes: str, documents: list[Upload],
              ip: str | None = None) -> ApplicationView:
        """Apply for the verified badge: `notes` (at most 2000 characters) and up to 5
        documents. Errors: PermissionDenied (403) for a non-artist; InvalidState (409) when
        verified already or an application is pending; ValidationFailed (400, field
        `documents`) for more than 5 files or a file of another type, empty or too large.
        Nothing is stored when anything is refused."""
        if len(documents) > DOCUMENTS_MAX:
            raise ValidationFailed({"documents": [f"Send at most {DOCUMENTS_MAX} documents."]})
        with self._uow(read_only=True) as uow:
            self._ensure_can_apply(uow, actor)
        checked = [self._check(number, upload) for number, upload in
                   enumerate(documents, start=1)]
        now = self._clock.now()
        stored: list[Document] = []
        try:
            for number, (upload, file) in enumerate(zip(documents, checked, strict=True),
                                                    start=1):
                key = f"verification/{actor.id}/{secrets.token_hex(16)}{file.extension}"
                self._store.put(key, file.data, file.content_type)
                stored.append(Document(key=key, filename=_display_name(
                    upload.filename, number, file.extension), content_type=file.content_type,
                    size=len(file.data)))
            with self._uow() as uow:
                user = self._ensure_can_apply(uow, actor)
                application = VerificationApplication.submit(
                    applicant=actor, already_verified=user.is_verified, notes=notes,
                    documents=stored, now=now)
                uow.verification.add(application)
                record(uow, now=now, action=AuditAction.VERIFICATION_APPLIED,
                       actor_id=actor.id, actor_username=actor.username,
                       target_type="verification_application", target_id=application.id,
                       ip_address=ip, documents=len(stored))
                uow.commit()
        except BaseException:
            for document in stored:
                self._store.delete(document.key)
            raise
        assert application.id is not None
        return self._queries.get_application(application.id)

    def my_applications(self, actor: Actor, page: PageRequest) -> Page[ApplicationView]:
        """The caller's own applications, every status."""
        return self._queries.list_applications(ApplicationFilters(user_id=actor.id), page)

    # -- staff -----------------------------------------------------------------------------

    def list_applications(self, actor: Actor, filters: ApplicationFilters,
                          page: PageRequest) -> Page[ApplicationView]:
        """Applications oldest first (Permission.VERIFY_USERS); `status` pending, approved or
        rejected (400 otherwise)."""
        require(actor, Permission.VERIFY_USERS)
        if filters.status is not None and filters.status not in set(ApplicationStatus):
            raise ValidationFailed({"status": [
                "Choose one of: " + ", ".join(ApplicationStatus) + "."]})
        return self._queries.list_applications(filters, page)

    def decide(self, actor: Actor, application_id: int, decision: str,
               reason: str | None = None, *, ip: str | None = None) -> ApplicationView:
        """Approve (sets the applicant's `is_verified`) or reject (a reason is required) a
        pending application (Permission.VERIFY_USERS). Errors: 400 unknown action or missing
        reason; 404 unknown application; 409 decided already; 403 without the permission
        or on one's own application. The applicant is notified; the decision is audited."""
        require(actor, Permission.VERIFY_USERS)
        try:
            choice = Decision(decision)
        except ValueError:
            errors = FieldErrors()
            errors.add("action", f'"{decision}" is not a valid choice. Choose one of: '
                       "approve, reject.")
            errors.raise_if_any()
            raise
        now = self._clock.now()
        with self._uow() as uow:
            application = uow.verification.get(application_id)
            application.decide(by=actor, decision=choice, reason=reason, now=now)
            uow.verification.save(application)
            user = uow.users.get(application.user_id)
            approved = choice is Decision.APPROVE
            if approved and not user.is_verified:
                user.is_verified = True
                uow.users.save(user)
            record(uow, now=now, action=AuditAction.VERIFICATION_APPROVED if approved
                   else AuditAction.VERIFICATION_REJECTED, actor_id=actor.id,
                   actor_username=actor.username, target_type="verification_application",
                   target_id=application_id, ip_address=ip, user_id=user.id,
                   reason=application.decision_reason)
            kind = (NotificationType.VERIFICATION_APPROVED if approved
                    else NotificationType.VERIFICATION_REJECTED)
            message = ("Your verification application was approved: your account is now "
                       "verified." if approved else
                       "Your verification application was rejected.")
            if application.decision_reason:
                message += f" Reason: {application.decision_reason}"
            self._notifier.notify(uow, [Notification(
                user_id=user.id, notification_type=kind, title=TITLES[kind], message=message,
                created_at=now)])
            uow.commit()
        return self._queries.get_application(application_id)

    # -- files -----------------------------------------------------------------------------

    def document_file(self, actor: Actor, document_id: int) -> PrivateFile:
        """The resolver of "verification-document" private files: the applicant and staff
        who verify users; NotFound to anyone else."""
        with self._uow(read_only=True) as uow:
            found = uow.verification.document(document_id)
        if found is None:
            raise NotFound("Document not found.")
        document, owner_id = found
        if actor.id != owner_id and not can(actor, Permission.VERIFY_USERS):
            raise NotFound("Document not found.")
        return PrivateFile(key=document.key, content_type=document.content_type,
                           filename=document.filename)

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _ensure_can_apply(uow: UnitOfWork, actor: Actor) -> User:
        user = uow.users.get(actor.id)
        if not actor.is_artist or user.is_verified:  # refused as `submit` refuses it
            VerificationApplication.submit(applicant=actor, already_verified=user.is_verified,
                                           notes="", documents=[], now=user.created_at)
        if uow.verification.pending_of(actor.id) is not None:
            raise InvalidState("You already have a pending verification application; wait "
                               "for its decision.")
        return user

    def _check(self, number: int, upload: Upload) -> CheckedFile:
        if not upload.data:
            raise ValidationFailed({"documents": [f"Document {number} is empty."]})
        try:
            return self._inspector.inspect(upload.data, max_bytes=self._max_document_bytes)
        except ValidationFailed as exc:
            messages = [m for ms in exc.details.values() for m in ms]
            raise ValidationFailed({"documents": [f"Document {number}: {m}" for m in messages]}
                                   ) from None


def _display_name(filename: str, number: int, extension: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '"')[:100]
    return (stem or f"document-{number}") + extension


