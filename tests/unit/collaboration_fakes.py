"""In-memory fakes for the collaboration ports: contracts, messages, reviews, notifications
and analytics, buffered per unit of work like the other fakes, and their read models."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import attrs

from cultureup.application.collaboration.views import (
    AnalyticsSnapshot,
    ArtistStats,
    AttachmentRef,
    BuyerStats,
    ContractFilters,
    ContractView,
    ConversationView,
    Counterpart,
    DailyFigures,
    JobRef,
    LastMessage,
    MessageFilters,
    MessageView,
    NotificationFilters,
    NotificationView,
    ReviewFilters,
    ReviewView,
)
from cultureup.application.views import Page, PageRequest, UserRef
from cultureup.domain.catalog.profiles import completion_rate
from cultureup.domain.collaboration.contracts import LIVE_STATUSES, Contract
from cultureup.domain.collaboration.messages import Message
from cultureup.domain.collaboration.notifications import Notification
from cultureup.domain.collaboration.reviews import Review, average_rating
from cultureup.domain.errors import ConcurrentUpdate, NotFound, ValidationFailed
from cultureup.domain.hiring.jobs import BidStatus, JobStatus
from cultureup.domain.money import Money

TABLES = ("contracts", "messages", "reviews", "notifications", "analytics")


@attrs.define
class CollaborationState:
    """Committed rows per table, and id sequences that never reuse an id."""

    rows: dict[str, dict[int, Any]] = attrs.Factory(lambda: {name: {} for name in TABLES})
    sequences: dict[str, Any] = attrs.Factory(
        lambda: {name: itertools.count(1) for name in TABLES})


class _Buffered:
    """Reads see this unit's writes over the committed rows; writes wait for commit."""

    table = ""

    def __init__(self, state: CollaborationState, pending: dict[str, dict[int, Any]]) -> None:
        self._state, self._pending = state, pending

    def _rows(self) -> dict[int, Any]:
        merged = {**self._state.rows[self.table], **self._pending[self.table]}
        return {key: value for key, value in merged.items() if value is not None}

    def _put(self, row: Any) -> None:
        self._pending[self.table][row.id] = copy.deepcopy(row)

    def add(self, row: Any) -> None:
        row.id = next(self._state.sequences[self.table])
        self._put(row)

    def get(self, row_id: int) -> Any:
        row = self._rows().get(row_id)
        if row is None:
            raise NotFound(f"{self.table[:-1].title()} not found.")
        return copy.deepcopy(row)

    def save(self, row: Any) -> None:
        assert row.id in self._rows(), "save only loaded rows"
        self._put(row)

    def delete(self, row: Any) -> None:
        self._pending[self.table][row.id] = None


def _without_events(row: Any) -> Any:
    row = copy.deepcopy(row)
    if hasattr(row, "events"):
        row.events = []
    return row


class InMemoryContractRepository(_Buffered):
    table = "contracts"

    def add(self, row: Contract) -> None:
        row.version = 0
        super().add(row)

    def _put(self, row: Any) -> None:
        self._pending[self.table][row.id] = _without_events(row)

    def live_for_job(self, job_id: int) -> list[Contract]:
        return [copy.deepcopy(c) for c in self._rows().values()
                if c.job_id == job_id and c.status in LIVE_STATUSES]

    def save(self, row: Contract) -> None:
        current = self._rows().get(row.id)
        if current is None or current.version != row.version:
            raise ConcurrentUpdate("This contract was changed by someone else; try again.")
        row.version += 1
        self._put(row)


class InMemoryMessageRepository(_Buffered):
    table = "messages"

    def _put(self, row: Any) -> None:
        self._pending[self.table][row.id] = _without_events(row)


class InMemoryReviewRepository(_Buffered):
    table = "reviews"

    def _put(self, row: Any) -> None:
        self._pending[self.table][row.id] = _without_events(row)

    def exists_for_job(self, job_id: int) -> bool:
        return any(review.job_id == job_id for review in self._rows().values())


class InMemoryNotificationRepository(_Buffered):
    table = "notifications"

    def mark_all_read(self, user_id: int) -> int:
        count = 0
        for note in self._rows().values():
            if note.user_id == user_id and not note.is_read:
                self._put(attrs.evolve(note, is_read=True))
                count += 1
        return count


@attrs.define
class StoredSnapshot:
    id: int
    date: date
    figures: DailyFigures
    calculated_at: datetime


class InMemoryAnalyticsRepository(_Buffered):
    table = "analytics"

    def replace(self, day: date, figures: DailyFigures, *, calculated_at: datetime) -> int:
        existing = next((row for row in self._rows().values() if row.date == day), None)
        row_id = existing.id if existing else next(self._state.sequences[self.table])
        self._put(StoredSnapshot(id=row_id, date=day, figures=figures,
                                 calculated_at=calculated_at))
        return row_id


def commit_collaboration(state: CollaborationState, pending: dict[str, dict[int, Any]]) -> None:
    """Apply a unit's writes, refusing what the database's unique indexes refuse."""
    merged = {name: {**state.rows[name], **pending[name]} for name in TABLES}
    live_jobs = [c.job_id for c in merged["contracts"].values()
                 if c is not None and c.status in LIVE_STATUSES]
    if len(live_jobs) != len(set(live_jobs)):
        raise ValidationFailed({"job": ["This job already has a pending or active contract."]})
    reviewed = [r.job_id for r in merged["reviews"].values() if r is not None]
    if len(reviewed) != len(set(reviewed)):
        raise ValidationFailed({"job": ["You have already reviewed this job."]})
    for name in TABLES:
        for key, value in pending[name].items():
            if value is None:
                state.rows[name].pop(key, None)
            else:
                state.rows[name][key] = copy.deepcopy(value)


def _page(items: Sequence[Any], page: PageRequest) -> Page[Any]:
    return Page(items=list(items[page.offset:page.offset + page.page_size]), total=len(items),
                request=page)


def _ordered(items: list[Any], ordering: str | None, default_key: str) -> list[Any]:
    field = (ordering or f"-{default_key}").lstrip("-")
    descending = (ordering or f"-{default_key}").startswith("-")
    return sorted(items, key=lambda row: (getattr(row, field), row.id), reverse=descending)


class InMemoryCollaborationQueries:
    """The read models, computed from the committed state."""

    def __init__(self, store: Any) -> None:
        self._store = store

    @property
    def _rows(self) -> dict[str, dict[int, Any]]:
        return self._store.collaboration.rows  # type: ignore[no-any-return]

    def _user(self, user_id: int) -> UserRef:
        user = self._store.users[user_id]
        return UserRef(id=user.id, username=user.username, email=user.email,
                       first_name=user.first_name, last_name=user.last_name,
                       user_type=user.user_type.value)

    def _job_ref(self, job_id: int) -> JobRef:
        return JobRef(id=job_id, title=self._store.jobs[job_id].title)

    def _contract_view(self, c: Contract) -> ContractView:
        assert c.id is not None
        a, b = c.artist_signature, c.buyer_signature
        return ContractView(
            id=c.id, job=self._job_ref(c.job_id), artist=self._user(c.artist_id),
            buyer=self._user(c.buyer_id), terms=c.terms, rights_type=c.rights_type.value,
            amount=c.amount, deadline=c.deadline, status=c.status.value,
            artist_signed_at=a.signed_at if a else None,
            buyer_signed_at=b.signed_at if b else None,
            artist_terms_digest=a.terms_digest if a else None,
            buyer_terms_digest=b.terms_digest if b else None,
            created_at=c.created_at, updated_at=c.updated_at)

    def list_contracts(self, user_id: int | None, filters: ContractFilters,
                       page: PageRequest) -> Page[ContractView]:
        rows = [c for c in self._rows["contracts"].values()
                if (user_id is None or user_id in (c.artist_id, c.buyer_id))
                and filters.status in (None, c.status.value)
                and filters.rights_type in (None, c.rights_type.value)]
        return _page([self._contract_view(c) for c in
                      _ordered(rows, filters.ordering, "created_at")], page)

    def get_contract(self, contract_id: int) -> ContractView:
        contract = self._rows["contracts"].get(contract_id)
        if contract is None:
            raise NotFound("Contract not found.")
        return self._contract_view(contract)

    def _message_view(self, m: Message) -> MessageView:
        assert m.id is not None
        attachment = None if m.attachment is None else AttachmentRef(
            name=m.attachment.name, content_type=m.attachment.content_type,
            size=m.attachment.size)
        return MessageView(id=m.id, sender=self._user(m.sender_id),
                           receiver=self._user(m.receiver_id), job_id=m.job_id,
                           content=m.content, attachment=attachment, is_read=m.is_read,
                           created_at=m.created_at, updated_at=m.updated_at)

    def list_messages(self, user_id: int, filters: MessageFilters,
                      page: PageRequest) -> Page[MessageView]:
        rows = [m for m in self._rows["messages"].values()
                if user_id in (m.sender_id, m.receiver_id)
                and filters.is_read in (None, m.is_read) and filters.job_id in (None, m.job_id)]
        return _page([self._message_view(m) for m in
                      _ordered(rows, filters.ordering, "created_at")], page)

    def get_message(self, message_id: int) -> MessageView:
        message = self._rows["messages"].get(message_id)
        if message is None:
            raise NotFound("Message not found.")
        return self._message_view(message)

    def conversations(self, user_id: int) -> list[ConversationView]:
        latest: dict[int, Message] = {}
        unread: dict[int, int] = {}
        for m in sorted(self._rows["messages"].values(), key=lambda m: m.id):
            if user_id not in (m.sender_id, m.receiver_id):
                continue
            other = m.receiver_id if m.sender_id == user_id else m.sender_id
            latest[other] = m
            unread[other] = unread.get(other, 0) + int(m.receiver_id == user_id
                                                       and not m.is_read)
        result = []
        for other, m in sorted(latest.items(), key=lambda item: (item[1].created_at,
                                                                  item[1].id), reverse=True):
            user = self._store.users[other]
            assert m.id is not None
            result.append(ConversationView(
                user=Counterpart(id=other, username=user.username, first_name=user.first_name,
                                 profile_image=user.profile_image),
                last_message=LastMessage(id=m.id, content=m.content, created_at=m.created_at,
                                         is_read=m.is_read),
                unread_count=unread[other]))
        return result

    def _review_view(self, r: Review) -> ReviewView:
        assert r.id is not None
        return ReviewView(id=r.id, reviewer=self._user(r.reviewer_id),
                          artist=self._user(r.artist_id), job=self._job_ref(r.job_id),
                          rating=r.rating, comment=r.comment, created_at=r.created_at,
                          updated_at=r.updated_at)

    def list_reviews(self, filters: ReviewFilters, page: PageRequest) -> Page[ReviewView]:
        who = filters.involving_user_id
        rows = [r for r in self._rows["reviews"].values()
                if filters.rating in (None, r.rating)
                and (who is None or who in (r.reviewer_id, r.artist_id))
                and filters.artist_id in (None, r.artist_id)]
        return _page([self._review_view(r) for r in
                      _ordered(rows, filters.ordering, "created_at")], page)

    def get_review(self, review_id: int) -> ReviewView:
        review = self._rows["reviews"].get(review_id)
        if review is None:
            raise NotFound("Review not found.")
        return self._review_view(review)

    @staticmethod
    def _notification_view(n: Notification) -> NotificationView:
        assert n.id is not None
        return NotificationView(id=n.id, user_id=n.user_id,
                                notification_type=n.notification_type.value, title=n.title,
                                message=n.message, is_read=n.is_read, created_at=n.created_at)

    def list_notifications(self, user_id: int, filters: NotificationFilters,
                           page: PageRequest) -> Page[NotificationView]:
        rows = [n for n in self._rows["notifications"].values()
                if n.user_id == user_id and filters.is_read in (None, n.is_read)
                and filters.notification_type in (None, n.notification_type.value)]
        return _page([self._notification_view(n) for n in
                      _ordered(rows, filters.ordering, "created_at")], page)

    def get_notification(self, notification_id: int) -> NotificationView:
        note = self._rows["notifications"].get(notification_id)
        if note is None:
            raise NotFound("Notification not found.")
        return self._notification_view(note)

    def unread_notifications(self, user_id: int) -> int:
        return sum(1 for n in self._rows["notifications"].values()
                   if n.user_id == user_id and not n.is_read)

    def artist_stats(self, user_id: int) -> ArtistStats:
        hired = [j for j in self._store.jobs.values() if j.hired_artist_id == user_id]
        done = [j for j in hired if j.status is JobStatus.COMPLETED]
        cancelled = sum(1 for j in hired if j.status is JobStatus.CANCELLED)
        ratings = [r.rating for r in self._rows["reviews"].values() if r.artist_id == user_id]
        return ArtistStats(
            total_earnings=sum((j.final_amount for j in done), Money(0)),
            total_projects_completed=len(done),
            active_bids=sum(1 for bid in self._store.bids()
                            if bid.artist_id == user_id and bid.status is BidStatus.PENDING),
            pending_jobs=sum(1 for j in hired if j.status is JobStatus.IN_PROGRESS),
            average_rating=average_rating(sum(ratings), len(ratings)),
            total_reviews=len(ratings),
            completion_rate=completion_rate(completed=len(done), cancelled=cancelled),
            artworks_uploaded=0, artworks_sold=0)

    def buyer_stats(self, user_id: int) -> BuyerStats:
        posted = [j for j in self._store.jobs.values() if j.buyer_id == user_id]
        done = [j for j in posted if j.status is JobStatus.COMPLETED]
        return BuyerStats(
            total_spent=sum((j.final_amount for j in done), Money(0)),
            active_jobs=sum(1 for j in posted
                            if j.status in (JobStatus.OPEN, JobStatus.IN_PROGRESS)),
            completed_jobs=len(done), total_jobs_posted=len(posted), artworks_purchased=0,
            equipment_purchased=0, pending_orders=0)

    def daily_figures(self, day: date) -> DailyFigures:
        users = [u for u in self._store.users.values() if u.created_at.date() <= day]
        return DailyFigures(
            total_users=len(users),
            new_users=sum(1 for u in users if u.created_at.date() == day),
            total_artists=sum(1 for u in users if u.user_type.value == "artist"),
            total_buyers=sum(1 for u in users if u.user_type.value == "buyer"),
            jobs_posted=sum(1 for j in self._store.jobs.values() if j.created_at.date() == day),
            jobs_completed=sum(1 for j in self._store.jobs.values()
                               if j.status is JobStatus.COMPLETED
                               and j.updated_at.date() == day),
            bids_placed=sum(1 for b in self._store.bids() if b.created_at.date() == day),
            artworks_uploaded=0,
            messages_sent=sum(1 for m in self._rows["messages"].values()
                              if m.created_at.date() == day),
            reviews_posted=sum(1 for r in self._rows["reviews"].values()
                               if r.created_at.date() == day),
            revenue=Money(0), platform_fees=Money(0))

    def list_analytics(self, page: PageRequest) -> Page[AnalyticsSnapshot]:
        rows = sorted(self._rows["analytics"].values(), key=lambda s: s.date, reverse=True)
        return _page([AnalyticsSnapshot(id=s.id, date=s.date, figures=s.figures,
                                        calculated_at=s.calculated_at) for s in rows], page)

    def get_analytics(self, snapshot_id: int) -> AnalyticsSnapshot:
        s = self._rows["analytics"].get(snapshot_id)
        if s is None:
            raise NotFound("Analytics not found.")
        return AnalyticsSnapshot(id=s.id, date=s.date, figures=s.figures,
                                 calculated_at=s.calculated_at)
