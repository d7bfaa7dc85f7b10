"""Contracts: the buyer proposes terms to the hired artist, both sign, the job ends them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

import attrs

from cultureup.application.collaboration.notifications import notify
from cultureup.application.collaboration.ports import CollaborationQueries, Notifier
from cultureup.application.collaboration.views import (
    CONTRACT_ORDERING_FIELDS,
    ContractChange,
    ContractFilters,
    ContractView,
)
from cultureup.application.ports import Clock, EventPublisher, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest, check_ordering
from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.collaboration.contracts import (
    Contract,
    ContractStatus,
    ContractTerms,
    RightsType,
)
from cultureup.domain.errors import FieldErrors, NotFound, ValidationFailed
from cultureup.domain.money import Money

CONTRACT_TERM_FIELDS = ("terms", "rights_type", "amount", "deadline")


@attrs.frozen(kw_only=True)
class ContractProposal:
    job_id: int
    artist_id: int
    terms: str
    rights_type: str
    amount: Money | None
    deadline: datetime


class ContractService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: CollaborationQueries, clock: Clock,
                 events: EventPublisher, notifier: Notifier) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock
        self._events, self._notifier = events, notifier

    # -- reads -------------------------------------------------------------------------------

    def list_contracts(self, actor: Actor, filters: ContractFilters,
                       page: PageRequest) -> Page[ContractView]:
        """The contracts the actor is party to (staff see all)."""
        check_ordering(filters.ordering, CONTRACT_ORDERING_FIELDS)
        errors = FieldErrors()
        if filters.status is not None and filters.status not in {
                s.value for s in ContractStatus}:
            errors.add("status", "Choose one of: " + ", ".join(s.value for s in ContractStatus)
                       + ".")
        if filters.rights_type is not None and filters.rights_type not in {
                r.value for r in RightsType}:
            errors.add("rights_type", "Choose one of: " + ", ".join(r.value for r in RightsType)
                       + ".")
        errors.raise_if_any()
        staff = can(actor, Permission.VIEW_PRIVATE_CONTENT)
        return self._queries.list_contracts(None if staff else actor.id, filters, page)

    def get_contract(self, actor: Actor, contract_id: int) -> ContractView:
        view = self._queries.get_contract(contract_id)
        if actor.id not in (view.artist.id, view.buyer.id) and not can(
                actor, Permission.VIEW_PRIVATE_CONTENT):
            raise NotFound("Contract not found.")
        return view

    # -- writes ------------------------------------------------------------------------------

    def propose(self, actor: Actor, proposal: ContractProposal) -> ContractView:
        now = self._clock.now()
        with self._uow() as uow:
            try:
                job = uow.jobs.get(proposal.job_id)
            except NotFound:
                raise_field("job", f'Invalid pk "{proposal.job_id}" - object does not exist.')
            amount = proposal.amount if proposal.amount is not None else (
                job.final_amount or Money("0"))
            terms = ContractTerms(terms=proposal.terms, rights_type=proposal.rights_type,
                                  amount=amount, deadline=proposal.deadline)
            contract = Contract.propose(
                by=actor, job=job, artist_id=proposal.artist_id, terms=terms, now=now,
                has_live_contract=bool(uow.contracts.live_for_job(proposal.job_id)))
            uow.contracts.add(contract)
            uow.commit()
        assert contract.id is not None
        return self._queries.get_contract(contract.id)

    def update(self, actor: Actor, contract_id: int, changes: dict[str, Any]) -> ContractChange:
        """Change some terms (PATCH) or all (PUT); any real change clears both signatures."""
        unknown = set(changes) - set(CONTRACT_TERM_FIELDS)
        if unknown:
            raise ValueError(f"not contract terms: {sorted(unknown)}")
        self.get_contract(actor, contract_id)
        now = self._clock.now()
        with self._uow() as uow:
            contract = uow.contracts.get(contract_id)
            terms = attrs.evolve(contract.current_terms, **changes)
            cleared = contract.edit(by=actor, terms=terms, now=now)
            uow.contracts.save(contract)
            uow.commit()
        return ContractChange(contract=self._queries.get_contract(contract_id),
                              signatures_cleared=cleared)

    def delete(self, actor: Actor, contract_id: int) -> None:
        self.get_contract(actor, contract_id)
        with self._uow() as uow:
            contract = uow.contracts.get(contract_id)
            contract.ensure_deletable(by=actor)
            uow.contracts.delete(contract)
            uow.commit()

    def sign(self, actor: Actor, contract_id: int) -> ContractView:
        """Sign as one of the two parties; the contract row is locked while it is signed, so
        two parties signing at once both land and the contract ends up active."""
        self.get_contract(actor, contract_id)
        now = self._clock.now()
        with self._uow() as uow:
            contract = uow.contracts.get(contract_id)
            contract.sign(by=actor, now=now)
            uow.contracts.save(contract)
            notify(self._notifier, uow, contract.events, now)
            uow.commit()
        self._events.publish(contract.events)
        return self._queries.get_contract(contract_id)


def raise_field(field: str, message: str) -> NoReturn:
    raise ValidationFailed({field: [message]})
