"""/api/bids/: an artist's own bids."""

from __future__ import annotations

import falcon

from cultureup.application.bids import BidChanges, BidService
from cultureup.application.views import BidFilters
from cultureup.domain.jobs import BidStatus, BidTerms
from cultureup.entrypoints.http import serializers
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.input import Fields, json_object, optional
from cultureup.entrypoints.http.pagination import page_request, paginated


def bid_filters(req: falcon.Request) -> BidFilters:
    query = Fields(req.params, from_query=True)
    filters = BidFilters(
        status=optional(query.choice("status", [s.value for s in BidStatus], required=False)),
        ordering=optional(query.string("ordering", required=False, max_length=50)),
    )
    query.check()
    return filters


class BidListResource:
    def __init__(self, bids: BidService) -> None:
        self._bids = bids

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        page = self._bids.list_my_bids(actor, bid_filters(req), page_request(req))
        resp.media = paginated(req, page, serializers.bid)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        job_id = fields.identifier("job_id")
        terms = BidTerms(
            bid_amount=fields.money("bid_amount"),
            delivery_time=fields.integer("delivery_time"),
            cover_letter=fields.string("cover_letter", max_length=2000),
        )
        fields.check()
        resp.status = falcon.HTTP_201
        resp.media = serializers.bid(self._bids.place_bid(actor, job_id, terms))


class BidResource:
    def __init__(self, bids: BidService) -> None:
        self._bids = bids

    def on_get(self, req: falcon.Request, resp: falcon.Response, bid_id: int) -> None:
        resp.media = serializers.bid(self._bids.get_bid(require_actor(req), bid_id))

    def on_put(self, req: falcon.Request, resp: falcon.Response, bid_id: int) -> None:
        self._update(req, resp, bid_id, partial=False)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, bid_id: int) -> None:
        self._update(req, resp, bid_id, partial=True)

    def on_delete(self, req: falcon.Request, resp: falcon.Response, bid_id: int) -> None:
        self._bids.withdraw_bid(require_actor(req), bid_id)
        resp.status = falcon.HTTP_204

    def _update(self, req: falcon.Request, resp: falcon.Response, bid_id: int, *,
                partial: bool) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        changes = BidChanges(
            bid_amount=optional(fields.money("bid_amount", required=not partial)),
            delivery_time=optional(fields.integer("delivery_time", required=not partial)),
            cover_letter=optional(fields.string("cover_letter", required=not partial,
                                                max_length=2000)),
        )
        fields.check()
        resp.media = serializers.bid(self._bids.change_bid(actor, bid_id, changes))
