"""Artist and buyer profiles: public reads, and each user's own profile to create, change
and delete."""

from __future__ import annotations

from typing import Any

import attrs

from cultureup.application.catalog.ports import ArtistProfileQueries, BuyerProfileQueries
from cultureup.application.catalog.views import (
    ARTIST_ORDERING_FIELDS,
    BUYER_ORDERING_FIELDS,
    ArtistProfileFilters,
    ArtistProfileView,
    BuyerProfileFilters,
    BuyerProfileView,
)
from cultureup.application.ports import Clock, UnitOfWorkFactory
from cultureup.application.views import Page, PageRequest, check_ordering
from cultureup.domain.accounts.users import Actor
from cultureup.domain.catalog.profiles import (
    ARTIST_LEVELS,
    ArtistLevel,
    ArtistProfile,
    ArtistProfileTerms,
    BuyerProfile,
    BuyerProfileTerms,
)
from cultureup.domain.errors import ValidationFailed

ARTIST_TERM_FIELDS = tuple(field.name for field in attrs.fields(ArtistProfileTerms))
BUYER_TERM_FIELDS = tuple(field.name for field in attrs.fields(BuyerProfileTerms))


class ArtistProfileService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: ArtistProfileQueries,
                 clock: Clock) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock

    # -- reads -----------------------------------------------------------------------------

    def list_profiles(self, filters: ArtistProfileFilters,
                      page: PageRequest) -> Page[ArtistProfileView]:
        return self._queries.list_artist_profiles(_checked_artist_filters(filters), page)

    def get_profile(self, user_id: int) -> ArtistProfileView:
        return self._queries.get_artist_profile(user_id)

    # -- the owner's writes ----------------------------------------------------------------

    def create_profile(self, actor: Actor, terms: ArtistProfileTerms) -> ArtistProfileView:
        now = self._clock.now()
        with self._uow() as uow:
            profile = ArtistProfile.create(owner=actor, terms=terms,
                                           existing=uow.artist_profiles.find(actor.id), now=now)
            uow.artist_profiles.add(profile)
            uow.commit()
        return self.get_profile(actor.id)

    def update_profile(self, actor: Actor, user_id: int,
                       changes: dict[str, Any]) -> ArtistProfileView:
        """Change some fields (PATCH) or replace them (PUT: the caller passes every field
        that is required)."""
        _check_fields(changes, ARTIST_TERM_FIELDS)
        now = self._clock.now()
        with self._uow() as uow:
            profile = uow.artist_profiles.get(user_id)
            profile.edit(by=actor, terms=attrs.evolve(profile.terms, **changes), now=now)
            uow.artist_profiles.save(profile)
            uow.commit()
        return self.get_profile(user_id)

    def delete_profile(self, actor: Actor, user_id: int) -> None:
        with self._uow() as uow:
            profile = uow.artist_profiles.get(user_id)
            profile.ensure_deletable(by=actor)
            uow.artist_profiles.delete(profile)
            uow.commit()


class BuyerProfileService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: BuyerProfileQueries,
                 clock: Clock) -> None:
        self._uow, self._queries, self._clock = uow, queries, clock

    def list_profiles(self, filters: BuyerProfileFilters,
                      page: PageRequest) -> Page[BuyerProfileView]:
        check_ordering(filters.ordering, BUYER_ORDERING_FIELDS)
        return self._queries.list_buyer_profiles(filters, page)

    def get_profile(self, user_id: int) -> BuyerProfileView:
        return self._queries.get_buyer_profile(user_id)

    def create_profile(self, actor: Actor, terms: BuyerProfileTerms) -> BuyerProfileView:
        now = self._clock.now()
        with self._uow() as uow:
            profile = BuyerProfile.create(owner=actor, terms=terms,
                                          existing=uow.buyer_profiles.find(actor.id), now=now)
            uow.buyer_profiles.add(profile)
            uow.commit()
        return self.get_profile(actor.id)

    def update_profile(self, actor: Actor, user_id: int,
                       changes: dict[str, Any]) -> BuyerProfileView:
        _check_fields(changes, BUYER_TERM_FIELDS)
        now = self._clock.now()
        with self._uow() as uow:
            profile = uow.buyer_profiles.get(user_id)
            profile.edit(by=actor, terms=attrs.evolve(profile.terms, **changes), now=now)
            uow.buyer_profiles.save(profile)
            uow.commit()
        return self.get_profile(user_id)

    def delete_profile(self, actor: Actor, user_id: int) -> None:
        with self._uow() as uow:
            profile = uow.buyer_profiles.get(user_id)
            profile.ensure_deletable(by=actor)
            uow.buyer_profiles.delete(profile)
            uow.commit()


def _check_fields(changes: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")


def _checked_artist_filters(filters: ArtistProfileFilters) -> ArtistProfileFilters:
    """Valid filters, the experience level in lower case; anything else is a 400."""
    check_ordering(filters.ordering, ARTIST_ORDERING_FIELDS)
    if filters.experience_level is None:
        return filters
    level = ArtistLevel.parse(filters.experience_level)
    if level is None:
        raise ValidationFailed({"experience_level": [
            f'"{filters.experience_level}" is not a valid choice. '
            f"Choose one of: {', '.join(ARTIST_LEVELS)}."]})
    return attrs.evolve(filters, experience_level=level.value)
