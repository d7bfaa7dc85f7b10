"""/api/bids/: an artist's own bids."""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field

from cultureup.application.hiring.bids import BidChanges, BidService
from cultureup.application.views import BID_ORDERING_FIELDS, BidFilters
from cultureup.domain.hiring.jobs import COVER_LETTER_MAX, MAX_DAYS, BidStatus, BidTerms
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import (
    Choice,
    Id,
    Integer,
    MoneyIn,
    MoneyOut,
    Ordering,
    Text,
    Timestamp,
)
from cultureup.entrypoints.http.shapes import PageOf, Pagination, UserRef

TAG = "Bids"
Amount = MoneyIn()
Days = Integer(1, MAX_DAYS, description="Days",
               checked_by_use_case=True)
CoverLetter = Text(COVER_LETTER_MAX)
Status = Choice([status.value for status in BidStatus])
BidOrdering = Ordering(BID_ORDERING_FIELDS)


class BidQuery(Pagination):
    status: Status = None
    ordering: BidOrdering = None

    def filters(self) -> BidFilters:
        return BidFilters(status=self.status, ordering=self.ordering)


class BidInput(Shape):
    job_id: Id
    bid_amount: Amount
    delivery_time: Days
    cover_letter: CoverLetter


class BidReplace(Shape):
    bid_amount: Amount
    delivery_time: Days
    cover_letter: CoverLetter


class BidUpdate(Shape):
    bid_amount: Amount = None
    delivery_time: Days = None
    cover_letter: CoverLetter = None


class BidJob(Answer):
    id: int
    title: str
    buyer_name: str
    category_name: str
    budget_min: MoneyOut
    budget_max: MoneyOut
    status: str


class Bid(Answer):
    id: int
    job: BidJob
    artist: UserRef
    bid_amount: MoneyOut
    delivery_time: int
    cover_letter: str
    status: str = Field(json_schema_extra={"enum": [s.value for s in BidStatus]})
    created_at: Timestamp
    updated_at: Timestamp
    bid_rank: int = Field(description="1 for the cheapest bid on the job; ties go to the "
                                      "earlier bid")

    @classmethod
    def of(cls, view: Any) -> Bid:
        job = view.job
        return cls(
            id=view.id,
            job=BidJob(id=job.id, title=job.title, buyer_name=job.buyer_name,
                       category_name=job.category_name, budget_min=job.budget_min,
                       budget_max=job.budget_max, status=job.status),
            artist=UserRef(id=view.artist.id, username=view.artist.username),
            bid_amount=view.bid_amount, delivery_time=view.delivery_time,
            cover_letter=view.cover_letter, status=view.status,
            created_at=view.created_at, updated_at=view.updated_at, bid_rank=view.bid_rank)


class BidPage(PageOf[Bid]):
    pass


class BidListResource:
    def __init__(self, bids: BidService) -> None:
        self._bids = bids

    @endpoint("The caller's own bids", TAG, auth=True, query=BidQuery, response=BidPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: BidQuery) -> BidPage:
        page = self._bids.list_my_bids(require_actor(req), query.filters(),
                                       query.page_request())
        return BidPage.of(req, page, Bid.of)

    @endpoint("Bid on an open job (artists)", TAG, auth=True, body=BidInput, response=Bid,
              status=201, errors=(403, 404, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: BidInput) -> Bid:
        terms = BidTerms(bid_amount=body.bid_amount, delivery_time=body.delivery_time,
                         cover_letter=body.cover_letter)
        return Bid.of(self._bids.place_bid(require_actor(req), body.job_id, terms))


class BidResource:
    def __init__(self, bids: BidService) -> None:
        self._bids = bids

    @endpoint("One bid (its artist, the job's buyer)", TAG, auth=True, response=Bid)
    def on_get(self, req: falcon.Request, resp: falcon.Response, bid_id: int) -> Bid:
        return Bid.of(self._bids.get_bid(require_actor(req), bid_id))

    @endpoint("Replace a pending bid's terms", TAG, auth=True, body=BidReplace,
              response=Bid, errors=(403, 409))
    def on_put(self, req: falcon.Request, resp: falcon.Response, bid_id: int,
               body: BidReplace) -> Bid:
        return self._change(req, bid_id, body)

    @endpoint("Change some of a pending bid's terms", TAG, auth=True, body=BidUpdate,
              response=Bid, errors=(403, 409))
    def on_patch(self, req: falcon.Request, resp: falcon.Response, bid_id: int,
                 body: BidUpdate) -> Bid:
        return self._change(req, bid_id, body)

    @endpoint("Withdraw a pending bid", TAG, auth=True, status=204, errors=(403, 409))
    def on_delete(self, req: falcon.Request, resp: falcon.Response, bid_id: int) -> None:
        self._bids.withdraw_bid(require_actor(req), bid_id)

    def _change(self, req: falcon.Request, bid_id: int, body: Shape) -> Bid:
        return Bid.of(self._bids.change_bid(require_actor(req), bid_id,
                                               BidChanges(**body.sent())))
