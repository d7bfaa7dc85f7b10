"""Categories: public reads; creation for admins and the sample data."""

from __future__ import annotations

from cultureup.application.audit import record
from cultureup.application.ports import CategoryQueries, Clock, UnitOfWorkFactory
from cultureup.application.views import CategoryView, Page, PageRequest
from cultureup.domain.accounts.users import Actor
from cultureup.domain.audit import AuditAction
from cultureup.domain.catalog.categories import Category
from cultureup.domain.errors import NotFound, PermissionDenied, ValidationFailed


class CategoryService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: CategoryQueries,
                 clock: Clock) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock

    def list_categories(self, page: PageRequest, *, actor: Actor | None = None
                        ) -> Page[CategoryView]:
        """Active categories for everyone; staff also see inactive ones."""
        return self._queries.list_categories(include_inactive=_is_staff(actor), page=page)

    def get_category(self, category_id: int, *, actor: Actor | None = None) -> CategoryView:
        category = self._queries.get_category(category_id)
        if not category.is_active and not _is_staff(actor):
            raise NotFound("Category not found.")
        return category

    def create_category(self, *, actor: Actor, name: str, description: str = "",
                        is_active: bool = True, ip: str | None = None) -> CategoryView:
        if not actor.is_admin:
            raise PermissionDenied("Only admins can create categories.")
        category = Category.create(name=name, description=description, is_active=is_active,
                                   now=self._clock.now())
        with self._uow() as uow:
            if uow.categories.find_by_name(category.name) is not None:
                raise ValidationFailed({"name": ["A category with this name already exists."]})
            uow.categories.add(category)
            record(uow, now=category.created_at, action=AuditAction.CATEGORY_CREATED,
                   actor_id=actor.id, actor_username=actor.username, target_type="category",
                   target_id=category.id, ip_address=ip, name=category.name)
            uow.commit()
        assert category.id is not None
        return self._queries.get_category(category.id)


def _is_staff(actor: Actor | None) -> bool:
    return actor is not None and (actor.is_staff or actor.is_superuser)
