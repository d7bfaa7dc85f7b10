"""/api/categories/: the public list of categories."""

from __future__ import annotations

from typing import Any

import falcon

from cultureup.application.catalog.categories import CategoryService
from cultureup.entrypoints.http.auth import optional_actor
from cultureup.entrypoints.http.endpoint import Answer, endpoint
from cultureup.entrypoints.http.fields import Timestamp
from cultureup.entrypoints.http.shapes import PageOf, Pagination


class Category(Answer):
    id: int
    name: str
    description: str
    is_active: bool
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, view: Any) -> Category:
        return cls(id=view.id, name=view.name, description=view.description,
                   is_active=view.is_active, created_at=view.created_at,
                   updated_at=view.updated_at)


class CategoryPage(PageOf[Category]):
    pass


class CategoryListResource:
    def __init__(self, categories: CategoryService) -> None:
        self._categories = categories

    @endpoint("List active categories", "Categories", query=Pagination, response=CategoryPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: Pagination
               ) -> CategoryPage:
        page = self._categories.list_categories(query.page_request(),
                                                actor=optional_actor(req))
        return CategoryPage.of(req, page, Category.of)


class CategoryResource:
    def __init__(self, categories: CategoryService) -> None:
        self._categories = categories

    @endpoint("One category", "Categories", response=Category)
    def on_get(self, req: falcon.Request, resp: falcon.Response, category_id: int
               ) -> Category:
        return Category.of(self._categories.get_category(category_id,
                                                         actor=optional_actor(req)))
