"""Messages between two users, optionally about a job, with an optional attachment."""

from __future__ import annotations

from collections.abc import Set
from datetime import datetime, timedelta

import attrs

from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import FieldErrors, InvalidState, PermissionDenied
from cultureup.domain.events import DomainEvent, MessageSent

CONTENT_MAX = 2000
# The sender may correct a message for this long after sending it; later it stands as sent.
EDIT_WINDOW = timedelta(minutes=15)


@attrs.frozen(kw_only=True)
class Attachment:
    """A private file: its storage key, the name shown, its media type and size."""

    key: str
    name: str
    content_type: str
    size: int


@attrs.frozen(kw_only=True)
class Recipient:
    """What the rules need to know of the receiver."""

    id: int
    is_active: bool


@attrs.define(eq=False, kw_only=True)
class Message:
    id: int | None = None
    sender_id: int
    receiver_id: int
    job_id: int | None = None
    content: str
    attachment: Attachment | None = None
    is_read: bool = False
    created_at: datetime
    updated_at: datetime
    events: list[DomainEvent] = attrs.Factory(list)

    @classmethod
    def send(cls, *, sender: Actor, receiver: Recipient | None, content: str,
             job_id: int | None, job_participants: Set[int] | None,
             attachment: Attachment | None, now: datetime) -> Message:
        """`job_participants` are the job's buyer, bidders and hired artist (None when the
        job does not exist); at least one of the two users must be among them."""
        errors = FieldErrors()
        check_content(content, errors)
        if receiver is None or not receiver.is_active:
            errors.add("receiver_id", "Receiver not found.")
        elif receiver.id == sender.id:
            errors.add("receiver_id", "You cannot send a message to yourself.")
        if job_id is not None:
            if job_participants is None:
                errors.add("job", f'Invalid pk "{job_id}" - object does not exist.')
            elif receiver is not None and not (
                sender.id in job_participants or receiver.id in job_participants
            ):
                errors.add("job", "Neither you nor the receiver take part in this job.")
        errors.raise_if_any()
        assert receiver is not None
        return cls(sender_id=sender.id, receiver_id=receiver.id, job_id=job_id,
                   content=content.strip(), attachment=attachment, created_at=now,
                   updated_at=now)

    def sent(self, *, sender_username: str) -> None:
        """Record the event once the message has its id."""
        assert self.id is not None
        self.events.append(MessageSent(message_id=self.id, sender_id=self.sender_id,
                                       sender_username=sender_username,
                                       receiver_id=self.receiver_id))

    def is_visible_to(self, actor: Actor) -> bool:
        return actor.id in (self.sender_id, self.receiver_id)

    def mark_read(self, *, by: Actor, now: datetime) -> bool:
        """Only the receiver marks a message read; returns whether it changed."""
        if by.id != self.receiver_id:
            raise PermissionDenied("Only the receiver can mark a message as read.")
        if self.is_read:
            return False
        self.is_read = True
        self.updated_at = now
        return True

    def edit(self, *, by: Actor, content: str, now: datetime) -> None:
        if by.id != self.sender_id:
            raise PermissionDenied("Only the sender can edit a message.")
        if now - self.created_at > EDIT_WINDOW:
            raise InvalidState(
                f"A message can be edited only within {EDIT_WINDOW.seconds // 60} minutes "
                "of sending it.")
        errors = FieldErrors()
        check_content(content, errors)
        errors.raise_if_any()
        self.content = content.strip()
        self.updated_at = now

    def ensure_deletable(self, *, by: Actor) -> None:
        if by.id != self.sender_id:
            raise PermissionDenied("Only the sender can delete a message.")


def check_content(content: str, errors: FieldErrors) -> None:
    errors.check_text("content", content, max_length=CONTENT_MAX)
