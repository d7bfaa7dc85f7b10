"""Artworks through the HTTP app: uploads, duplicates, watermarks, files, likes, lists."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import falcon.testing
import pytest
from PIL import Image

from tests.integration.artwork_images import jpeg, resized_recompressed_copy
from tests.integration.conftest import ApiUser, Marketplace

BOUNDARY = "cultureupboundary"


def multipart(fields: dict[str, Any], files: dict[str, tuple[str, bytes, str]]
              ) -> tuple[bytes, dict[str, str]]:
    chunks: list[bytes] = []
    for name, value in fields.items():
        chunks.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                      f"{value}\r\n".encode())
    for name, (filename, data, content_type) in files.items():
        chunks.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
                      f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                      + data + b"\r\n")
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks), {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def upload(market: Marketplace, artist: ApiUser, image: bytes, *, category_id: int,
           title: str = "Sunset Over Mountains", method: str = "POST",
           path: str = "/api/artworks/", **fields: Any) -> falcon.testing.Result:
    values = {"title": title, "description": "A serene digital painting",
              "category_id": category_id, "artwork_type": "digital", "price": "299.99",
              **fields}
    body, headers = multipart(values, {"image": ("art.jpg", image, "image/jpeg")})
    return market.client.simulate_request(method, path, body=body,
                                          headers={**artist.headers, **headers})


def stored_files(market: Marketplace) -> list[Path]:
    """Every stored file: public media (watermarked copies) and private files (originals and
    the kept copies of the watermarked images)."""
    settings = market.services.settings
    roots = [Path(settings.media_root), Path(settings.private_root)]
    return sorted(path for root in roots if root.exists()
                  for path in root.rglob("*") if path.is_file())


def artwork_rows(market: Marketplace) -> int:
    return market.client.simulate_get("/api/artworks/").json["count"]


@pytest.fixture
def category(market: Marketplace) -> int:
    return market.category("Digital Art")


def test_an_artist_uploads_an_artwork_and_gets_the_documented_body(
        market: Marketplace, category: int) -> None:
    artist = market.user("artist")
    response = upload(market, artist, jpeg(1), category_id=category)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["message"] == "Artwork uploaded successfully"
    assert body["duplicate_check"]["checked"] is True
    assert body["duplicate_check"]["duplicate_found"] is False
    artwork = body["artwork"]
    assert artwork["artist"] == {"id": artist.id, "username": artist.username}
    assert artwork["price"] == "299.99" and artwork["views_count"] == 0
    assert artwork["s3_watermarked_url"].startswith("http://")
    assert body["rekognition_labels"] == []  # the embedded defaults do not call Rekognition
    assert artwork["rekognition_checked"] is False
    files = stored_files(market)
    # The original, the watermarked copy kept privately and its public copy.
    assert len(files) == 3
    marked = market.client.simulate_get(urlsplit(artwork["s3_watermarked_url"]).path)
    assert marked.status_code == 200
    assert Image.open(io.BytesIO(marked.content)).size == (640, 480)


def test_the_listing_shows_only_the_watermarked_image(market: Marketplace,
                                                       category: int) -> None:
    artist = market.user("artist")
    created = upload(market, artist, jpeg(2), category_id=category).json["artwork"]
    listed = market.client.simulate_get("/api/artworks/").json["results"][0]
    assert listed["image"] == listed["watermarked_image"] == created["s3_watermarked_url"]
    assert "original_image" not in listed
    own = market.client.simulate_get(f"/api/artworks/{created['id']}/",
                                     headers=artist.headers).json
    assert own["original_image"] == created["s3_image_url"]


def test_detail_views_are_counted(market: Marketplace, category: int) -> None:
    artwork_id = upload(market, market.user("artist"), jpeg(3),
                        category_id=category).json["artwork"]["id"]
    for _ in range(3):
        market.client.simulate_get(f"/api/artworks/{artwork_id}/")
    listed = market.client.simulate_get("/api/artworks/").json["results"][0]
    assert listed["views_count"] == 3


def test_a_resized_recompressed_copy_by_another_artist_is_refused_as_duplicate(
        market: Marketplace, category: int) -> None:
    original_artist, copier = market.user("artist"), market.user("artist")
    original = upload(market, original_artist, jpeg(4), category_id=category,
                      title="Original").json["artwork"]
    files_before = stored_files(market)
    response = upload(market, copier, resized_recompressed_copy(4), category_id=category,
                      title="Copy")
    assert response.status_code == 400, response.json
    body = response.json
    assert body["error"] == "Duplicate artwork detected"
    assert body["duplicate_detected"] is True
    assert body["similarity_score"] >= 85
    assert body["matched_artwork"] == {"id": original["id"], "title": "Original",
                                       "artist": original_artist.username}
    assert stored_files(market) == files_before
    assert artwork_rows(market) == 1


def test_the_original_artist_may_upload_a_variation_of_their_own_work(
        market: Marketplace, category: int) -> None:
    artist = market.user("artist")
    upload(market, artist, jpeg(5), category_id=category)
    again = upload(market, artist, resized_recompressed_copy(5), category_id=category)
    assert again.status_code == 201, again.json


def test_different_artworks_are_not_duplicates(market: Marketplace, category: int) -> None:
    for seed in range(10, 16):
        response = upload(market, market.user("artist"), jpeg(seed), category_id=category)
        assert response.status_code == 201, response.json


def _png_bomb() -> bytes:
    width = height = 30_000
    raw = zlib.compress(b"".join(b"\x00" + b"\x00" * (width // 8) for _ in range(height)), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw)
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("name", ["text_named_jpg", "truncated_jpeg", "png_bomb", "too_large"])
def test_bad_uploads_are_refused_and_leave_nothing_behind(
        market: Marketplace, category: int, name: str) -> None:
    payloads = {
        "text_named_jpg": b"this is not an image at all\n" * 20,
        "truncated_jpeg": jpeg(6)[:2000],
        "png_bomb": _png_bomb(),
        "too_large": os.urandom(50 * 1024 * 1024),
    }
    response = upload(market, market.user("artist"), payloads[name], category_id=category)
    assert 400 <= response.status_code < 500, response.status_code
    assert response.json["success"] is False
    assert stored_files(market) == []
    assert artwork_rows(market) == 0


def test_only_artists_upload(market: Marketplace, category: int) -> None:
    assert upload(market, market.user("buyer"), jpeg(7),
                  category_id=category).status_code == 403
    body, headers = multipart({"title": "x"}, {"image": ("a.jpg", jpeg(7), "image/jpeg")})
    assert market.client.simulate_post("/api/artworks/", body=body,
                                       headers=headers).status_code == 401


def test_missing_fields_and_image_are_reported_together(market: Marketplace) -> None:
    body, headers = multipart({"title": "Only a title"}, {})
    response = market.client.simulate_post("/api/artworks/", body=body, headers={
        **market.user("artist").headers, **headers})
    assert response.status_code == 400
    assert {"image", "description", "category_id", "artwork_type",
            "price"} <= set(response.json["details"])


def test_artists_cannot_feature_their_own_work_but_staff_can(
        market: Marketplace, category: int) -> None:
    artist = market.user("artist")
    created = upload(market, artist, jpeg(8), category_id=category, is_featured="true")
    assert created.json["artwork"]["is_featured"] is False
    assert market.client.simulate_get("/api/artworks/featured/").json["count"] == 0


def test_replacing_the_image_deletes_the_old_files(market: Marketplace,
                                                   category: int) -> None:
    artist = market.user("artist")
    created = upload(market, artist, jpeg(9), category_id=category).json["artwork"]
    before = stored_files(market)
    response = upload(market, artist, jpeg(30), category_id=category, method="PATCH",
                      path=f"/api/artworks/{created['id']}/", title="Renamed")
    assert response.status_code == 200, response.json
    after = stored_files(market)
    assert len(after) == 3 and not set(before) & set(after)
    assert response.json["artwork"]["title"] == "Renamed"


def test_text_only_updates_accept_json(market: Marketplace, category: int) -> None:
    artist = market.user("artist")
    created = upload(market, artist, jpeg(31), category_id=category).json["artwork"]
    response = market.client.simulate_patch(f"/api/artworks/{created['id']}/",
                                            headers=artist.headers,
                                            json={"price": "349.99", "is_available": False})
    assert response.status_code == 200, response.json
    assert response.json["artwork"]["price"] == "349.99"
    other = market.user("artist")
    assert market.client.simulate_patch(f"/api/artworks/{created['id']}/",
                                        headers=other.headers,
                                        json={"price": "1.00"}).status_code == 403


def test_deleting_an_artwork_deletes_its_files(market: Marketplace, category: int) -> None:
    artist = market.user("artist")
    created = upload(market, artist, jpeg(32), category_id=category).json["artwork"]
    assert market.client.simulate_delete(f"/api/artworks/{created['id']}/",
                                         headers=market.user("artist").headers
                                         ).status_code == 403
    assert market.client.simulate_delete(f"/api/artworks/{created['id']}/",
                                         headers=artist.headers).status_code == 204
    assert stored_files(market) == []
    assert market.client.simulate_get(f"/api/artworks/{created['id']}/").status_code == 404


def test_a_like_counts_once_per_user_and_can_be_taken_back(market: Marketplace,
                                                           category: int) -> None:
    created = upload(market, market.user("artist"), jpeg(33),
                     category_id=category).json["artwork"]
    fan = market.user("buyer")
    path = f"/api/artworks/{created['id']}/like/"
    first = market.client.simulate_post(path, headers=fan.headers).json
    second = market.client.simulate_post(path, headers=fan.headers).json
    assert first["likes_count"] == second["likes_count"] == 1
    assert market.client.simulate_delete(path, headers=fan.headers).json["likes_count"] == 0
    assert market.client.simulate_post(path).status_code == 401


def test_filters_and_ordering(market: Marketplace, category: int) -> None:
    artist = market.user("artist")
    for seed, price in ((40, "100.00"), (41, "500.00"), (42, "900.00")):
        upload(market, artist, jpeg(seed), category_id=category, price=price,
               title=f"Piece {price}")
    get = market.client.simulate_get
    prices = [a["price"] for a in get("/api/artworks/?ordering=-price").json["results"]]
    assert prices == ["900.00", "500.00", "100.00"]
    assert get("/api/artworks/?min_price=200&max_price=800").json["count"] == 1
    assert get("/api/artworks/?search=piece 9").json["count"] == 1
    assert get("/api/artworks/?artwork_type=physical").json["count"] == 0
    assert get("/api/artworks/?ordering=colour").status_code == 400


def test_listing_artworks_is_a_constant_number_of_queries(
        market: Marketplace, category: int, count_queries: Any) -> None:
    artist = market.user("artist")
    for seed in range(100, 120):
        upload(market, artist, jpeg(seed), category_id=category)
    count_queries.count = 0
    market.client.simulate_get("/api/artworks/?page_size=5")
    small = count_queries.count
    count_queries.count = 0
    page = market.client.simulate_get("/api/artworks/?page_size=20").json
    assert len(page["results"]) == 20
    # The page, the count, and the BEGIN that SQLite connections send for each transaction.
    assert count_queries.count == small <= 3


def test_the_rescan_command_refingerprints_every_artwork(
        market: Marketplace, category: int) -> None:
    from typer.testing import CliRunner

    from cultureup.entrypoints.cli.app import app

    owner, copier = market.user("artist"), market.user("artist")
    upload(market, owner, jpeg(60), category_id=category)
    upload(market, owner, jpeg(61), category_id=category)
    settings = market.services.settings
    result = CliRunner().invoke(app, ["artworks", "rescan"], env={
        "CULTUREUP_DATABASE_URL": settings.database_url,
        "CULTUREUP_MEDIA_ROOT": settings.media_root,
        "CULTUREUP_SECRET_KEY": settings.secret_key})
    assert result.exit_code == 0, result.output
    assert "Rescanned 2 artworks." in result.output
    # The rebuilt index still recognises a copy.
    copy = upload(market, copier, resized_recompressed_copy(60), category_id=category)
    assert copy.status_code == 400


def test_a_list_statement_built_once_takes_each_request_s_values(
        market: Marketplace, category: int) -> None:
    """Pages by number reuse one statement per shape of filters; the values, the page and
    its size are bound at each request, and a boolean filter set to false is not taken for
    one not given."""
    artist = market.user("artist")
    other = market.category("Painting")
    for seed, price, where in ((50, "100.00", category), (51, "500.00", category),
                               (52, "900.00", other)):
        upload(market, artist, jpeg(seed), category_id=where, price=price,
               title=f"Piece {price}")
    get = market.client.simulate_get

    def prices(query: str) -> list[str]:
        return [a["price"] for a in get(f"/api/artworks/?{query}").json["results"]]

    assert prices(f"category={category}&ordering=price") == ["100.00", "500.00"]
    assert prices(f"category={other}&ordering=price") == ["900.00"]
    assert prices("min_price=200&max_price=600") == ["500.00"]
    assert prices("min_price=50&max_price=150") == ["100.00"]
    assert prices("min_price=800&max_price=1000&ordering=price") == ["900.00"]
    assert prices("ordering=price&page_size=1&page=2") == ["500.00"]
    assert prices("ordering=price&page_size=2&page=1") == ["100.00", "500.00"]
    assert get("/api/artworks/?is_featured=false").json["count"] == 3
    assert get("/api/artworks/?is_featured=true").json["count"] == 0
    assert get("/api/artworks/").json["count"] == 3
    assert get("/api/artworks/?search=piece 9").json["count"] == 1
    assert get("/api/artworks/?search=piece 1").json["count"] == 1
    assert get("/api/artworks/?search=piece 7").json["count"] == 0
