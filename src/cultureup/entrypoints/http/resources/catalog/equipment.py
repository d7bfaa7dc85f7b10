"""/api/equipment/: the public catalogue of art supplies; staff add, change and remove items.

`image` is not read from bodies: pictures will be uploaded as files once media storage
serves equipment, and until then every item's image is null.
"""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field

from cultureup.application.catalog.equipment import EquipmentService
from cultureup.application.catalog.views import EQUIPMENT_ORDERING_FIELDS, EquipmentFilters
from cultureup.domain.catalog.equipment import (
    DESCRIPTION_MAX,
    EQUIPMENT_TYPES,
    MAX_STOCK,
    NAME_MAX,
    EquipmentTerms,
)
from cultureup.entrypoints.http.auth import optional_actor, require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import (
    Choice,
    Flag,
    Integer,
    MoneyIn,
    MoneyOut,
    Ordering,
    Text,
    Timestamp,
)
from cultureup.entrypoints.http.shapes import CursorPagination, PageOf

TAG = "Equipment"
Name = Text(NAME_MAX)
Description = Text(DESCRIPTION_MAX, blank=True)
Kind = Choice(EQUIPMENT_TYPES)
Price = MoneyIn(description="PKR, greater than 0")
Stock = Integer(0, MAX_STOCK)
Search = Text(200, blank=True, description="Text in the name or description")
EquipmentOrdering = Ordering(EQUIPMENT_ORDERING_FIELDS)
AnyPrice = MoneyIn("any")


class EquipmentInput(Shape):
    name: Name
    description: Description = None
    equipment_type: Kind
    price: Price
    stock_quantity: Stock = None
    is_available: Flag = None


class EquipmentUpdate(Shape):
    name: Name = None
    description: Description = None
    equipment_type: Kind = None
    price: Price = None
    stock_quantity: Stock = None
    is_available: Flag = None


class EquipmentQuery(CursorPagination):
    equipment_type: Kind = None
    min_price: AnyPrice = None
    max_price: AnyPrice = None
    search: Search = None
    ordering: EquipmentOrdering = None
    in_stock: Flag = Field(default=None, description="Available and stock above 0 (true), "
                                                     "or not (false)")

    def filters(self) -> EquipmentFilters:
        return EquipmentFilters(
            equipment_type=self.equipment_type, min_price=self.min_price,
            max_price=self.max_price, in_stock=self.in_stock,
            search=self.search, ordering=self.ordering)


class Equipment(Answer):
    id: int
    name: str
    description: str
    equipment_type: str = Field(json_schema_extra={"enum": list(EQUIPMENT_TYPES)})
    price: MoneyOut
    stock_quantity: int = Field(ge=0)
    image: str | None = Field(description="null until equipment pictures can be uploaded")
    is_available: bool
    created_at: Timestamp
    updated_at: Timestamp
    in_stock: bool = Field(description="Available and stock_quantity above 0")

    @classmethod
    def of(cls, view: Any) -> Equipment:
        return cls(id=view.id, name=view.name, description=view.description,
                   equipment_type=view.equipment_type, price=view.price,
                   stock_quantity=view.stock_quantity, image=view.image,
                   is_available=view.is_available, created_at=view.created_at,
                   updated_at=view.updated_at, in_stock=view.in_stock)


class EquipmentPage(PageOf[Equipment]):
    pass


class EquipmentListResource:
    def __init__(self, equipment: EquipmentService) -> None:
        self._equipment = equipment

    @endpoint("List equipment", TAG, query=EquipmentQuery, response=EquipmentPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: EquipmentQuery
               ) -> EquipmentPage:
        page = self._equipment.list_equipment(query.filters(), query.page_request())
        return EquipmentPage.of(req, page, Equipment.of)

    @endpoint("Add an item (staff)", TAG, auth=True, body=EquipmentInput, response=Equipment,
              status=201, errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: EquipmentInput
                ) -> Equipment:
        return Equipment.of(self._equipment.add_equipment(
            require_actor(req), EquipmentTerms(**body.sent()), ip=req.context.ip))


class InStockEquipmentResource:
    def __init__(self, equipment: EquipmentService) -> None:
        self._equipment = equipment

    @endpoint("List equipment that is available and in stock", TAG, query=EquipmentQuery,
              response=EquipmentPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: EquipmentQuery
               ) -> EquipmentPage:
        page = self._equipment.list_in_stock(query.filters(), query.page_request())
        return EquipmentPage.of(req, page, Equipment.of)


class EquipmentResource:
    def __init__(self, equipment: EquipmentService) -> None:
        self._equipment = equipment

    @endpoint("One item", TAG, response=Equipment)
    def on_get(self, req: falcon.Request, resp: falcon.Response, equipment_id: int
               ) -> Equipment:
        return Equipment.of(self._equipment.get_equipment(equipment_id,
                                                          actor=optional_actor(req)))

    @endpoint("Replace an item's fields (staff)", TAG, auth=True, body=EquipmentInput,
              response=Equipment, errors=(403, 409))
    def on_put(self, req: falcon.Request, resp: falcon.Response, equipment_id: int,
               body: EquipmentInput) -> Equipment:
        return self._update(req, equipment_id, body)

    @endpoint("Change some of an item's fields (staff)", TAG, auth=True, body=EquipmentUpdate,
              response=Equipment, errors=(403, 409))
    def on_patch(self, req: falcon.Request, resp: falcon.Response, equipment_id: int,
                 body: EquipmentUpdate) -> Equipment:
        return self._update(req, equipment_id, body)

    @endpoint("Remove an item (staff)", TAG, auth=True, status=204, errors=(403,))
    def on_delete(self, req: falcon.Request, resp: falcon.Response, equipment_id: int
                  ) -> None:
        self._equipment.delete_equipment(require_actor(req), equipment_id, ip=req.context.ip)

    def _update(self, req: falcon.Request, equipment_id: int, body: Shape) -> Equipment:
        return Equipment.of(self._equipment.update_equipment(
            require_actor(req), equipment_id, body.sent(), ip=req.context.ip))
