"""Duplicate scoring: the score's properties, the verdict, and the same-artist exemption."""

from __future__ import annotations

import math
import random

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.adapters.vision.perceptual import perceptual_similarity
from cultureup.domain.duplicates import (
    DUPLICATE_THRESHOLD,
    PROBE_COUNT,
    Candidate,
    DuplicateVerdict,
    ImageFingerprint,
    SimilaritySignals,
    duplicate_score,
    judge,
)

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
maybe_unit = st.none() | unit
signals = st.builds(SimilaritySignals, perceptual=maybe_unit, labels=maybe_unit,
                    faces=maybe_unit)
codes = st.integers(min_value=0, max_value=2**128 - 1)
fingerprints = st.builds(ImageFingerprint, whole=codes, center=codes,
                         probes=st.lists(codes, min_size=PROBE_COUNT, max_size=PROBE_COUNT))
candidates = st.lists(st.tuples(st.integers(1, 10_000), st.integers(1, 5), signals),
                      max_size=12, unique_by=lambda c: c[0])
COMPONENTS = ("perceptual", "labels", "faces")


@given(signals)
def test_score_is_bounded_between_0_and_100(s: SimilaritySignals) -> None:
    score = duplicate_score(s)
    assert 0.0 <= score <= 100.0
    assert math.isfinite(score)


@given(st.none() | unit, st.none() | unit)
def test_an_identical_image_scores_100_whatever_rekognition_says(labels: float | None,
                                                                  faces: float | None) -> None:
    assert duplicate_score(SimilaritySignals(perceptual=1.0, labels=labels, faces=faces)) == 100


@given(fingerprints, fingerprints, maybe_unit, maybe_unit)
def test_score_of_a_pair_is_symmetric(a: ImageFingerprint, b: ImageFingerprint,
                                      labels: float | None, faces: float | None) -> None:
    # Rekognition's signals are symmetric by construction; the perceptual one by the adapter.
    ab = SimilaritySignals(perceptual=perceptual_similarity(a, b), labels=labels, faces=faces)
    ba = SimilaritySignals(perceptual=perceptual_similarity(b, a), labels=labels, faces=faces)
    assert duplicate_score(ab) == duplicate_score(ba)


@given(fingerprints)
def test_a_fingerprint_is_perfectly_similar_to_itself(a: ImageFingerprint) -> None:
    assert duplicate_score(SimilaritySignals(perceptual=perceptual_similarity(a, a))) == 100


@given(signals, st.sampled_from(COMPONENTS), unit)
def test_score_never_drops_when_one_signal_rises(s: SimilaritySignals, component: str,
                                                 raised: float) -> None:
    current = getattr(s, component)
    if current is not None and raised < current:
        raised = current
    higher = attrs.evolve(s, **{component: raised})
    assert duplicate_score(higher) >= duplicate_score(s)


@given(candidates, st.integers(1, 5))
def test_own_artworks_never_count_as_duplicates(found: list[tuple[int, int, SimilaritySignals]],
                                                uploader: int) -> None:
    verdict = judge(found, uploader)
    own = {artwork for artwork, artist, _ in found if artist == uploader}
    assert verdict.matched_artwork_id not in own
    others = [duplicate_score(s) for _, artist, s in found if artist != uploader]
    assert verdict.score == max(others, default=0.0)
    assert verdict.is_duplicate == (verdict.score >= DUPLICATE_THRESHOLD)


@given(candidates, st.integers(1, 5), st.randoms())
def test_verdict_does_not_depend_on_candidate_order(found: list, uploader: int,
                                                    rng: random.Random) -> None:
    shuffled = list(found)
    rng.shuffle(shuffled)
    assert judge(shuffled, uploader) == judge(found, uploader)


@given(signals)
def test_an_artist_may_upload_an_exact_copy_of_their_own_work(s: SimilaritySignals) -> None:
    exact = attrs.evolve(s, perceptual=1.0)
    assert judge([Candidate(7, 3, exact)], uploader_artist_id=3) == DuplicateVerdict.clear()


@pytest.mark.parametrize(("signals", "score", "duplicate"), [
    (SimilaritySignals(), 0.0, False),
    (SimilaritySignals(perceptual=0.85), 85.0, True),  # the boundary is a duplicate
    (SimilaritySignals(perceptual=0.84), 84.0, False),
    (SimilaritySignals(labels=0.9, faces=0.9), 90.0, True),
    (SimilaritySignals(labels=0.8, faces=1.0), 88.0, True),
    (SimilaritySignals(labels=1.0), 60.0, False),  # shared labels alone never condemn
    (SimilaritySignals(faces=1.0), 40.0, False),  # nor does one shared face
    (SimilaritySignals(perceptual=0.5, labels=0.9, faces=0.95), 92.0, True),
    (SimilaritySignals(perceptual=0.9, labels=0.2, faces=0.0), 90.0, True),
])
def test_scores_follow_the_spec(signals: SimilaritySignals, score: float,
                                duplicate: bool) -> None:
    assert duplicate_score(signals) == pytest.approx(score)
    verdict = judge([Candidate(1, 2, signals)], uploader_artist_id=9)
    assert verdict.is_duplicate is duplicate
    assert verdict.matched_artwork_id == 1


def test_the_closest_work_by_another_artist_is_the_match() -> None:
    verdict = judge([
        Candidate(10, artist_id=1, signals=SimilaritySignals(perceptual=1.0)),  # own work
        Candidate(11, artist_id=2, signals=SimilaritySignals(perceptual=0.6)),
        Candidate(12, artist_id=3, signals=SimilaritySignals(perceptual=0.9)),
        Candidate(13, artist_id=4, signals=SimilaritySignals(perceptual=0.9)),
    ], uploader_artist_id=1)
    assert verdict == DuplicateVerdict(score=90.0, matched_artwork_id=12, is_duplicate=True)


def test_no_candidates_means_no_duplicate() -> None:
    assert judge([], uploader_artist_id=1) == DuplicateVerdict(0.0, None, False)


@pytest.mark.parametrize("value", [-0.01, 1.01, math.nan, math.inf])
def test_signals_outside_the_unit_interval_are_refused(value: float) -> None:
    with pytest.raises(ValueError, match="perceptual"):
        SimilaritySignals(perceptual=value)


def test_a_signal_must_be_a_number() -> None:
    with pytest.raises(TypeError):
        SimilaritySignals(labels=True)


def test_a_verdict_score_is_bounded() -> None:
    with pytest.raises(ValueError, match="score"):
        DuplicateVerdict(score=100.5, matched_artwork_id=1, is_duplicate=True)


@given(fingerprints)
def test_a_fingerprint_survives_its_stored_form(fingerprint: ImageFingerprint) -> None:
    assert ImageFingerprint.from_bytes(fingerprint.to_bytes()) == fingerprint


@pytest.mark.parametrize("fields", [
    {"whole": -1, "center": 0, "probes": (0,) * PROBE_COUNT},
    {"whole": 2**128, "center": 0, "probes": (0,) * PROBE_COUNT},
    {"whole": 0, "center": 0, "probes": (0,) * (PROBE_COUNT - 1)},
    {"whole": 0, "center": True, "probes": (0,) * PROBE_COUNT},
])
def test_fingerprints_hold_exactly_their_128_bit_codes(fields: dict) -> None:
    with pytest.raises(ValueError):
        ImageFingerprint(**fields)


def test_a_stored_fingerprint_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="stored"):
        ImageFingerprint.from_bytes(b"\x00" * 10)
