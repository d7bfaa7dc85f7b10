"""A hidden artwork's image is not public: through the HTTP app (local media), on SQLite and
PostgreSQL. The watermarked image's public URL answers while the artwork is public and 404
while it is removed, rejected or held for a duplicate review, and again once it is visible;
its artist and staff see the image all along at the private-file URL its answers give them;
a crash between the commit and the file step loses nothing and `artworks sync-images`
repairs it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import select, update
from typer.testing import CliRunner

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.storage.local import LocalImageStore
from cultureup.application.storage import PUBLIC_CACHE_CONTROL
from cultureup.entrypoints.cli.app import app
from tests.integration.artwork_images import jpeg
from tests.integration.conftest import ApiUser, Marketplace
from tests.integration.moderation_support import staff_user
from tests.integration.test_artworks_api import upload
from tests.integration.test_duplicate_detection import _coins
from tests.integration.test_private_files import _cli_env


@pytest.fixture
def moderator(market: Marketplace) -> ApiUser:
    return staff_user(market, "mod_media")


def _get(market: Marketplace, url: str, headers: dict[str, str] | None = None) -> Any:
    parts = urlsplit(url)
    return market.client.simulate_get(parts.path, query_string=parts.query, headers=headers)


def _is_jpeg(answer: Any) -> bool:
    with Image.open(io.BytesIO(answer.content)) as image:
        return image.format == "JPEG"


def _detail(market: Marketplace, artwork_id: int, who: ApiUser) -> dict[str, Any]:
    answer = market.client.simulate_get(f"/api/artworks/{artwork_id}/", headers=who.headers)
    assert answer.status_code == 200, answer.json
    return dict(answer.json)


def _hidden_path(artwork_id: int) -> str:
    return f"/api/files/artwork-image/{artwork_id}/"


def _media_file(market: Marketplace, public_url: str) -> Path:
    return Path(market.services.settings.media_root) / urlsplit(public_url).path.removeprefix(
        "/media/")


def _private_copy(market: Marketplace, public_url: str) -> Path:
    return Path(market.services.settings.private_root) / urlsplit(
        public_url).path.removeprefix("/media/")


def _posted(market: Marketplace, artist: ApiUser, image: bytes, title: str) -> dict[str, Any]:
    answer = upload(market, artist, image, category_id=market.category(), title=title)
    assert answer.status_code == 201, answer.json
    return dict(answer.json)


def _assert_public(market: Marketplace, url: str, image: bytes) -> None:
    for headers in (None, market.user("buyer").headers):
        answer = _get(market, url, headers)
        assert answer.status_code == 200
        assert answer.content == image
        assert answer.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL


def _assert_withdrawn(market: Marketplace, url: str) -> None:
    for headers in (None, market.user("buyer").headers):
        answer = _get(market, url, headers)
        assert answer.status_code == 404
        assert answer.headers["Cache-Control"] == "no-store"


def _assert_seen_privately(market: Marketplace, artwork_id: int, image: bytes,
                           *viewers: ApiUser) -> None:
    """Each viewer's answer names the private URL, which hands them the same image; a
    stranger gets 404 there, an anonymous caller 401."""
    for viewer in viewers:
        detail = _detail(market, artwork_id, viewer)
        assert urlsplit(detail["image"]).path == _hidden_path(artwork_id)
        assert detail["watermarked_image"] == detail["image"]
        answer = _get(market, detail["image"], viewer.headers)
        assert answer.status_code == 200 and answer.content == image
        assert answer.headers["Cache-Control"] == "private, no-store"
    stranger = market.user("buyer")
    assert market.client.simulate_get(_hidden_path(artwork_id),
                                      headers=stranger.headers).status_code == 404
    assert market.client.simulate_get(_hidden_path(artwork_id)).status_code == 401


def test_a_removed_artworks_image_leaves_its_public_url_until_it_is_restored(
        market: Marketplace, moderator: ApiUser) -> None:
    artist = market.user("artist")
    artwork = _posted(market, artist, jpeg(1200), "Kite festival")["artwork"]
    artwork_id, url = artwork["id"], artwork["watermarked_image"]
    assert urlsplit(url).path.startswith("/media/artworks/")
    image = _get(market, url).content
    assert _is_jpeg(_get(market, url))
    _assert_public(market, url, image)

    removed = market.client.simulate_post(
        f"/api/admin/content/{artwork_id}/remove/", headers=moderator.headers,
        json={"content_type": "artwork", "reason": "Violates community guidelines"})
    assert removed.status_code == 200, removed.json

    _assert_withdrawn(market, url)
    assert not _media_file(market, url).exists()
    assert _private_copy(market, url).read_bytes() == image  # kept, never deleted
    _assert_seen_privately(market, artwork_id, image, artist, moderator)
    content = market.client.simulate_get("/api/admin/content/", headers=moderator.headers,
                                         params={"content_type": "artwork"}).json
    (row,) = [row for row in content["results"] if row["id"] == artwork_id]
    assert [urlsplit(image_url).path for image_url in row["images"]] == [
        _hidden_path(artwork_id)]

    restored = market.client.simulate_post(
        f"/api/admin/content/{artwork_id}/restore/", headers=moderator.headers,
        json={"content_type": "artwork", "reason": "Appeal accepted"})
    assert restored.status_code == 200, restored.json
    _assert_public(market, url, image)
    assert _detail(market, artwork_id, artist)["image"] == url
    assert market.client.simulate_get(f"/api/artworks/{artwork_id}/").json["image"] == url


@pytest.mark.parametrize("bulk", [False, True])
def test_a_rejected_artworks_image_is_withdrawn_and_approval_brings_it_back(
        market: Marketplace, moderator: ApiUser, bulk: bool) -> None:
    artist = market.user("artist")
    artwork = _posted(market, artist, jpeg(1210 + bulk), "Harbour lights")["artwork"]
    artwork_id, url = artwork["id"], artwork["watermarked_image"]
    image = _get(market, url).content

    def decide(action: str) -> None:
        if bulk:
            answer = market.client.simulate_post(
                "/api/admin/bulk/artworks/", headers=moderator.headers,
                json={"artwork_ids": [artwork_id], "action": action, "reason": "Blurry"})
        else:
            answer = market.client.simulate_post(
                f"/api/admin/artworks/{artwork_id}/approve/", headers=moderator.headers,
                json={"action": "reject", "reason": "Blurry"} if action == "reject" else None)
        assert answer.status_code == 200, answer.json

    decide("reject")
    _assert_withdrawn(market, url)
    _assert_seen_privately(market, artwork_id, image, artist, moderator)
    decide("approve")
    _assert_public(market, url, image)
    assert _detail(market, artwork_id, moderator)["image"] == url


def test_an_upload_held_for_a_duplicate_review_is_never_public_until_approved(
        market: Marketplace, moderator: ApiUser) -> None:
    author, copier = market.user("artist"), market.user("artist")
    original_bytes, slipped_bytes, _ = _coins()
    _posted(market, author, original_bytes, "Coins")
    body = _posted(market, copier, slipped_bytes, "My coins")
    assert body["duplicate_check"]["held_for_review"] is True
    held_id = body["artwork"]["id"]
    # The answer to the uploader already names the private URL, and no public copy exists.
    assert urlsplit(body["artwork"]["watermarked_image"]).path == _hidden_path(held_id)
    with market.services.engine.connect() as connection:
        key = connection.execute(select(artworks.c.watermarked_key).where(
            artworks.c.id == held_id)).scalar_one()
    public_url = f"/media/{key}"
    assert not _media_file(market, public_url).exists()
    _assert_withdrawn(market, public_url)
    image = _private_copy(market, public_url).read_bytes()
    _assert_seen_privately(market, held_id, image, copier, moderator)

    approved = market.client.simulate_post(f"/api/admin/artworks/{held_id}/approve/",
                                           headers=moderator.headers)
    assert approved.status_code == 200, approved.json
    _assert_public(market, public_url, image)
    assert urlsplit(_detail(market, held_id, copier)["image"]).path == public_url


def test_a_report_that_removes_the_artwork_withdraws_its_image_until_the_appeal_wins(
        market: Marketplace, moderator: ApiUser) -> None:
    other = staff_user(market, "mod_media_two")
    artist, buyer = market.user("artist"), market.user("buyer")
    artwork = _posted(market, artist, jpeg(1220), "Truck panel")["artwork"]
    artwork_id, url = artwork["id"], artwork["watermarked_image"]
    image = _get(market, url).content
    client = market.client
    report = client.simulate_post("/api/reports/", headers=buyer.headers, json={
        "content_type": "artwork", "object_id": artwork_id, "reason": "plagiarism"}).json["id"]
    done = client.simulate_patch(f"/api/admin/reports/{report}/update/",
                                 headers=moderator.headers, json={
                                     "status": "resolved", "action": "removed_content",
                                     "reason": "Traced from another artist"})
    assert done.status_code == 200, done.text
    _assert_withdrawn(market, url)
    _assert_seen_privately(market, artwork_id, image, artist, moderator)

    action = client.simulate_get("/api/moderation/actions/", headers=artist.headers
                                 ).json["results"][0]
    assert client.simulate_post(f"/api/moderation/actions/{action['id']}/appeal/",
                                headers=artist.headers,
                                json={"reason": "I have the sketches"}).status_code == 201
    approved = client.simulate_post(f"/api/admin/appeals/{action['id']}/decide/",
                                    headers=other.headers,
                                    json={"decision": "approve", "reason": "Sketches"})
    assert approved.status_code == 200, approved.text
    _assert_public(market, url, image)


def test_a_crash_after_the_commit_loses_nothing_and_sync_images_repairs_it(
        market: Marketplace, moderator: ApiUser) -> None:
    artist = market.user("artist")
    hidden = _posted(market, artist, jpeg(1230), "Left public")["artwork"]
    shown = _posted(market, artist, jpeg(1231), "Left hidden")["artwork"]
    hidden_image = _get(market, hidden["watermarked_image"]).content
    shown_image = _get(market, shown["watermarked_image"]).content
    # An image stored before the private copies were kept has only its public copy.
    _private_copy(market, hidden["watermarked_image"]).unlink()
    # The process died after committing, before the file step: one artwork removed with its
    # image still public, one restored with no public copy.
    assert market.client.simulate_post(
        f"/api/admin/content/{shown['id']}/remove/", headers=moderator.headers,
        json={"content_type": "artwork", "reason": "Spam"}).status_code == 200
    with market.services.engine.begin() as connection:
        connection.execute(update(artworks).where(artworks.c.id == hidden["id"]).values(
            removed_at=market.clock.now(), removed_by_id=moderator.id, removal_reason="Spam"))
        connection.execute(update(artworks).where(artworks.c.id == shown["id"]).values(
            removed_at=None, removed_by_id=None, removal_reason=None))
    assert _get(market, hidden["watermarked_image"]).status_code == 200
    assert _get(market, shown["watermarked_image"]).status_code == 404

    result = CliRunner().invoke(app, ["artworks", "sync-images"],
                                env=_cli_env(market.services.settings))
    assert result.exit_code == 0, result.output
    assert "published 1, withdrew 1, kept 1 private copies" in result.output

    _assert_withdrawn(market, hidden["watermarked_image"])
    _assert_seen_privately(market, hidden["id"], hidden_image, artist, moderator)
    _assert_public(market, shown["watermarked_image"], shown_image)
    again = CliRunner().invoke(app, ["artworks", "sync-images"],
                               env=_cli_env(market.services.settings))
    assert again.exit_code == 0, again.output
    assert "published 0, withdrew 0, kept 0 private copies" in again.output


def test_a_failed_file_step_answers_an_error_keeps_the_removal_and_a_retry_of_sync_fixes_it(
        market: Marketplace, moderator: ApiUser, monkeypatch: pytest.MonkeyPatch) -> None:
    artist = market.user("artist")
    artwork = _posted(market, artist, jpeg(1240), "Outage")["artwork"]
    url = artwork["watermarked_image"]
    image = _get(market, url).content

    def outage(store: LocalImageStore, key: str) -> None:
        raise OSError("storage unavailable")

    monkeypatch.setattr(LocalImageStore, "delete", outage)
    failed = market.client.simulate_post(
        f"/api/admin/content/{artwork['id']}/remove/", headers=moderator.headers,
        json={"content_type": "artwork", "reason": "Spam"})
    assert failed.status_code == 500
    assert market.client.simulate_get(f"/api/artworks/{artwork['id']}/").status_code == 404
    assert _get(market, url).status_code == 200  # not withdrawn yet, and nothing lost
    assert _private_copy(market, url).read_bytes() == image
    monkeypatch.undo()
    market.services.artworks.images.sync(artwork["id"])
    _assert_withdrawn(market, url)
    _assert_seen_privately(market, artwork["id"], image, artist, moderator)
