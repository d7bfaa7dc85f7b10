"""The rules of equipment: admins keep the catalogue, terms validate themselves, and an item is
in stock when it is offered and not sold out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
import pytest

from cultureup.domain.accounts.users import Actor, StaffRole, UserType
from cultureup.domain.catalog.equipment import (
    MAX_STOCK,
    Equipment,
    EquipmentTerms,
    EquipmentType,
    can_manage_equipment,
)
from cultureup.domain.errors import PermissionDenied, ValidationFailed
from cultureup.domain.money import Money
from tests.unit.builders import NOW, admin, artist, buyer, plain_staff, staff

SUPERUSER = Actor(id=1000, username="root", user_type=UserType.ADMIN, is_staff=True,
                  is_superuser=True, staff_role=StaffRole.ADMIN)
# A superuser flag alone (no staff flag) is enough too.
BARE_SUPERUSER = Actor(id=1001, username="owner", user_type=UserType.ADMIN, is_superuser=True)


def terms(**overrides: Any) -> EquipmentTerms:
    values: dict[str, Any] = {
        "name": "  Professional Oil Painting Brush Set ", "description": "12 sizes",
        "equipment_type": "brush", "price": Money("45.99"), "stock_quantity": 50,
        "is_available": True,
    }
    values.update(overrides)
    return EquipmentTerms(**values)


def details(error: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return error.value.details


@pytest.mark.parametrize("keeper", [admin(), SUPERUSER, BARE_SUPERUSER])
def test_admins_and_superusers_add_items(keeper: Actor) -> None:
    item = Equipment.add(by=keeper, terms=terms(), now=NOW)
    assert item.id is None and item.version == 0 and item.image is None
    assert item.name == "Professional Oil Painting Brush Set"
    assert item.equipment_type is EquipmentType.BRUSH
    assert item.created_at == item.updated_at == NOW


@pytest.mark.parametrize("outsider", [artist(), buyer(), staff(), plain_staff()])
def test_artists_buyers_staff_and_moderators_do_not_keep_the_catalogue(outsider: Actor) -> None:
    assert not can_manage_equipment(outsider)
    with pytest.raises(PermissionDenied):
        Equipment.add(by=outsider, terms=terms(), now=NOW)
    item = Equipment.add(by=admin(), terms=terms(), now=NOW)
    with pytest.raises(PermissionDenied):
        item.edit(by=outsider, terms=item.terms, now=NOW)
    with pytest.raises(PermissionDenied):
        item.ensure_deletable(by=outsider)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"description": "x" * 5001}, "description"),
    ({"equipment_type": "spoon"}, "equipment_type"),
    ({"equipment_type": "Brush"}, "equipment_type"),
    ({"price": Money(0)}, "price"),
    ({"price": Money("-5.00")}, "price"),
    ({"stock_quantity": -1}, "stock_quantity"),
    ({"stock_quantity": MAX_STOCK + 1}, "stock_quantity"),
])
def test_invalid_terms_are_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        Equipment.add(by=admin(), terms=terms(**overrides), now=NOW)
    assert set(details(error)) == {field}


def test_the_limits_themselves_are_allowed() -> None:
    item = Equipment.add(by=admin(), terms=terms(name="x" * 200, description="x" * 5000,
                                                 price=Money("0.01"), stock_quantity=MAX_STOCK),
                         now=NOW)
    assert item.stock_quantity == MAX_STOCK


@pytest.mark.parametrize(("stock", "available", "in_stock"), [
    (1, True, True), (0, True, False), (10, False, False), (0, False, False)])
def test_an_item_is_in_stock_when_offered_and_not_sold_out(stock: int, available: bool,
                                                           in_stock: bool) -> None:
    item = Equipment.add(by=admin(), terms=terms(stock_quantity=stock, is_available=available),
                         now=NOW)
    assert item.in_stock is in_stock


def test_staff_edit_an_item_and_an_invalid_edit_changes_nothing() -> None:
    item = Equipment.add(by=admin(), terms=terms(), now=NOW)
    later = NOW + timedelta(days=1)
    item.edit(by=SUPERUSER, terms=attrs.evolve(item.terms, price=Money("39.50"),
                                               equipment_type="canvas"), now=later)
    assert (item.price, item.equipment_type, item.updated_at) == (
        Money("39.50"), EquipmentType.CANVAS, later)
    with pytest.raises(ValidationFailed):
        item.edit(by=admin(), terms=attrs.evolve(item.terms, name="", stock_quantity=3),
                  now=later)
    assert item.stock_quantity == 50
    item.ensure_deletable(by=admin())
