"""Vetting uploaded images with Pillow: real type, soundness, size, and no location metadata.

What comes back, by type:

- JPEG: the primary image, turned upright and re-encoded with the original quantization
  tables (so a second generation loses next to nothing), its EXIF kept without the GPS block,
  the maker note and the thumbnail; XMP and comments dropped. A JPEG larger than the pixel cap
  is decoded at 1/2, 1/4 or 1/8 of its size (libjpeg's scaled decoding, `Image.draft`), the
  first that fits under the cap, so no full-size bitmap of it ever exists; the stored image is
  that reduced one (up to Pillow's own bomb guard, about 179 megapixels, refused at open).
  Progressive JPEGs are not reduced: libjpeg keeps every coefficient of a progressive file in
  memory whatever the output size, so they must fit under the cap as is.
- PNG, WebP and GIF: every frame re-encoded (PNG losslessly, WebP lossless when the upload
  was, GIF with each frame's colours), upright, EXIF as for JPEG, text chunks, comments and
  XMP dropped.

The pixel cap is checked against the dimensions in the header, before anything is decoded.
Re-encoding drops whatever was smuggled after or around the pixels (a script appended to a
GIF, say). When reading or writing the metadata fails, the metadata is cut out of the file at
the container level and the image tried again without it: a fault in metadata never refuses
a sound picture. Every refusal is a ValidationFailed on the "image" field.
"""

from __future__ import annotations

import io
import logging
import struct
from collections.abc import Iterable

from PIL import ExifTags, Image, ImageCms, ImageSequence, JpegImagePlugin

from cultureup.adapters.vision.metadata import strip_metadata
from cultureup.application.storage import IMAGE_TYPES, CleanImage
from cultureup.domain.errors import ValidationFailed

_log = logging.getLogger(__name__)

# The largest image decoded at full size, in pixels (CULTUREUP_MAX_IMAGE_PIXELS).
DEFAULT_MAX_PIXELS = 16_000_000
# The reductions libjpeg can decode a JPEG at (1/1, 1/2, 1/4, 1/8 of each side).
_JPEG_SCALES = (1, 2, 4, 8)

NOT_AN_IMAGE = ("Upload a valid image. The file you uploaded was either not an image or a "
                "corrupted image.")
CORRUPT = "The image file is corrupt or incomplete. Export it again and upload the new file."
EMPTY = "The submitted file is empty."


class _Fault(Exception):
    """Decoding or re-encoding failed; the cause is what Pillow raised."""


def _usable_icc(profile: object) -> bytes | None:
    """The colour profile when LittleCMS can read it; a damaged one is dropped (it is
    metadata, and a viewer would choke on it)."""
    if not profile or not isinstance(profile, bytes):
        return None
    try:
        ImageCms.ImageCmsProfile(io.BytesIO(profile))
    except Exception:  # any fault in metadata drops the metadata
        return None
    return profile


def _is_progressive(image: Image.Image) -> bool:
    return bool(image.info.get("progressive") or image.info.get("progression"))

# Types people try to upload that we do not take, named so the refusal can say which it was.
_OTHER_SIGNATURES = (
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"8BPS", "Photoshop"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"%PDF", "PDF"),
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
)
_HEIF_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"hevc": "HEIC", b"mif1": "HEIF",
                b"msf1": "HEIF", b"avif": "AVIF", b"avis": "AVIF"}

_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# EXIF entries that never survive: where the picture was taken, the camera maker's opaque
# notes (some hold a location or a serial number), and the orientation we have just applied.
_DROPPED_TAGS = {ExifTags.Base.Orientation, ExifTags.Base.MakerNote}
_IFD_POINTERS = frozenset(ExifTags.IFD)


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"image": [message]})


def _size(count: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


def _pixels(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}".removesuffix(".0") + " megapixels"
    return f"{count:,} pixels"


def sniff(data: bytes) -> str | None:
    """The image type the content announces ("JPEG", "BMP", ...), or None for no known one."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return _HEIF_BRANDS[data[8:12]]
    for signature, name in _OTHER_SIGNATURES:
        if data.startswith(signature):
            return name
    return None


def _webp_chunks(data: bytes, start: int, end: int) -> Iterable[tuple[bytes, int, int]]:
    position = start
    while position + 8 <= end:
        fourcc = data[position:position + 4]
        (length,) = struct.unpack_from("<I", data, position + 4)
        yield fourcc, position + 8, min(position + 8 + length, end)
        position += 8 + length + (length & 1)


def _webp_is_lossless(data: bytes) -> bool:
    """Whether a WebP file holds lossless (VP8L) frames, so re-encoding it can stay lossless."""
    for fourcc, begin, end in _webp_chunks(data, 12, len(data)):
        if fourcc == b"VP8L":
            return True
        # An animation frame: 16 bytes of placement, then the frame's own chunks.
        if fourcc == b"ANMF" and any(
                inner == b"VP8L" for inner, _, _ in _webp_chunks(data, begin + 16, end)):
            return True
    return False


class PillowImageSanitizer:
    """Inspects uploads with Pillow. `max_pixels` bounds the decoded size of one frame (16
    megapixels by default: a 4:3 picture of 4618x3464, more than a 12 MP phone photograph),
    `max_total_pixels` (the same by default) and `max_frames` bound an animation."""

    def __init__(self, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                 max_total_pixels: int | None = None, max_frames: int = 1000,
                 jpeg_quality: int = 92, webp_quality: int = 90) -> None:
        self.max_pixels = max_pixels
        self.max_total_pixels = max_pixels if max_total_pixels is None else max_total_pixels
        self.max_frames = max_frames
        self.jpeg_quality = jpeg_quality
        self.webp_quality = webp_quality

    def inspect_and_clean(self, data: bytes, *, max_bytes: int) -> CleanImage:
        data = bytes(data)
        if not data:
            raise _refuse(EMPTY)
        if len(data) > max_bytes:
            raise _refuse(f"The image file is {_size(len(data))}; the largest allowed is "
                          f"{_size(max_bytes)}.")
        kind = sniff(data)
        if kind is None:
            raise _refuse(NOT_AN_IMAGE)
        if kind not in IMAGE_TYPES:
            raise _refuse(f"{kind} images are not accepted. Upload a JPEG, PNG, GIF or WebP "
                          "image.")
        try:
            return self._checked(data, kind)
        except _Fault as fault:
            first = fault.__cause__
        # Something in the file could not be read or written. If it was metadata, the file
        # without its metadata is sound: take that, and drop the metadata, not the request.
        try:
            stripped = strip_metadata(data, kind)
        except ValueError:
            stripped = data
        if stripped == data:
            raise _refuse(CORRUPT) from first
        try:
            clean = self._checked(stripped, kind)
        except _Fault as fault:
            raise _refuse(CORRUPT) from fault.__cause__
        _log.info("Dropped the metadata of an uploaded %s image that could not be read "
                  "(%s: %s).", kind, type(first).__name__, first)
        return clean

    def _checked(self, data: bytes, kind: str) -> CleanImage:
        """The cleaned image; our refusals pass through, any other failure is a _Fault."""
        try:
            return self._clean(data, kind)
        except ValidationFailed:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            # Pillow's own guard, for images far past ours (we check first when we can).
            raise _refuse(f"The image has too many pixels; the largest allowed is "
                          f"{_pixels(self.max_pixels)}.") from exc
        except MemoryError:
            raise
        except Exception as exc:  # whatever a damaged file makes Pillow raise
            raise _Fault from exc

    def _open(self, data: bytes, kind: str) -> Image.Image:
        # Pillow warns (or, past twice its limit, raises) on huge images. We do not turn the
        # warning into an error with warnings.catch_warnings: that changes process-wide state
        # and is not thread-safe. Our own limit, checked on the header before anything is
        # decoded, is the one that counts.
        image = Image.open(io.BytesIO(data), formats=[kind])
        width, height = image.size
        scales = _JPEG_SCALES if kind == "JPEG" and not _is_progressive(image) else (1,)
        scale = next((s for s in scales
                      if -(-width // s) * -(-height // s) <= self.max_pixels), None)
        if scale is None:
            image.close()
            limit = self.max_pixels * scales[-1] ** 2
            raise _refuse(f"The image is {width}x{height} pixels ({_pixels(width * height)}); "
                          f"the largest allowed is {_pixels(limit)}.")
        if scale > 1:
            image.draft(image.mode, (max(1, width // scale), max(1, height // scale)))
        return image

    def _clean(self, data: bytes, kind: str) -> CleanImage:
        # verify() checks what decoding does not (PNG chunk checksums) but leaves the image
        # unusable, so the file is opened twice.
        with self._open(data, kind) as probe:
            probe.verify()
        with self._open(data, kind) as image:
            if kind == "JPEG":
                image.load()  # the primary image only; an MPO's other views are dropped
                return self._save_jpeg(image)
            frames = self._decode_frames(image)
            return self._save_frames(frames, image, kind, data)

    def _decode_frames(self, image: Image.Image) -> list[Image.Image]:
        """Every frame decoded, within the animation limits (a still image is not copied)."""
        if not getattr(image, "is_animated", False):
            if image.width * image.height > self.max_total_pixels:
                raise _refuse(f"The image is too large: it holds more than "
                              f"{_pixels(self.max_total_pixels)}.")
            image.load()
            return [image]
        frames: list[Image.Image] = []
        total = 0
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index >= self.max_frames:
                raise _refuse(f"The animation has more than {self.max_frames} frames.")
            total += frame.width * frame.height
            if total > self.max_total_pixels:
                raise _refuse(f"The animation is too large: its frames hold more than "
                              f"{_pixels(self.max_total_pixels)} in all.")
            frame.load()
            frames.append(frame.copy())
        return frames

    def _save_jpeg(self, image: Image.Image) -> CleanImage:
        exif, method = self._exif_and_orientation(image)
        upright = image.transpose(method) if method is not None else image.copy()
        upright.info = {}  # nothing from the upload's metadata rides along implicitly
        options: dict[str, object] = {"exif": exif}
        if icc := _usable_icc(image.info.get("icc_profile")):
            options["icc_profile"] = icc
        quantization = getattr(image, "quantization", None)
        if quantization:
            options["qtables"] = quantization
            sampling = JpegImagePlugin.get_sampling(image)
            if sampling != -1:
                options["subsampling"] = sampling
        else:
            options["quality"] = self.jpeg_quality
        out = io.BytesIO()
        upright.save(out, "JPEG", **options)
        return CleanImage(data=out.getvalue(), format="JPEG", width=upright.width,
                          height=upright.height)

    def _save_frames(self, frames: list[Image.Image], image: Image.Image, kind: str,
                     data: bytes) -> CleanImage:
        # Metadata from the first frame: `image` itself now stands on the last one.
        head = frames[0]
        exif, method = self._exif_and_orientation(head)
        icc = _usable_icc(head.info.get("icc_profile") or image.info.get("icc_profile"))
        loop = head.info.get("loop", image.info.get("loop", 0))
        durations = [frame.info.get("duration", 0) for frame in frames]
        upright = []
        for frame in frames:
            turned = frame.transpose(method) if method is not None else frame
            # Only transparency is taken over from the upload; everything else is explicit.
            turned.info = {key: value for key, value in frame.info.items()
                           if key == "transparency"}
            upright.append(turned)
        first, rest = upright[0], upright[1:]
        options: dict[str, object] = {}
        if kind != "GIF":
            options["exif"] = exif
            if icc:
                options["icc_profile"] = icc
        if kind == "WEBP":
            lossless = _webp_is_lossless(data)
            options.update(lossless=lossless, quality=80 if lossless else self.webp_quality)
        if rest:
            options.update(save_all=True, append_images=rest, duration=durations, loop=loop)
        out = io.BytesIO()
        first.save(out, kind, **options)
        return CleanImage(data=out.getvalue(), format=kind, width=first.width,
                          height=first.height)

    @staticmethod
    def _exif_and_orientation(
            image: Image.Image) -> tuple[bytes, Image.Transpose | None]:
        """The EXIF to write back (without location, maker note, thumbnail or orientation) and
        the transposition that turns the image upright. EXIF that cannot be read, or cannot be
        written back (a text where a number belongs, a broken offset), is dropped whole, with
        the orientation it may have held: the pixels are fine."""
        try:
            source = image.getexif()
            orientation = source.get(ExifTags.Base.Orientation, 1)
        except Exception:  # any fault in metadata drops the metadata
            return b"", None
        method = _ORIENTATION.get(orientation) if isinstance(orientation, int) else None
        if not source:
            return b"", method
        # A fresh Exif built from the wanted entries: IFD1 (the thumbnail, which shows the
        # picture as it was before any crop) and the GPS block are simply never copied.
        clean = Image.Exif()
        try:
            for tag, value in source.items():
                if tag not in _DROPPED_TAGS and tag not in _IFD_POINTERS:
                    clean[tag] = value
            details = {tag: value for tag, value in source.get_ifd(ExifTags.IFD.Exif).items()
                       if tag not in _DROPPED_TAGS and tag not in _IFD_POINTERS}
            if details:
                clean[ExifTags.IFD.Exif] = details
            return (clean.tobytes() if len(clean) else b""), method
        except Exception:  # any fault in metadata drops the metadata
            return b"", method
