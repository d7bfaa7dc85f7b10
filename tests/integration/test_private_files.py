"""Originals are private files: no public or derived URL serves them; the artist and staff
fetch them through the authenticated download; stored originals from before are moved."""

from __future__ import annotations

import http.client
import io
import itertools
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from PIL import Image

from cultureup.application.catalog.artworks import ORIGINALS_PREFIX
from tests.integration.artwork_images import artwork_image, encode
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, Marketplace
from tests.integration.test_artworks_api import upload
from tests.integration.test_server import served_api

FORMATS = ("PNG", "JPEG", "GIF", "WEBP")


@pytest.fixture
def category(market: Marketplace) -> int:
    return market.category("Digital Art")


def staff(market: Marketplace) -> ApiUser:
    market.admin_actor()
    login = market.client.simulate_post("/api/auth/login/", json={
        "username": "root", "password": STRONG_PASSWORD})
    assert login.status_code == 200, login.json
    return ApiUser(id=login.json["user"]["id"], username="root", token=login.json["token"],
                   user_type="admin")


def originals(market: Marketplace) -> dict[Path, bytes]:
    """The originals in the private folder (beside them lie the kept copies of the
    watermarked images, which are public while their artwork is)."""
    root = Path(market.services.settings.private_root)
    return {path: path.read_bytes() for path in (root / "originals").rglob("*")
            if path.is_file()}


def media_files(market: Marketplace) -> list[Path]:
    root = Path(market.services.settings.media_root)
    return [path for path in root.rglob("*") if path.is_file()]


def derived_paths(public_path: str, private_paths: list[str]) -> list[str]:
    """Every path an attacker could try from a public media URL, and from the private names
    too (as if they had leaked): stripped of _wm, other extensions, other case, ../ out of the
    media folder, percent-encoded, double-encoded, backslashes."""
    stem = public_path.rsplit(".", 1)[0]
    plain = stem.removesuffix("_wm")
    candidates = {plain, stem, public_path}
    for base in (plain, stem, plain.upper(), plain.lower()):
        for extension in (".png", ".jpg", ".jpeg", ".gif", ".webp", ".PNG", ".JPG", ""):
            candidates.add(base + extension)
    candidates.add(public_path.upper())
    candidates.add(public_path.replace("_wm", "_WM"))
    for private in private_paths:  # "private/originals/2/abc.png" and "originals/2/abc.png"
        inner = private.split("/", 1)[1]
        for prefix in ("/media/", "/media/artworks/", "/media/artworks/2/"):
            for up in ("../", "../../", "../../../", "..%2f", "%2e%2e/", "%2e%2e%2f",
                       "%252e%252e%252f", "..\\", "..%5c", "....//", ".%2e/"):
                candidates.add(prefix + up + private)
                candidates.add(prefix + up * 3 + private)
        candidates.add("/media/" + inner)
        candidates.add("/media/" + private)
        candidates.add("/media/" + quote(inner, safe=""))
        candidates.add("/media//" + private)
        candidates.add("/media/%2F" + private)
    return sorted(candidates)


def test_no_path_derived_from_a_public_url_serves_an_original(
        market: Marketplace, category: int) -> None:
    artist = market.user("artist")
    public_paths = []
    for seed, fmt in enumerate(FORMATS, start=800):
        created = upload(market, artist, encode(artwork_image(seed, (200, 150)), fmt),
                         category_id=category)
        assert created.status_code == 201, created.json
        public_paths.append(urlsplit(created.json["artwork"]["watermarked_image"]).path)
    secret = originals(market)
    assert len(secret) == len(FORMATS)
    private_root = Path(market.services.settings.private_root)
    private_paths = [f"{private_root.name}/{path.relative_to(private_root).as_posix()}"
                     for path in secret]
    stranger = market.user("buyer")
    tried = 0
    for public_path, headers in itertools.product(public_paths, ({}, stranger.headers)):
        for path in derived_paths(public_path, private_paths):
            answer = market.client.simulate_get(path, headers=headers)
            tried += 1
            assert answer.status_code != 500, path
            assert not any(original in answer.content for original in secret.values()), path
    assert tried > 500


def test_a_scan_of_the_media_route_finds_no_original(market: Marketplace,
                                                     category: int) -> None:
    artist = market.user("artist")
    for seed, fmt in enumerate(FORMATS, start=820):
        assert upload(market, artist, encode(artwork_image(seed, (200, 150)), fmt),
                      category_id=category).status_code == 201
    secret = originals(market)
    media_root = Path(market.services.settings.media_root)
    served = 0
    for path in media_files(market):
        answer = market.client.simulate_get("/media/" + path.relative_to(media_root).as_posix())
        assert answer.status_code == 200
        served += 1
        assert not any(original in answer.content for original in secret.values())
    assert served == len(FORMATS)  # the watermarked copies, and nothing else
    # Nothing private lies under the media folder at all.
    assert not set(secret) & set(media_files(market))
    for original in secret.values():
        assert all(original not in path.read_bytes() for path in media_files(market))


def test_the_artist_and_staff_fetch_the_original_and_nobody_else(
        market: Marketplace, category: int) -> None:
    artist = market.user("artist")
    image = encode(artwork_image(840, (200, 150)), "PNG")
    created = upload(market, artist, image, category_id=category).json["artwork"]
    (original,) = originals(market).values()
    path = urlsplit(created["s3_image_url"]).path
    assert path == f"/api/files/artwork-original/{created['id']}/"
    detail = market.client.simulate_get(f"/api/artworks/{created['id']}/",
                                        headers=artist.headers).json
    assert urlsplit(detail["original_image"]).path == path

    for who in (artist, staff(market)):
        answer = market.client.simulate_get(path, headers=who.headers)
        assert answer.status_code == 200, answer.json
        assert answer.content == original
        assert answer.headers["Content-Type"] == "image/png"
        assert answer.headers["Cache-Control"] == "private, no-store"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Content-Disposition"].startswith("attachment;")
        with Image.open(io.BytesIO(answer.content)) as decoded:
            assert decoded.size == (200, 150)

    assert market.client.simulate_get(path).status_code == 401
    for other in (market.user("artist"), market.user("buyer")):
        answer = market.client.simulate_get(path, headers=other.headers)
        assert answer.status_code == 403
        assert original not in answer.content
    assert market.client.simulate_get(
        "/api/files/artwork-original/999999/", headers=artist.headers).status_code == 404
    assert market.client.simulate_get(
        f"/api/files/no-such-kind/{created['id']}/", headers=artist.headers).status_code == 404


def test_originals_stored_in_public_media_before_are_moved_out_by_the_cli(
        market: Marketplace, category: int) -> None:
    from typer.testing import CliRunner

    from cultureup.entrypoints.cli.app import app

    artist = market.user("artist")
    created = upload(market, artist, encode(artwork_image(860, (200, 150)), "PNG"),
                     category_id=category).json["artwork"]
    # Put the database and files back the way uploads stored them before: the original in
    # the public media folder, next to the watermarked copy, with "_wm" stripped.
    services = market.services
    (private_path, original), = originals(market).items()
    marked = urlsplit(created["watermarked_image"]).path.removeprefix("/media/")
    legacy_key = marked.replace("_wm.jpg", ".png")
    legacy_file = Path(services.settings.media_root) / legacy_key
    legacy_file.write_bytes(original)
    private_path.unlink()
    from sqlalchemy import update

    from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
    with services.engine.begin() as connection:
        connection.execute(update(artworks).where(artworks.c.id == created["id"])
                           .values(image_key=legacy_key))
    assert market.client.simulate_get("/media/" + legacy_key).content == original

    result = CliRunner().invoke(app, ["artworks", "protect-originals"],
                                env=_cli_env(services.settings))
    assert result.exit_code == 0, result.output
    assert "Moved 1 original" in result.output

    assert not legacy_file.exists()
    assert market.client.simulate_get("/media/" + legacy_key).status_code == 404
    moved = originals(market)
    assert list(moved.values()) == [original]
    assert all(ORIGINALS_PREFIX.strip("/") in path.as_posix() for path in moved)
    answer = market.client.simulate_get(urlsplit(created["s3_image_url"]).path,
                                        headers=artist.headers)
    assert answer.status_code == 200 and answer.content == original
    again = CliRunner().invoke(app, ["artworks", "protect-originals"],
                               env=_cli_env(services.settings))
    assert again.exit_code == 0 and "Moved 0 originals" in again.output


def _cli_env(settings: object) -> dict[str, str]:
    return {"CULTUREUP_DATABASE_URL": settings.database_url,  # type: ignore[attr-defined]
            "CULTUREUP_MEDIA_ROOT": settings.media_root,  # type: ignore[attr-defined]
            "CULTUREUP_PRIVATE_ROOT": settings.private_root,  # type: ignore[attr-defined]
            "CULTUREUP_SECRET_KEY": settings.secret_key,  # type: ignore[attr-defined]
            "CULTUREUP_MIGRATE_ON_START": "false"}


def test_the_served_api_gives_no_original_to_raw_path_tricks(
        market: Marketplace, category: int, tmp_path: Path) -> None:
    """Through gunicorn, with paths sent byte for byte as written (no client normalises the
    ../ or the percent-encoding away)."""
    artist = market.user("artist")
    public_paths = []
    for seed, fmt in enumerate(FORMATS, start=880):
        created = upload(market, artist, encode(artwork_image(seed, (200, 150)), fmt),
                         category_id=category)
        public_paths.append(urlsplit(created.json["artwork"]["watermarked_image"]).path)
    secret = originals(market)
    private_root = Path(market.services.settings.private_root)
    private_paths = [f"{private_root.name}/{path.relative_to(private_root).as_posix()}"
                     for path in secret]
    stranger = market.user("buyer")
    seen = set()
    settings = market.services.settings
    assert Path(settings.media_root) == tmp_path / "media"
    # The same database and folders as the in-process app; no hourly budget, since hundreds
    # of anonymous requests follow.
    with served_api(settings.database_url, tmp_path, private_root=settings.private_root,
                    rate_limit_enabled="false") as server:
        host, port = urlsplit(server.base).hostname, urlsplit(server.base).port
        seen |= _raw_requests(host, port, public_paths, private_paths, secret,
                              stranger.headers)
    assert 200 in seen  # the public copies themselves are among the paths, and served


def _raw_requests(host: str | None, port: int | None, public_paths: list[str],
                  private_paths: list[str], secret: dict[Path, bytes],
                  stranger: dict[str, str]) -> set[int]:
    seen = set()
    for public_path in public_paths:
        for path in derived_paths(public_path, private_paths):
            for headers in ({}, stranger):
                connection = http.client.HTTPConnection(host, port, timeout=30)
                try:
                    connection.request("GET", path, headers=headers)
                    answer = connection.getresponse()
                    body = answer.read()
                except TimeoutError as exc:
                    raise AssertionError(f"no answer to {path!r}") from exc
                finally:
                    connection.close()
                seen.add(answer.status)
                assert answer.status != 500, path
                assert not any(original in body for original in secret.values()), path
    return seen


def test_the_document_admits_every_file_type_the_download_answers_with(client) -> None:
    document = client.simulate_get("/api/openapi.json").json
    answer = document["paths"]["/api/files/{kind}/{ref_id}/"]["get"]["responses"]["200"]
    assert list(answer["content"]) == ["*/*"]
