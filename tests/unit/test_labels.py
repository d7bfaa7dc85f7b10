"""Image labels and their similarity: the label half of the duplicate score."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.domain.labels import Label, label_similarity

# A small vocabulary, so random label sets share names often enough to be interesting.
names = st.sampled_from(["Art", "Painting", "Sunset", "Portrait", "Person", "Sky", "Ocean",
                         "Canvas", "Flower", "Abstract"])
confidences = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)
labels = st.builds(Label, name=names, confidence=confidences)
label_lists = st.lists(labels, max_size=12)


@given(label_lists, label_lists)
def test_similarity_is_symmetric(a: list[Label], b: list[Label]) -> None:
    assert label_similarity(a, b) == label_similarity(b, a)


@given(label_lists, label_lists)
def test_similarity_is_between_zero_and_one(a: list[Label], b: list[Label]) -> None:
    assert 0.0 <= label_similarity(a, b) <= 1.0


@given(st.lists(labels, min_size=1, max_size=12), st.randoms())
def test_a_label_set_is_identical_to_itself_in_any_order_and_case(
        a: list[Label], rng: random.Random) -> None:
    shuffled = [Label(name=label.name.upper(), confidence=label.confidence) for label in a]
    rng.shuffle(shuffled)
    assert label_similarity(a, a) == 1.0
    assert label_similarity(a, shuffled) == 1.0


@given(label_lists)
def test_nothing_is_similar_to_an_empty_label_set(a: list[Label]) -> None:
    assert label_similarity(a, []) == 0.0
    assert label_similarity([], a) == 0.0


def test_disjoint_label_sets_share_nothing() -> None:
    a = [Label("Sunset", 99.0), Label("Ocean", 90.0)]
    b = [Label("Portrait", 99.0), Label("Person", 97.0)]
    assert label_similarity(a, b) == 0.0


def test_similarity_is_the_confidence_weighted_jaccard_index() -> None:
    a = [Label("Art", 99.0), Label("Painting", 80.0), Label("Sunset", 60.0)]
    b = [Label("art", 90.0), Label("Painting", 80.0), Label("Portrait", 50.0)]
    shared = 0.90 + 0.80
    total = 0.99 + 0.80 + 0.60 + 0.50
    assert math.isclose(label_similarity(a, b), shared / total)


def test_a_label_shared_at_low_confidence_adds_little() -> None:
    sure = [Label("Art", 99.0), Label("Sunset", 95.0)]
    assert label_similarity(sure, [Label("Art", 99.0), Label("Sunset", 10.0)]) < \
        label_similarity(sure, [Label("Art", 99.0), Label("Sunset", 90.0)])


def test_a_name_given_twice_counts_once_at_its_higher_confidence() -> None:
    once = [Label("Art", 90.0)]
    twice = [Label("Art", 40.0), Label("ART", 90.0)]
    assert label_similarity(once, twice) == 1.0


def test_zero_confidence_labels_are_compared_by_name() -> None:
    a = [Label("Art", 0.0), Label("Sky", 0.0)]
    b = [Label("Art", 0.0)]
    assert label_similarity(a, a) == 1.0
    assert label_similarity(a, b) == 0.5


def test_label_names_are_trimmed_and_compared_without_case() -> None:
    label = Label("  Digital   Art ", 88.5)
    assert label.name == "Digital Art"
    assert label.key == Label("digital art", 10.0).key


@pytest.mark.parametrize("confidence", [-0.1, 100.01, math.nan, math.inf])
def test_a_confidence_is_a_percentage(confidence: float) -> None:
    with pytest.raises(ValueError):
        Label("Art", confidence)


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_a_label_needs_a_reasonable_name(name: str) -> None:
    with pytest.raises(ValueError):
        Label(name, 50.0)


def test_labels_are_immutable_values() -> None:
    assert Label("Art", 50) == Label("Art", 50.0)
    with pytest.raises(AttributeError):
        Label("Art", 50).confidence = 60  # type: ignore[misc]
