"""page/page_size in, {count, next, previous, results} out, with absolute URLs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

import falcon

from cultureup.application.views import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, PageRequest
from cultureup.entrypoints.http.input import Fields, optional

T = TypeVar("T")
MAX_PAGE = 10**7


def page_request(req: falcon.Request) -> PageRequest:
    fields = Fields(req.params, from_query=True)
    page = fields.integer("page", required=False, min_value=1, max_value=MAX_PAGE)
    size = fields.integer("page_size", required=False, min_value=1, max_value=MAX_PAGE_SIZE)
    fields.check()
    return PageRequest.of(optional(page) or 1, optional(size) or DEFAULT_PAGE_SIZE)


def paginated(req: falcon.Request, page: Page[T],
              serialize: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    if page.request.page > page.last_page:
        raise falcon.HTTPNotFound(title="Invalid page.",
                                  description="That page contains no results.")
    return {
        "count": page.total,
        "next": _link(req, page.request.page + 1) if page.has_next else None,
        "previous": _link(req, page.request.page - 1) if page.has_previous else None,
        "results": [serialize(item) for item in page.items],
    }


def _link(req: falcon.Request, number: int) -> str:
    params = {key: value for key, value in req.params.items() if key != "page"}
    if number > 1:
        params["page"] = str(number)
    query = urlencode(params, doseq=True)
    base = f"{req.prefix}{req.path}"
    if not base.endswith("/"):
        base += "/"
    return f"{base}?{query}" if query else base
