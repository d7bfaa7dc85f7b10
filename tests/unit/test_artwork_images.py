"""The public copy of an artwork's image follows the artwork's visibility (artwork_images):
syncs racing with moderation changes and with each other end in the committed state, and at
no moment is the image in neither store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Self

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.adapters.notifications import DatabaseNotifier
from cultureup.application.admin.artworks import ArtworkModerationService
from cultureup.application.catalog.artwork_images import ArtworkImages, ImageRepair
from cultureup.application.catalog.artwork_ports import ImageState
from cultureup.application.moderation.content import ModerationContentService
from cultureup.domain.accounts.users import UserType
from cultureup.domain.errors import InvalidState, NotFound, ValidationFailed
from cultureup.domain.moderation.content import ContentType
from tests.unit.commerce_fakes import Shop

KEY = "artworks/7/5f0c_wm.jpg"
IMAGE = b"\xff\xd8 watermarked \xff\xd9"


class MemoryStore:
    """A store whose every call first lets `before` run (another process acting)."""

    def __init__(self, files: dict[str, bytes], before: Callable[[], None]) -> None:
        self.files, self._before = files, before

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._before()
        self.files[key] = data

    def delete(self, key: str) -> None:
        self._before()
        self.files.pop(key, None)

    def read(self, key: str) -> bytes:
        self._before()
        if key not in self.files:
            raise NotFound("No image is stored under this key.")
        return self.files[key]

    def exists(self, key: str) -> bool:
        self._before()
        return key in self.files

    def url(self, key: str) -> str:
        return "/media/" + key

    def signed_url(self, key: str, *, filename: str, content_type: str) -> str | None:
        return None


class Rows:
    """The committed image states, read through a unit of work."""

    def __init__(self, states: dict[int, ImageState]) -> None:
        self.states = states

    def image_state(self, artwork_id: int) -> ImageState | None:
        return self.states.get(artwork_id)

    def image_states_after(self, artwork_id: int, *, limit: int,
                           hidden_only: bool = False) -> list[ImageState]:
        return [state for _, state in sorted(self.states.items())
                if state.artwork_id > artwork_id and not (hidden_only and state.public)
                ][:limit]


class Uow:
    def __init__(self, rows: Rows) -> None:
        self.artworks = rows

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass


@attrs.define
class World:
    rows: Rows
    public: MemoryStore
    private: MemoryStore
    images: ArtworkImages


def world(states: dict[int, ImageState], public: dict[str, bytes], private: dict[str, bytes],
          before: Callable[[], None] = lambda: None) -> World:
    rows = Rows(states)
    public_store, private_store = MemoryStore(public, before), MemoryStore(private, before)

    def uow(*, read_only: bool = False) -> Any:
        return Uow(rows)

    return World(rows, public_store, private_store,
                 ArtworkImages(uow=uow, public=public_store, private=private_store))


def state(public: bool, key: str = KEY, artwork_id: int = 1) -> ImageState:
    return ImageState(artwork_id=artwork_id, artist_id=7, key=key, public=public)


@given(public_now=st.booleans(), copies=st.sampled_from(["both", "private", "legacy"]),
       script=st.lists(st.sampled_from(["wait", "flip", "flip and sync"]), max_size=40))
def test_racing_syncs_end_in_the_committed_state_and_never_lose_the_image(
        public_now: bool, copies: str, script: list[str]) -> None:
    """Before every store call of a sync, another moderator may commit a change (`flip`) and
    run its own sync there and then (`flip and sync`) or later (`flip`). Whatever the
    interleaving, the image is always in one store at least, its bytes unchanged, and once
    every sync has returned the public copy exists exactly when the artwork is public."""
    steps: Iterator[str] = iter(script)
    later: list[int] = []
    w: World

    def another_process() -> None:
        assert w.public.files.get(KEY, IMAGE) == IMAGE
        assert w.private.files.get(KEY, IMAGE) == IMAGE
        assert KEY in w.public.files or KEY in w.private.files, "the image was lost"
        step = next(steps, "wait")
        if step == "wait":
            return
        w.rows.states[1] = state(not w.rows.states[1].public)
        if step == "flip and sync":
            w.images.sync(1)
        else:
            later.append(1)

    # "legacy": stored before the private copies were kept (public, whatever the state).
    w = world({1: state(public_now)},
              public={} if copies == "private" else {KEY: IMAGE},
              private={} if copies == "legacy" else {KEY: IMAGE}, before=another_process)
    w.images.sync(1)
    while later:
        w.images.sync(later.pop())
    assert (KEY in w.public.files) == w.rows.states[1].public
    assert w.private.files == {KEY: IMAGE}


def test_hiding_keeps_the_private_copy_and_showing_copies_it_back() -> None:
    w = world({1: state(True)}, public={KEY: IMAGE}, private={KEY: IMAGE})
    w.rows.states[1] = state(False)
    w.images.sync(1)
    assert w.public.files == {} and w.private.files == {KEY: IMAGE}
    w.rows.states[1] = state(True)
    w.images.sync(1)
    assert w.public.files == {KEY: IMAGE} and w.private.files == {KEY: IMAGE}


def test_an_image_replaced_or_deleted_during_a_sync_leaves_no_public_copy_behind() -> None:
    calls = 0

    def replace_on_the_third_call() -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # after the sync read the old key, before it published it
            w.rows.states[1] = state(True, key="artworks/7/new_wm.jpg")
            w.private.files.pop(KEY)  # the replacing update deletes the old files
            w.private.files["artworks/7/new_wm.jpg"] = IMAGE

    w = world({1: state(True)}, public={}, private={KEY: IMAGE},
              before=replace_on_the_third_call)
    w.images.sync(1)
    assert w.public.files == {"artworks/7/new_wm.jpg": IMAGE}

    gone = world({1: state(True)}, public={}, private={KEY: IMAGE})
    gone.images.keep("other", b"x", public=True)
    del gone.rows.states[1]
    gone.images.sync(1)  # nothing to do for an artwork that no longer exists
    assert gone.public.files == {"other": b"x"}


def test_repair_puts_every_image_in_place_and_a_second_run_changes_nothing() -> None:
    keys = {n: f"artworks/7/{n}_wm.jpg" for n in range(1, 6)}
    states = {1: state(True, keys[1], 1), 2: state(False, keys[2], 2),
              3: state(False, keys[3], 3), 4: state(True, keys[4], 4),
              5: state(True, keys[5], 5)}
    w = world(states,
              public={keys[2]: b"2", keys[3]: b"3"},  # 2 and 3 hidden but still public
              private={keys[1]: b"1", keys[2]: b"2", keys[4]: b"4"})  # 3: a legacy image
    assert w.images.repair(hidden_only=True) == ImageRepair(checked=2, withdrawn=2, kept=1)
    assert w.public.files == {}
    seen: list[int] = []
    result = w.images.repair(progress=seen.append)
    assert result == ImageRepair(checked=5, published=2, missing=(5,))
    assert w.public.files == {keys[1]: b"1", keys[4]: b"4"}
    assert w.private.files == {keys[1]: b"1", keys[2]: b"2", keys[3]: b"3", keys[4]: b"4"}
    assert seen == [1] * 5
    assert w.images.repair() == ImageRepair(checked=5, missing=(5,))


def test_a_failing_store_raises_and_loses_nothing() -> None:
    def outage() -> None:
        raise OSError("storage unavailable")

    w = world({1: state(False)}, public={KEY: IMAGE}, private={}, before=outage)
    with pytest.raises(OSError):
        w.images.sync(1)
    assert w.public.files == {KEY: IMAGE}


class RecordingImages:
    """Records each sync with what was committed when it ran."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.synced: list[tuple[int, str, bool]] = []

    def sync_after_commit(self, uow: Any, artwork_id: int) -> None:
        def sync() -> None:
            artwork = self.shop.state.artworks[artwork_id]
            removed = (ContentType.ARTWORK, artwork_id) in self.shop.state.removals
            self.synced.append((artwork_id, artwork.moderation_status.value, removed))

        uow.after_commit(sync)


def test_moderation_changes_sync_the_image_after_their_commit_and_refusals_do_not() -> None:
    shop = Shop.create()
    artist = shop.user("artist", UserType.ARTIST)
    staff = shop.user("staff", UserType.ADMIN, staff=True)
    first, second = shop.artwork(artist, "10.00"), shop.artwork(artist, "20.00")
    images = RecordingImages(shop)
    content = ModerationContentService(uow=shop.store.unit_of_work, queries=None,  # type: ignore[arg-type]
                                       clock=shop.clock, notifier=DatabaseNotifier(),
                                       artwork_images=images)  # type: ignore[arg-type]
    admin = ArtworkModerationService(uow=shop.store.unit_of_work, queries=None,  # type: ignore[arg-type]
                                     admin_queries=None, clock=shop.clock,  # type: ignore[arg-type]
                                     notifier=DatabaseNotifier(),
                                     artwork_images=images)  # type: ignore[arg-type]

    content.remove(staff, "artwork", first, "Spam")
    with pytest.raises(InvalidState):
        content.remove(staff, "artwork", first, "Spam again")
    content.restore(staff, "artwork", first, "Appeal upheld")
    admin.bulk(staff, [first, second, 999], "reject", reason="Blurry")
    admin.bulk(staff, [second], "feature")  # visibility unchanged: no sync
    with pytest.raises(ValidationFailed):
        admin.bulk(staff, [first], "reject")  # no reason: nothing changes

    assert images.synced == [(first, "PENDING", True), (first, "PENDING", False),
                             (first, "REJECTED", False), (second, "REJECTED", False)]
