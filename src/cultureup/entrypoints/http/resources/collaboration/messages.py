"""/api/messages/: messages between two users, with an optional private attachment, and the
caller's conversations."""

from __future__ import annotations

from typing import Annotated, Any

import falcon
from pydantic import Field, PlainValidator, WithJsonSchema

from cultureup.application.collaboration.messages import (
    ATTACHMENT_FILE_KIND,
    MessageService,
    Upload,
)
from cultureup.application.collaboration.views import (
    MESSAGE_ORDERING_FIELDS,
    ConversationView,
    MessageFilters,
    MessageView,
)
from cultureup.domain.collaboration.messages import CONTENT_MAX, EDIT_WINDOW
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint, upload_filename
from cultureup.entrypoints.http.fields import Flag, Id, Ordering, Text, Timestamp, invalid
from cultureup.entrypoints.http.resources.private_files import private_file_path
from cultureup.entrypoints.http.shapes import PageOf, Pagination

TAG = "Messages"
Content = Text(CONTENT_MAX)
EDIT_MINUTES = EDIT_WINDOW.seconds // 60


def _file(value: Any) -> bytes:
    if not isinstance(value, bytes):
        raise invalid("No file was submitted.")
    return value


AttachmentFile = Annotated[bytes, PlainValidator(_file), WithJsonSchema(
    {"type": "string", "format": "binary",
     "description": "An image (JPEG, PNG, GIF, WebP), a PDF, a ZIP archive or plain UTF-8 "
                    "text, judged by its content; not empty, at most "
                    "CULTUREUP_MAX_ATTACHMENT_MB (10) MB"}, mode="validation")]


class MessageQuery(Pagination):
    is_read: Flag = None
    job: Id = None
    ordering: Ordering(MESSAGE_ORDERING_FIELDS) = None

    def filters(self) -> MessageFilters:
        return MessageFilters(is_read=self.is_read, job_id=self.job, ordering=self.ordering)


class MessageInput(Shape):
    """A message as JSON or a form (no attachment)."""

    receiver_id: Id = Field(description="An active user other than the sender")
    job: Id = Field(default=None, description="A job the sender or the receiver takes part in")
    content: Content


class MessageUpload(MessageInput):
    """A message as a multipart form, optionally with an attachment."""

    attachment: AttachmentFile = None


class ContentInput(Shape):
    content: Content


class ContentChange(Shape):
    content: Content = None


class Party(Answer):
    id: int
    username: str
    first_name: str
    last_name: str


class Message(Answer):
    id: int
    sender: Party
    receiver: Party
    job: int | None
    content: str
    attachment: str | None = Field(
        description="URL of the attachment, served to the sender and the receiver only")
    attachment_name: str | None
    attachment_size: int | None = Field(description="Bytes")
    attachment_type: str | None
    is_read: bool
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, req: falcon.Request, view: MessageView) -> Message:
        attachment = view.attachment
        return cls(
            id=view.id, sender=_party(view.sender), receiver=_party(view.receiver),
            job=view.job_id, content=view.content,
            attachment=None if attachment is None else
            req.prefix + private_file_path(ATTACHMENT_FILE_KIND, view.id),
            attachment_name=attachment.name if attachment else None,
            attachment_size=attachment.size if attachment else None,
            attachment_type=attachment.content_type if attachment else None,
            is_read=view.is_read, created_at=view.created_at, updated_at=view.updated_at)


def _party(user: Any) -> Party:
    return Party(id=user.id, username=user.username, first_name=user.first_name,
                 last_name=user.last_name)


class MessagePage(PageOf[Message]):
    pass


class MarkedRead(Answer):
    message: str
    message_id: int
    is_read: bool


class Counterpart(Answer):
    id: int
    username: str
    first_name: str
    profile_image: str | None


class LastMessage(Answer):
    id: int
    content: str
    created_at: Timestamp
    is_read: bool


class Conversation(Answer):
    user: Counterpart
    last_message: LastMessage
    unread_count: int = Field(ge=0, description="Messages from this user I have not read")

    @classmethod
    def of(cls, view: ConversationView) -> Conversation:
        user, last = view.user, view.last_message
        return cls(user=Counterpart(id=user.id, username=user.username,
                                    first_name=user.first_name,
                                    profile_image=user.profile_image),
                   last_message=LastMessage(id=last.id, content=last.content,
                                            created_at=last.created_at, is_read=last.is_read),
                   unread_count=view.unread_count)


class Conversations(Answer):
    conversations: list[Conversation]


class MessageListResource:
    def __init__(self, messages: MessageService) -> None:
        self._messages = messages
        self.max_upload_bytes = messages.max_attachment_bytes

    @endpoint("The messages I sent or received", TAG, auth=True, query=MessageQuery,
              response=MessagePage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: MessageQuery
               ) -> MessagePage:
        page = self._messages.list_messages(require_actor(req), query.filters(),
                                            query.page_request())
        return MessagePage.of(req, page, lambda view: Message.of(req, view))

    @endpoint("Send a message (multipart with an optional attachment, or JSON / form "
              "without)", TAG, auth=True, body=MessageUpload, text_body=MessageInput,
              response=Message, status=201)
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: MessageInput
                ) -> Message:
        data = getattr(body, "attachment", None)
        attachment = None if data is None else Upload(
            filename=upload_filename(req, "attachment"), data=data)
        view = self._messages.send(require_actor(req), receiver_id=body.receiver_id,
                                   content=body.content, job_id=body.job,
                                   attachment=attachment)
        return Message.of(req, view)


class MessageResource:
    def __init__(self, messages: MessageService) -> None:
        self._messages = messages

    @endpoint("One message I sent or received", TAG, auth=True, response=Message)
    def on_get(self, req: falcon.Request, resp: falcon.Response, message_id: int) -> Message:
        return Message.of(req, self._messages.get_message(require_actor(req), message_id))

    @endpoint(f"Correct a message I sent (within {EDIT_MINUTES} minutes of sending it)", TAG,
              auth=True, body=ContentInput, response=Message, errors=(403, 409))
    def on_put(self, req: falcon.Request, resp: falcon.Response, message_id: int,
               body: ContentInput) -> Message:
        return Message.of(req, self._messages.edit(require_actor(req), message_id,
                                                   content=body.content))

    @endpoint(f"Correct a message I sent (within {EDIT_MINUTES} minutes of sending it)", TAG,
              auth=True, body=ContentChange, response=Message, errors=(403, 409))
    def on_patch(self, req: falcon.Request, resp: falcon.Response, message_id: int,
                 body: ContentChange) -> Message:
        actor = require_actor(req)
        if body.content is None:
            return Message.of(req, self._messages.get_message(actor, message_id))
        return Message.of(req, self._messages.edit(actor, message_id, content=body.content))

    @endpoint("Delete a message I sent (and its attachment)", TAG, auth=True, status=204,
              errors=(403,))
    def on_delete(self, req: falcon.Request, resp: falcon.Response, message_id: int) -> None:
        self._messages.delete(require_actor(req), message_id)


class MarkReadResource:
    def __init__(self, messages: MessageService) -> None:
        self._messages = messages

    @endpoint("Mark a message I received read", TAG, auth=True, response=MarkedRead,
              errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, message_id: int
                ) -> MarkedRead:
        view = self._messages.mark_read(require_actor(req), message_id)
        return MarkedRead(message="Message marked as read", message_id=view.id,
                          is_read=view.is_read)


class ConversationsResource:
    def __init__(self, messages: MessageService) -> None:
        self._messages = messages

    @endpoint("One entry per user I exchanged messages with: the last message and how many "
              "of theirs I have not read, newest first", TAG, auth=True,
              response=Conversations)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> Conversations:
        return Conversations(conversations=[
            Conversation.of(view)
            for view in self._messages.conversations(require_actor(req))])
