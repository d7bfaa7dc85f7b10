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

Three outcomes, by score (``judge``):

- ``DUPLICATE`` at ``DUPLICATE_THRESHOLD`` (85) or more: the upload is refused;
- ``REVIEW`` in the grey band from ``REVIEW_THRESHOLD`` (70) up to 85: the upload is taken but
  held for moderation, with the candidate shown to staff. A pair's chance of scoring this high
  by accident is tiny, but an upload meets the whole catalogue, so its chance of meeting one
  such stranger grows with the catalogue (``benchmarks/duplicate_eval.py`` measures both
  bands); the band leaves the doubtful cases to a person instead of refusing them;
- ``CLEAR`` below 70.

Which artwork is named: the original, that is the earliest-uploaded artwork among those that
match (of the highest band reached), not the closest or the latest copy: once one copy slipped
through, later copies resemble it as much as the original, and the original's artist must be
the one named. The same artist may upload variations of their own work: when that earliest
match is the uploader's own artwork, the verdict is ``CLEAR``, so a copy that slipped past the
check never blocks the real author. A match that is the uploader's own but *later* than
another artist's one does not exempt the upload: it is the other artist's work that came first.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

import attrs

DUPLICATE_THRESHOLD = 85.0
REVIEW_THRESHOLD = 70.0
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
    """A stored artwork that resembles the upload, with the signals comparing the two, and when
    its image was uploaded (the original of a picture is its earliest upload)."""

    artwork_id: int
    artist_id: int
    signals: SimilaritySignals
    uploaded_at: datetime


class Outcome(enum.StrEnum):
    CLEAR = "clear"
    REVIEW = "review"
    DUPLICATE = "duplicate"


def outcome_of(score: float) -> Outcome:
    """The band a score falls in."""
    if score >= DUPLICATE_THRESHOLD:
        return Outcome.DUPLICATE
    if score >= REVIEW_THRESHOLD:
        return Outcome.REVIEW
    return Outcome.CLEAR


@attrs.frozen
class DuplicateVerdict:
    """What to do with an upload, and the artwork it is judged against.

    For ``DUPLICATE`` and ``REVIEW``, ``matched_artwork_id`` is the original (another artist's
    artwork) and ``score`` the upload's score against it. For ``CLEAR``, ``score`` is the
    highest score against any other artist's artwork (0 when none resembles it) and
    ``matched_artwork_id`` that artwork, if any.
    """

    score: float = attrs.field(validator=_score_range)
    matched_artwork_id: int | None
    outcome: Outcome = attrs.field(converter=Outcome)

    @property
    def is_duplicate(self) -> bool:
        return self.outcome is Outcome.DUPLICATE

    @property
    def needs_review(self) -> bool:
        return self.outcome is Outcome.REVIEW

    @classmethod
    def clear(cls) -> DuplicateVerdict:
        return cls(score=0.0, matched_artwork_id=None, outcome=Outcome.CLEAR)


def judge(candidates: Iterable[Candidate], uploader_artist_id: int) -> DuplicateVerdict:
    """Refuse, hold for review, or clear an upload, naming the original it resembles.

    The highest band that any candidate reaches decides (own artworks included); within it,
    the original is the earliest-uploaded candidate (ties: the lowest id). If that original is
    the uploader's own, the upload is a variation and is cleared.
    """
    scored = [(duplicate_score(c.signals), c) for c in candidates]
    others = [(score, c) for score, c in scored if c.artist_id != uploader_artist_id]
    # The closest other artist's work (ties: the earliest), reported when the upload is clear.
    closest = min(others, default=None, key=lambda item: (-item[0], _upload_order(item[1])))
    for band in (Outcome.DUPLICATE, Outcome.REVIEW):
        matching = [(score, c) for score, c in scored if outcome_of(score) is band]
        if not matching:
            continue
        score, original = min(matching, key=lambda item: _upload_order(item[1]))
        if original.artist_id == uploader_artist_id:
            break  # a variation of the uploader's own earlier work
        return DuplicateVerdict(score=score, matched_artwork_id=original.artwork_id,
                                outcome=band)
    if closest is None:
        return DuplicateVerdict.clear()
    return DuplicateVerdict(score=closest[0], matched_artwork_id=closest[1].artwork_id,
                            outcome=Outcome.CLEAR)


def _upload_order(candidate: Candidate) -> tuple[datetime, int]:
    return candidate.uploaded_at, candidate.artwork_id


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
