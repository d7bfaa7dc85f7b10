"""Verification applications: the repository (applications with their documents) and the
read model (a page of applications in three statements: rows, their documents, the count)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, or_, select, update

from cultureup.adapters.sqlalchemy.moderation.verification_tables import (
    verification_applications as applications,
)
from cultureup.adapters.sqlalchemy.moderation.verification_tables import (
    verification_documents as documents,
)
from cultureup.adapters.sqlalchemy.tables import users
from cultureup.application.moderation.ports import (
    ApplicationFilters,
    ApplicationView,
    DocumentView,
)
from cultureup.application.views import Page, PageRequest, UserRef
from cultureup.domain.errors import NotFound
from cultureup.domain.moderation.verification import (
    ApplicationStatus,
    Document,
    VerificationApplication,
)
from cultureup.domain.text import identity_key


class SqlAlchemyVerificationRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, application: VerificationApplication) -> None:
        application.id = self._c.execute(insert(applications).values(
            user_id=application.user_id, notes=application.notes,
            status=application.status.value, submitted_at=application.submitted_at,
        ).returning(applications.c.id)).scalar_one()
        saved = []
        for document in application.documents:
            document_id = self._c.execute(insert(documents).values(
                application_id=application.id, key=document.key, filename=document.filename,
                content_type=document.content_type, size=document.size,
            ).returning(documents.c.id)).scalar_one()
            saved.append(Document(id=document_id, key=document.key, filename=document.filename,
                                  content_type=document.content_type, size=document.size))
        application.documents = saved

    def get(self, application_id: int) -> VerificationApplication:
        row = self._c.execute(select(applications).where(applications.c.id == application_id)
                              .with_for_update()).mappings().first()
        if row is None:
            raise NotFound("Verification application not found.")
        return self._application(row)

    def pending_of(self, user_id: int) -> VerificationApplication | None:
        row = self._c.execute(select(applications).where(
            applications.c.user_id == user_id,
            applications.c.status == ApplicationStatus.PENDING.value)).mappings().first()
        return None if row is None else self._application(row)

    def save(self, application: VerificationApplication) -> None:
        self._c.execute(update(applications).where(applications.c.id == application.id).values(
            status=application.status.value, decided_by_id=application.decided_by_id,
            decided_at=application.decided_at, decision_reason=application.decision_reason))

    def document(self, document_id: int) -> tuple[Document, int] | None:
        row = self._c.execute(
            select(documents, applications.c.user_id)
            .join(applications, applications.c.id == documents.c.application_id)
            .where(documents.c.id == document_id)).mappings().first()
        if row is None:
            return None
        return _document(row), row["user_id"]

    def _application(self, row: Any) -> VerificationApplication:
        rows = self._c.execute(select(documents).where(
            documents.c.application_id == row["id"]).order_by(documents.c.id)).mappings().all()
        return VerificationApplication(
            id=row["id"], user_id=row["user_id"], notes=row["notes"],
            documents=[_document(r) for r in rows], status=ApplicationStatus(row["status"]),
            submitted_at=row["submitted_at"], decided_by_id=row["decided_by_id"],
            decided_at=row["decided_at"], decision_reason=row["decision_reason"])


def _document(row: Any) -> Document:
    return Document(id=row["id"], key=row["key"], filename=row["filename"],
                    content_type=row["content_type"], size=row["size"])


applicant = users.alias("applicant")
decider = users.alias("decider")


class SqlAlchemyVerificationQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _select(self) -> Any:
        return (select(applications,
                       applicant.c.username.label("applicant_username"),
                       applicant.c.email.label("applicant_email"),
                       applicant.c.first_name.label("applicant_first_name"),
                       applicant.c.last_name.label("applicant_last_name"),
                       applicant.c.user_type.label("applicant_user_type"),
                       decider.c.username.label("decider_username"))
                .join(applicant, applicant.c.id == applications.c.user_id)
                .outerjoin(decider, decider.c.id == applications.c.decided_by_id))

    def list_applications(self, filters: ApplicationFilters,
                          page: PageRequest) -> Page[ApplicationView]:
        conditions: list[Any] = []
        if filters.status is not None:
            conditions.append(applications.c.status == filters.status)
        if filters.user_id is not None:
            conditions.append(applications.c.user_id == filters.user_id)
        if filters.search:
            needle = identity_key(filters.search.strip())
            conditions.append(or_(applicant.c.username_key.contains(needle, autoescape=True),
                                  applicant.c.email_key.contains(needle, autoescape=True)))
        # An applicant's own: newest first; the staff queue: oldest first.
        order = ((applications.c.submitted_at.desc(), applications.c.id.desc())
                 if filters.user_id is not None
                 else (applications.c.submitted_at, applications.c.id))
        query = (self._select().where(*conditions).order_by(*order)
                 .limit(page.page_size).offset(page.offset))
        count = (select(func.count()).select_from(applications)
                 .join(applicant, applicant.c.id == applications.c.user_id).where(*conditions))
        with self._engine.connect() as connection:
            total = connection.execute(count).scalar_one()
            rows = connection.execute(query).mappings().all()
            files = self._documents(connection, [row["id"] for row in rows])
        return Page(items=[_view(row, files.get(row["id"], [])) for row in rows], total=total,
                    request=page)

    def get_application(self, application_id: int) -> ApplicationView:
        with self._engine.connect() as connection:
            row = connection.execute(self._select().where(
                applications.c.id == application_id)).mappings().first()
            if row is None:
                raise NotFound("Verification application not found.")
            files = self._documents(connection, [application_id])
        return _view(row, files.get(application_id, []))

    @staticmethod
    def _documents(connection: Connection, ids: Sequence[int]) -> dict[int, list[DocumentView]]:
        if not ids:
            return {}
        out: dict[int, list[DocumentView]] = {}
        for row in connection.execute(select(documents).where(
                documents.c.application_id.in_(ids)).order_by(documents.c.id)).mappings():
            out.setdefault(row["application_id"], []).append(DocumentView(
                id=row["id"], filename=row["filename"], content_type=row["content_type"],
                size=row["size"]))
        return out


def _view(row: Any, files: list[DocumentView]) -> ApplicationView:
    decided_by = None
    if row["decided_by_id"] is not None:
        decided_by = UserRef(id=row["decided_by_id"], username=row["decider_username"] or "")
    return ApplicationView(
        id=row["id"], status=row["status"], notes=row["notes"], documents=files,
        user=UserRef(id=row["user_id"], username=row["applicant_username"],
                     email=row["applicant_email"], first_name=row["applicant_first_name"],
                     last_name=row["applicant_last_name"],
                     user_type=row["applicant_user_type"]),
        submitted_at=row["submitted_at"], decided_by=decided_by,
        decided_at=row["decided_at"], decision_reason=row["decision_reason"])
