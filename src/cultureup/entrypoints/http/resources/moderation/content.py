"""/api/admin/content/: every listing in one list, removal and restoration (moderators).

The admin-panel document's paths, bodies and fields, with CultureUp's listings: an artwork,
a job or equipment (`content_type`; the document's product, service and property are read as
aliases, see domain/moderation/content.py)."""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field

from cultureup.application.moderation.content import ContentModeration, ModerationContentService
from cultureup.application.moderation.ports import ContentFilters, ContentRow
from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.moderation.content import (
    CONTENT_TYPE_CHOICES,
    REASON_MAX,
    ContentType,
    parse_content_type,
)
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import AnyCaseChoice, Flag, MoneyOut, Text, Timestamp
from cultureup.entrypoints.http.resources.catalog.artworks import absolute
from cultureup.entrypoints.http.resources.moderation.verification import (
    add_verification_routes,
)
from cultureup.entrypoints.http.shapes import PageOf, Pagination

TAG = "Admin: moderation"
ID = "id"  # the ASCII-only path id converter
KINDS = [kind.value for kind in ContentType]
ContentTypeIn = AnyCaseChoice(CONTENT_TYPE_CHOICES, description=(
    "artwork, job or equipment (the admin-panel document's product, service and property are "
    "read as artwork, job and equipment), in any case"))
Reason = Text(REASON_MAX, description="Why; told to the listing's owner")
SearchText = Text(200, blank=True)


class ContentQuery(Pagination):
    content_type: ContentTypeIn = None
    search: SearchText = None
    is_active: Flag = None

    def filters(self) -> ContentFilters:
        return ContentFilters(
            content_type=parse_content_type(self.content_type) if self.content_type else None,
            search=self.search.strip() or None if self.search else None,
            is_active=self.is_active)


class ContentOwner(Answer):
    id: int
    username: str
    email: str | None = Field(description="Only for staff who may see users' contact data")


class Location(Answer):
    city: str | None
    district: str | None


class ContentItem(Answer):
    id: int
    title: str
    content_type: str = Field(json_schema_extra={"enum": KINDS})
    is_active: bool = Field(description="false once a moderator removed it")
    owner: ContentOwner | None = Field(description="null for equipment (the platform's own)")
    created_at: Timestamp
    updated_at: Timestamp
    views: int
    price: MoneyOut
    description: str
    images: list[str]
    location: Location = Field(description="CultureUp's listings have no location: nulls")
    removed: bool
    removal_reason: str | None
    removed_at: Timestamp | None

    @classmethod
    def of(cls, req: falcon.Request, row: ContentRow, actor: Actor) -> ContentItem:
        owner = None
        if row.owner is not None:
            owner = ContentOwner(id=row.owner.id, username=row.owner.username,
                                 email=row.owner.email or None
                                 if can(actor, Permission.VIEW_USERS) else None)
        return cls(id=row.id, title=row.title, content_type=row.content_type.value,
                   is_active=row.is_active, owner=owner, created_at=row.created_at,
                   updated_at=row.updated_at, views=row.views, price=row.price,
                   description=row.description,
                   images=[absolute(req, url) for url in row.images],
                   location=Location(city=None, district=None),
                   removed=row.removed_at is not None, removal_reason=row.removal_reason,
                   removed_at=row.removed_at)


class ContentPage(PageOf[ContentItem]):
    pass


class ModerationInput(Shape):
    content_type: ContentTypeIn
    reason: Reason


class ShortUser(Answer):
    id: int
    username: str


class ModerationAnswer(Answer):
    id: int
    title: str
    content_type: str = Field(json_schema_extra={"enum": KINDS})
    removed: bool
    removal_reason: str | None
    removed_by: ShortUser | None
    removed_at: Timestamp | None
    reason: str = Field(description="The moderator's reason for this action")
    acted_by: ShortUser
    acted_at: Timestamp

    @classmethod
    def of(cls, view: ContentModeration) -> ModerationAnswer:
        by = view.removed_by
        return cls(id=view.id, title=view.title, content_type=view.content_type.value,
                   removed=view.removed, removal_reason=view.removal_reason,
                   removed_by=ShortUser(id=by.id, username=by.username) if by else None,
                   removed_at=view.removed_at, reason=view.reason,
                   acted_by=ShortUser(id=view.acted_by.id, username=view.acted_by.username),
                   acted_at=view.acted_at)


class ContentListResource:
    def __init__(self, content: ModerationContentService) -> None:
        self._content = content

    @endpoint("Every listing: artworks, jobs and equipment, newest first (moderators)", TAG,
              permission=Permission.MODERATE_CONTENT, query=ContentQuery, response=ContentPage,
              errors=(403,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: ContentQuery
               ) -> ContentPage:
        actor = require_actor(req)
        page = self._content.list_content(actor, query.filters(), query.page_request())
        return ContentPage.of(req, page, lambda row: ContentItem.of(req, row, actor))


class RemoveContentResource:
    def __init__(self, content: ModerationContentService) -> None:
        self._content = content

    @endpoint("Remove a listing, with the reason its owner is told (moderators)", TAG,
              permission=Permission.MODERATE_CONTENT, body=ModerationInput,
              response=ModerationAnswer,
              errors=(403, 404, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, content_id: int,
                body: ModerationInput) -> ModerationAnswer:
        return ModerationAnswer.of(self._content.remove(
            require_actor(req), body.content_type, content_id, body.reason,
            ip=req.context.ip))


class RestoreContentResource:
    def __init__(self, content: ModerationContentService) -> None:
        self._content = content

    @endpoint("Restore a removed listing (moderators)", TAG,
              permission=Permission.MODERATE_CONTENT, body=ModerationInput,
              response=ModerationAnswer, errors=(403, 404, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, content_id: int,
                body: ModerationInput) -> ModerationAnswer:
        return ModerationAnswer.of(self._content.restore(
            require_actor(req), body.content_type, content_id, body.reason,
            ip=req.context.ip))


def add_moderation_routes(app: falcon.App, services: Any) -> None:
    add_verification_routes(app, services)
    content = services.moderation_content
    app.add_route("/api/admin/content", ContentListResource(content))
    app.add_route(f"/api/admin/content/{{content_id:{ID}}}/remove",
                  RemoveContentResource(content))
    app.add_route(f"/api/admin/content/{{content_id:{ID}}}/restore",
                  RestoreContentResource(content))
