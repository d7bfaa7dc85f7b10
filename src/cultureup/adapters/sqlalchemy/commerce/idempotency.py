"""The idempotency key store: short transactions of its own, committed before and after the
request they guard (the request's unit of work is not theirs to share)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from cultureup.adapters.sqlalchemy.commerce.tables import idempotency_keys as keys
from cultureup.application.commerce.idempotency import Claim, StoredAnswer

ATTEMPTS = 5


class SqlAlchemyIdempotencyStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(self, user_id: int, key: str, fingerprint: str, *, now: datetime,
              expires_at: datetime) -> Claim:
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        this = (keys.c.user_id == user_id) & (keys.c.key == key)
        for _ in range(ATTEMPTS):
            with self._engine.begin() as connection:
                connection.execute(delete(keys).where(this & (keys.c.expires_at <= now)))
                # A concurrent claim of the same key is waited for (PostgreSQL) or already
                # committed (SQLite writers take turns); either way one insert wins.
                inserted = connection.execute(
                    dialect.insert(keys).values(
                        user_id=user_id, key=key, fingerprint=fingerprint, created_at=now,
                        expires_at=expires_at).on_conflict_do_nothing()
                    .returning(keys.c.id)).first()
                if inserted is not None:
                    return Claim(claimed=True)
                row = connection.execute(
                    select(keys.c.fingerprint, keys.c.status_code, keys.c.content_type,
                           keys.c.response_body).where(this)).first()
            if row is not None:
                answer = None if row.status_code is None else StoredAnswer(
                    status=row.status_code, body=bytes(row.response_body or b""),
                    content_type=row.content_type or "")
                return Claim(claimed=False, fingerprint=row.fingerprint, answer=answer)
            # The holder released the key between our insert and our read: try again.
        raise RuntimeError("could not claim an idempotency key")  # pragma: no cover

    def finish(self, user_id: int, key: str, answer: StoredAnswer) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(keys).where((keys.c.user_id == user_id) & (keys.c.key == key))
                .values(status_code=answer.status, content_type=answer.content_type,
                        response_body=answer.body))

    def release(self, user_id: int, key: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(delete(keys).where(
                (keys.c.user_id == user_id) & (keys.c.key == key)
                & keys.c.status_code.is_(None)))

    def purge_expired(self, *, now: datetime) -> int:
        with self._engine.begin() as connection:
            return connection.execute(delete(keys).where(keys.c.expires_at <= now)).rowcount
