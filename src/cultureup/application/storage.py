"""Ports for artwork images: where the bytes live, how they are vetted, marked and analyzed."""

from __future__ import annotations

from typing import Protocol

import attrs

from cultureup.domain.labels import Label

# How long a client or shared cache may keep a public media file without asking again: an
# artwork that stops being public (removed, rejected, held for a duplicate review) loses its
# public copy at once, and a cache may go on showing it for at most this long. The local media
# route and the S3 objects are served with it (docs/decisions.md, "A hidden artwork's image").
PUBLIC_MEDIA_MAX_AGE_SECONDS = 300
PUBLIC_CACHE_CONTROL = f"public, max-age={PUBLIC_MEDIA_MAX_AGE_SECONDS}"

# The image types an upload may have, with the content type and file extension each is served
# with. Anything else (BMP, TIFF, HEIC, SVG, ...) is refused at upload.
IMAGE_TYPES: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be positive")


@attrs.frozen
class CleanImage:
    """An uploaded image that passed inspection, re-encoded without location metadata and
    turned upright; `width` and `height` are those of the upright image."""

    data: bytes = attrs.field(repr=False)
    format: str = attrs.field(validator=attrs.validators.in_(IMAGE_TYPES))
    width: int = attrs.field(validator=_positive)
    height: int = attrs.field(validator=_positive)

    @property
    def content_type(self) -> str:
        return IMAGE_TYPES[self.format][0]

    @property
    def extension(self) -> str:
        """The file extension with its dot, such as ".jpg"."""
        return IMAGE_TYPES[self.format][1]

    @property
    def size(self) -> int:
        return len(self.data)


class VisualAnalysisUnavailable(Exception):
    """The analysis service could not answer (outage, throttling, refused credentials); the
    caller decides whether to go on without it."""


class ImageStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store the bytes under the key ("artworks/12/3f2a.jpg"), replacing any old ones."""
        ...

    def delete(self, key: str) -> None:
        """Remove the bytes under the key; nothing happens when there are none."""
        ...

    def url(self, key: str) -> str:
        """Where clients fetch the key: an absolute URL, or a path under "/media/" that the
        HTTP layer makes absolute."""
        ...

    def read(self, key: str) -> bytes:
        """The bytes stored under the key; raises NotFound when there are none."""
        ...

    def exists(self, key: str) -> bool:
        """Whether bytes are stored under the key (and so served at its URL)."""
        ...


class ImageSanitizer(Protocol):
    def inspect_and_clean(self, data: bytes, *, max_bytes: int) -> CleanImage:
        """The upload as a JPEG, PNG, GIF or WebP image judged by its content, fully decoded,
        upright and without location metadata; raises ValidationFailed on "image" for a file
        that is too big, not an image, of another type, corrupt or a decompression bomb."""
        ...


class Watermarker(Protocol):
    def apply(self, image_bytes: bytes, text: str) -> bytes:
        """A JPEG copy of the image, the same size, with the text visibly marked across it."""
        ...


class VisualAnalyzer(Protocol):
    def detect_labels(self, image_bytes: bytes) -> list[Label]:
        """What the image shows, most confident first; raises VisualAnalysisUnavailable."""
        ...

    def compare_faces(self, source_bytes: bytes, target_bytes: bytes) -> float | None:
        """The best similarity in [0, 1] between a face in the source and one in the target;
        None when either image has no face; raises VisualAnalysisUnavailable."""
        ...


class PrivateFileStore(Protocol):
    """Files that only some users may fetch (artwork originals, the kept copy of every
    artwork's watermarked image, message attachments, verification documents). They are
    kept apart from public media and never have a public URL: they reach a client only
    through `PrivateFileService`, after its access check."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store the bytes under the key, replacing any old ones."""
        ...

    def delete(self, key: str) -> None:
        """Remove the bytes under the key; nothing happens when there are none."""
        ...

    def read(self, key: str) -> bytes:
        """The bytes stored under the key; raises NotFound when there are none."""
        ...

    def exists(self, key: str) -> bool:
        """Whether bytes are stored under the key."""
        ...

    def signed_url(self, key: str, *, filename: str, content_type: str) -> str | None:
        """A short-lived URL that hands the file to whoever holds it (S3 presigned), or None
        when the store has no such thing and the caller serves `read(key)` itself."""
        ...
