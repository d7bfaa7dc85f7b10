"""Perceptual fingerprints with Pillow and numpy: DCT hashes that survive resizing, JPEG
re-encoding, watermarks, brightness changes and crops.

How an image becomes codes:

1. Decode small. JPEGs are decoded at up to 1/8 scale by libjpeg's DCT scaling
   (``Image.draft``), other formats are reduced by whole factors (``Image.reduce``), then the
   image is squashed to a 64 x 64 grey canvas (box filter, so every pixel counts).
2. Each code is a 128-bit pHash of one window of the canvas, from the window's 2-D DCT (DC
   left out): the low 64 bits are the 64 lowest frequencies, each set when above their median;
   the high 64 bits the next 64 frequencies, the same way. The low half is robust and is what
   the index searches on; the high half adds detail that tells apart images that merely share
   a coarse layout (it cut false positives fourfold in the benchmark). The DCT of a window is
   computed straight from the canvas with two small matrices that integrate the cosine basis
   over each canvas pixel, so windows cost no resampling.
3. ``whole`` hashes the whole canvas; ``center`` the central region ``[m, 1 - m]^2`` (m = 10%),
   which any crop of up to 10% per side still shows in full. A plain whole-image pHash misses
   most 10% crops (half the bits flip), so each image also carries one probe per crop
   hypothesis (10% off one side, off two adjacent sides, or 5% off every side): the window of
   *this* image that would be the central region of the image it was cropped from. A crop of B
   then has a probe aligned with B's ``center`` and the two codes nearly agree.

Comparing: the distance from a query Q to a stored S is the smallest of the Hamming distances
``whole(Q)``-``whole(S)``, ``center(Q)``-``center(S)`` and, plus ``PROBE_PENALTY``, any probe
of Q to ``center(S)`` (``forward_distance``); the symmetric ``distance`` also tries the roles
swapped. Probe matches pay a penalty because they get 18 chances per pair to match by accident.

Mirrored and turned copies: a picture flipped left-right or top-bottom, or turned by 90, 180
or 270 degrees, has an unrelated code (similarity about 0). Stored fingerprints stay upright;
an upload is fingerprinted in all eight orientations of the dihedral group (``orientations``:
its 64 x 64 canvas flipped and turned, which equals the canvas of the flipped or turned image
because the squashing resize works on each axis alone), and ``oriented_distance`` is the
smallest ``forward_distance`` over them, the seven non-upright ones plus
``ORIENTATION_PENALTY`` (seven more chances to match by accident, and a turned copy is rarely
also cropped or retouched).
The distance is calibrated into a similarity in [0, 1] that is 0.85 (the domain's duplicate
threshold) at ``DUPLICATE_DISTANCE``, 1.0 for identical codes and 0.0 at the distance of
unrelated images. ``benchmarks/duplicate_eval.py`` measured the boundary.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from functools import cache

import numpy as np
from PIL import Image, UnidentifiedImageError

from cultureup.domain.catalog.duplicates import (
    CODE_BITS,
    DUPLICATE_THRESHOLD,
    PROBE_COUNT,
    ImageFingerprint,
)
from cultureup.domain.errors import ValidationFailed

__all__ = [
    "DUPLICATE_DISTANCE",
    "HALF",
    "ORIENTATION_PENALTY",
    "PROBE_PENALTY",
    "PerceptualFingerprinter",
    "distance",
    "forward_distance",
    "oriented_distance",
    "perceptual_similarity",
    "similarity_from_distance",
]

CANVAS = 64
# DCT frequencies per axis considered; the 128 lowest (by u + v) of the 16 x 16 are kept.
FREQUENCIES = 16
HALF = CODE_BITS // 2
CENTER_MARGIN = 0.1
CROP = 0.1
# Crop hypotheses as fractions cut off (left, top, right, bottom) of the original.
CROP_HYPOTHESES = (
    (CROP, 0, 0, 0), (0, CROP, 0, 0), (0, 0, CROP, 0), (0, 0, 0, CROP),
    (CROP, CROP, 0, 0), (0, CROP, CROP, 0), (CROP, 0, 0, CROP), (0, 0, CROP, CROP),
    (CROP / 2, CROP / 2, CROP / 2, CROP / 2),
)
assert len(CROP_HYPOTHESES) == PROBE_COUNT

# Calibrated on benchmarks/duplicate_eval.py: every in-specification copy kind is within it
# for >= 99% of sources; about 6 in 1,000,000 pairs of different images are (an upload in its
# eight orientations against a stored print; 3 in 1,000,000 upright only). Each half of a
# code has 32 bits set (barring ties at the median), so distances are even.
DUPLICATE_DISTANCE = 32
PROBE_PENALTY = 8
ORIENTATION_PENALTY = 8
ORIENTATIONS = 8
UNRELATED_DISTANCE = CODE_BITS // 2
DEFAULT_MAX_PIXELS = 80_000_000
FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF")
# The EXIF orientation tag and the transposition that undoes each value of it.
ORIENTATION = 0x0112
TRANSPOSITIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _axis_matrix(lo: float, hi: float) -> np.ndarray:
    """Row u: the cosine of frequency u over [lo, hi], integrated over each canvas pixel."""
    width = hi - lo
    edges = np.linspace(0.0, 1.0, CANVAS + 1)
    left = np.clip(edges[:-1], lo, hi)
    right = np.clip(edges[1:], lo, hi)
    u = np.arange(1, FREQUENCIES)[:, None]
    phase = np.pi * u / width
    rows = (np.sin(phase * (right - lo)) - np.sin(phase * (left - lo))) / phase
    return np.vstack([right - left, rows]) / width


def _probe_window(left: float, top: float, right: float, bottom: float) -> tuple[float, ...]:
    # Where the original's central region lies in a crop that kept [left, 1 - right] of it.
    keep_x, keep_y = 1 - left - right, 1 - top - bottom
    return ((CENTER_MARGIN - left) / keep_x, (1 - CENTER_MARGIN - left) / keep_x,
            (CENTER_MARGIN - top) / keep_y, (1 - CENTER_MARGIN - top) / keep_y)


@cache
def _projections() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per window, the matrices taking the canvas to its low DCT coefficients; and which 128."""
    windows = [(0.0, 1.0, 0.0, 1.0),
               (CENTER_MARGIN, 1 - CENTER_MARGIN, CENTER_MARGIN, 1 - CENTER_MARGIN),
               *(_probe_window(*crop) for crop in CROP_HYPOTHESES)]
    across = np.stack([_axis_matrix(x0, x1) for x0, x1, _, _ in windows]).astype(np.float32)
    down = np.stack([_axis_matrix(y0, y1) for _, _, y0, y1 in windows]).astype(np.float32)
    pairs = sorted(((u, v) for u in range(FREQUENCIES) for v in range(FREQUENCIES)
                    if u or v), key=lambda p: (p[0] + p[1], p[0]))[:CODE_BITS]
    return down, across, np.array([u * FREQUENCIES + v for u, v in pairs])


def _fingerprints(canvases: np.ndarray) -> list[ImageFingerprint]:
    """The fingerprint of each CANVAS x CANVAS canvas of a (k, CANVAS, CANVAS) array."""
    down, across, selected = _projections()
    coefficients = down[None] @ canvases[:, None] @ across.transpose(0, 2, 1)[None]
    coefficients = coefficients.reshape(len(canvases) * len(down), -1)
    # Rows: (canvas, window, half); each half thresholded at its own median.
    halves = coefficients[:, selected].reshape(-1, HALF)
    bits = halves > np.median(halves, axis=1, keepdims=True)
    packed = np.ascontiguousarray(np.packbits(bits, axis=1, bitorder="little"))
    packed = packed.view("<u8")[:, 0]
    codes = [int(low) | int(high) << HALF for low, high in packed.reshape(-1, 2).tolist()]
    per_canvas = len(down)  # one 128-bit code per window
    return [ImageFingerprint(whole=row[0], center=row[1], probes=tuple(row[2:]))
            for row in (codes[i:i + per_canvas] for i in range(0, len(codes), per_canvas))]


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed({"image": [message]})


class PerceptualFingerprinter:
    """Fingerprints encoded images offline; about 1 ms plus the (reduced) decode."""

    def __init__(self, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
        self.max_pixels = max_pixels
        Image.init()  # registers every plugin, so the allow-list below can be checked
        self.formats = tuple(name for name in FORMATS if name in Image.OPEN)

    def fingerprint(self, image_bytes: bytes) -> ImageFingerprint:
        """The fingerprint of the image as it stands (the one stored)."""
        return _fingerprints(self.canvas(image_bytes)[None])[0]

    def orientations(self, image_bytes: bytes) -> tuple[ImageFingerprint, ...]:
        """The fingerprint of the image in each of the eight orientations (the identity, then
        turned by 90, 180 and 270 degrees, then mirrored left-right and turned likewise); the
        first is ``fingerprint(image_bytes)``."""
        canvas = self.canvas(image_bytes)
        mirrored = canvas[:, ::-1]
        turned = [np.rot90(canvas, k) for k in range(4)] + [np.rot90(mirrored, k)
                                                            for k in range(4)]
        return tuple(_fingerprints(np.stack(turned)))

    def canvas(self, image_bytes: bytes) -> np.ndarray:
        """The image as a CANVAS x CANVAS float grey array, upright; raises ValidationFailed."""
        try:
            with warnings.catch_warnings():
                # Our own pixel limit below is the one that applies.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image = Image.open(io.BytesIO(image_bytes), formats=self.formats)
                return self._canvas(image)
        except ValidationFailed:
            raise
        except Image.DecompressionBombError as exc:
            raise _invalid("The image has too many pixels.") from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
            raise _invalid("Upload a valid image. The file is not an image or is corrupted.") \
                from exc

    def _canvas(self, image: Image.Image) -> np.ndarray:
        width, height = image.size
        if width < 1 or height < 1 or width * height > self.max_pixels:
            raise _invalid(f"The image has too many pixels (at most {self.max_pixels:,}).")
        orientation = image.getexif().get(ORIENTATION)
        if image.format in ("JPEG", "MPO"):
            # libjpeg scales while decoding: 1/2, 1/4 or 1/8, never below twice the canvas.
            image.draft("L", (2 * CANVAS, 2 * CANVAS))
        image = _grey(image)
        factor = min(image.size) // (2 * CANVAS)
        if factor > 1:
            image = image.reduce(factor)
        image = image.resize((CANVAS, CANVAS), Image.Resampling.BOX)
        if orientation in TRANSPOSITIONS:
            image = image.transpose(TRANSPOSITIONS[orientation])
        return np.asarray(image, dtype=np.float32)


def _grey(image: Image.Image) -> Image.Image:
    """One channel of luminance; transparency flattened onto white, wide modes kept wide."""
    if image.mode in ("L", "F"):
        image.load()
        return image
    if image.mode.startswith("I"):
        # 16/32-bit greys: keep the range (the hash is invariant to scale, not to clipping).
        return image.convert("I").convert("F")
    if image.mode == "P" and "transparency" not in image.info:
        return image.convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("L")
    if image.mode not in ("RGB", "1", "YCbCr"):
        image = image.convert("RGB")  # CMYK, LAB, HSV...
    return image.convert("L")


def forward_distance(query: ImageFingerprint, stored: ImageFingerprint) -> int:
    """Hamming distance for "the query is a (modified or cropped) copy of the stored image"."""
    cropped = min((probe ^ stored.center).bit_count() for probe in query.probes)
    return min((query.whole ^ stored.whole).bit_count(),
               (query.center ^ stored.center).bit_count(), cropped + PROBE_PENALTY)


def oriented_distance(query: Sequence[ImageFingerprint], stored: ImageFingerprint) -> int:
    """``forward_distance`` from the best of the query's orientations (``orientations``, the
    upright one first) to the stored image; turned or mirrored ones pay ORIENTATION_PENALTY."""
    return min(forward_distance(code, stored) + (ORIENTATION_PENALTY if k else 0)
               for k, code in enumerate(query))


def distance(a: ImageFingerprint, b: ImageFingerprint) -> int:
    """Symmetric Hamming distance: either image may be the cropped or modified one."""
    return min(forward_distance(a, b), forward_distance(b, a))


def similarity_from_distance(bits: int | float) -> float:
    """Calibrate a distance into [0, 1]: 1 at 0, the duplicate threshold at DUPLICATE_DISTANCE,
    0 at the distance of unrelated images; piecewise linear, so monotone."""
    boundary = DUPLICATE_THRESHOLD / 100
    if bits <= DUPLICATE_DISTANCE:
        return 1.0 - (1.0 - boundary) * bits / DUPLICATE_DISTANCE
    rest = (UNRELATED_DISTANCE - bits) / (UNRELATED_DISTANCE - DUPLICATE_DISTANCE)
    return max(0.0, boundary * rest)


def perceptual_similarity(a: ImageFingerprint, b: ImageFingerprint) -> float:
    """How alike two fingerprinted images look, in [0, 1]; symmetric."""
    return similarity_from_distance(distance(a, b))
