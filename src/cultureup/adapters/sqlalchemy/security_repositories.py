"""Repositories for two-factor state, login challenges and the audit log."""

from __future__ import annotations

import json

from sqlalchemy import Connection, delete, insert, select, update

from cultureup.adapters.sqlalchemy.tables import (
    audit_log,
    backup_codes,
    login_challenges,
    two_factor_accounts,
)
from cultureup.domain.accounts.two_factor import BackupCode, LoginChallenge, TwoFactorAccount
from cultureup.domain.audit import AuditEntry

ACCOUNT_FIELDS = tuple(c.name for c in two_factor_accounts.columns if c.name != "user_id")


class SqlAlchemyTwoFactorRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def get(self, user_id: int) -> TwoFactorAccount:
        row = self._c.execute(
            select(two_factor_accounts).where(two_factor_accounts.c.user_id == user_id)
            .with_for_update()).mappings().first()
        if row is None:
            return TwoFactorAccount(user_id=user_id, is_new=True)
        codes = self._c.execute(select(backup_codes).where(
            backup_codes.c.user_id == user_id).order_by(backup_codes.c.id)).mappings().all()
        return TwoFactorAccount(**row, backup_codes=[
            BackupCode(id=code["id"], digest=code["digest"], used_at=code["used_at"])
            for code in codes])

    def save(self, account: TwoFactorAccount) -> None:
        values = {name: getattr(account, name) for name in ACCOUNT_FIELDS}
        if account.is_new:
            self._c.execute(insert(two_factor_accounts).values(user_id=account.user_id,
                                                               **values))
            account.is_new = False
        else:
            self._c.execute(update(two_factor_accounts).where(
                two_factor_accounts.c.user_id == account.user_id).values(**values))
        # Ten rows at most: rewriting them is simpler than tracking which changed.
        self._c.execute(delete(backup_codes).where(backup_codes.c.user_id == account.user_id))
        if account.backup_codes:
            self._c.execute(insert(backup_codes), [
                {"user_id": account.user_id, "digest": code.digest, "used_at": code.used_at}
                for code in account.backup_codes])


class SqlAlchemyLoginChallengeRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, challenge: LoginChallenge) -> None:
        challenge.id = self._c.execute(insert(login_challenges).values(
            user_id=challenge.user_id, digest=challenge.digest,
            created_at=challenge.created_at, expires_at=challenge.expires_at,
            used_at=challenge.used_at).returning(login_challenges.c.id)).scalar_one()

    def find(self, digest: str) -> LoginChallenge | None:
        row = self._c.execute(select(login_challenges).where(
            login_challenges.c.digest == digest).with_for_update()).mappings().first()
        return None if row is None else LoginChallenge(**row)

    def save(self, challenge: LoginChallenge) -> None:
        self._c.execute(update(login_challenges).where(
            login_challenges.c.id == challenge.id).values(used_at=challenge.used_at))


class SqlAlchemyAuditLog:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, entry: AuditEntry) -> None:
        self._c.execute(insert(audit_log).values(
            actor_id=entry.actor_id, actor_username=entry.actor_username[:150],
            action=entry.action, target_type=entry.target_type,
            target_id=entry.target_id, ip_address=entry.ip_address,
            details=json.dumps(entry.details, sort_keys=True), created_at=entry.created_at))
