"""Routes of artist profiles, buyer profiles and equipment (added by `routes.add_routes`).
Templates carry no trailing slash, like every other route."""

from __future__ import annotations

import falcon

from cultureup.application.catalog.equipment import EquipmentService
from cultureup.application.catalog.profiles import ArtistProfileService, BuyerProfileService
from cultureup.entrypoints.http.resources.catalog.equipment import (
    EquipmentListResource,
    EquipmentResource,
    InStockEquipmentResource,
)
from cultureup.entrypoints.http.resources.catalog.profiles import (
    ArtistProfileListResource,
    ArtistProfileResource,
    BuyerProfileListResource,
    BuyerProfileResource,
)

ID = "id"


def add_catalog_routes(app: falcon.App, artist_profiles: ArtistProfileService,
                       buyer_profiles: BuyerProfileService,
                       equipment: EquipmentService) -> None:
    """A profile's path id is its user's id."""
    app.add_route("/api/artist-profiles", ArtistProfileListResource(artist_profiles))
    app.add_route(f"/api/artist-profiles/{{user_id:{ID}}}",
                  ArtistProfileResource(artist_profiles))
    app.add_route("/api/buyer-profiles", BuyerProfileListResource(buyer_profiles))
    app.add_route(f"/api/buyer-profiles/{{user_id:{ID}}}",
                  BuyerProfileResource(buyer_profiles))
    app.add_route("/api/equipment", EquipmentListResource(equipment))
    app.add_route("/api/equipment/in-stock", InStockEquipmentResource(equipment))
    app.add_route(f"/api/equipment/{{equipment_id:{ID}}}", EquipmentResource(equipment))
