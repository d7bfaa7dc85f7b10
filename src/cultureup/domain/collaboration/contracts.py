"""Contracts: the terms a buyer and the hired artist agree for a job, and their signatures.

A contract is proposed by the buyer of a hired job to the hired artist. Each party signs once;
a signature binds the exact terms it saw (a digest of terms, rights type, amount and
deadline), so changing any of them clears both signatures. The contract is active once both
have signed, is then no longer edited or deleted, and follows its job: it completes when the
job completes and is terminated when the job is cancelled.
"""

from __future__ import annotations

import enum
import hashlib
import json
from datetime import UTC, datetime

import attrs

from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import (
    FieldErrors,
    InvalidState,
    PermissionDenied,
)
from cultureup.domain.events import ContractSigned, DomainEvent
from cultureup.domain.hiring.jobs import Job, JobStatus
from cultureup.domain.money import Money

TERMS_MAX = 10_000


class ContractStatus(enum.StrEnum):
    # `draft` is a documented filter value; contracts are proposed straight to `pending`.
    DRAFT = "draft"
    PENDING = "pending"
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"


LIVE_STATUSES = frozenset({ContractStatus.PENDING, ContractStatus.ACTIVE})


class RightsType(enum.StrEnum):
    DISPLAY_ONLY = "display_only"
    REPRODUCTION = "reproduction"
    COMMERCIAL = "commercial"
    EXCLUSIVE = "exclusive"


class Party(enum.StrEnum):
    ARTIST = "artist"
    BUYER = "buyer"


@attrs.frozen(kw_only=True)
class ContractTerms:
    """What the two parties sign: the text, the rights granted, the amount and the deadline."""

    terms: str
    rights_type: str
    amount: Money
    deadline: datetime

    def validate(self, *, now: datetime, deadline_changed: bool = True) -> None:
        errors = FieldErrors()
        errors.check_text("terms", self.terms, max_length=TERMS_MAX)
        if self.rights_type not in RightsType.__members__.values():
            errors.add("rights_type", f'"{self.rights_type}" is not a valid choice. Choose one '
                       "of: " + ", ".join(r.value for r in RightsType) + ".")
        if not self.amount.is_positive:
            errors.add("amount", "Ensure this value is greater than 0.")
        if deadline_changed and self.deadline <= now:
            errors.add("deadline", "The deadline must be in the future.")
        errors.raise_if_any()

    def clean(self) -> ContractTerms:
        return attrs.evolve(self, terms=self.terms.strip())

    def digest(self) -> str:
        """SHA-256 of a canonical form of the four terms: what a signature binds."""
        canonical = json.dumps({
            "terms": self.terms,
            "rights_type": str(self.rights_type),
            "amount": str(self.amount),
            "currency": self.amount.currency,
            "deadline": self.deadline.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@attrs.frozen(kw_only=True)
class Signature:
    signed_at: datetime
    terms_digest: str


@attrs.define(eq=False, kw_only=True)
class Contract:
    id: int | None = None
    job_id: int
    artist_id: int
    buyer_id: int
    terms: str
    rights_type: RightsType
    amount: Money
    deadline: datetime
    status: ContractStatus = ContractStatus.PENDING
    artist_signature: Signature | None = None
    buyer_signature: Signature | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 0
    # The job's title, read with the contract for the notifications; never written.
    job_title: str = ""
    events: list[DomainEvent] = attrs.Factory(list)

    # -- proposing and editing ---------------------------------------------------------------

    @classmethod
    def propose(cls, *, by: Actor, job: Job, artist_id: int, terms: ContractTerms,
                now: datetime, has_live_contract: bool) -> Contract:
        """The job's buyer offers terms to the artist hired for it."""
        if by.id != job.buyer_id:
            raise PermissionDenied("Only the buyer who posted this job can propose a contract.")
        errors = FieldErrors()
        if job.hired_artist_id is None or job.status is not JobStatus.IN_PROGRESS:
            errors.add("job", "Only a job in progress with a hired artist can have a contract.")
        elif artist_id != job.hired_artist_id:
            errors.add("artist", "The contract must be with the artist hired for this job.")
        if has_live_contract:
            errors.add("job", "This job already has a pending or active contract.")
        errors.raise_if_any()
        terms.validate(now=now)
        terms = terms.clean()
        assert job.id is not None
        return cls(job_id=job.id, artist_id=artist_id, buyer_id=job.buyer_id,
                   terms=terms.terms, rights_type=RightsType(terms.rights_type),
                   amount=terms.amount, deadline=terms.deadline, created_at=now,
                   updated_at=now, job_title=job.title)

    @property
    def current_terms(self) -> ContractTerms:
        return ContractTerms(terms=self.terms, rights_type=self.rights_type.value,
                             amount=self.amount, deadline=self.deadline)

    def edit(self, *, by: Actor, terms: ContractTerms, now: datetime) -> bool:
        """Replace the terms (the buyer, before the contract is active). Returns whether
        signatures were cleared: any change of the signed terms voids both signatures."""
        if by.id != self.buyer_id:
            raise PermissionDenied("Only the buyer can change the terms of a contract.")
        if self.status is not ContractStatus.PENDING:
            raise InvalidState(f"A {self.status.value} contract cannot be changed.")
        terms.validate(now=now, deadline_changed=terms.deadline != self.deadline)
        terms = terms.clean()
        if terms == self.current_terms:
            return False
        self.terms, self.rights_type = terms.terms, RightsType(terms.rights_type)
        self.amount, self.deadline = terms.amount, terms.deadline
        cleared = self.artist_signature is not None or self.buyer_signature is not None
        self.artist_signature = self.buyer_signature = None
        self.updated_at = now
        return cleared

    def ensure_deletable(self, *, by: Actor) -> None:
        if by.id != self.buyer_id:
            raise PermissionDenied("Only the buyer can delete a contract.")
        if self.status is not ContractStatus.PENDING:
            raise InvalidState(f"A {self.status.value} contract cannot be deleted.")

    # -- signing -----------------------------------------------------------------------------

    def party_of(self, actor: Actor) -> Party | None:
        if actor.id == self.artist_id:
            return Party.ARTIST
        if actor.id == self.buyer_id:
            return Party.BUYER
        return None

    def sign(self, *, by: Actor, now: datetime) -> None:
        """Sign the current terms; the second party's signature makes the contract active."""
        party = self.party_of(by)
        if party is None:
            raise PermissionDenied("Only the artist and the buyer of a contract can sign it.")
        if self.status is not ContractStatus.PENDING:
            raise InvalidState(f"A {self.status.value} contract cannot be signed.")
        if self.signature_of(party) is not None:
            raise InvalidState("You have already signed this contract.")
        signature = Signature(signed_at=now, terms_digest=self.current_terms.digest())
        if party is Party.ARTIST:
            self.artist_signature = signature
        else:
            self.buyer_signature = signature
        if self.is_fully_signed:
            self.status = ContractStatus.ACTIVE
        self.updated_at = now
        assert self.id is not None
        self.events.append(ContractSigned(
            contract_id=self.id, job_id=self.job_id, signer_id=by.id,
            signer_username=by.username,
            other_party_id=self.buyer_id if party is Party.ARTIST else self.artist_id,
            job_title=self.job_title, fully_signed=self.is_fully_signed))

    def signature_of(self, party: Party) -> Signature | None:
        return self.artist_signature if party is Party.ARTIST else self.buyer_signature

    @property
    def is_fully_signed(self) -> bool:
        return self.artist_signature is not None and self.buyer_signature is not None

    # -- following the job -------------------------------------------------------------------

    def follow_job(self, job_status: JobStatus, *, now: datetime) -> None:
        """A completed job completes an active contract and ends an unsigned one; a cancelled
        job terminates any live contract."""
        if self.status not in LIVE_STATUSES:
            return
        if job_status is JobStatus.COMPLETED:
            self.status = (ContractStatus.COMPLETED if self.status is ContractStatus.ACTIVE
                           else ContractStatus.TERMINATED)
        elif job_status is JobStatus.CANCELLED:
            self.status = ContractStatus.TERMINATED
        else:
            return
        self.updated_at = now


def check_visible(contract: Contract, actor: Actor) -> bool:
    """The two parties and staff allowed to see private content see a contract."""
    return contract.party_of(actor) is not None or can(actor, Permission.VIEW_PRIVATE_CONTENT)

