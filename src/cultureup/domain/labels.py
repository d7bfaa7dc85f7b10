"""Image labels (what an analyzer sees in a picture) and how alike two label sets are.

The duplicate rule weighs label similarity at 60% and face similarity at 40%; this module
gives the label half, as a number in [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

LABEL_NAME_MAX = 200


def _clean_name(value: str) -> str:
    if not isinstance(value, str):
        raise TypeError("a label name is a str")
    name = " ".join(value.split())
    if not name:
        raise ValueError("a label needs a name")
    if len(name) > LABEL_NAME_MAX:
        raise ValueError(f"a label name has at most {LABEL_NAME_MAX} characters")
    return name


def _clean_confidence(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("a label confidence is a number")
    confidence = float(value)
    if not math.isfinite(confidence) or not 0.0 <= confidence <= 100.0:
        raise ValueError("a label confidence is between 0 and 100")
    return confidence


@attrs.frozen
class Label:
    """Something seen in an image ("Painting", "Sunset"), with the analyzer's confidence in
    percent."""

    name: str = attrs.field(converter=_clean_name)
    confidence: float = attrs.field(converter=_clean_confidence)

    @property
    def key(self) -> str:
        """The name as compared: case and spacing do not make two labels different."""
        return self.name.casefold()


def _weights(labels: Sequence[Label]) -> dict[str, float]:
    # A label named twice counts once, at its higher confidence.
    weights: dict[str, float] = {}
    for label in labels:
        weights[label.key] = max(weights.get(label.key, 0.0), label.confidence / 100.0)
    return weights


def label_similarity(a: Sequence[Label], b: Sequence[Label]) -> float:
    """How alike two label sets are, from 0.0 (nothing shared) to 1.0 (the same labels at the
    same confidences): the weighted Jaccard index of the names, each weighted by confidence.

    Symmetric; 0.0 when either set is empty. A label seen confidently in one image and barely
    in the other adds little, so two paintings that merely share "Art" score low.
    """
    weights_a, weights_b = _weights(a), _weights(b)
    if not weights_a or not weights_b:
        return 0.0
    # Sum in one fixed order so similarity(a, b) and similarity(b, a) are bit-for-bit equal.
    names = sorted(weights_a.keys() | weights_b.keys())
    shared = sum(min(weights_a.get(name, 0.0), weights_b.get(name, 0.0)) for name in names)
    total = sum(max(weights_a.get(name, 0.0), weights_b.get(name, 0.0)) for name in names)
    if total == 0.0:
        # Every confidence is zero: the weights say nothing, so compare the names alone.
        return len(weights_a.keys() & weights_b.keys()) / len(names)
    return shared / total
