"""Repositories: aggregates in and out of rows, by hand, so the domain knows nothing of SQL."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, func, insert, or_, select, text, update

from cultureup.adapters.sqlalchemy.tables import auth_tokens, bids, categories, jobs, users
from cultureup.domain.accounts.users import StaffRole, User, UserType
from cultureup.domain.catalog.categories import Category
from cultureup.domain.errors import ConcurrentUpdate, NotFound
from cultureup.domain.hiring.jobs import Bid, BidStatus, ExperienceLevel, Job, JobStatus
from cultureup.domain.text import search_text

# Columns computed here from the entity rather than read back into it.
USER_COMPUTED = ("username_key", "email_key", "search_text")
USER_FIELDS = tuple(c.name for c in users.columns if c.name not in ("id", *USER_COMPUTED))
# Key space of the PostgreSQL advisory lock that orders changes to login names.
LOGIN_NAMES_LOCK = (4_510_502, 0)


class SqlAlchemyUserRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, user: User) -> None:
        values = _user_values(user)
        user.id = self._c.execute(insert(users).values(**values).returning(users.c.id)).scalar_one()

    def get(self, user_id: int) -> User:
        row = self._c.execute(select(users).where(users.c.id == user_id)).mappings().first()
        if row is None:
            raise NotFound("User not found.")
        return _user_from_row(row)

    def find_by_login(self, key: str) -> User | None:
        rows = self._c.execute(
            select(users).where(or_(users.c.username_key == key, users.c.email_key == key))
        ).mappings().all()
        # Only accounts stored before usernames and e-mails were kept apart can give two rows:
        # the e-mail's owner wins, so that nobody's e-mail opens someone else's account.
        rows = sorted(rows, key=lambda row: (row["email_key"] != key, row["id"]))
        return _user_from_row(rows[0]) if rows else None

    def username_taken(self, key: str, *, exclude_id: int | None = None) -> bool:
        return self._exists(users.c.username_key == key, exclude_id)

    def email_taken(self, key: str, *, exclude_id: int | None = None) -> bool:
        return self._exists(users.c.email_key == key, exclude_id)

    def skeleton_taken(self, skeleton: str, *, exclude_id: int | None = None) -> bool:
        return self._exists(users.c.username_skeleton == skeleton, exclude_id)

    def lock_login_names(self) -> None:
        # SQLite writers already hold the database write lock from BEGIN IMMEDIATE.
        if self._c.dialect.name == "postgresql":
            self._c.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                            {"a": LOGIN_NAMES_LOCK[0], "b": LOGIN_NAMES_LOCK[1]})

    def _exists(self, condition: Any, exclude_id: int | None) -> bool:
        query = select(users.c.id).where(condition)
        if exclude_id is not None:
            query = query.where(users.c.id != exclude_id)
        return self._c.execute(query.limit(1)).first() is not None

    def get_many(self, user_ids: Iterable[int]) -> list[User]:
        ids = sorted(set(user_ids))
        query = select(users).where(users.c.id.in_(ids)).order_by(users.c.id)
        if self._c.dialect.name == "postgresql":
            query = query.with_for_update()
        return [_user_from_row(row) for row in self._c.execute(query).mappings()]

    def save(self, user: User) -> None:
        self._c.execute(update(users).where(users.c.id == user.id).values(**_user_values(user)))


def _user_values(user: User) -> dict[str, Any]:
    values = {name: getattr(user, name) for name in USER_FIELDS}
    values["user_type"] = user.user_type.value
    values["staff_role"] = user.staff_role.value if user.staff_role else None
    values["username_key"] = user.username_key
    values["email_key"] = user.email_key
    values["search_text"] = search_text(user.username, user.first_name, user.last_name)
    return values


def _user_from_row(row: RowMapping) -> User:
    data = {name: value for name, value in row.items() if name not in USER_COMPUTED}
    data["user_type"] = UserType(data["user_type"])
    data["staff_role"] = StaffRole(data["staff_role"]) if data["staff_role"] else None
    return User(**data)


class SqlAlchemyTokenRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, *, user_id: int, digest: str, created_at: datetime,
            expires_at: datetime | None) -> None:
        self._c.execute(insert(auth_tokens).values(
            user_id=user_id, digest=digest, created_at=created_at, expires_at=expires_at))

    def find_user_id(self, digest: str, *, now: datetime) -> int | None:
        return self._c.execute(
            select(auth_tokens.c.user_id).where(
                auth_tokens.c.digest == digest,
                auth_tokens.c.revoked_at.is_(None),
                or_(auth_tokens.c.expires_at.is_(None), auth_tokens.c.expires_at > now),
            )
        ).scalar()

    def revoke(self, digest: str, *, now: datetime) -> None:
        self._c.execute(update(auth_tokens).where(
            auth_tokens.c.digest == digest, auth_tokens.c.revoked_at.is_(None),
        ).values(revoked_at=now))

    def revoke_all(self, user_id: int, *, now: datetime) -> None:
        self._c.execute(update(auth_tokens).where(
            auth_tokens.c.user_id == user_id, auth_tokens.c.revoked_at.is_(None),
        ).values(revoked_at=now))


class SqlAlchemyCategoryRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, category: Category) -> None:
        category.id = self._c.execute(insert(categories).values(
            name=category.name, description=category.description,
            is_active=category.is_active, created_at=category.created_at,
            updated_at=category.updated_at,
        ).returning(categories.c.id)).scalar_one()

    def find(self, category_id: int) -> Category | None:
        row = self._c.execute(
            select(categories).where(categories.c.id == category_id)).mappings().first()
        return None if row is None else Category(**row)

    def find_by_name(self, name: str) -> Category | None:
        row = self._c.execute(select(categories).where(
            func.lower(categories.c.name) == name.strip().lower())).mappings().first()
        return None if row is None else Category(**row)

    def get(self, category_id: int) -> Category:
        row = self._c.execute(select(categories).where(categories.c.id == category_id)
                              .with_for_update()).mappings().first()
        if row is None:
            raise NotFound("Category not found.")
        return Category(**row)

    def save(self, category: Category) -> None:
        self._c.execute(update(categories).where(categories.c.id == category.id).values(
            name=category.name, description=category.description,
            is_active=category.is_active, updated_at=category.updated_at))


# The removal columns are moderation's (moderation/repositories.py), never the aggregate's.
REMOVAL_COLUMNS = ("removed_at", "removed_by_id", "removal_reason")
JOB_FIELDS = tuple(c.name for c in jobs.columns
                   if c.name not in ("id", "version", "search_text", *REMOVAL_COLUMNS))
BID_FIELDS = tuple(c.name for c in bids.columns if c.name != "id")


class SqlAlchemyJobRepository:
    """Jobs with their bids. Loads lock the job row (FOR UPDATE on PostgreSQL; SQLite writers
    already hold the database write lock), and saves check the version as a second guard."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, job: Job) -> None:
        job.id = self._c.execute(
            insert(jobs).values(**_job_values(job), version=0).returning(jobs.c.id)
        ).scalar_one()
        job.version = 0
        self._save_bids(job)

    def get(self, job_id: int) -> Job:
        row = self._c.execute(
            select(jobs).where(jobs.c.id == job_id).with_for_update()).mappings().first()
        if row is None:
            raise NotFound("Job not found.")
        bid_rows = self._c.execute(
            select(bids).where(bids.c.job_id == job_id).order_by(bids.c.id)).mappings().all()
        return _job_from_rows(row, bid_rows)

    def get_by_bid(self, bid_id: int) -> Job:
        job_id = self._c.execute(select(bids.c.job_id).where(bids.c.id == bid_id)).scalar()
        if job_id is None:
            raise NotFound("Bid not found.")
        return self.get(job_id)

    def save(self, job: Job) -> None:
        result = self._c.execute(
            update(jobs).where(jobs.c.id == job.id, jobs.c.version == job.version)
            .values(**_job_values(job), version=jobs.c.version + 1)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate("This job was changed by someone else; try again.")
        job.version += 1
        if job.withdrawn_bid_ids:
            self._c.execute(delete(bids).where(bids.c.id.in_(job.withdrawn_bid_ids)))
            job.withdrawn_bid_ids.clear()
        self._save_bids(job)

    def delete(self, job: Job) -> None:
        self._c.execute(delete(bids).where(bids.c.job_id == job.id))
        self._c.execute(delete(jobs).where(jobs.c.id == job.id))

    def _save_bids(self, job: Job) -> None:
        for bid in job.bids:
            bid.job_id = job.id
            if bid.id is None:
                bid.id = self._c.execute(
                    insert(bids).values(**_bid_values(bid)).returning(bids.c.id)).scalar_one()
            elif bid.changed:
                self._c.execute(update(bids).where(bids.c.id == bid.id).values(**_bid_values(bid)))
            bid.changed = False


def _job_values(job: Job) -> dict[str, Any]:
    values = {name: getattr(job, name) for name in JOB_FIELDS}
    values["status"] = job.status.value
    values["experience_level"] = job.experience_level.value
    values["search_text"] = search_text(job.title, job.description)
    return values


def _bid_values(bid: Bid) -> dict[str, Any]:
    values = {name: getattr(bid, name) for name in BID_FIELDS}
    values["status"] = bid.status.value
    return values


def _job_from_rows(row: RowMapping, bid_rows: Any) -> Job:
    data = {name: value for name, value in row.items()
            if name not in ("search_text", *REMOVAL_COLUMNS)}
    data["status"] = JobStatus(data["status"])
    data["experience_level"] = ExperienceLevel(data["experience_level"])
    data["bids"] = [Bid(**{**dict(b), "status": BidStatus(b["status"])}) for b in bid_rows]
    return Job(**data)
