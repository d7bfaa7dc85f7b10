"""Duplicate detection on real photographs (those scikit-image ships), through the upload route:
mirrored and turned copies, the original named, the author's variations, the grey band held
for moderation, and how many artworks each upload was compared with."""

from __future__ import annotations

import pytest
from PIL import Image

from cultureup.adapters.vision.perceptual import PerceptualFingerprinter, oriented_distance
from cultureup.adapters.vision.sanitize import PillowImageSanitizer
from cultureup.domain.catalog.duplicates import DUPLICATE_THRESHOLD, REVIEW_THRESHOLD
from tests.integration.artwork_images import cropped as crop
from tests.integration.artwork_images import jpeg as drawn_jpeg
from tests.integration.artwork_images import photo_jpeg as jpeg
from tests.integration.artwork_images import photograph
from tests.integration.conftest import ApiUser, Marketplace
from tests.integration.test_artworks_api import upload

TURNS = {
    "mirrored left-right": Image.Transpose.FLIP_LEFT_RIGHT,
    "mirrored top-bottom": Image.Transpose.FLIP_TOP_BOTTOM,
    "turned 90": Image.Transpose.ROTATE_90,
    "turned 180": Image.Transpose.ROTATE_180,
    "turned 270": Image.Transpose.ROTATE_270,
}


@pytest.fixture
def category(market: Marketplace) -> int:
    return market.category("Photography")


@pytest.fixture
def staff(market: Marketplace) -> ApiUser:
    market.admin_actor()
    login = market.client.simulate_post("/api/auth/login/", json={
        "username": "root", "password": "Str0ng-Palette-42!"})
    assert login.status_code == 200, login.json
    return ApiUser(id=login.json["user"]["id"], username="root", token=login.json["token"],
                   user_type="admin")


def _posted(market: Marketplace, artist: ApiUser, image: bytes, category: int,
            title: str) -> dict:
    market.clock.advance(minutes=1)
    response = upload(market, artist, image, category_id=category, title=title)
    assert response.status_code == 201, response.json
    return response.json


@pytest.mark.parametrize("turn", TURNS)
def test_a_mirrored_or_turned_copy_is_refused_naming_the_original(
        market: Marketplace, category: int, turn: str) -> None:
    author, copier = market.user("artist"), market.user("artist")
    image = photograph("astronaut")
    original = _posted(market, author, jpeg(image), category, "Astronaut")["artwork"]
    market.clock.advance(minutes=1)
    response = upload(market, copier, jpeg(image.transpose(TURNS[turn])),
                      category_id=category, title="Mine now")
    assert response.status_code == 400, response.json
    assert response.json["duplicate_detected"] is True
    assert response.json["similarity_score"] >= DUPLICATE_THRESHOLD
    assert response.json["matched_artwork"] == {"id": original["id"], "title": "Astronaut",
                                                "artist": author.username}


def test_total_compared_counts_every_stored_artwork(market: Marketplace,
                                                    category: int) -> None:
    """Eight other artists' artworks are stored: the upload was compared with all eight, not
    only with the near ones (there are none)."""
    for seed in range(8):
        _posted(market, market.user("artist"), drawn_jpeg(300 + seed), category, f"Work {seed}")
    body = _posted(market, market.user("artist"), jpeg(photograph("coffee")), category,
                   "Coffee")
    assert body["duplicate_check"] == {"checked": True, "total_compared": 8,
                                       "duplicate_found": False, "held_for_review": False}


# A copy that slips in: the coins photograph with 15 % cut off its left side is in the grey
# band against the original (held for moderation, not refused), and a 12 % crop is a clear
# duplicate of both, closer to the slipped copy than to the original.
SLIPPED_CROP, VARIATION_CROP = 0.15, 0.12


def _coins() -> tuple[bytes, bytes, bytes]:
    image = photograph("coins")
    return (jpeg(image), jpeg(crop(image, SLIPPED_CROP, 0, 0, 0)),
            jpeg(crop(image, VARIATION_CROP, 0, 0, 0)))


def test_the_coins_scenario_lies_where_the_tests_below_need_it() -> None:
    """The premise of the tests below, measured on the images as stored (cleaned)."""
    sanitizer, fingerprinter = PillowImageSanitizer(), PerceptualFingerprinter()

    def stored(data: bytes) -> bytes:
        return sanitizer.inspect_and_clean(data, max_bytes=2**24).data

    original, slipped, variation = (stored(data) for data in _coins())
    to_original = oriented_distance(fingerprinter.orientations(slipped),
                                    fingerprinter.fingerprint(original))
    assert 32 < to_original <= 36  # the grey band: scores 70 to 85
    query = fingerprinter.orientations(variation)
    from_original = oriented_distance(query, fingerprinter.fingerprint(original))
    from_slipped = oriented_distance(query, fingerprinter.fingerprint(slipped))
    assert from_slipped < from_original <= 32  # a duplicate of both, nearer the copy


def test_a_grey_band_upload_is_held_for_moderation_with_its_candidate_shown_to_staff_only(
        market: Marketplace, category: int, staff: ApiUser) -> None:
    author, copier, stranger = (market.user("artist") for _ in range(3))
    original_bytes, slipped_bytes, _ = _coins()
    original = _posted(market, author, original_bytes, category, "Coins")["artwork"]
    body = _posted(market, copier, slipped_bytes, category, "My coins")
    held = body["artwork"]
    assert body["duplicate_check"]["held_for_review"] is True
    assert body["duplicate_check"]["duplicate_found"] is False
    assert held["moderation_status"] == "PENDING"
    assert "duplicate_candidate" not in body["artwork"]
    score = float(held["similarity_score"])
    assert REVIEW_THRESHOLD <= score < DUPLICATE_THRESHOLD

    detail = market.client.simulate_get(f"/api/artworks/{held['id']}/", headers=staff.headers)
    assert detail.json["duplicate_candidate"] == {"id": original["id"],
                                                  "similarity_score": score}
    listed = market.client.simulate_get("/api/artworks/", headers=staff.headers).json
    by_id = {item["id"]: item for item in listed["results"]}
    assert by_id[held["id"]]["duplicate_candidate"]["id"] == original["id"]
    assert by_id[original["id"]]["duplicate_candidate"] is None
    # Nobody else is shown the case: anonymous callers, the uploader, the author, others.
    for headers in ({}, copier.headers, author.headers, stranger.headers):
        detail = market.client.simulate_get(f"/api/artworks/{held['id']}/", headers=headers)
        assert "duplicate_candidate" not in detail.json
        listed = market.client.simulate_get("/api/artworks/", headers=headers).json
        assert all("duplicate_candidate" not in item for item in listed["results"])


def test_after_a_copy_slipped_in_the_author_may_upload_variations_and_others_get_the_original(
        market: Marketplace, category: int) -> None:
    author, copier, third = (market.user("artist") for _ in range(3))
    original_bytes, slipped_bytes, variation_bytes = _coins()
    original = _posted(market, author, original_bytes, category, "Coins")["artwork"]
    slipped = _posted(market, copier, slipped_bytes, category, "My coins")
    assert slipped["duplicate_check"]["held_for_review"] is True

    # The variation resembles the slipped copy more than the original; the original (the
    # earliest match) is the author's own, so the author is not blocked.
    mine = _posted(market, author, variation_bytes, category, "Coins, reframed")
    assert mine["duplicate_check"]["duplicate_found"] is False
    assert mine["duplicate_check"]["held_for_review"] is False

    # Anyone else uploading the same picture is refused, and told whose work it is.
    market.clock.advance(minutes=1)
    refused = upload(market, third, variation_bytes, category_id=category, title="Coins!")
    assert refused.status_code == 400, refused.json
    assert refused.json["matched_artwork"] == {"id": original["id"], "title": "Coins",
                                               "artist": author.username}


def test_the_copier_cannot_upload_the_picture_again_under_cover_of_the_slipped_copy(
        market: Marketplace, category: int) -> None:
    """The copier's own slipped copy is later than the author's original: no exemption."""
    author, copier = market.user("artist"), market.user("artist")
    original_bytes, slipped_bytes, variation_bytes = _coins()
    original = _posted(market, author, original_bytes, category, "Coins")["artwork"]
    _posted(market, copier, slipped_bytes, category, "My coins")
    market.clock.advance(minutes=1)
    refused = upload(market, copier, variation_bytes, category_id=category, title="More coins")
    assert refused.status_code == 400, refused.json
    assert refused.json["matched_artwork"]["id"] == original["id"]
