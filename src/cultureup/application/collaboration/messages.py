"""Messages between users, their attachments (private files) and the conversation list."""

from __future__ import annotations

import secrets
from typing import Protocol

import attrs

from cultureup.application.collaboration.contracts import raise_field
from cultureup.application.collaboration.notifications import notify
from cultureup.application.collaboration.ports import CollaborationQueries, Notifier
from cultureup.application.collaboration.views import (
    MESSAGE_ORDERING_FIELDS,
    ConversationView,
    MessageFilters,
    MessageView,
)
from cultureup.application.ports import Clock, EventPublisher, UnitOfWorkFactory
from cultureup.application.private_files import PrivateFile
from cultureup.application.storage import PrivateFileStore
from cultureup.application.views import Page, PageRequest, check_ordering
from cultureup.domain.accounts.users import Actor
from cultureup.domain.collaboration.messages import Attachment, Message, Recipient
from cultureup.domain.errors import NotFound

ATTACHMENT_FILE_KIND = "message-attachment"


@attrs.frozen
class CheckedFile:
    """An upload whose type was judged by its content (and cleaned, for images)."""

    data: bytes = attrs.field(repr=False)
    content_type: str
    extension: str


class AttachmentInspector(Protocol):
    def inspect(self, data: bytes, *, max_bytes: int) -> CheckedFile:
        """Judge the file by its content: an image (re-encoded like artworks), a PDF, a ZIP
        archive or plain UTF-8 text; raises ValidationFailed (field `attachment`) for an
        empty, oversized or other file."""
        ...


@attrs.frozen(kw_only=True)
class Upload:
    filename: str
    data: bytes = attrs.field(repr=False)


class MessageService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: CollaborationQueries, clock: Clock,
                 events: EventPublisher, notifier: Notifier, store: PrivateFileStore,
                 inspector: AttachmentInspector, max_attachment_bytes: int) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock
        self._events, self._notifier = events, notifier
        self._store, self._inspector = store, inspector
        self._max_attachment_bytes = max_attachment_bytes

    @property
    def max_attachment_bytes(self) -> int:
        """The largest attachment accepted, in bytes (a setting)."""
        return self._max_attachment_bytes

    # -- reads -------------------------------------------------------------------------------

    def list_messages(self, actor: Actor, filters: MessageFilters,
                      page: PageRequest) -> Page[MessageView]:
        check_ordering(filters.ordering, MESSAGE_ORDERING_FIELDS)
        return self._queries.list_messages(actor.id, filters, page)

    def get_message(self, actor: Actor, message_id: int) -> MessageView:
        """Only the sender and the receiver see a message; to anyone else it does not exist."""
        view = self._queries.get_message(message_id)
        if actor.id not in (view.sender.id, view.receiver.id):
            raise NotFound("Message not found.")
        return view

    def conversations(self, actor: Actor) -> list[ConversationView]:
        return self._queries.conversations(actor.id)

    def attachment_file(self, actor: Actor, message_id: int) -> PrivateFile:
        """The resolver of private message attachments: the two parties only."""
        with self._uow(read_only=True) as uow:
            message = uow.messages.get(message_id)
        if not message.is_visible_to(actor) or message.attachment is None:
            raise NotFound("Attachment not found.")
        return PrivateFile(key=message.attachment.key,
                           content_type=message.attachment.content_type,
                           filename=message.attachment.name)

    # -- writes ------------------------------------------------------------------------------

    def send(self, actor: Actor, *, receiver_id: int, content: str, job_id: int | None = None,
             attachment: Upload | None = None) -> MessageView:
        now = self._clock.now()
        stored: Attachment | None = None
        checked = None
        if attachment is not None:
            if not attachment.data:
                raise_field("attachment", "The submitted file is empty.")
            checked = self._inspector.inspect(attachment.data,
                                              max_bytes=self._max_attachment_bytes)
        with self._uow() as uow:
            try:
                user = uow.users.get(receiver_id)
                receiver: Recipient | None = Recipient(id=receiver_id, is_active=user.is_active)
            except NotFound:
                receiver = None
            participants = None
            if job_id is not None:
                try:
                    job = uow.jobs.get(job_id)
                except NotFound:
                    pass
                else:
                    participants = frozenset(
                        {job.buyer_id, *(bid.artist_id for bid in job.bids)}
                        | ({job.hired_artist_id} if job.hired_artist_id else set()))
            if checked is not None:
                assert attachment is not None
                stored = Attachment(key=f"messages/{secrets.token_hex(16)}{checked.extension}",
                                    name=_display_name(attachment.filename, checked.extension),
                                    content_type=checked.content_type, size=len(checked.data))
            message = Message.send(sender=actor, receiver=receiver, content=content,
                                   job_id=job_id, job_participants=participants,
                                   attachment=stored, now=now)
            if stored is not None and checked is not None:
                self._store.put(stored.key, checked.data, stored.content_type)
            try:
                uow.messages.add(message)
                message.sent(sender_username=actor.username)
                notify(self._notifier, uow, message.events, now)
                uow.commit()
            except BaseException:
                if stored is not None:
                    self._store.delete(stored.key)
                raise
        self._events.publish(message.events)
        assert message.id is not None
        return self._queries.get_message(message.id)

    def mark_read(self, actor: Actor, message_id: int) -> MessageView:
        self.get_message(actor, message_id)
        with self._uow() as uow:
            message = uow.messages.get(message_id)
            if message.mark_read(by=actor, now=self._clock.now()):
                uow.messages.save(message)
                uow.commit()
        return self._queries.get_message(message_id)

    def edit(self, actor: Actor, message_id: int, *, content: str) -> MessageView:
        self.get_message(actor, message_id)
        with self._uow() as uow:
            message = uow.messages.get(message_id)
            message.edit(by=actor, content=content, now=self._clock.now())
            uow.messages.save(message)
            uow.commit()
        return self._queries.get_message(message_id)

    def delete(self, actor: Actor, message_id: int) -> None:
        self.get_message(actor, message_id)
        with self._uow() as uow:
            message = uow.messages.get(message_id)
            message.ensure_deletable(by=actor)
            uow.messages.delete(message)
            uow.commit()
        if message.attachment is not None:
            self._store.delete(message.attachment.key)


def _display_name(filename: str, extension: str) -> str:
    """The client's file name without any path, given the extension its content has."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '"')[:100] or "attachment"
    return stem + extension
