"""Shapes shared by several areas: users as others see them, pages, the error envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import falcon
from pydantic import Field

from cultureup.application.views import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, PageRequest
from cultureup.entrypoints.http.endpoint import Answer, Shape
from cultureup.entrypoints.http.fields import Integer, Text, Timestamp

T = TypeVar("T")
V = TypeVar("V")
MAX_PAGE = 10**7
IdOut = int


class Error(Answer):
    """Every error answer: success/error/details, plus `detail` for DRF-style clients."""

    success: bool = Field(json_schema_extra={"const": False})
    error: str = Field(description="One sentence saying what went wrong")
    detail: str = Field(description="The same sentence, for clients that read `detail`")
    details: dict[str, list[str]] = Field(description="Messages per field")


class Message(Answer):
    message: str


class UserRef(Answer):
    """A user named in someone else's record: no contact data."""

    id: IdOut
    username: str


class PublicUser(Answer):
    """A user as anyone may see them: never their e-mail, phone or address."""

    id: IdOut
    username: str
    first_name: str
    last_name: str
    profile_image: str | None

    @classmethod
    def of(cls, view: Any) -> PublicUser:
        return cls(**cls.values(view))

    @staticmethod
    def values(view: Any) -> dict[str, Any]:
        """The fields of a user view, as a dict: what a shape holding a PublicUser is given in
        a list (validated with it, one call less per row than `of`)."""
        return {"id": view.id, "username": view.username, "first_name": view.first_name,
                "last_name": view.last_name,
                "profile_image": getattr(view, "profile_image", None)}


class CategoryRef(Answer):
    id: int
    name: str
    description: str


class User(Answer):
    """The caller's own account (and, for staff, anyone's)."""

    id: IdOut
    username: str
    email: str
    first_name: str
    last_name: str
    user_type: str = Field(json_schema_extra={"enum": ["artist", "buyer", "admin"]})
    phone_number: str
    is_verified: bool
    profile_image: str | None
    created_at: Timestamp

    @classmethod
    def of(cls, view: Any) -> User:
        return cls(id=view.id, username=view.username, email=view.email,
                   first_name=view.first_name, last_name=view.last_name,
                   user_type=view.user_type, phone_number=view.phone_number,
                   is_verified=view.is_verified, profile_image=view.profile_image,
                   created_at=view.created_at)


PageNumber = Integer(1, MAX_PAGE, description="Page number, from 1")
PageSize = Integer(1, MAX_PAGE_SIZE, description=f"Items per page (default {DEFAULT_PAGE_SIZE})")


class Pagination(Shape):
    page: PageNumber = None
    page_size: PageSize = None

    def page_request(self) -> PageRequest:
        return PageRequest.of(self.page or 1, self.page_size or DEFAULT_PAGE_SIZE)


# The value that asks for the first page of keyset paging (a cursor is never this word).
FIRST_CURSOR = "first"
Cursor = Text(
    400, pattern=r"^(first|[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$",
    description="Keyset paging, for infinite scroll: `first` for the first page, then the "
    "cursor of the `next` link. Opaque and signed: a changed or foreign cursor is a 400. "
    "Every page then costs what the first one costs, however deep; `previous` is null. "
    "Not with `page`, nor with an ordering by a computed figure (400).")


class CursorPagination(Pagination):
    """Page numbers, or opt-in keyset paging with `cursor`."""

    cursor: Cursor = None

    def page_request(self) -> PageRequest:
        cursor = None if self.cursor is None else (
            "" if self.cursor == FIRST_CURSOR else self.cursor)
        return PageRequest.of(self.page or 1, self.page_size or DEFAULT_PAGE_SIZE,
                              cursor=cursor)


class PageOf(Answer, Generic[T]):
    count: int = Field(ge=0)
    next: str | None = Field(json_schema_extra={"format": "uri-reference"})
    previous: str | None = Field(json_schema_extra={"format": "uri-reference"})
    results: list[T]

    @classmethod
    def of(cls, req: falcon.Request, page: Page[V], item: Callable[[V], Any]) -> Any:
        if page.request.page > page.last_page:
            raise falcon.HTTPNotFound(title="Invalid page.",
                                      description="That page contains no results.")
        if page.request.cursor is not None:
            return cls(count=page.total, previous=None,
                       next=None if page.next_cursor is None else _cursor_link(
                           req, page.next_cursor),
                       results=[item(value) for value in page.items])
        return cls(count=page.total,
                   next=_link(req, page.request.page + 1) if page.has_next else None,
                   previous=_link(req, page.request.page - 1) if page.has_previous else None,
                   results=[item(value) for value in page.items])


def _link(req: falcon.Request, number: int) -> str:
    params = {key: value for key, value in req.params.items() if key != "page"}
    if number > 1:
        params["page"] = str(number)
    return _url(req, params)


def _cursor_link(req: falcon.Request, cursor: str) -> str:
    params = {key: value for key, value in req.params.items() if key not in ("page", "cursor")}
    params["cursor"] = cursor
    return _url(req, params)


def _url(req: falcon.Request, params: dict[str, Any]) -> str:
    query = urlencode(params, doseq=True)
    base = f"{req.prefix}{req.path}"
    if not base.endswith("/"):
        base += "/"
    return f"{base}?{query}" if query else base

