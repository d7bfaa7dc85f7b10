"""The artwork keeps what the duplicate check of its current image found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cultureup.domain.catalog.artworks import Artwork, ArtworkDetails, ModerationStatus
from cultureup.domain.catalog.categories import Category
from cultureup.domain.money import Money
from tests.unit.builders import artist

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _artwork() -> Artwork:
    category = Category(id=1, name="Photography", created_at=NOW, updated_at=NOW)
    details = ArtworkDetails(title="Coins", description="Old coins", category_id=1,
                             artwork_type="digital", price=Money("100.00"))
    artwork = Artwork.upload(artist=artist(), details=details, category=category,
                             image_key="a.jpg", watermarked_key="a_wm.jpg", now=NOW)
    artwork.id = 7
    return artwork


def test_an_upload_records_when_its_image_was_uploaded_and_a_replacement_moves_it() -> None:
    artwork = _artwork()
    assert artwork.image_uploaded_at == NOW
    later = NOW + timedelta(days=3)
    artwork.replace_image(by=artist(), image_key="b.jpg", watermarked_key="b_wm.jpg", now=later)
    assert artwork.image_uploaded_at == later
    assert artwork.created_at == NOW


def test_a_grey_band_image_goes_back_to_moderation_with_its_candidate() -> None:
    artwork = _artwork()
    artwork.moderation_status = ModerationStatus.APPROVED
    artwork.record_duplicate_check(score=79.7, candidate_id=3, held=True)
    assert artwork.moderation_status is ModerationStatus.PENDING
    assert (artwork.duplicate_candidate_id, artwork.duplicate_candidate_score) == (3, 79.7)
    assert artwork.similarity_score == 79.7


def test_a_clear_image_drops_the_earlier_candidate_and_keeps_the_status() -> None:
    artwork = _artwork()
    artwork.record_duplicate_check(score=79.7, candidate_id=3, held=True)
    artwork.moderation_status = ModerationStatus.APPROVED
    artwork.record_duplicate_check(score=12.0, candidate_id=5, held=False)
    assert artwork.moderation_status is ModerationStatus.APPROVED
    assert artwork.duplicate_candidate_id is None
    assert artwork.duplicate_candidate_score is None
    assert artwork.similarity_score == 12.0


def test_a_held_image_names_what_it_resembles() -> None:
    with pytest.raises(ValueError, match="names"):
        _artwork().record_duplicate_check(score=80.0, candidate_id=None, held=True)
