"""The admin catalogue's use cases on the in-memory fakes: a bulk action is all or nothing,
names every unknown id and audits every artwork it changed; a stock update audits before and
after and refuses what would go below zero, changing nothing."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cultureup.application.admin.artworks import ArtworkModerationService
from cultureup.application.catalog.equipment import EquipmentService
from cultureup.domain.accounts.users import StaffRole, UserType
from cultureup.domain.admin.bulk import BULK_MAX_IDS
from cultureup.domain.catalog.artworks import ModerationStatus
from cultureup.domain.collaboration.notifications import Notification
from cultureup.domain.errors import InvalidAction, PermissionDenied, ValidationFailed
from tests.unit.commerce_fakes import Shop


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def notify(self, uow: Any, notifications: Sequence[Notification]) -> None:
        self.sent.extend(notifications)


class NoQueries:
    """The bulk action answers from its own result; it reads no view."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"unexpected read: {name}")


def moderation(shop: Shop, notifier: RecordingNotifier) -> ArtworkModerationService:
    return ArtworkModerationService(uow=shop.store.unit_of_work, queries=NoQueries(),
                                    admin_queries=NoQueries(), clock=shop.clock,
                                    notifier=notifier)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(0, 9), max_size=30), action=st.sampled_from(
    ["approve", "reject", "feature", "unfeature"]),
    featured=st.lists(st.booleans(), min_size=5, max_size=5),
    rejected=st.lists(st.booleans(), min_size=5, max_size=5))
def test_a_bulk_action_changes_exactly_the_known_ids(picks: list[int], action: str,
                                                     featured: list[bool],
                                                     rejected: list[bool]) -> None:
    """Every id asked for is named once: changed, already so, not featurable (feature only:
    not public) or not found; only the changed ones change and are audited."""
    shop, notifier = Shop.create(), RecordingNotifier()
    artist = shop.user("artist", UserType.ARTIST)
    staff = shop.user("staff", UserType.ADMIN, staff=True)
    known = [shop.artwork(artist, "10.00", title=f"W{n}") for n in range(5)]
    for artwork_id, on, off in zip(known, featured, rejected, strict=True):
        work = shop.state.artworks[artwork_id]
        work.is_featured = on
        work.moderation_status = ModerationStatus.REJECTED if off else ModerationStatus.APPROVED
    before = {i: (shop.state.artworks[i].is_featured, shop.state.artworks[i].moderation_status)
              for i in known}
    unknown = [10_000 + n for n in range(5)]
    universe = known + unknown
    ids = [universe[pick] for pick in picks]
    service = moderation(shop, notifier)
    if not ids:
        with pytest.raises(ValidationFailed):
            service.bulk(staff, ids, action, reason="Off-topic")
        return
    result = service.bulk(staff, ids, action, reason="Off-topic")
    distinct = list(dict.fromkeys(ids))
    named = [*result.affected_ids, *result.unchanged_ids, *result.not_featurable_ids]
    assert sorted(named) == sorted(i for i in distinct if i in known)
    assert result.not_found_ids == [i for i in distinct if i not in known]
    for artwork_id in known:
        work = shop.state.artworks[artwork_id]
        was_featured, was_status = before[artwork_id]
        touched = artwork_id in result.affected_ids
        if action == "approve":
            assert (work.moderation_status is ModerationStatus.APPROVED) == (
                touched or was_status is ModerationStatus.APPROVED)
        elif action == "reject":
            assert (work.moderation_status is ModerationStatus.REJECTED) == (
                touched or was_status is ModerationStatus.REJECTED)
        else:
            assert work.moderation_status is was_status
            assert work.is_featured == (was_featured != touched)
            if artwork_id in distinct:
                wanted = action == "feature"
                assert (artwork_id in result.unchanged_ids) == (was_featured == wanted)
                assert (artwork_id in result.not_featurable_ids) == (
                    wanted and not was_featured and was_status is ModerationStatus.REJECTED)
    assert [entry.target_id for entry in shop.state.audit] == [
        str(i) for i in sorted(result.affected_ids)]
    told = [note.user_id for note in notifier.sent]
    assert told == ([artist.id] * len(result.affected_ids) if action == "reject" else [])


def test_a_bulk_action_refused_part_way_changes_nothing() -> None:
    shop, notifier = Shop.create(), RecordingNotifier()
    artist = shop.user("artist", UserType.ARTIST)
    staff = shop.user("staff", UserType.ADMIN, staff=True)
    works = [shop.artwork(artist, "10.00") for _ in range(3)]
    service = moderation(shop, notifier)
    with pytest.raises(ValidationFailed):
        service.bulk(staff, works, "reject", reason="x" * 1001)
    with pytest.raises(ValidationFailed):
        service.bulk(staff, list(range(1, BULK_MAX_IDS + 2)), "feature")
    with pytest.raises(InvalidAction) as error:
        service.bulk(staff, works, "delete")
    assert error.value.available_actions == ["approve", "reject", "feature", "unfeature"]
    with pytest.raises(PermissionDenied):
        service.bulk(artist, works, "approve")
    assert {shop.state.artworks[w].moderation_status for w in works} == {
        ModerationStatus.PENDING}
    assert shop.state.audit == [] and notifier.sent == []


class EquipmentViews:
    def __init__(self, shop: Shop) -> None:
        self._shop = shop

    def get_equipment(self, equipment_id: int) -> Any:
        item = self._shop.state.equipment[equipment_id]  # what the view shows of it
        return SimpleNamespace(stock_quantity=item.stock_quantity, removed_at=None)


def test_a_stock_update_is_audited_and_never_goes_below_zero() -> None:
    shop = Shop.create()
    admin = shop.user("boss", UserType.ADMIN, staff=True)
    shop.state.users[admin.id].staff_role = None
    shop.state.users[admin.id].is_superuser = True
    admin = shop.state.users[admin.id].as_actor()
    staff = shop.user("desk", UserType.ADMIN, staff=True, role=StaffRole.STAFF)
    item = shop.item("5.00", 4)
    service = EquipmentService(uow=shop.store.unit_of_work, queries=EquipmentViews(shop),
                               clock=shop.clock)
    assert service.update_stock(admin, item, adjustment=-4).stock_quantity == 0
    with pytest.raises(ValidationFailed) as error:
        service.update_stock(admin, item, adjustment=-1)
    assert set(error.value.details) == {"adjustment"}
    with pytest.raises(PermissionDenied):
        service.update_stock(staff, item, stock_quantity=9)
    assert service.update_stock(admin, item, stock_quantity=9).stock_quantity == 9
    assert [(e.details["before"], e.details["after"]) for e in shop.state.audit] == [
        ('{"stock_quantity": 4}', '{"stock_quantity": 0}'),
        ('{"stock_quantity": 0}', '{"stock_quantity": 9}')]
