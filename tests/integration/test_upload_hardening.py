"""Uploads through the real route: broken metadata never refuses a sound picture, nothing
appended to an image is stored, bombs are refused from the header, media is served nosniff."""

from __future__ import annotations

import io
import struct
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from PIL import Image

from cultureup.application.storage import CleanImage
from tests.integration.artwork_images import artwork_image, encode
from tests.integration.broken_metadata import BROKEN, MARK
from tests.integration.conftest import Marketplace
from tests.integration.test_artworks_api import artwork_rows, stored_files, upload

SCRIPT = b"<script>fetch('/api/auth/profile/').then(r=>r.text()).then(alert)</script>"


@pytest.fixture
def category(market: Marketplace) -> int:
    return market.category("Digital Art")


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_broken_metadata_is_dropped_and_the_picture_accepted(
        market: Marketplace, category: int, kind: str) -> None:
    seed = 400 + sorted(BROKEN).index(kind)
    response = upload(market, market.user("artist"), BROKEN[kind](seed), category_id=category)
    assert response.status_code == 201, (kind, response.json)
    files = stored_files(market)
    assert len(files) == 3  # the original, the watermarked copy and its public copy
    for path in files:
        data = path.read_bytes()
        assert MARK not in data, (kind, path.name)
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            assert image.size == (160, 120)


def _animated(fmt: str) -> bytes:
    frames = [artwork_image(500 + index, (120, 90)) for index in range(3)]
    if fmt == "GIF":
        frames = [frame.convert("P") for frame in frames]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=120)


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "GIF", "WEBP", "animated GIF",
                                  "animated WEBP"])
def test_nothing_appended_to_an_image_is_stored(market: Marketplace, category: int,
                                                kind: str) -> None:
    seed = 600 + len(kind) * 7 + kind.count("A")
    image = (_animated(kind.split()[1]) if kind.startswith("animated")
             else encode(artwork_image(seed, (200, 150)), kind))
    response = upload(market, market.user("artist"), image + SCRIPT, category_id=category)
    assert response.status_code == 201, response.json
    files = stored_files(market)
    assert len(files) == 3  # the original, the watermarked copy and its public copy
    for path in files:
        assert b"<script" not in path.read_bytes(), path.name


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height RGB pixels and holds a few compressed rows of them."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(bytes(1 + 3 * width) * 16, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
            + chunk(b"IEND", b""))


def test_a_7000_pixel_square_png_is_refused_from_its_header(market: Marketplace,
                                                           category: int) -> None:
    response = upload(market, market.user("artist"), _png_header_only(7000, 7000),
                      category_id=category)
    assert response.status_code == 400
    assert response.json["details"]["image"] == [
        "The image is 7000x7000 pixels (49 megapixels); the largest allowed is 16 megapixels."]
    assert stored_files(market) == [] and artwork_rows(market) == 0


def test_media_answers_tell_browsers_not_to_sniff(market: Marketplace, category: int) -> None:
    created = upload(market, market.user("artist"),
                     encode(artwork_image(700, (200, 150)), "PNG"), category_id=category)
    marked = urlsplit(created.json["artwork"]["watermarked_image"]).path
    answer = market.client.simulate_get(marked)
    assert answer.status_code == 200
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Type"] == "image/jpeg"
    missing = market.client.simulate_get("/media/artworks/0/missing.jpg")
    assert missing.status_code == 404


def test_at_most_two_uploads_of_a_process_work_on_pixels_at_once(
        market: Marketplace, category: int, monkeypatch: pytest.MonkeyPatch) -> None:
    service = market.services.artworks
    real = service._sanitizer
    lock = threading.Lock()
    working, most = 0, 0

    class CountingSanitizer:
        def inspect_and_clean(self, data: bytes, *, max_bytes: int) -> CleanImage:
            nonlocal working, most
            with lock:
                working += 1
                most = max(most, working)
            try:
                time.sleep(0.05)  # long enough for the other uploads to arrive
                return real.inspect_and_clean(data, max_bytes=max_bytes)
            finally:
                with lock:
                    working -= 1

    monkeypatch.setattr(service, "_sanitizer", CountingSanitizer())
    artists = [market.user("artist") for _ in range(6)]
    images = [encode(artwork_image(900 + index, (160, 120)), "PNG") for index in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda pair: upload(market, pair[0], pair[1],
                                                    category_id=category),
                                zip(artists, images, strict=True)))
    assert [answer.status_code for answer in answers] == [201] * 6
    assert market.services.settings.image_jobs_per_process == 2
    assert 1 <= most <= 2
