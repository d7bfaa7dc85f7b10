"""Artwork moderation for staff: the admin list (every status, with what the duplicate check
found), approve, reject with a reason told to the artist, feature, statistics, and bulk
actions. Every rule asks ``roles.require(actor, Permission.MODERATE_CONTENT)``; HTTP and the
CLI call these same methods."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import attrs

from cultureup.application.admin.ports import AdminCatalogQueries
from cultureup.application.admin.views import (
    RECENT_DAYS,
    ArtworkStats,
    BulkResult,
    contact_for,
)
from cultureup.application.audit import change, record
from cultureup.application.catalog.artwork_images import ArtworkImages
from cultureup.application.catalog.artwork_ports import (
    ADMIN_ARTWORK_ORDERING_FIELDS,
    ArtworkFilters,
    ArtworkQueries,
    ArtworkView,
)
from cultureup.application.collaboration.notifications import notify
from cultureup.application.collaboration.ports import Notifier
from cultureup.application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from cultureup.application.transactions import retried
from cultureup.application.views import Page, PageRequest, check_ordering
from cultureup.domain.accounts.roles import Permission, require
from cultureup.domain.accounts.users import Actor
from cultureup.domain.admin.bulk import bulk_ids_error, distinct_ids
from cultureup.domain.audit import AuditAction
from cultureup.domain.catalog.artworks import Artwork, ModerationStatus, is_public
from cultureup.domain.errors import FieldErrors, InvalidAction, InvalidState, NotFound
from cultureup.domain.moderation.content import ContentType as ContentKind

BULK_ACTIONS = ("approve", "reject", "feature", "unfeature")
_PAST = {"approve": "approved", "reject": "rejected", "feature": "featured",
         "unfeature": "unfeatured"}


_CHANGED, _UNCHANGED, _NOT_FEATURABLE = "changed", "unchanged", "not featurable"


def _hidden_why(uow: UnitOfWork, artwork: Artwork) -> str:
    """Why the public does not see `artwork` (domain.catalog.artworks.is_public), or ""."""
    assert artwork.id is not None
    item = uow.content.find(ContentKind.ARTWORK, artwork.id)
    if item is not None and item.removed:
        return "removed by a moderator"
    if artwork.moderation_status == ModerationStatus.REJECTED:
        return "rejected"
    if not is_public(moderation_status=artwork.moderation_status,
                     duplicate_candidate_id=artwork.duplicate_candidate_id, removed=False):
        return "held for a duplicate review"
    return ""


def _shown(actor: Actor, view: ArtworkView) -> ArtworkView:
    return attrs.evolve(view, artist=contact_for(actor, view.artist))


def past_tense(action: str) -> str:
    return _PAST[action]


def bulk_message(result: BulkResult) -> str:
    """The answer's message, as the spec writes it: "5 artworks approved successfully"."""
    count = len(result.affected_ids)
    return f"{count} artwork{'' if count == 1 else 's'} {past_tense(result.action)} successfully"


class ArtworkModerationService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: ArtworkQueries,
                 admin_queries: AdminCatalogQueries, clock: Clock, notifier: Notifier,
                 artwork_images: ArtworkImages | None = None) -> None:
        """`artwork_images` makes an approved or rejected artwork's public image follow its
        visibility after the commit (None: files are left alone)."""
        self._uow, self._queries, self._admin = uow, queries, admin_queries
        self._clock, self._notifier = clock, notifier
        self._artwork_images = artwork_images

    # -- reads -----------------------------------------------------------------------------

    def list_artworks(self, actor: Actor, filters: ArtworkFilters,
                      page: PageRequest) -> Page[ArtworkView]:
        """Every artwork, PENDING and REJECTED included, with the duplicate check's data
        (score, the artwork an upload held for review resembles). Filters: moderation status,
        artist, category, type, featured, available, search; ordering by created_at, price,
        views_count, likes_count or similarity_score (400 for anything else). The artist's
        e-mail only to an actor with Permission.VIEW_USERS (empty otherwise)."""
        require(actor, Permission.MODERATE_CONTENT)
        check_ordering(filters.ordering, ADMIN_ARTWORK_ORDERING_FIELDS)
        statuses = [status.value for status in ModerationStatus]
        if filters.moderation_status is not None and filters.moderation_status not in statuses:
            errors = FieldErrors()
            errors.add("moderation_status", "Choose one of: " + ", ".join(statuses) + ".")
            errors.raise_if_any()
        found = self._queries.list_artworks(attrs.evolve(filters, include_rejected=True), page)
        return attrs.evolve(found, items=[_shown(actor, view) for view in found.items])

    def get_artwork(self, actor: Actor, artwork_id: int) -> ArtworkView:
        """One artwork as the list shows it; the artist's e-mail only with VIEW_USERS."""
        require(actor, Permission.MODERATE_CONTENT)
        return _shown(actor, self._queries.get_artwork(artwork_id))

    def stats(self, actor: Actor) -> ArtworkStats:
        """Counts over every artwork; `recent_uploads` counts the last RECENT_DAYS days."""
        require(actor, Permission.MODERATE_CONTENT)
        return self._admin.artwork_stats(
            recent_since=self._clock.now() - timedelta(days=RECENT_DAYS))

    # -- one artwork -----------------------------------------------------------------------

    def approve(self, actor: Actor, artwork_id: int, *, ip: str | None = None) -> ArtworkView:
        """APPROVED from any status (NotFound for an unknown id); audited with the status
        before and after."""
        return self._one(actor, artwork_id, "approve", reason="", ip=ip)

    def reject(self, actor: Actor, artwork_id: int, *, reason: str,
               ip: str | None = None) -> ArtworkView:
        """REJECTED, with a reason (required, at most 1000 characters: 400 naming `reason`)
        that the artist receives as an `artwork_rejected` notification in the same
        transaction; audited with the reason and the status before and after."""
        return self._one(actor, artwork_id, "reject", reason=reason, ip=ip)

    def feature(self, actor: Actor, artwork_id: int, *, featured: bool = True,
                ip: str | None = None) -> ArtworkView:
        """Set `is_featured` to `featured` (NotFound for an unknown id). Setting, never
        toggling: the same request sent twice (a retry after a timeout) leaves the artwork
        as the first one did, and the second is not audited (nothing changed). Only an artwork
        the public sees can be featured (domain.catalog.artworks.is_public): featuring a
        rejected, removed or held one is an InvalidState (409) saying why; unfeaturing is
        always allowed. Audited with the value before and after."""
        return self._one(actor, artwork_id, "feature" if featured else "unfeature", reason="",
                         ip=ip)

    def _one(self, actor: Actor, artwork_id: int, action: str, *, reason: str,
             ip: str | None) -> ArtworkView:
        require(actor, Permission.MODERATE_CONTENT)

        def transaction() -> None:
            with self._uow() as uow:
                artwork = uow.artworks.get(artwork_id)
                outcome = self._apply(uow, actor, artwork, action, reason, ip)
                if outcome == _NOT_FEATURABLE:
                    raise InvalidState(f"Only an artwork the public sees can be featured: this "
                                       f"one is {_hidden_why(uow, artwork)}.")
                uow.commit()

        retried(transaction)
        return _shown(actor, self._queries.get_artwork(artwork_id))

    # -- many ------------------------------------------------------------------------------

    def bulk(self, actor: Actor, artwork_ids: Sequence[int], action: str, *,
             reason: str = "", ip: str | None = None) -> BulkResult:
        """Apply one action (approve, reject, feature, unfeature) to every existing artwork
        among `artwork_ids`, in one transaction: all of them or none. Ids that name no
        artwork are returned in `not_found_ids` (the rest still applies). 1 to BULK_MAX_IDS
        ids, repeats counted (``domain/admin/bulk.py``; 400 otherwise, changing nothing);
        `reject` needs a reason, which every artist concerned is told. An unknown action is
        a 400 naming the available ones. One audit entry per artwork changed. Artworks
        already so (featured again) are named in `unchanged_ids`, and artworks the public
        does not see, which are never featured, in `not_featurable_ids`; neither is changed
        nor audited."""
        require(actor, Permission.MODERATE_CONTENT)
        if action not in BULK_ACTIONS:
            raise InvalidAction(BULK_ACTIONS)
        ids = distinct_ids(artwork_ids)
        errors = FieldErrors()
        too_many = bulk_ids_error(artwork_ids, "artwork")
        if too_many is not None:
            errors.add("artwork_ids", too_many)
        if action == "reject" and not reason.strip():
            errors.add("reason", "A reason is required to reject artworks.")
        errors.raise_if_any()
        now = self._clock.now()

        def transaction() -> dict[int, str]:
            outcomes: dict[int, str] = {}
            with self._uow() as uow:
                # In id order. The counters' rows that the artworks' triggers update are not
                # locked in one order across requests (a deadlock on PostgreSQL): `retried`.
                for artwork_id in sorted(ids):
                    try:
                        artwork = uow.artworks.get(artwork_id)
                    except NotFound:
                        continue
                    outcomes[artwork_id] = self._apply(uow, actor, artwork, action, reason, ip)
                uow.commit()
            return outcomes

        outcomes = retried(transaction)

        def named(outcome: str) -> list[int]:
            return [i for i in ids if outcomes.get(i) == outcome]

        return BulkResult(action=action, affected_ids=named(_CHANGED),
                          not_found_ids=[i for i in ids if i not in outcomes],
                          processed_at=now, unchanged_ids=named(_UNCHANGED),
                          not_featurable_ids=named(_NOT_FEATURABLE))

    def _apply(self, uow: UnitOfWork, actor: Actor, artwork: Artwork, action: str,
               reason: str, ip: str | None) -> str:
        """Apply `action` to `artwork`, saved and audited; which of the outcomes it had."""
        now = self._clock.now()
        if action in ("feature", "unfeature"):
            featured = action == "feature"
            if artwork.is_featured == featured:
                return _UNCHANGED
            if featured and _hidden_why(uow, artwork):
                return _NOT_FEATURABLE
        if action in ("approve", "reject"):
            field, before = "moderation_status", artwork.moderation_status.value
            if action == "approve":
                artwork.approve(by=actor, now=now)
            else:
                artwork.reject(by=actor, reason=reason, now=now)
            after: object = artwork.moderation_status.value
            audit_action = (AuditAction.ARTWORK_APPROVED if action == "approve"
                            else AuditAction.ARTWORK_REJECTED)
        else:
            field, before = "is_featured", artwork.is_featured
            artwork.set_featured(by=actor, featured=action == "feature", now=now)
            after = artwork.is_featured
            audit_action = (AuditAction.ARTWORK_FEATURED if action == "feature"
                            else AuditAction.ARTWORK_UNFEATURED)
        uow.artworks.save(artwork)
        if field == "moderation_status" and self._artwork_images is not None:
            assert artwork.id is not None
            self._artwork_images.sync_after_commit(uow, artwork.id)
        record(uow, now=now, action=audit_action, actor_id=actor.id,
               actor_username=actor.username, target_type="artwork", target_id=artwork.id,
               ip_address=ip, title=artwork.title, reason=reason.strip(),
               **change({field: before}, {field: after}))
        notify(self._notifier, uow, artwork.events, now)
        return _CHANGED
