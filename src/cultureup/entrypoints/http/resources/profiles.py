"""/api/artist-profiles/ and /api/buyer-profiles/: public profiles, each kept by its user.

Computed fields (rating, totals, completion rate) are read from the jobs; if a client sends
them, they are ignored like any other unknown field.
"""

from __future__ import annotations

from typing import Any

import falcon

from cultureup.application.catalog_views import ArtistProfileFilters, BuyerProfileFilters
from cultureup.application.profiles import ArtistProfileService, BuyerProfileService
from cultureup.domain.profiles import (
    ADDRESS_MAX,
    BIO_MAX,
    COMPANY_NAME_MAX,
    PORTFOLIO_MAX,
    SKILLS_MAX,
    ArtistProfileTerms,
    BuyerProfileTerms,
)
from cultureup.entrypoints.http import catalog_serializers
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.input import Fields, json_object, optional, present
from cultureup.entrypoints.http.pagination import page_request, paginated
from cultureup.entrypoints.http.resources.jobs import SEARCH_MAX

# Long enough for any level in any case; a longer value is refused before it is echoed back.
LEVEL_MAX = 32
ORDERING_MAX = 50


def _artist_fields(fields: Fields, *, partial: bool) -> dict[str, Any]:
    required = not partial
    return present(
        bio=fields.string("bio", required=False, allow_blank=True, max_length=BIO_MAX),
        skills=fields.string("skills", required=False, allow_blank=True,
                             max_length=SKILLS_MAX),
        experience_level=fields.string("experience_level", required=required,
                                       max_length=LEVEL_MAX),
        hourly_rate=fields.money("hourly_rate", required=required),
        portfolio_description=fields.string("portfolio_description", required=False,
                                            allow_blank=True, max_length=PORTFOLIO_MAX),
        is_available=fields.boolean("is_available", required=False),
    )


def _buyer_fields(fields: Fields) -> dict[str, Any]:
    return present(
        company_name=fields.string("company_name", required=False, allow_blank=True,
                                   max_length=COMPANY_NAME_MAX),
        address=fields.string("address", required=False, allow_blank=True,
                              max_length=ADDRESS_MAX),
    )


class ArtistProfileListResource:
    def __init__(self, profiles: ArtistProfileService) -> None:
        self._profiles = profiles

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        query = Fields(req.params, from_query=True)
        filters = ArtistProfileFilters(
            experience_level=optional(query.string("experience_level", required=False,
                                                   max_length=LEVEL_MAX)),
            is_available=optional(query.boolean("is_available", required=False)),
            min_hourly_rate=optional(query.money("min_hourly_rate", required=False)),
            max_hourly_rate=optional(query.money("max_hourly_rate", required=False)),
            search=optional(query.string("search", required=False, max_length=SEARCH_MAX)),
            ordering=optional(query.string("ordering", required=False,
                                           max_length=ORDERING_MAX)),
        )
        query.check()
        page = self._profiles.list_profiles(filters, page_request(req))
        resp.media = paginated(req, page, catalog_serializers.artist_profile)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        values = _artist_fields(fields, partial=False)
        fields.check()
        resp.status = falcon.HTTP_201
        resp.media = catalog_serializers.artist_profile(
            self._profiles.create_profile(actor, ArtistProfileTerms(**values)))


class ArtistProfileResource:
    def __init__(self, profiles: ArtistProfileService) -> None:
        self._profiles = profiles

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        resp.media = catalog_serializers.artist_profile(self._profiles.get_profile(user_id))

    def on_put(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        self._update(req, resp, user_id, partial=False)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        self._update(req, resp, user_id, partial=True)

    def on_delete(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        self._profiles.delete_profile(require_actor(req), user_id)
        resp.status = falcon.HTTP_204

    def _update(self, req: falcon.Request, resp: falcon.Response, user_id: int, *,
                partial: bool) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        values = _artist_fields(fields, partial=partial)
        fields.check()
        resp.media = catalog_serializers.artist_profile(
            self._profiles.update_profile(actor, user_id, values))


def _no_review(review: object) -> dict[str, Any]:
    raise AssertionError("there are no reviews to serialize yet")


class ArtistReviewsResource:
    def __init__(self, profiles: ArtistProfileService) -> None:
        self._profiles = profiles

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        page = self._profiles.list_reviews(user_id, page_request(req))
        resp.media = paginated(req, page, _no_review)


class BuyerProfileListResource:
    def __init__(self, profiles: BuyerProfileService) -> None:
        self._profiles = profiles

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        query = Fields(req.params, from_query=True)
        filters = BuyerProfileFilters(
            search=optional(query.string("search", required=False, max_length=SEARCH_MAX)),
            ordering=optional(query.string("ordering", required=False,
                                           max_length=ORDERING_MAX)),
        )
        query.check()
        page = self._profiles.list_profiles(filters, page_request(req))
        resp.media = paginated(req, page, catalog_serializers.buyer_profile)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        values = _buyer_fields(fields)
        fields.check()
        resp.status = falcon.HTTP_201
        resp.media = catalog_serializers.buyer_profile(
            self._profiles.create_profile(actor, BuyerProfileTerms(**values)))


class BuyerProfileResource:
    def __init__(self, profiles: BuyerProfileService) -> None:
        self._profiles = profiles

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        resp.media = catalog_serializers.buyer_profile(self._profiles.get_profile(user_id))

    def on_put(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        self._update(req, resp, user_id)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        self._update(req, resp, user_id)

    def on_delete(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        self._profiles.delete_profile(require_actor(req), user_id)
        resp.status = falcon.HTTP_204

    def _update(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        # Both fields are optional, so PUT and PATCH read the body the same way.
        actor = require_actor(req)
        fields = Fields(json_object(req))
        values = _buyer_fields(fields)
        fields.check()
        resp.media = catalog_serializers.buyer_profile(
            self._profiles.update_profile(actor, user_id, values))
