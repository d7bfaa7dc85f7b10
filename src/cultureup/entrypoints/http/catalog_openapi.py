"""The OpenAPI description of artist profiles, buyer profiles and equipment, merged into the
document by `openapi.build_document` (which imports this module when it builds it)."""

from __future__ import annotations

from cultureup.application.catalog_views import (
    ARTIST_ORDERING_FIELDS,
    BUYER_ORDERING_FIELDS,
    EQUIPMENT_ORDERING_FIELDS,
)
from cultureup.domain.equipment import DESCRIPTION_MAX, EQUIPMENT_TYPES, MAX_STOCK, NAME_MAX
from cultureup.domain.profiles import (
    ADDRESS_MAX,
    ARTIST_LEVELS,
    BIO_MAX,
    COMPANY_NAME_MAX,
    PORTFOLIO_MAX,
    SKILLS_MAX,
)
from cultureup.entrypoints.http.openapi import (
    ID,
    MONEY,
    MONEY_IN,
    PAGINATION,
    TIMESTAMP,
    Schema,
    _nullable,
    _object,
    _ordering,
    _page_of,
    _path_id,
    _query,
    _string,
    op,
    ref,
)

LEVEL_IN = _string(description="beginner, intermediate or expert, in any case; stored in "
                               "lower case", examples=["expert"])
BOOLEAN = {"type": "boolean"}
COUNT = {"type": "integer", "minimum": 0}

CATALOG_SCHEMAS: dict[str, Schema] = {
    "ArtistProfileInput": _object({
        "bio": _string(maxLength=BIO_MAX),
        "skills": _string(maxLength=SKILLS_MAX, description="Comma-separated skills"),
        "experience_level": LEVEL_IN,
        "hourly_rate": {**MONEY_IN, "description": "PKR per hour, at least 0, at most two "
                                                   "decimals"},
        "portfolio_description": _string(maxLength=PORTFOLIO_MAX),
        "is_available": {**BOOLEAN, "default": True},
    }, ["experience_level", "hourly_rate"]),
    "ArtistProfileUpdate": _object({
        "bio": _string(maxLength=BIO_MAX), "skills": _string(maxLength=SKILLS_MAX),
        "experience_level": LEVEL_IN, "hourly_rate": MONEY_IN,
        "portfolio_description": _string(maxLength=PORTFOLIO_MAX), "is_available": BOOLEAN,
    }),
    "ArtistProfile": _object({
        "user": ref("User"), "bio": _string(), "skills": _string(),
        "experience_level": _string(enum=list(ARTIST_LEVELS)), "hourly_rate": MONEY,
        "portfolio_description": _string(),
        "rating": {"type": "number", "description": "Average review rating; 0.0 until "
                                                    "reviews exist"},
        "total_projects_completed": {**COUNT, "description":
                                     "Completed jobs this artist was hired for"},
        "total_earnings": {**MONEY, "description": "Sum of the final amounts of those jobs"},
        "is_available": BOOLEAN,
        "completion_rate": {"type": "number", "minimum": 0, "maximum": 100, "description":
                            "Percent of the artist's ended jobs (completed or cancelled) "
                            "that were completed, one decimal; 0.0 when none ended"},
        "total_reviews": {**COUNT, "description": "0 until reviews exist"},
    }),
    "BuyerProfileInput": _object({
        "company_name": _string(maxLength=COMPANY_NAME_MAX),
        "address": _string(maxLength=ADDRESS_MAX),
    }),
    "BuyerProfile": _object({
        "user": ref("User"), "company_name": _string(), "address": _string(),
        "total_spent": {**MONEY, "description": "Sum of the final amounts of the buyer's "
                                                "completed jobs"},
        "projects_posted": {**COUNT, "description": "Jobs the buyer has posted"},
    }),
    "EquipmentInput": _object({
        "name": _string(maxLength=NAME_MAX), "description": _string(maxLength=DESCRIPTION_MAX),
        "equipment_type": _string(enum=list(EQUIPMENT_TYPES)),
        "price": {**MONEY_IN, "description": "PKR, greater than 0"},
        "stock_quantity": {"type": "integer", "minimum": 0, "maximum": MAX_STOCK,
                           "default": 0},
        "is_available": {**BOOLEAN, "default": True},
    }, ["name", "equipment_type", "price"]),
    "EquipmentUpdate": _object({
        "name": _string(maxLength=NAME_MAX), "description": _string(maxLength=DESCRIPTION_MAX),
        "equipment_type": _string(enum=list(EQUIPMENT_TYPES)), "price": MONEY_IN,
        "stock_quantity": {"type": "integer", "minimum": 0, "maximum": MAX_STOCK},
        "is_available": BOOLEAN,
    }),
    "Equipment": _object({
        "id": ID, "name": _string(), "description": _string(),
        "equipment_type": _string(enum=list(EQUIPMENT_TYPES)), "price": MONEY,
        "stock_quantity": COUNT,
        "image": _nullable(_string(format="uri", description="null until equipment pictures "
                                                             "can be uploaded")),
        "is_available": BOOLEAN, "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
        "in_stock": {**BOOLEAN, "description": "Available and stock_quantity above 0"},
    }),
    "ArtistProfilePage": _page_of("ArtistProfile"),
    "BuyerProfilePage": _page_of("BuyerProfile"),
    "EquipmentPage": _page_of("Equipment"),
    # Reviews do not exist yet, so their page is always empty and has no item schema.
    "ReviewPage": _object({
        "count": {"type": "integer", "const": 0},
        "next": {"type": "null"}, "previous": {"type": "null"},
        "results": {"type": "array", "maxItems": 0},
    }, ["count", "next", "previous", "results"]),
}

USER_ID = [_path_id("user_id")]
EQUIPMENT_ID = [_path_id("equipment_id")]
SEARCH = _string(maxLength=200)

ARTIST_FILTERS = [
    _query("experience_level", LEVEL_IN),
    _query("is_available", BOOLEAN),
    _query("min_hourly_rate", MONEY_IN, "Hourly rate at least this"),
    _query("max_hourly_rate", MONEY_IN, "Hourly rate at most this"),
    _query("search", SEARCH, "Text in the username, first or last name, bio or skills"),
    _ordering(ARTIST_ORDERING_FIELDS), *PAGINATION,
]
BUYER_FILTERS = [
    _query("search", SEARCH, "Text in the username, first or last name or company"),
    _ordering(BUYER_ORDERING_FIELDS), *PAGINATION,
]
EQUIPMENT_COMMON = [
    _query("equipment_type", _string(enum=list(EQUIPMENT_TYPES))),
    _query("min_price", MONEY_IN, "Price at least this"),
    _query("max_price", MONEY_IN, "Price at most this"),
    _query("search", SEARCH, "Text in the name or description"),
    _ordering(EQUIPMENT_ORDERING_FIELDS), *PAGINATION,
]
EQUIPMENT_FILTERS = [_query("in_stock", BOOLEAN, "Available and stock above 0 (true), or "
                            "not (false)"), *EQUIPMENT_COMMON]


def _profile_paths(kind: str, tag: str, *, put_body: str, patch_body: str
                   ) -> dict[str, Schema]:
    """Detail operations of a profile, the path id being its user's id."""
    profile = ref(f"{kind.title()}Profile")
    update = {"auth": True, "params": USER_ID, "errors": (400, 403, 404)}
    return {
        "get": op(f"One {kind} profile", tag, params=USER_ID, errors=(404,),
                  ok=("200", "Profile", profile)),
        "put": op(f"Replace the {kind} profile's fields (its owner)", tag, body=put_body,
                  ok=("200", "Updated", profile), **update),
        "patch": op(f"Change some of the {kind} profile's fields (its owner)", tag,
                    body=patch_body, ok=("200", "Updated", profile), **update),
        "delete": op(f"Delete the {kind} profile (its owner; the account stays)", tag,
                     auth=True, params=USER_ID, errors=(403, 404),
                     ok=("204", "Deleted", None)),
    }


equipment_update = {"auth": True, "params": EQUIPMENT_ID, "errors": (400, 403, 404, 409)}

CATALOG_PATHS: dict[str, dict[str, Schema]] = {
    "/api/artist-profiles/": {
        "get": op("List artist profiles", "Artist profiles", params=ARTIST_FILTERS,
                  errors=(400, 404), ok=("200", "A page", ref("ArtistProfilePage"))),
        "post": op("Create the caller's artist profile (artists, once)", "Artist profiles",
                   auth=True, body="ArtistProfileInput", errors=(400, 403),
                   ok=("201", "Created", ref("ArtistProfile"))),
    },
    "/api/artist-profiles/{user_id}/": _profile_paths(
        "artist", "Artist profiles", put_body="ArtistProfileInput",
        patch_body="ArtistProfileUpdate"),
    "/api/artist-profiles/{user_id}/reviews/": {"get": op(
        "Reviews the artist received (always empty until reviews exist)", "Artist profiles",
        params=USER_ID + PAGINATION, errors=(400, 404),
        ok=("200", "A page", ref("ReviewPage")))},
    "/api/buyer-profiles/": {
        "get": op("List buyer profiles", "Buyer profiles", params=BUYER_FILTERS,
                  errors=(400, 404), ok=("200", "A page", ref("BuyerProfilePage"))),
        "post": op("Create the caller's buyer profile (buyers, once)", "Buyer profiles",
                   auth=True, body="BuyerProfileInput", errors=(400, 403),
                   ok=("201", "Created", ref("BuyerProfile"))),
    },
    "/api/buyer-profiles/{user_id}/": _profile_paths(
        "buyer", "Buyer profiles", put_body="BuyerProfileInput",
        patch_body="BuyerProfileInput"),
    "/api/equipment/": {
        "get": op("List equipment", "Equipment", params=EQUIPMENT_FILTERS, errors=(400, 404),
                  ok=("200", "A page", ref("EquipmentPage"))),
        "post": op("Add an item (staff)", "Equipment", auth=True, body="EquipmentInput",
                   errors=(400, 403), ok=("201", "Created", ref("Equipment"))),
    },
    "/api/equipment/in-stock/": {"get": op(
        "List equipment that is available and in stock", "Equipment",
        params=EQUIPMENT_COMMON, errors=(400, 404), ok=("200", "A page", ref("EquipmentPage")))},
    "/api/equipment/{equipment_id}/": {
        "get": op("One item", "Equipment", params=EQUIPMENT_ID, errors=(404,),
                  ok=("200", "Item", ref("Equipment"))),
        "put": op("Replace an item's fields (staff)", "Equipment", body="EquipmentInput",
                  ok=("200", "Updated", ref("Equipment")), **equipment_update),
        "patch": op("Change some of an item's fields (staff)", "Equipment",
                    body="EquipmentUpdate", ok=("200", "Updated", ref("Equipment")),
                    **equipment_update),
        "delete": op("Remove an item (staff)", "Equipment", auth=True, params=EQUIPMENT_ID,
                     errors=(403, 404), ok=("204", "Deleted", None)),
    },
}
