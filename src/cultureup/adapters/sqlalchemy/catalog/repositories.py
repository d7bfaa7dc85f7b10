"""Repositories for artist profiles, buyer profiles and equipment, by hand like the others.

Loads lock the row (FOR UPDATE on PostgreSQL; SQLite writers already hold the write lock).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from cultureup.adapters.sqlalchemy.catalog.tables import (
    artist_profiles,
    buyer_profiles,
    equipment,
)
from cultureup.domain.catalog.equipment import Equipment, EquipmentType
from cultureup.domain.catalog.profiles import ArtistLevel, ArtistProfile, BuyerProfile
from cultureup.domain.errors import ConcurrentUpdate, NotFound, ValidationFailed
from cultureup.domain.text import search_text

ARTIST_FIELDS = tuple(c.name for c in artist_profiles.columns if c.name != "search_text")
BUYER_FIELDS = tuple(c.name for c in buyer_profiles.columns if c.name != "search_text")
# The removal columns are moderation's (moderation/repositories.py), never the aggregate's.
EQUIPMENT_FIELDS = tuple(c.name for c in equipment.columns
                         if c.name not in ("id", "version", "search_text", "removed_at",
                                           "removed_by_id", "removal_reason"))


def _insert_profile(connection: Connection, table: Table, values: dict[str, Any],
                    kind: str) -> None:
    """Insert, turning a second profile for the same user (two requests racing past the
    "already has one" check) into the same 400 the check gives."""
    try:
        connection.execute(insert(table).values(**values))
    except IntegrityError as exc:
        message = str(exc.orig)
        if f"pk_{table.name}" in message or f"{table.name}.user_id" in message:
            raise ValidationFailed(
                {"user": [f"You already have {kind} profile."]}) from exc
        raise


def _locked_row(connection: Connection, table: Table, condition: Any) -> Any:
    """The row without its computed `search_text`, or None."""
    row = connection.execute(
        select(table).where(condition).with_for_update()).mappings().first()
    return None if row is None else {k: v for k, v in row.items() if k != "search_text"}


class SqlAlchemyArtistProfileRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, profile: ArtistProfile) -> None:
        _insert_profile(self._c, artist_profiles, _artist_values(profile), "an artist")

    def find(self, user_id: int) -> ArtistProfile | None:
        row = _locked_row(self._c, artist_profiles, artist_profiles.c.user_id == user_id)
        if row is None:
            return None
        return ArtistProfile(**{**row, "experience_level": ArtistLevel(row["experience_level"])})

    def get(self, user_id: int) -> ArtistProfile:
        profile = self.find(user_id)
        if profile is None:
            raise NotFound("Artist profile not found.")
        return profile

    def save(self, profile: ArtistProfile) -> None:
        self._c.execute(update(artist_profiles)
                        .where(artist_profiles.c.user_id == profile.user_id)
                        .values(**_artist_values(profile)))

    def delete(self, profile: ArtistProfile) -> None:
        self._c.execute(delete(artist_profiles)
                        .where(artist_profiles.c.user_id == profile.user_id))


def _artist_values(profile: ArtistProfile) -> dict[str, Any]:
    values = {name: getattr(profile, name) for name in ARTIST_FIELDS}
    values["experience_level"] = profile.experience_level.value
    values["search_text"] = search_text(profile.bio, profile.skills)
    return values


class SqlAlchemyBuyerProfileRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, profile: BuyerProfile) -> None:
        _insert_profile(self._c, buyer_profiles, _buyer_values(profile), "a buyer")

    def find(self, user_id: int) -> BuyerProfile | None:
        row = _locked_row(self._c, buyer_profiles, buyer_profiles.c.user_id == user_id)
        return None if row is None else BuyerProfile(**row)

    def get(self, user_id: int) -> BuyerProfile:
        profile = self.find(user_id)
        if profile is None:
            raise NotFound("Buyer profile not found.")
        return profile

    def save(self, profile: BuyerProfile) -> None:
        self._c.execute(update(buyer_profiles)
                        .where(buyer_profiles.c.user_id == profile.user_id)
                        .values(**_buyer_values(profile)))

    def delete(self, profile: BuyerProfile) -> None:
        self._c.execute(delete(buyer_profiles)
                        .where(buyer_profiles.c.user_id == profile.user_id))


def _buyer_values(profile: BuyerProfile) -> dict[str, Any]:
    values = {name: getattr(profile, name) for name in BUYER_FIELDS}
    values["search_text"] = search_text(profile.company_name)
    return values


class SqlAlchemyEquipmentRepository:
    """Saves check and bump the version, so a stale copy cannot overwrite a newer one."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, item: Equipment) -> None:
        item.id = self._c.execute(
            insert(equipment).values(**_equipment_values(item), version=0)
            .returning(equipment.c.id)).scalar_one()
        item.version = 0

    def get(self, equipment_id: int) -> Equipment:
        row = _locked_row(self._c, equipment, equipment.c.id == equipment_id)
        if row is None:
            raise NotFound("Equipment not found.")
        data = {name: value for name, value in row.items()
                if name not in ("removed_at", "removed_by_id", "removal_reason")}
        return Equipment(**{**data, "equipment_type": EquipmentType(row["equipment_type"])})

    def save(self, item: Equipment) -> None:
        result = self._c.execute(
            update(equipment).where(equipment.c.id == item.id,
                                    equipment.c.version == item.version)
            .values(**_equipment_values(item), version=equipment.c.version + 1))
        if result.rowcount != 1:
            raise ConcurrentUpdate("This item was changed by someone else; try again.")
        item.version += 1

    def delete(self, item: Equipment) -> None:
        self._c.execute(delete(equipment).where(equipment.c.id == item.id))


def _equipment_values(item: Equipment) -> dict[str, Any]:
    values = {name: getattr(item, name) for name in EQUIPMENT_FIELDS}
    values["equipment_type"] = item.equipment_type.value
    values["search_text"] = search_text(item.name, item.description)
    return values
