"""/api/contracts/: the terms a job's buyer proposes to the hired artist, and both signatures."""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field

from cultureup.application.collaboration.contracts import ContractProposal, ContractService
from cultureup.application.collaboration.views import (
    CONTRACT_ORDERING_FIELDS,
    ContractFilters,
    ContractView,
)
from cultureup.domain.collaboration.contracts import TERMS_MAX, ContractStatus, RightsType
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import (
    Choice,
    Id,
    MoneyIn,
    MoneyOut,
    Ordering,
    Text,
    Timestamp,
    TimestampIn,
)
from cultureup.entrypoints.http.shapes import PageOf, Pagination, UserRef

TAG = "Contracts"
STATUSES = [status.value for status in ContractStatus]
RIGHTS = [rights.value for rights in RightsType]
Rights = Choice(RIGHTS)
Terms = Text(TERMS_MAX, description="The terms and conditions, as the parties sign them")
Deadline = TimestampIn
Amount = MoneyIn(description="PKR amount with at most two decimals")


class ContractQuery(Pagination):
    status: Choice(STATUSES) = None
    rights_type: Rights = None
    ordering: Ordering(CONTRACT_ORDERING_FIELDS) = None

    def filters(self) -> ContractFilters:
        return ContractFilters(status=self.status, rights_type=self.rights_type,
                               ordering=self.ordering)


class ContractInput(Shape):
    job: Id
    artist: Id = Field(description="The artist hired for the job")
    terms: Terms
    rights_type: Rights
    amount: Amount = Field(default=None, description="Defaults to the job's final amount")
    deadline: Deadline = Field(description="In the future")


class ContractTermsInput(Shape):
    """PUT: all four terms."""

    terms: Terms
    rights_type: Rights
    amount: Amount
    deadline: Deadline


class ContractTermsChange(Shape):
    """PATCH: any of the four terms."""

    terms: Terms = None
    rights_type: Rights = None
    amount: Amount = None
    deadline: Deadline = None


class JobRef(Answer):
    id: int
    title: str


class Contract(Answer):
    id: int
    job: JobRef
    artist: UserRef
    buyer: UserRef
    terms: str
    rights_type: str = Field(json_schema_extra={"enum": RIGHTS})
    amount: MoneyOut
    deadline: Timestamp
    status: str = Field(json_schema_extra={"enum": STATUSES})
    artist_signed: bool
    buyer_signed: bool
    artist_signed_at: Timestamp | None
    buyer_signed_at: Timestamp | None
    artist_terms_digest: str | None = Field(
        description="SHA-256 of the terms, rights type, amount and deadline the artist signed")
    buyer_terms_digest: str | None = Field(
        description="SHA-256 of the terms, rights type, amount and deadline the buyer signed")
    created_at: Timestamp
    updated_at: Timestamp
    is_fully_signed: bool

    @classmethod
    def fields_of(cls, view: ContractView) -> dict[str, Any]:
        return dict(
            id=view.id, job=JobRef(id=view.job.id, title=view.job.title),
            artist=UserRef(id=view.artist.id, username=view.artist.username),
            buyer=UserRef(id=view.buyer.id, username=view.buyer.username), terms=view.terms,
            rights_type=view.rights_type, amount=view.amount, deadline=view.deadline,
            status=view.status, artist_signed=view.artist_signed,
            buyer_signed=view.buyer_signed, artist_signed_at=view.artist_signed_at,
            buyer_signed_at=view.buyer_signed_at,
            artist_terms_digest=view.artist_terms_digest,
            buyer_terms_digest=view.buyer_terms_digest, created_at=view.created_at,
            updated_at=view.updated_at, is_fully_signed=view.is_fully_signed)

    @classmethod
    def of(cls, view: ContractView) -> Contract:
        return cls(**cls.fields_of(view))


class ChangedContract(Contract):
    """An edited contract; a change of any signed term clears both signatures."""

    signatures_cleared: bool
    message: str


class ContractPage(PageOf[Contract]):
    pass


class SignedState(Answer):
    id: int
    artist_signed: bool
    buyer_signed: bool
    artist_signed_at: Timestamp | None
    buyer_signed_at: Timestamp | None
    is_fully_signed: bool
    status: str = Field(json_schema_extra={"enum": STATUSES})


class Signed(Answer):
    message: str
    contract: SignedState


def _changed(service: ContractService, req: falcon.Request, contract_id: int,
             changes: dict[str, Any]) -> ChangedContract:
    change = service.update(require_actor(req), contract_id, changes)
    if change.signatures_cleared:
        message = "Contract updated; both signatures were cleared, sign the new terms again"
    else:
        message = "Contract updated"
    return ChangedContract(**Contract.fields_of(change.contract),
                           signatures_cleared=change.signatures_cleared, message=message)


class ContractListResource:
    def __init__(self, contracts: ContractService) -> None:
        self._contracts = contracts

    @endpoint("The contracts I am party to (staff: every contract)", TAG, auth=True,
              query=ContractQuery, response=ContractPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: ContractQuery
               ) -> ContractPage:
        page = self._contracts.list_contracts(require_actor(req), query.filters(),
                                              query.page_request())
        return ContractPage.of(req, page, Contract.of)

    @endpoint("Propose a contract to the artist hired for my job (the job's buyer)", TAG,
              auth=True, body=ContractInput, response=Contract, status=201, errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: ContractInput
                ) -> Contract:
        return Contract.of(self._contracts.propose(require_actor(req), ContractProposal(
            job_id=body.job, artist_id=body.artist, terms=body.terms,
            rights_type=body.rights_type, amount=body.amount, deadline=body.deadline)))


class ContractResource:
    def __init__(self, contracts: ContractService) -> None:
        self._contracts = contracts

    @endpoint("One of my contracts", TAG, auth=True, response=Contract)
    def on_get(self, req: falcon.Request, resp: falcon.Response, contract_id: int
               ) -> Contract:
        return Contract.of(self._contracts.get_contract(require_actor(req), contract_id))

    @endpoint("Replace the terms of a pending contract (its buyer); clears both signatures",
              TAG, auth=True, body=ContractTermsInput, response=ChangedContract,
              errors=(403, 409))
    def on_put(self, req: falcon.Request, resp: falcon.Response, contract_id: int,
               body: ContractTermsInput) -> ChangedContract:
        return _changed(self._contracts, req, contract_id, body.sent())

    @endpoint("Change some terms of a pending contract (its buyer); a change clears both "
              "signatures", TAG, auth=True, body=ContractTermsChange, response=ChangedContract,
              errors=(403, 409))
    def on_patch(self, req: falcon.Request, resp: falcon.Response, contract_id: int,
                 body: ContractTermsChange) -> ChangedContract:
        return _changed(self._contracts, req, contract_id, body.sent())

    @endpoint("Withdraw a pending contract (its buyer)", TAG, auth=True, status=204,
              errors=(403, 409))
    def on_delete(self, req: falcon.Request, resp: falcon.Response, contract_id: int) -> None:
        self._contracts.delete(require_actor(req), contract_id)


class SignResource:
    def __init__(self, contracts: ContractService) -> None:
        self._contracts = contracts

    @endpoint("Sign the current terms (the artist or the buyer, once each); the second "
              "signature makes the contract active", TAG, auth=True, response=Signed,
              errors=(403, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, contract_id: int
                ) -> Signed:
        view = self._contracts.sign(require_actor(req), contract_id)
        return Signed(message="Contract signed successfully", contract=SignedState(
            id=view.id, artist_signed=view.artist_signed, buyer_signed=view.buyer_signed,
            artist_signed_at=view.artist_signed_at, buyer_signed_at=view.buyer_signed_at,
            is_fully_signed=view.is_fully_signed, status=view.status))
