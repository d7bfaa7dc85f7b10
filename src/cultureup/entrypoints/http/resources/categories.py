"""/api/categories/: the public list of categories."""

from __future__ import annotations

import falcon

from cultureup.application.categories import CategoryService
from cultureup.entrypoints.http import serializers
from cultureup.entrypoints.http.auth import optional_actor
from cultureup.entrypoints.http.pagination import page_request, paginated


class CategoryListResource:
    def __init__(self, categories: CategoryService) -> None:
        self._categories = categories

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        page = self._categories.list_categories(page_request(req), actor=optional_actor(req))
        resp.media = paginated(req, page, serializers.category)


class CategoryResource:
    def __init__(self, categories: CategoryService) -> None:
        self._categories = categories

    def on_get(self, req: falcon.Request, resp: falcon.Response, category_id: int) -> None:
        resp.media = serializers.category(
            self._categories.get_category(category_id, actor=optional_actor(req)))
