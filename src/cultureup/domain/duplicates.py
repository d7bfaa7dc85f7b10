"""Duplicate artworks: how similarity signals become a score, and when a score is a duplicate.

Three signals may describe how alike an upload is to one stored artwork, each in [0, 1]:

- ``perceptual``: from the perceptual image hashes (the offline engine). It is calibrated by
  its adapter so that ``0.85`` sits exactly on the engine's own duplicate boundary.
- ``labels``: overlap of the AWS Rekognition labels of both images, weighted by confidence.
- ``faces``: Rekognition's face similarity.

The API spec's rule is "labels 60%, faces 40%, duplicate at >= 85%". It is kept literally:
the Rekognition part is ``60 * labels + 40 * faces``. A missing signal contributes nothing;
weights are never renormalized over the signals present. So labels alone reach at most 60 and
faces alone at most 40, neither of which flags a duplicate: two different landscapes share
"Mountain, Sky, Nature", and two portraits of one person share a face. Rekognition flags a
duplicate only when both agree strongly.

The final score is ``max(100 * perceptual, rekognition part)``: the two are independent
detectors, and either one being sure is enough. A weighted sum was rejected because a missing
or low Rekognition signal (an abstract work has no faces) would drag a pixel-exact copy below
the threshold. The max keeps the score bounded to [0, 100], monotone in every signal, and a
pure function of the signals (so symmetric whenever the signals are), and an identical image
(``perceptual == 1``) scores 100.

The same artist may upload variations of their own work: ``judge`` never counts the
uploader's own artworks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

import attrs

DUPLICATE_THRESHOLD = 85.0
LABELS_WEIGHT = 60.0
FACES_WEIGHT = 40.0
CODE_BITS = 128
CODE_BYTES = CODE_BITS // 8
# Crop hypotheses probed per image (four sides, four corners, centred); see the adapter.
PROBE_COUNT = 9


def _unit_interval(instance: object, attribute: attrs.Attribute[float | None],
                   value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{attribute.name} must be a number in [0, 1]")
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"{attribute.name} must be in [0, 1], got {value!r}")


def _score_range(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not (math.isfinite(value) and 0.0 <= value <= 100.0):
        raise ValueError(f"{attribute.name} must be in [0, 100], got {value!r}")


@attrs.frozen
class SimilaritySignals:
    """How alike two images are, by each available detector; None when a detector did not run."""

    perceptual: float | None = attrs.field(default=None, validator=_unit_interval)
    labels: float | None = attrs.field(default=None, validator=_unit_interval)
    faces: float | None = attrs.field(default=None, validator=_unit_interval)


def duplicate_score(signals: SimilaritySignals) -> float:
    """The duplicate score in [0, 100]: the stronger of the perceptual and Rekognition evidence."""
    perceptual = 100.0 * (signals.perceptual or 0.0)
    rekognition = LABELS_WEIGHT * (signals.labels or 0.0) + FACES_WEIGHT * (signals.faces or 0.0)
    return min(100.0, max(0.0, perceptual, rekognition))


class Candidate(NamedTuple):
    """A stored artwork that resembles the upload, with the signals comparing the two."""

    artwork_id: int
    artist_id: int
    signals: SimilaritySignals


@attrs.frozen
class DuplicateVerdict:
    """The closest artwork by another artist, its score, and whether that makes a duplicate."""

    score: float = attrs.field(validator=_score_range)
    matched_artwork_id: int | None
    is_duplicate: bool

    @classmethod
    def clear(cls) -> DuplicateVerdict:
        return cls(score=0.0, matched_artwork_id=None, is_duplicate=False)


def judge(candidates: Iterable[Candidate | tuple[int, int, SimilaritySignals]],
          uploader_artist_id: int) -> DuplicateVerdict:
    """Decide whether an upload duplicates someone else's artwork; own artworks never count."""
    best: tuple[float, int] | None = None
    for artwork_id, artist_id, signals in candidates:
        if artist_id == uploader_artist_id:
            continue
        score = duplicate_score(signals)
        # Highest score wins; ties go to the oldest (lowest id) artwork, so verdicts are stable.
        if best is None or (score, -artwork_id) > (best[0], -best[1]):
            best = (score, artwork_id)
    if best is None:
        return DuplicateVerdict.clear()
    score, artwork_id = best
    return DuplicateVerdict(score=score, matched_artwork_id=artwork_id,
                            is_duplicate=score >= DUPLICATE_THRESHOLD)


def _code(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << CODE_BITS:
        raise ValueError(f"{attribute.name} must be an unsigned {CODE_BITS}-bit integer")


def _probes(instance: object, attribute: attrs.Attribute[tuple[int, ...]],
            value: tuple[int, ...]) -> None:
    if len(value) != PROBE_COUNT:
        raise ValueError(f"{attribute.name} must hold {PROBE_COUNT} codes, got {len(value)}")
    for code in value:
        _code(instance, attribute, code)


@attrs.frozen
class ImageFingerprint:
    """Perceptual hash codes of one image, each a 128-bit unsigned integer.

    ``whole`` hashes the whole image; ``center`` hashes its central region (what any modest
    crop of it still shows); ``probes`` hash, for each crop hypothesis, the region of this image
    that would be the central region of an image this one was cropped from. The adapter that
    computes them also compares them.
    """

    whole: int = attrs.field(validator=_code)
    center: int = attrs.field(validator=_code)
    probes: tuple[int, ...] = attrs.field(converter=tuple, validator=_probes)

    def to_bytes(self) -> bytes:
        """A compact, stable form to store: every code as 16 big-endian bytes."""
        codes = (self.whole, self.center, *self.probes)
        return b"".join(code.to_bytes(CODE_BYTES, "big") for code in codes)

    @classmethod
    def from_bytes(cls, data: bytes) -> ImageFingerprint:
        expected = CODE_BYTES * (2 + PROBE_COUNT)
        if len(data) != expected:
            # An older format (64-bit codes were 88 bytes) cannot be converted: recompute it.
            raise ValueError(f"not a stored image fingerprint of this format: {len(data)} "
                             f"bytes, expected {expected}; fingerprint the image again")
        codes = [int.from_bytes(data[i:i + CODE_BYTES], "big")
                 for i in range(0, len(data), CODE_BYTES)]
        return cls(whole=codes[0], center=codes[1], probes=tuple(codes[2:]))
