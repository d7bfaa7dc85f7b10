"""Ports for artist profiles, buyer profiles and equipment: repositories and read models."""

from __future__ import annotations

from typing import Protocol

from cultureup.application.catalog.views import (
    ArtistProfileFilters,
    ArtistProfileView,
    BuyerProfileFilters,
    BuyerProfileView,
    EquipmentFilters,
    EquipmentView,
)
from cultureup.application.views import Page, PageRequest
from cultureup.domain.catalog.equipment import Equipment
from cultureup.domain.catalog.profiles import ArtistProfile, BuyerProfile


class ArtistProfileRepository(Protocol):
    def add(self, profile: ArtistProfile) -> None:
        """Store a new profile; a second one for the same user is a ValidationFailed."""
        ...

    def find(self, user_id: int) -> ArtistProfile | None:
        """The user's profile, locked for this unit of work, or None."""
        ...

    def get(self, user_id: int) -> ArtistProfile:
        """The user's profile, locked for this unit of work; raises NotFound."""
        ...

    def save(self, profile: ArtistProfile) -> None:
        """Write the changed fields of a loaded profile."""
        ...

    def delete(self, profile: ArtistProfile) -> None:
        """Remove the profile (the account stays)."""
        ...


class BuyerProfileRepository(Protocol):
    def add(self, profile: BuyerProfile) -> None:
        """Store a new profile; a second one for the same user is a ValidationFailed."""
        ...

    def find(self, user_id: int) -> BuyerProfile | None:
        """The user's profile, locked for this unit of work, or None."""
        ...

    def get(self, user_id: int) -> BuyerProfile:
        """The user's profile, locked for this unit of work; raises NotFound."""
        ...

    def save(self, profile: BuyerProfile) -> None:
        """Write the changed fields of a loaded profile."""
        ...

    def delete(self, profile: BuyerProfile) -> None:
        """Remove the profile (the account stays)."""
        ...


class EquipmentRepository(Protocol):
    def add(self, item: Equipment) -> None:
        """Store a new item and give it an id."""
        ...

    def get(self, equipment_id: int) -> Equipment:
        """The item, locked for this unit of work; raises NotFound."""
        ...

    def save(self, item: Equipment) -> None:
        """Write the item; raises ConcurrentUpdate if it changed since it was loaded."""
        ...

    def delete(self, item: Equipment) -> None:
        """Remove the item."""
        ...


class ArtistProfileQueries(Protocol):
    """Artist profiles with their figures from jobs, each page in two queries."""

    def list_artist_profiles(self, filters: ArtistProfileFilters,
                             page: PageRequest) -> Page[ArtistProfileView]: ...

    def get_artist_profile(self, user_id: int) -> ArtistProfileView:
        """Raises NotFound (also for a deactivated account)."""
        ...

    def artist_profile_exists(self, user_id: int) -> bool:
        """Whether the user has a publicly visible artist profile."""
        ...


class BuyerProfileQueries(Protocol):
    """Buyer profiles with their figures from jobs, each page in two queries."""

    def list_buyer_profiles(self, filters: BuyerProfileFilters,
                            page: PageRequest) -> Page[BuyerProfileView]: ...

    def get_buyer_profile(self, user_id: int) -> BuyerProfileView:
        """Raises NotFound (also for a deactivated account)."""
        ...


class EquipmentQueries(Protocol):
    def list_equipment(self, filters: EquipmentFilters,
                       page: PageRequest) -> Page[EquipmentView]: ...

    def get_equipment(self, equipment_id: int) -> EquipmentView:
        """Raises NotFound."""
        ...
