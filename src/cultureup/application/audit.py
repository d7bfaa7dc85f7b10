"""Reading the audit trail (writing happens inside each use case's unit of work)."""

from __future__ import annotations

import json
from datetime import datetime

from cultureup.application.ports import AuditQueries, UnitOfWork, UnitOfWorkFactory
from cultureup.application.views import AuditFilters, Page, PageRequest, user_id_of
from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.audit import AuditEntry
from cultureup.domain.errors import NotFound, PermissionDenied


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


def change(before: dict[str, object], after: dict[str, object]) -> dict[str, str]:
    """The `before` and `after` details of an entry: the changed fields' values, as JSON."""
    return {"before": json.dumps(before, sort_keys=True, default=str),
            "after": json.dumps(after, sort_keys=True, default=str)}


def readable_details(details: dict[str, str]) -> dict[str, object]:
    """An entry's details as the API and the CLI show them: `before` and `after` as JSON
    objects of real values (stored as JSON text; entries of account actions written before
    their flags were JSON booleans kept "true"/"false" and "" for no role, read here as
    true/false and null); every other detail as stored."""
    shown: dict[str, object] = dict(details)
    for key in ("before", "after"):
        text = details.get(key)
        if text is None:
            continue
        try:
            values = json.loads(text)
        except ValueError:
            continue
        if isinstance(values, dict):
            shown[key] = {name: _old_value(name, value) for name, value in values.items()}
    return shown


def _old_value(name: str, value: object) -> object:
    if name.startswith("is_") and value in ("true", "false"):
        return value == "true"
    if name == "staff_role" and value == "":
        return None
    return value


class AuditService:
    def __init__(self, *, queries: AuditQueries, uow: UnitOfWorkFactory) -> None:
        self._queries, self._uow = queries, uow

    def list_entries(self, actor: Actor | None, filters: AuditFilters,
                     page: PageRequest) -> Page[AuditEntry]:
        """Admins only; `actor=None` is the operator at the command line.

        Filtering by an actor that names no account (username, email or id) and appears in
        no entry (failed logins record the name typed) is NotFound, not an empty list, so that
        a typo is not mistaken for a quiet log."""
        if actor is not None and not can(actor, Permission.VIEW_AUDIT_LOG):
            raise PermissionDenied("Only admins can read the audit log.")
        result = self._queries.list_entries(filters, page)
        if filters.actor and result.total == 0 and not self._known_actor(filters.actor):
            raise NotFound(f"Unknown user: no account is {filters.actor.strip()!r} and no "
                           "audit entry names it.")
        return result

    def _known_actor(self, name: str) -> bool:
        name = name.strip()
        with self._uow(read_only=True) as uow:
            user_id = user_id_of(name)
            if user_id is not None:
                try:
                    uow.users.get(user_id)
                    return True
                except NotFound:
                    pass
            elif uow.users.find_by_login(name) is not None:
                return True
        anywhere = self._queries.list_entries(AuditFilters(actor=name), PageRequest.of(1, 1))
        return anywhere.total > 0
