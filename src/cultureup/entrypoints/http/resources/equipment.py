"""/api/equipment/: the public catalogue of art supplies; staff add, change and remove items.

`image` is not read from JSON bodies: pictures will be uploaded as files once media storage
serves equipment, and until then every item's image is null.
"""

from __future__ import annotations

from typing import Any

import falcon

from cultureup.application.catalog_views import EquipmentFilters
from cultureup.application.equipment import EquipmentService
from cultureup.domain.equipment import (
    DESCRIPTION_MAX,
    EQUIPMENT_TYPES,
    MAX_STOCK,
    NAME_MAX,
    EquipmentTerms,
)
from cultureup.entrypoints.http import catalog_serializers
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.input import Fields, json_object, optional, present
from cultureup.entrypoints.http.pagination import page_request, paginated
from cultureup.entrypoints.http.resources.jobs import SEARCH_MAX

ORDERING_MAX = 50


def _equipment_fields(fields: Fields, *, partial: bool) -> dict[str, Any]:
    required = not partial
    return present(
        name=fields.string("name", required=required, max_length=NAME_MAX),
        description=fields.string("description", required=False, allow_blank=True,
                                  max_length=DESCRIPTION_MAX),
        equipment_type=fields.choice("equipment_type", EQUIPMENT_TYPES, required=required),
        price=fields.money("price", required=required),
        stock_quantity=fields.integer("stock_quantity", required=False, min_value=0,
                                      max_value=MAX_STOCK),
        is_available=fields.boolean("is_available", required=False),
    )


def equipment_filters(req: falcon.Request) -> EquipmentFilters:
    query = Fields(req.params, from_query=True)
    filters = EquipmentFilters(
        equipment_type=optional(query.choice("equipment_type", EQUIPMENT_TYPES,
                                             required=False)),
        min_price=optional(query.money("min_price", required=False)),
        max_price=optional(query.money("max_price", required=False)),
        in_stock=optional(query.boolean("in_stock", required=False)),
        search=optional(query.string("search", required=False, max_length=SEARCH_MAX)),
        ordering=optional(query.string("ordering", required=False, max_length=ORDERING_MAX)),
    )
    query.check()
    return filters


class EquipmentListResource:
    def __init__(self, equipment: EquipmentService) -> None:
        self._equipment = equipment

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        page = self._equipment.list_equipment(equipment_filters(req), page_request(req))
        resp.media = paginated(req, page, catalog_serializers.equipment)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        values = _equipment_fields(fields, partial=False)
        fields.check()
        resp.status = falcon.HTTP_201
        resp.media = catalog_serializers.equipment(self._equipment.add_equipment(
            actor, EquipmentTerms(**values), ip=req.context.ip))


class InStockEquipmentResource:
    def __init__(self, equipment: EquipmentService) -> None:
        self._equipment = equipment

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        page = self._equipment.list_in_stock(equipment_filters(req), page_request(req))
        resp.media = paginated(req, page, catalog_serializers.equipment)


class EquipmentResource:
    def __init__(self, equipment: EquipmentService) -> None:
        self._equipment = equipment

    def on_get(self, req: falcon.Request, resp: falcon.Response, equipment_id: int) -> None:
        resp.media = catalog_serializers.equipment(self._equipment.get_equipment(equipment_id))

    def on_put(self, req: falcon.Request, resp: falcon.Response, equipment_id: int) -> None:
        self._update(req, resp, equipment_id, partial=False)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, equipment_id: int) -> None:
        self._update(req, resp, equipment_id, partial=True)

    def on_delete(self, req: falcon.Request, resp: falcon.Response, equipment_id: int) -> None:
        self._equipment.delete_equipment(require_actor(req), equipment_id, ip=req.context.ip)
        resp.status = falcon.HTTP_204

    def _update(self, req: falcon.Request, resp: falcon.Response, equipment_id: int, *,
                partial: bool) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        values = _equipment_fields(fields, partial=partial)
        fields.check()
        resp.media = catalog_serializers.equipment(self._equipment.update_equipment(
            actor, equipment_id, values, ip=req.context.ip))
