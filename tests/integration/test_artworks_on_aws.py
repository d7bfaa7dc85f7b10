"""The same artwork use cases on the production adapters (S3 storage, Rekognition analysis),
chosen by settings alone, against moto's server: boto3 speaks real HTTP, nothing reaches AWS."""

from __future__ import annotations

import io
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit

import attrs
import boto3
import falcon.testing
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from cultureup.bootstrap import Services, bootstrap, http_app
from cultureup.config import Settings
from tests.integration.artwork_images import (
    artwork_image,
    encode,
    jpeg,
    resized_recompressed_copy,
)
from tests.integration.conftest import Marketplace, SteppingClock
from tests.integration.test_artworks_api import upload

BUCKET, REGION = "cultureup-artworks", "us-east-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    with pytest.MonkeyPatch.context() as env:
        # Only moto's fake credentials can be found: no real profile, no instance metadata.
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", REGION)
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        server.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.stop()


@pytest.fixture
def aws_market(moto_endpoint: str, settings: Settings, clock: SteppingClock,
               services: Services) -> Iterator[Marketplace]:
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto_endpoint)
    if BUCKET not in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=BUCKET)
    aws_settings = attrs.evolve(settings, storage_backend="s3", image_analysis="rekognition",
                                aws_storage_bucket_name=BUCKET, aws_s3_region_name=REGION,
                                aws_endpoint_url=moto_endpoint)
    aws_services = bootstrap(aws_settings, clock=clock)
    yield Marketplace(falcon.testing.TestClient(http_app(aws_services)), aws_services, clock)
    aws_services.close()


def _objects(endpoint: str) -> set[str]:
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=endpoint)
    return {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_upload_update_and_delete_run_on_s3_and_rekognition(
        aws_market: Marketplace, moto_endpoint: str) -> None:
    before = _objects(moto_endpoint)
    category = aws_market.category("Painting")
    artist = aws_market.user("artist")
    created = upload(aws_market, artist, jpeg(101), category_id=category)
    assert created.status_code == 201, created.json
    artwork = created.json["artwork"]
    assert artwork["s3_image_url"].endswith(f"/api/files/artwork-original/{artwork['id']}/")
    assert artwork["s3_watermarked_url"].startswith(moto_endpoint + f"/{BUCKET}/artworks/")
    assert artwork["s3_watermarked_url"].endswith("_wm.jpg")
    assert created.json["rekognition_labels"], "Rekognition labels come back"
    assert artwork["rekognition_checked"] is True
    assert all(0 <= label["confidence"] <= 100 for label in created.json["rekognition_labels"])
    stored = _objects(moto_endpoint) - before
    # The original, the watermarked copy kept privately and its public copy.
    assert len(stored) == 3

    replaced = upload(aws_market, artist, jpeg(102), category_id=category, method="PATCH",
                      path=f"/api/artworks/{artwork['id']}/")
    assert replaced.status_code == 200, replaced.json
    after_replace = _objects(moto_endpoint) - before
    assert len(after_replace) == 3 and not after_replace & stored

    deleted = aws_market.client.simulate_delete(f"/api/artworks/{artwork['id']}/",
                                                headers=artist.headers)
    assert deleted.status_code == 204
    assert _objects(moto_endpoint) - before == set()


def test_a_copy_by_another_artist_is_refused_on_the_aws_adapters(
        aws_market: Marketplace, moto_endpoint: str) -> None:
    category = aws_market.category("Digital Art")
    owner, copier = aws_market.user("artist"), aws_market.user("artist")
    original = upload(aws_market, owner, jpeg(103), category_id=category).json["artwork"]
    before = _objects(moto_endpoint)
    copy = upload(aws_market, copier, resized_recompressed_copy(103), category_id=category)
    assert copy.status_code == 400
    assert copy.json["duplicate_detected"] is True
    assert copy.json["matched_artwork"]["id"] == original["id"]
    assert _objects(moto_endpoint) == before
    # The original artist may upload a variation of their own work.
    own = upload(aws_market, owner, resized_recompressed_copy(103), category_id=category)
    assert own.status_code == 201, own.json


def _http_get(url: str) -> tuple[int, bytes]:
    """A plain, unsigned HTTP GET, as any browser or scraper would send it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_originals_are_private_objects_handed_out_by_presigned_urls(
        aws_market: Marketplace, moto_endpoint: str) -> None:
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto_endpoint)
    # The documented policy: anonymous reads of the public prefix only.
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/artworks/*"}]}))
    category = aws_market.category("Painting")
    artist = aws_market.user("artist")
    image = encode(artwork_image(104), "PNG")
    before = _objects(moto_endpoint)
    created = upload(aws_market, artist, image, category_id=category).json["artwork"]
    original_path = urlsplit(created["s3_image_url"]).path
    stored = {key: s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
              for key in _objects(moto_endpoint) - before}
    (private_key,) = [key for key in stored if key.startswith("private/originals/")]
    original = stored[private_key]
    with Image.open(io.BytesIO(original)) as decoded:
        assert decoded.format == "PNG" and decoded.size == (640, 480)

    # The public copy is public; the original's object answers nobody without a signature,
    # under its own name or any name derived from the public one.
    marked_url = created["watermarked_image"]
    assert _http_get(marked_url)[0] == 200
    base = f"{moto_endpoint}/{BUCKET}/"
    for url in [base + private_key, marked_url.replace("_wm.jpg", ".png"),
                marked_url.replace("_wm.jpg", ".jpg"), base + private_key.upper(),
                base + "artworks/../" + private_key, base + "artworks/%2e%2e/" + private_key]:
        status, body = _http_get(url)
        assert status != 200 and original not in body, url

    # Its owner and staff get a short-lived presigned URL; anyone else gets none.
    anonymous = aws_market.client.simulate_get(original_path)
    assert anonymous.status_code == 401 and "Location" not in anonymous.headers
    stranger = aws_market.client.simulate_get(original_path,
                                              headers=aws_market.user("artist").headers)
    assert stranger.status_code == 403 and "Location" not in stranger.headers
    answer = aws_market.client.simulate_get(original_path, headers=artist.headers)
    assert answer.status_code == 302
    assert answer.headers["Cache-Control"] == "private, no-store"
    signed = answer.headers["Location"]
    assert signed.startswith(base + private_key + "?") and "X-Amz-Expires=300" in signed
    status, body = _http_get(signed)
    assert status == 200 and body == original


def test_a_removed_artworks_public_object_goes_and_comes_back_on_s3(
        aws_market: Marketplace, moto_endpoint: str) -> None:
    """On S3 the public URL is the object's own: a removed artwork's object is deleted (its
    private copy kept), its artist and staff get the image through a presigned URL, and the
    restored artwork's object is written again under the same key."""
    from tests.integration.moderation_support import staff_user

    s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto_endpoint)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/artworks/*"}]}))
    artist = aws_market.user("artist")
    moderator = staff_user(aws_market, "mod_s3")
    created = upload(aws_market, artist, jpeg(105), category_id=aws_market.category("Painting"))
    artwork = created.json["artwork"]
    url = artwork["watermarked_image"]
    key = urlsplit(url).path.removeprefix(f"/{BUCKET}/")
    status, image = _http_get(url)
    assert status == 200
    assert s3.head_object(Bucket=BUCKET, Key=key)["CacheControl"] == "public, max-age=300"

    removed = aws_market.client.simulate_post(
        f"/api/admin/content/{artwork['id']}/remove/", headers=moderator.headers,
        json={"content_type": "artwork", "reason": "Violates community guidelines"})
    assert removed.status_code == 200, removed.json
    assert _http_get(url)[0] in (403, 404)
    assert s3.get_object(Bucket=BUCKET, Key="private/" + key)["Body"].read() == image
    hidden = f"/api/files/artwork-image/{artwork['id']}/"
    for viewer in (artist, moderator):
        detail = aws_market.client.simulate_get(f"/api/artworks/{artwork['id']}/",
                                                headers=viewer.headers).json
        assert urlsplit(detail["image"]).path == hidden
        answer = aws_market.client.simulate_get(hidden, headers=viewer.headers)
        assert answer.status_code == 302
        assert _http_get(answer.headers["Location"]) == (200, image)
    assert aws_market.client.simulate_get(
        hidden, headers=aws_market.user("buyer").headers).status_code == 404

    restored = aws_market.client.simulate_post(
        f"/api/admin/content/{artwork['id']}/restore/", headers=moderator.headers,
        json={"content_type": "artwork", "reason": "Appeal accepted"})
    assert restored.status_code == 200, restored.json
    assert _http_get(url) == (200, image)
