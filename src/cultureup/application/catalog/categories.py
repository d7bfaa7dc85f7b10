"""Categories: public reads; creation, activation and deactivation for admins
(Permission.MANAGE_CATALOG) and the sample data, each written to the audit log."""

from __future__ import annotations

from cultureup.application.audit import change, record
from cultureup.application.ports import CategoryQueries, Clock, UnitOfWorkFactory
from cultureup.application.views import CategoryView, Page, PageRequest
from cultureup.domain.accounts.roles import Permission, is_staff_member, require
from cultureup.domain.accounts.users import Actor
from cultureup.domain.audit import AuditAction
from cultureup.domain.catalog.categories import Category
from cultureup.domain.errors import NotFound, ValidationFailed


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
        """A new category: `name` 1-100 characters, unique ignoring case (400 naming `name`
        otherwise), `description` up to 1000. Admins (Permission.MANAGE_CATALOG)."""
        require(actor, Permission.MANAGE_CATALOG)
        category = Category.create(name=name, description=description, is_active=is_active,
                                   now=self._clock.now())
        with self._uow() as uow:
            if uow.categories.find_by_name(category.name) is not None:
                raise ValidationFailed({"name": ["A category with this name already exists."]})
            uow.categories.add(category)
            record(uow, now=category.created_at, action=AuditAction.CATEGORY_CREATED,
                   actor_id=actor.id, actor_username=actor.username, target_type="category",
                   target_id=category.id, ip_address=ip, name=category.name,
                   **change({}, {"name": category.name, "is_active": category.is_active}))
            uow.commit()
        assert category.id is not None
        return self._queries.get_category(category.id)

    def set_active(self, *, actor: Actor, category_id: int, active: bool,
                   ip: str | None = None) -> CategoryView:
        """Activate or deactivate a category (Permission.MANAGE_CATALOG; NotFound for an
        unknown id). An inactive category takes no new jobs or artworks (400 naming
        `category_id`, the rule of JobTerms and ArtworkDetails); existing jobs and artworks
        keep it and stay visible. Setting the state it already has changes nothing and writes
        no audit entry; a change is audited with before/after in the same transaction."""
        require(actor, Permission.MANAGE_CATALOG)
        now = self._clock.now()
        with self._uow() as uow:
            category = uow.categories.get(category_id)
            if category.set_active(active, now=now):
                uow.categories.save(category)
                record(uow, now=now, action=AuditAction.CATEGORY_ACTIVATED if active
                       else AuditAction.CATEGORY_DEACTIVATED, actor_id=actor.id,
                       actor_username=actor.username, target_type="category",
                       target_id=category_id, ip_address=ip, name=category.name,
                       **change({"is_active": not active}, {"is_active": active}))
                uow.commit()
        return self._queries.get_category(category_id)


def _is_staff(actor: Actor | None) -> bool:
    """Inactive categories are shown to every platform role (``is_staff_member``): moderators
    file artworks under them too."""
    return is_staff_member(actor)
