"""Duplicate scoring: the score's properties, the verdict (bands, the original named), and the
same-artist exemption."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.adapters.vision.perceptual import perceptual_similarity
from cultureup.domain.catalog.duplicates import (
    DUPLICATE_THRESHOLD,
    PROBE_COUNT,
    REVIEW_THRESHOLD,
    Candidate,
    DuplicateVerdict,
    ImageFingerprint,
    Outcome,
    SimilaritySignals,
    duplicate_score,
    judge,
    outcome_of,
)

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
maybe_unit = st.none() | unit
signals = st.builds(SimilaritySignals, perceptual=maybe_unit, labels=maybe_unit,
                    faces=maybe_unit)
codes = st.integers(min_value=0, max_value=2**128 - 1)
fingerprints = st.builds(ImageFingerprint, whole=codes, center=codes,
                         probes=st.lists(codes, min_size=PROBE_COUNT, max_size=PROBE_COUNT))
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
# Upload times from a small range, so that ties (broken by id) happen too.
moments = st.integers(0, 20).map(lambda minutes: EPOCH + timedelta(minutes=minutes))
candidates = st.lists(st.builds(Candidate, st.integers(1, 10_000), st.integers(1, 5), signals,
                                moments),
                      max_size=12, unique_by=lambda c: c.artwork_id)
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


def _order(candidate: Candidate) -> tuple[datetime, int]:
    return candidate.uploaded_at, candidate.artwork_id


@given(candidates, st.integers(1, 5))
def test_the_verdict_names_the_earliest_match_of_the_highest_band(
        found: list[Candidate], uploader: int) -> None:
    verdict = judge(found, uploader)
    scores = {c.artwork_id: duplicate_score(c.signals) for c in found}
    by_id = {c.artwork_id: c for c in found}
    for band in (Outcome.DUPLICATE, Outcome.REVIEW):
        matching = [c for c in found if outcome_of(scores[c.artwork_id]) is band]
        if matching:
            original = min(matching, key=_order)
            if original.artist_id == uploader:  # a variation of the uploader's own work
                assert verdict.outcome is Outcome.CLEAR
            else:
                assert verdict.outcome is band
                assert verdict.matched_artwork_id == original.artwork_id
                assert verdict.score == scores[original.artwork_id]
            break
    else:
        assert verdict.outcome is Outcome.CLEAR
    if verdict.matched_artwork_id is not None:
        # Never the uploader's own work, and the score is the one against the named artwork.
        assert by_id[verdict.matched_artwork_id].artist_id != uploader
        assert verdict.score == scores[verdict.matched_artwork_id]
    if verdict.outcome is Outcome.CLEAR:
        others = [scores[c.artwork_id] for c in found if c.artist_id != uploader]
        assert verdict.score == max(others, default=0.0)


@given(candidates, st.integers(1, 5))
def test_own_artworks_never_count_against_the_uploader(found: list[Candidate],
                                                       uploader: int) -> None:
    """Without the uploader's own works, the verdict can only get stricter, never milder:
    owning the earliest match is what clears an upload, nothing else does."""
    verdict = judge(found, uploader)
    strangers = judge([c for c in found if c.artist_id != uploader], uploader)
    severity = [Outcome.CLEAR, Outcome.REVIEW, Outcome.DUPLICATE]
    assert severity.index(verdict.outcome) <= severity.index(strangers.outcome)


@given(candidates, st.integers(1, 5), signals, st.integers(1, 5))
def test_a_later_copy_never_changes_which_original_is_named(
        found: list[Candidate], uploader: int, copy_signals: SimilaritySignals,
        copier: int) -> None:
    """A copy that slipped through (uploaded after everything else, in the same band) does not
    take the original's place."""
    verdict = judge(found, uploader)
    if verdict.outcome is Outcome.CLEAR:
        return
    latest = max((c.uploaded_at for c in found), default=EPOCH)
    copy_score = attrs.evolve(copy_signals, perceptual=min(
        1.0, max(copy_signals.perceptual or 0.0, verdict.score / 100)))
    copy = Candidate(20_000, copier, copy_score, latest + timedelta(days=1))
    again = judge([*found, copy], uploader)
    if outcome_of(duplicate_score(copy_score)) is verdict.outcome:
        assert again == verdict


@given(candidates, st.integers(1, 5), st.randoms())
def test_verdict_does_not_depend_on_candidate_order(found: list, uploader: int,
                                                    rng: random.Random) -> None:
    shuffled = list(found)
    rng.shuffle(shuffled)
    assert judge(shuffled, uploader) == judge(found, uploader)


@given(st.floats(0, 100, allow_nan=False))
def test_bands(score: float) -> None:
    expected = (Outcome.DUPLICATE if score >= DUPLICATE_THRESHOLD else
                Outcome.REVIEW if score >= REVIEW_THRESHOLD else Outcome.CLEAR)
    assert outcome_of(score) is expected


@given(signals)
def test_an_artist_may_upload_an_exact_copy_of_their_own_work(s: SimilaritySignals) -> None:
    exact = attrs.evolve(s, perceptual=1.0)
    assert judge([Candidate(7, 3, exact, EPOCH)], uploader_artist_id=3) \
        == DuplicateVerdict.clear()


@pytest.mark.parametrize(("signals", "score", "outcome"), [
    (SimilaritySignals(), 0.0, Outcome.CLEAR),
    (SimilaritySignals(perceptual=0.85), 85.0, Outcome.DUPLICATE),  # the boundary is one
    (SimilaritySignals(perceptual=0.84), 84.0, Outcome.REVIEW),
    (SimilaritySignals(perceptual=0.70), 70.0, Outcome.REVIEW),  # the grey band's floor
    (SimilaritySignals(perceptual=0.69), 69.0, Outcome.CLEAR),
    (SimilaritySignals(labels=0.9, faces=0.9), 90.0, Outcome.DUPLICATE),
    (SimilaritySignals(labels=0.8, faces=1.0), 88.0, Outcome.DUPLICATE),
    (SimilaritySignals(labels=1.0), 60.0, Outcome.CLEAR),  # shared labels alone never condemn
    (SimilaritySignals(faces=1.0), 40.0, Outcome.CLEAR),  # nor does one shared face
    (SimilaritySignals(labels=1.0, faces=0.3), 72.0, Outcome.REVIEW),
    (SimilaritySignals(perceptual=0.5, labels=0.9, faces=0.95), 92.0, Outcome.DUPLICATE),
    (SimilaritySignals(perceptual=0.9, labels=0.2, faces=0.0), 90.0, Outcome.DUPLICATE),
])
def test_scores_follow_the_spec(signals: SimilaritySignals, score: float,
                                outcome: Outcome) -> None:
    assert duplicate_score(signals) == pytest.approx(score)
    verdict = judge([Candidate(1, 2, signals, EPOCH)], uploader_artist_id=9)
    assert verdict.outcome is outcome
    assert verdict.is_duplicate is (outcome is Outcome.DUPLICATE)
    assert verdict.needs_review is (outcome is Outcome.REVIEW)
    assert verdict.matched_artwork_id == 1  # the closest other work, even when clear


def at(minutes: int) -> datetime:
    return EPOCH + timedelta(minutes=minutes)


def test_the_original_is_named_not_the_closest_or_latest_copy() -> None:
    verdict = judge([
        Candidate(10, artist_id=1, signals=SimilaritySignals(perceptual=1.0), uploaded_at=at(9)),
        Candidate(11, artist_id=2, signals=SimilaritySignals(perceptual=0.6), uploaded_at=at(0)),
        Candidate(12, artist_id=3, signals=SimilaritySignals(perceptual=0.9), uploaded_at=at(5)),
        Candidate(13, artist_id=4, signals=SimilaritySignals(perceptual=0.97), uploaded_at=at(7)),
    ], uploader_artist_id=5)
    assert verdict == DuplicateVerdict(score=90.0, matched_artwork_id=12,
                                       outcome=Outcome.DUPLICATE)


def test_the_author_may_upload_a_variation_after_a_copy_slipped_in() -> None:
    original = Candidate(1, artist_id=1, signals=SimilaritySignals(perceptual=0.9),
                         uploaded_at=at(0))
    slipped = Candidate(2, artist_id=2, signals=SimilaritySignals(perceptual=0.95),
                        uploaded_at=at(10))
    assert judge([original, slipped], uploader_artist_id=1).outcome is Outcome.CLEAR
    # The copier, and anyone else, is refused and told whose work it is.
    for uploader in (2, 3):
        verdict = judge([original, slipped], uploader_artist_id=uploader)
        assert (verdict.outcome, verdict.matched_artwork_id) == (Outcome.DUPLICATE, 1)


def test_an_own_match_later_than_another_artists_does_not_exempt() -> None:
    theirs = Candidate(1, artist_id=1, signals=SimilaritySignals(perceptual=0.9),
                       uploaded_at=at(0))
    own_copy = Candidate(2, artist_id=2, signals=SimilaritySignals(perceptual=1.0),
                         uploaded_at=at(10))
    verdict = judge([theirs, own_copy], uploader_artist_id=2)
    assert (verdict.outcome, verdict.matched_artwork_id) == (Outcome.DUPLICATE, 1)


def test_the_grey_band_holds_for_review_and_names_the_candidate() -> None:
    verdict = judge([
        Candidate(4, artist_id=1, signals=SimilaritySignals(perceptual=0.78), uploaded_at=at(3)),
        Candidate(5, artist_id=2, signals=SimilaritySignals(perceptual=0.5), uploaded_at=at(1)),
    ], uploader_artist_id=3)
    assert verdict == DuplicateVerdict(score=78.0, matched_artwork_id=4, outcome=Outcome.REVIEW)
    assert verdict.needs_review and not verdict.is_duplicate


def test_a_strong_match_outranks_an_earlier_grey_one() -> None:
    verdict = judge([
        Candidate(4, artist_id=1, signals=SimilaritySignals(perceptual=0.78), uploaded_at=at(0)),
        Candidate(5, artist_id=2, signals=SimilaritySignals(perceptual=0.9), uploaded_at=at(5)),
    ], uploader_artist_id=3)
    assert (verdict.outcome, verdict.matched_artwork_id) == (Outcome.DUPLICATE, 5)


def test_ties_in_upload_time_go_to_the_lower_id() -> None:
    same = SimilaritySignals(perceptual=0.9)
    verdict = judge([Candidate(8, 1, same, at(0)), Candidate(6, 2, same, at(0))],
                    uploader_artist_id=3)
    assert verdict.matched_artwork_id == 6


def test_no_candidates_means_no_duplicate() -> None:
    assert judge([], uploader_artist_id=1) == DuplicateVerdict(0.0, None, Outcome.CLEAR)


@pytest.mark.parametrize("value", [-0.01, 1.01, math.nan, math.inf])
def test_signals_outside_the_unit_interval_are_refused(value: float) -> None:
    with pytest.raises(ValueError, match="perceptual"):
        SimilaritySignals(perceptual=value)


def test_a_signal_must_be_a_number() -> None:
    with pytest.raises(TypeError):
        SimilaritySignals(labels=True)


def test_a_verdict_score_is_bounded() -> None:
    with pytest.raises(ValueError, match="score"):
        DuplicateVerdict(score=100.5, matched_artwork_id=1, outcome=Outcome.DUPLICATE)


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
