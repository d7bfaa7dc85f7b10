"""Ports for duplicate detection: measuring an image, and finding stored images like it."""

from __future__ import annotations

from typing import NamedTuple, Protocol

from cultureup.domain.duplicates import ImageFingerprint

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


class FingerprintIndex(Protocol):
    def add(self, artwork_id: int, artist_id: int, fingerprint: ImageFingerprint) -> None:
        """Store an artwork's fingerprint, replacing any earlier one of the same artwork."""
        ...

    def remove(self, artwork_id: int) -> None:
        """Forget an artwork's fingerprint; forgetting an unknown artwork does nothing."""
        ...

    def nearest(self, fingerprint: ImageFingerprint, *, limit: int = 10) -> list[NearMatch]:
        """The stored artworks most similar to the fingerprint, best first, at most `limit`."""
        ...
