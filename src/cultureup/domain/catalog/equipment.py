"""Equipment: art supplies the platform sells (frames, paint, brushes, canvas), kept by staff.

An item is in stock when it is offered (`is_available`) and at least one is left. Every
change bumps the item's version, so that two staff members, or later an order taking stock,
cannot overwrite each other's change unnoticed.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import FieldErrors, PermissionDenied
from cultureup.domain.money import Money

NAME_MAX = 200
DESCRIPTION_MAX = 5000
MAX_STOCK = 2**31 - 1

# Audit-log actions for staff changes to the catalogue (AuditAction keeps its names as strings
# so that each area can add its own).
EQUIPMENT_CREATED = "admin.equipment_created"
EQUIPMENT_UPDATED = "admin.equipment_updated"
EQUIPMENT_DELETED = "admin.equipment_deleted"
EQUIPMENT_STOCK_UPDATED = "admin.equipment_stock_updated"


class EquipmentType(enum.StrEnum):
    FRAME = "frame"
    PAINT = "paint"
    BRUSH = "brush"
    CANVAS = "canvas"
    OTHER = "other"


EQUIPMENT_TYPES = tuple(kind.value for kind in EquipmentType)


def can_manage_equipment(actor: Actor) -> bool:
    """Those who keep the catalogue (``Permission.MANAGE_CATALOG``: admins and superusers;
    neither plain staff nor content moderators)."""
    return can(actor, Permission.MANAGE_CATALOG)


@attrs.frozen(kw_only=True)
class EquipmentTerms:
    name: str
    description: str = ""
    equipment_type: str
    price: Money
    stock_quantity: int = 0
    is_available: bool = True

    def validate(self) -> None:
        errors = FieldErrors()
        errors.check_text("name", self.name, max_length=NAME_MAX)
        errors.check_text("description", self.description, max_length=DESCRIPTION_MAX,
                          required=False)
        if self.equipment_type not in EQUIPMENT_TYPES:
            errors.add("equipment_type", f'"{self.equipment_type}" is not a valid choice. '
                       f"Choose one of: {', '.join(EQUIPMENT_TYPES)}.")
        if not self.price.is_positive:
            errors.add("price", "Ensure this value is greater than 0.")
        if not 0 <= self.stock_quantity <= MAX_STOCK:
            errors.add("stock_quantity", f"Ensure this value is between 0 and {MAX_STOCK}.")
        errors.raise_if_any()


@attrs.define(eq=False, kw_only=True)
class Equipment:
    id: int | None = None
    name: str
    description: str = ""
    equipment_type: EquipmentType
    price: Money
    stock_quantity: int = 0
    # Uploaded pictures come with the media storage; until then no item has one.
    image: str | None = None
    is_available: bool = True
    created_at: datetime
    updated_at: datetime
    version: int = 0

    @classmethod
    def add(cls, *, by: Actor, terms: EquipmentTerms, now: datetime) -> Equipment:
        """A new item in the catalogue; ``Permission.MANAGE_CATALOG`` only."""
        _ensure_staff(by, "add")
        return cls(**_values(terms), created_at=now, updated_at=now)

    @property
    def terms(self) -> EquipmentTerms:
        return EquipmentTerms(
            name=self.name, description=self.description,
            equipment_type=self.equipment_type.value, price=self.price,
            stock_quantity=self.stock_quantity, is_available=self.is_available)

    @property
    def in_stock(self) -> bool:
        return self.is_available and self.stock_quantity > 0

    def edit(self, *, by: Actor, terms: EquipmentTerms, now: datetime) -> None:
        _ensure_staff(by, "change")
        for name, value in _values(terms).items():
            setattr(self, name, value)
        self.updated_at = now

    def ensure_deletable(self, *, by: Actor) -> None:
        _ensure_staff(by, "delete")


def stock_after(current: int, *, stock_quantity: int | None, adjustment: int | None) -> int:
    """The stock a staff update leaves: `stock_quantity` sets it, `adjustment` adds to it (or
    takes from it when negative); exactly one of the two. Never below zero, never above
    MAX_STOCK: a change that would leave it outside is a ValidationFailed naming the field."""
    errors = FieldErrors()
    if (stock_quantity is None) == (adjustment is None):
        errors.add("non_field_errors", "Give exactly one of stock_quantity or adjustment.")
        errors.raise_if_any()
    if stock_quantity is not None:
        if not 0 <= stock_quantity <= MAX_STOCK:
            errors.add("stock_quantity", f"Ensure this value is between 0 and {MAX_STOCK}.")
        errors.raise_if_any()
        return stock_quantity
    assert adjustment is not None
    after = current + adjustment
    if after < 0:
        errors.add("adjustment", f"Only {current} left in stock; cannot remove {-adjustment}.")
    elif after > MAX_STOCK:
        errors.add("adjustment", f"The stock would exceed {MAX_STOCK}.")
    errors.raise_if_any()
    return after


def _ensure_staff(actor: Actor, verb: str) -> None:
    if not can_manage_equipment(actor):
        raise PermissionDenied(f"Only admins can {verb} equipment.")


def _values(terms: EquipmentTerms) -> dict[str, object]:
    terms.validate()
    return {"name": terms.name.strip(), "description": terms.description.strip(),
            "equipment_type": EquipmentType(terms.equipment_type), "price": terms.price,
            "stock_quantity": terms.stock_quantity, "is_available": terms.is_available}
