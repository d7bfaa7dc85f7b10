"""An artwork's watermarked image is public exactly while the artwork is.

Source of the rule: docs/decisions.md, "A hidden artwork's image". The public sees an artwork
when `domain.catalog.artworks.is_public` says so; an artwork a moderator removed, a rejected
one and an upload held for a duplicate review are hidden, and so is their image.

Two copies, one of them permanent:

- the private store keeps every artwork's watermarked image under its key (written at upload
  and at each image replacement, deleted only with the artwork or the image it belonged to);
- the public store holds a copy under the same key only while the artwork is public: that
  copy is what the public URL serves (the local media folder, or a public S3 object).

Hiding an artwork deletes its public copy; showing it again copies the kept one back, so the
old URL answers again. No step ever deletes the only copy of an image: a public copy is
deleted only once the private one exists (an image stored before the private copies were
kept is copied there first).

The database decides, the files follow. A use case that may change an artwork's visibility
asks `sync` after its commit (`UnitOfWork.after_commit`), and `sync` reads the committed
state and makes the files agree with it. A crash between the commit and the file step leaves
an image public that should not be (or missing that should be there), never lost; `repair`
(`cultureup artworks sync-images`) walks every artwork and puts each image where its
artwork's state says, and running it again changes nothing. Two syncs racing in opposite
directions (a removal and a restoration a moment apart) each read the state again after
acting and act again when it changed, so the last one to finish acts for the last commit.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

import attrs

from cultureup.application.catalog.artwork_ports import ImageState
from cultureup.application.ports import UnitOfWork, UnitOfWorkFactory
from cultureup.application.storage import ImageStore, PrivateFileStore
from cultureup.domain.errors import NotFound

# The watermarker writes JPEG (storage.Watermarker), whatever the upload's type.
WATERMARKED_CONTENT_TYPE = "image/jpeg"


class Placement(enum.StrEnum):
    """What putting one image in its place did."""

    UNCHANGED = "unchanged"
    PUBLISHED = "published"  # the public copy was written (the artwork is public)
    WITHDRAWN = "withdrawn"  # the public copy was deleted (the artwork is hidden)
    MISSING = "missing"  # neither store has the image: nothing to serve or hide


@attrs.frozen(kw_only=True)
class ImageRepair:
    """What `repair` found and did, in counts of artworks; `missing` names the artworks
    whose watermarked image is in neither store. `kept` counts private copies written from
    public ones (images stored before the private copies were kept)."""

    checked: int = 0
    published: int = 0
    withdrawn: int = 0
    kept: int = 0
    missing: tuple[int, ...] = ()


class ArtworkImages:
    def __init__(self, *, uow: UnitOfWorkFactory, public: ImageStore,
                 private: PrivateFileStore) -> None:
        self._uow, self._public, self._private = uow, public, private

    def keep(self, key: str, data: bytes, *, public: bool) -> None:
        """Store a new watermarked image: the private copy always, the public one when the
        artwork will be public. Called before the row that names `key` is committed."""
        self._private.put(key, data, WATERMARKED_CONTENT_TYPE)
        if public:
            self._public.put(key, data, WATERMARKED_CONTENT_TYPE)

    def discard(self, key: str) -> None:
        """Delete both copies of an image that no artwork names any more (a deleted artwork,
        a replaced image, an upload whose row was not committed)."""
        self._public.delete(key)
        self._private.delete(key)

    def sync_after_commit(self, uow: UnitOfWork, artwork_id: int) -> None:
        """Have `sync(artwork_id)` run once `uow` has committed."""
        uow.after_commit(lambda: self.sync(artwork_id))

    def sync(self, artwork_id: int) -> None:
        """Make the public copy of the artwork's image agree with its committed state: there
        while it is public, gone while it is hidden. Nothing happens for an artwork that does
        not exist. Raises what the stores raise (an outage): the state stays committed and a
        later `sync` or `repair` finishes the work, with no image lost meanwhile.

        It acts until the state it read before acting is still the state after: each new
        round needs another commit to have changed the artwork meanwhile, so it ends as soon
        as the moderators stop (one round, two reads, when nobody else acts)."""
        state = self._state(artwork_id)
        while state is not None:
            self._place(state)
            again = self._state(artwork_id)
            if again == state:
                return
            if again is None or again.key != state.key:
                # The artwork was deleted, or its image replaced, while this ran: the image
                # acted on belongs to no artwork now, and its copies are being deleted.
                self._public.delete(state.key)
            state = again

    def repair(self, progress: Callable[[int], None] | None = None, *,
               hidden_only: bool = False) -> ImageRepair:
        """Put every artwork's image where its state says (see the module); with
        `hidden_only`, only the images of artworks the public does not see (what `serve`
        does on start: cheap, and it withdraws what an interrupted sync left public). Safe
        to run again and beside a running server: an artwork changed meanwhile is synced by
        its own change."""
        counts = {placement: 0 for placement in Placement}
        missing: list[int] = []
        kept = checked = last_id = 0
        while True:
            with self._uow(read_only=True) as uow:
                batch = uow.artworks.image_states_after(last_id, limit=100,
                                                        hidden_only=hidden_only)
            if not batch:
                return ImageRepair(checked=checked, published=counts[Placement.PUBLISHED],
                                   withdrawn=counts[Placement.WITHDRAWN], kept=kept,
                                   missing=tuple(missing))
            for state in batch:
                last_id = state.artwork_id
                kept += self._keep_private(state.key)
                placement = self._place(state)
                counts[placement] += 1
                if placement is Placement.MISSING:
                    missing.append(state.artwork_id)
                checked += 1
                if progress:
                    progress(1)

    # -- helpers ---------------------------------------------------------------------------

    def _state(self, artwork_id: int) -> ImageState | None:
        with self._uow(read_only=True) as uow:
            return uow.artworks.image_state(artwork_id)

    def _keep_private(self, key: str) -> bool:
        """Copy a public image into the private store when only the public copy exists (an
        image stored before the private copies were kept); True when it did."""
        if self._private.exists(key):
            return False
        try:
            data = self._public.read(key)
        except NotFound:
            return False
        self._private.put(key, data, WATERMARKED_CONTENT_TYPE)
        return True

    def _place(self, state: ImageState) -> Placement:
        self._keep_private(state.key)
        if not self._private.exists(state.key):
            return Placement.MISSING
        if state.public:
            if self._public.exists(state.key):
                return Placement.UNCHANGED
            try:
                data = self._private.read(state.key)
            except NotFound:  # deleted with its artwork meanwhile
                return Placement.MISSING
            self._public.put(state.key, data, WATERMARKED_CONTENT_TYPE)
            return Placement.PUBLISHED
        if not self._public.exists(state.key):
            return Placement.UNCHANGED
        # The private copy exists (checked above, and never deleted while the artwork
        # names the key): deleting the public one loses nothing.
        self._public.delete(state.key)
        return Placement.WITHDRAWN
