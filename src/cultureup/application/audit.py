"""Reading the audit trail (writing happens inside each use case's unit of work)."""

from __future__ import annotations

from datetime import datetime

from cultureup.application.ports import AuditQueries, UnitOfWork
from cultureup.application.views import AuditFilters, Page, PageRequest
from cultureup.domain.audit import AuditEntry
from cultureup.domain.errors import PermissionDenied
from cultureup.domain.users import Actor


def record(uow: UnitOfWork, *, now: datetime, action: str, actor_id: int | None,
           actor_username: str, target_type: str, target_id: object = None,
           ip_address: str | None = None, **details: object) -> None:
    """Append an entry to the unit of work's transaction, so it commits with the change."""
    uow.audit.add(AuditEntry(
        actor_id=actor_id, actor_username=actor_username, action=action,
        target_type=target_type, target_id=None if target_id is None else str(target_id),
        ip_address=ip_address,
        details={key: str(value) for key, value in details.items() if value not in (None, "")},
        created_at=now))


class AuditService:
    def __init__(self, *, queries: AuditQueries) -> None:
        self._queries = queries

    def list_entries(self, actor: Actor | None, filters: AuditFilters,
                     page: PageRequest) -> Page[AuditEntry]:
        """Admins only; `actor=None` is the operator at the command line."""
        if actor is not None and not actor.is_admin:
            raise PermissionDenied("Only admins can read the audit log.")
        return self._queries.list_entries(filters, page)
