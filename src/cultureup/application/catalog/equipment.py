"""Equipment: the public catalogue of art supplies, kept by staff."""

from __future__ import annotations

from typing import Any

import attrs

from cultureup.application.audit import change, record
from cultureup.application.catalog.ports import EquipmentQueries
from cultureup.application.catalog.views import (
    EQUIPMENT_ORDERING_FIELDS,
    EquipmentFilters,
    EquipmentView,
)
from cultureup.application.ports import Clock, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest, check_ordering
from cultureup.domain.accounts.roles import Permission, is_staff_member, require
from cultureup.domain.accounts.users import Actor
from cultureup.domain.catalog.equipment import (
    EQUIPMENT_CREATED,
    EQUIPMENT_DELETED,
    EQUIPMENT_STOCK_UPDATED,
    EQUIPMENT_UPDATED,
    Equipment,
    EquipmentTerms,
    stock_after,
)
from cultureup.domain.errors import NotFound

EQUIPMENT_TERM_FIELDS = tuple(field.name for field in attrs.fields(EquipmentTerms))


class EquipmentService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: EquipmentQueries,
                 clock: Clock) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock

    # -- reads -----------------------------------------------------------------------------

    def list_equipment(self, filters: EquipmentFilters,
                       page: PageRequest) -> Page[EquipmentView]:
        check_ordering(filters.ordering, EQUIPMENT_ORDERING_FIELDS)
        return self._queries.list_equipment(filters, page)

    def list_in_stock(self, filters: EquipmentFilters,
                      page: PageRequest) -> Page[EquipmentView]:
        """The same list, keeping only items that are offered and not sold out."""
        return self.list_equipment(attrs.evolve(filters, in_stock=True), page)

    def get_equipment(self, equipment_id: int, *, actor: Actor | None = None) -> EquipmentView:
        """One item; one a moderator removed is NotFound to all but staff."""
        item = self._queries.get_equipment(equipment_id)
        if item.removed_at is not None and not is_staff_member(actor):
            raise NotFound("Equipment not found.")
        return item

    # -- staff writes, each recorded in the audit log --------------------------------------

    def add_equipment(self, actor: Actor, terms: EquipmentTerms, *,
                      ip: str | None = None) -> EquipmentView:
        now = self._clock.now()
        item = Equipment.add(by=actor, terms=terms, now=now)
        with self._uow() as uow:
            uow.equipment.add(item)
            record(uow, now=now, action=EQUIPMENT_CREATED, actor_id=actor.id,
                   actor_username=actor.username, target_type="equipment", target_id=item.id,
                   ip_address=ip, name=item.name)
            uow.commit()
        assert item.id is not None
        return self.get_equipment(item.id)

    def update_equipment(self, actor: Actor, equipment_id: int, changes: dict[str, Any], *,
                         ip: str | None = None) -> EquipmentView:
        """Change some fields (PATCH) or replace them (PUT: every required field given)."""
        unknown = set(changes) - set(EQUIPMENT_TERM_FIELDS)
        if unknown:
            raise ValueError(f"not equipment fields: {sorted(unknown)}")
        now = self._clock.now()
        with self._uow() as uow:
            item = uow.equipment.get(equipment_id)
            item.edit(by=actor, terms=attrs.evolve(item.terms, **changes), now=now)
            uow.equipment.save(item)
            record(uow, now=now, action=EQUIPMENT_UPDATED, actor_id=actor.id,
                   actor_username=actor.username, target_type="equipment",
                   target_id=equipment_id, ip_address=ip,
                   fields=",".join(sorted(changes)))
            uow.commit()
        return self.get_equipment(equipment_id, actor=actor)

    def delete_equipment(self, actor: Actor, equipment_id: int, *,
                         ip: str | None = None) -> None:
        with self._uow() as uow:
            item = uow.equipment.get(equipment_id)
            item.ensure_deletable(by=actor)
            uow.equipment.delete(item)
            record(uow, now=self._clock.now(), action=EQUIPMENT_DELETED, actor_id=actor.id,
                   actor_username=actor.username, target_type="equipment",
                   target_id=equipment_id, ip_address=ip, name=item.name)
            uow.commit()

    def update_stock(self, actor: Actor, equipment_id: int, *,
                     stock_quantity: int | None = None, adjustment: int | None = None,
                     reason: str = "", ip: str | None = None) -> EquipmentView:
        """Set the stock (`stock_quantity`, 0..MAX_STOCK) or change it by `adjustment`
        (negative removes); exactly one of them (Permission.MANAGE_CATALOG; 400 otherwise, and
        for a change that would leave the stock below zero). The item's row is locked while
        the new stock is computed and written, so an order taking stock at the same time
        either goes first (and the adjustment applies to what it left) or waits and then
        finds the new stock: no update is lost and the stock never goes below zero. Audited
        with the stock before and after, in the same transaction."""
        require(actor, Permission.MANAGE_CATALOG)
        now = self._clock.now()
        with self._uow() as uow:
            before = uow.stock.lock(equipment_id)
            after = stock_after(before, stock_quantity=stock_quantity, adjustment=adjustment)
            uow.stock.set_quantity(equipment_id, after, now=now)
            record(uow, now=now, action=EQUIPMENT_STOCK_UPDATED, actor_id=actor.id,
                   actor_username=actor.username, target_type="equipment",
                   target_id=equipment_id, ip_address=ip, reason=reason.strip()[:1000],
                   **change({"stock_quantity": before}, {"stock_quantity": after}))
            uow.commit()
        return self.get_equipment(equipment_id)
