"""Ports for duplicate detection: measuring an image, and finding stored images like it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

from cultureup.domain.catalog.duplicates import ImageFingerprint

__all__ = ["FingerprintIndex", "ImageFingerprint", "ImageFingerprinter", "NearMatch"]


class NearMatch(NamedTuple):
    """A stored artwork found near a fingerprint; similarity in [0, 1], 0.85 at the boundary."""

    artwork_id: int
    artist_id: int
    similarity: float


class ImageFingerprinter(Protocol):
    def fingerprint(self, image_bytes: bytes) -> ImageFingerprint:
        """The perceptual fingerprint of an encoded image; raises ValidationFailed if unusable."""
        ...

    def orientations(self, image_bytes: bytes) -> Sequence[ImageFingerprint]:
        """The fingerprint of the image in each orientation it may have been copied in
        (mirrored, turned by quarter turns), the image as it stands first: that first one is
        ``fingerprint(image_bytes)``, the one to store."""
        ...


class FingerprintIndex(Protocol):
    def add(self, artwork_id: int, artist_id: int, fingerprint: ImageFingerprint) -> None:
        """Store an artwork's fingerprint, replacing any earlier one of the same artwork."""
        ...

    def remove(self, artwork_id: int) -> None:
        """Forget an artwork's fingerprint; forgetting an unknown artwork does nothing."""
        ...

    def __len__(self) -> int:
        """How many artworks' fingerprints are held (every lookup compares with all of them)."""
        ...

    def nearest(self, fingerprint: ImageFingerprint | Sequence[ImageFingerprint], *,
                limit: int = 10) -> list[NearMatch]:
        """The stored artworks most similar to the fingerprint (or to the best of several
        orientations of one image, the upright first), best first, at most `limit`."""
        ...
