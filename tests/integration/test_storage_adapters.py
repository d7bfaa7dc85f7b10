"""The image stores and Rekognition adapter against real backends: a temporary folder, and
moto's S3 and Rekognition served over HTTP on 127.0.0.1 (nothing reaches AWS)."""

from __future__ import annotations

import io
import json
import os
import socket
import stat
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber
from moto.server import ThreadedMotoServer
from PIL import Image

from cultureup.adapters.storage import LocalImageStore, S3ImageStore
from cultureup.adapters.vision.rekognition import RekognitionVisualAnalyzer
from cultureup.application.storage import VisualAnalysisUnavailable
from cultureup.domain.errors import NotFound
from cultureup.domain.labels import Label

REGION = "us-east-1"
BUCKET = "cultureup-test-media"
KEY_ID, SECRET = "testing", "testing"  # moto accepts any credentials


def jpeg(size: tuple[int, int] = (120, 90), colour: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


# --- local folder -----------------------------------------------------------------------------


@pytest.fixture
def local(tmp_path: Path) -> LocalImageStore:
    return LocalImageStore(tmp_path / "media")


def test_local_store_round_trip(local: LocalImageStore) -> None:
    data = jpeg()
    local.put("artworks/12/abc.jpg", data, "image/jpeg")
    assert local.read("artworks/12/abc.jpg") == data
    assert (local.root / "artworks" / "12" / "abc.jpg").read_bytes() == data
    assert local.url("artworks/12/abc.jpg") == "/media/artworks/12/abc.jpg"


def test_local_store_replaces_a_file_atomically_and_leaves_no_temporary_files(
        local: LocalImageStore) -> None:
    local.put("artworks/1/a.jpg", b"first", "image/jpeg")
    local.put("artworks/1/a.jpg", b"second", "image/jpeg")
    assert local.read("artworks/1/a.jpg") == b"second"
    assert sorted(path.name for path in (local.root / "artworks" / "1").iterdir()) == ["a.jpg"]


def test_local_files_are_readable_by_the_web_server(local: LocalImageStore) -> None:
    local.put("artworks/1/a.jpg", b"data", "image/jpeg")
    mode = (local.root / "artworks" / "1" / "a.jpg").stat().st_mode
    assert mode & stat.S_IROTH


def test_local_delete_removes_the_file_and_ignores_a_missing_one(
        local: LocalImageStore) -> None:
    local.put("artworks/1/a.jpg", b"data", "image/jpeg")
    local.delete("artworks/1/a.jpg")
    local.delete("artworks/1/a.jpg")
    local.delete("never/stored.jpg")
    with pytest.raises(NotFound):
        local.read("artworks/1/a.jpg")


def test_local_urls_use_the_configured_prefix_and_quote_the_key(tmp_path: Path) -> None:
    store = LocalImageStore(tmp_path, url_prefix="https://cdn.example.com/files")
    assert store.url("artworks/1/a b.jpg") == "https://cdn.example.com/files/artworks/1/a%20b.jpg"


@pytest.mark.parametrize("key", [
    "../outside.jpg", "artworks/../../outside.jpg", "/etc/passwd", "artworks//a.jpg",
    "artworks/./a.jpg", "", "artworks\\a.jpg", "C:/windows/a.jpg", "artworks/a.jpg\x00.png",
])
def test_local_store_refuses_keys_that_could_leave_its_folder(local: LocalImageStore,
                                                              key: str) -> None:
    for operation in (lambda: local.put(key, b"x", "image/jpeg"), lambda: local.read(key),
                      lambda: local.delete(key), lambda: local.url(key)):
        with pytest.raises(ValueError):
            operation()
    assert not (local.root.parent / "outside.jpg").exists()


def test_local_store_does_not_follow_a_symlink_out_of_its_folder(tmp_path: Path) -> None:
    store = LocalImageStore(tmp_path / "media")
    (tmp_path / "media").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "media" / "artworks")
    with pytest.raises(ValueError):
        store.put("artworks/a.jpg", b"x", "image/jpeg")
    assert not (tmp_path / "elsewhere" / "a.jpg").exists()


# --- moto server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    # Credentials in the environment too, so no botocore lookup can wander off to a real
    # profile or to instance metadata.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
        env.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
        env.setenv("AWS_DEFAULT_REGION", REGION)
        server.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.stop()


@pytest.fixture(scope="module")
def s3_store(moto_endpoint: str) -> S3ImageStore:
    store = S3ImageStore.from_settings(BUCKET, REGION, KEY_ID, SECRET, endpoint_url=moto_endpoint)
    store.client.create_bucket(Bucket=BUCKET)
    # What a deployment does too: artworks are public, so anyone may read the objects.
    store.client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/*"}],
    }))
    return store


def test_s3_store_round_trip(s3_store: S3ImageStore) -> None:
    data = jpeg()
    s3_store.put("artworks/12/abc.jpg", data, "image/jpeg")
    assert s3_store.read("artworks/12/abc.jpg") == data
    head = s3_store.client.head_object(Bucket=BUCKET, Key="artworks/12/abc.jpg")
    assert head["ContentType"] == "image/jpeg"
    assert head["ContentLength"] == len(data)


def test_s3_url_points_at_the_endpoint_when_one_is_given(s3_store: S3ImageStore,
                                                        moto_endpoint: str) -> None:
    s3_store.put("artworks/12/abc.jpg", b"bytes", "image/jpeg")
    url = s3_store.url("artworks/12/abc.jpg")
    assert url == f"{moto_endpoint}/{BUCKET}/artworks/12/abc.jpg"
    # The URL serves the object to a plain HTTP client, without any signature.
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == b"bytes"


def test_s3_delete_removes_the_object_and_ignores_a_missing_one(s3_store: S3ImageStore) -> None:
    s3_store.put("artworks/3/gone.jpg", b"data", "image/jpeg")
    s3_store.delete("artworks/3/gone.jpg")
    s3_store.delete("artworks/3/gone.jpg")
    s3_store.delete("never/stored.jpg")
    with pytest.raises(NotFound):
        s3_store.read("artworks/3/gone.jpg")


def test_s3_store_refuses_unsafe_keys(s3_store: S3ImageStore) -> None:
    with pytest.raises(ValueError):
        s3_store.put("../escape.jpg", b"x", "image/jpeg")


def test_s3_urls_default_to_the_bucket_address_or_the_public_base() -> None:
    client: Any = None  # url() needs no client
    assert (S3ImageStore(client, "media-bucket", "eu-west-1").url("artworks/1/a.jpg")
            == "https://media-bucket.s3.eu-west-1.amazonaws.com/artworks/1/a.jpg")
    cdn = S3ImageStore(client, "media-bucket", "eu-west-1",
                       public_base_url="https://cdn.example.com/m")
    assert cdn.url("artworks/1/a.jpg") == "https://cdn.example.com/m/artworks/1/a.jpg"


# --- Rekognition (moto answers with canned results) -------------------------------------------


@pytest.fixture(scope="module")
def analyzer(moto_endpoint: str) -> RekognitionVisualAnalyzer:
    return RekognitionVisualAnalyzer.from_settings(REGION, KEY_ID, SECRET,
                                                   endpoint_url=moto_endpoint)


def test_detect_labels_returns_labels_above_the_confidence_floor(
        analyzer: RekognitionVisualAnalyzer) -> None:
    labels = analyzer.detect_labels(jpeg())
    assert labels, "moto answers with a canned label"
    assert all(isinstance(label, Label) for label in labels)
    assert all(70.0 <= label.confidence <= 100.0 for label in labels)
    assert [label.confidence for label in labels] == sorted(
        (label.confidence for label in labels), reverse=True)


def test_detect_labels_accepts_gif_and_tiny_images(analyzer: RekognitionVisualAnalyzer) -> None:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 90, 200)).save(out, "GIF")
    assert all(isinstance(label, Label) for label in analyzer.detect_labels(out.getvalue()))


def test_compare_faces_returns_a_similarity_between_zero_and_one(
        analyzer: RekognitionVisualAnalyzer) -> None:
    similarity = analyzer.compare_faces(jpeg(colour=(10, 10, 10)), jpeg(colour=(250, 250, 250)))
    assert similarity is None or isinstance(similarity, float)
    if similarity is not None:
        assert 0.0 <= similarity <= 1.0


def test_an_unreachable_rekognition_is_reported_as_unavailable() -> None:
    closed = RekognitionVisualAnalyzer(boto3.client(
        "rekognition", region_name=REGION, endpoint_url=f"http://127.0.0.1:{free_port()}",
        aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
        config=Config(connect_timeout=0.5, retries={"max_attempts": 1}),
    ))
    with pytest.raises(VisualAnalysisUnavailable):
        closed.detect_labels(jpeg())
    with pytest.raises(VisualAnalysisUnavailable):
        closed.compare_faces(jpeg(), jpeg())


# --- Rekognition's other answers, through botocore's own Stubber ------------------------------


@pytest.fixture
def stubbed() -> Iterator[tuple[RekognitionVisualAnalyzer, Stubber]]:
    client = boto3.client("rekognition", region_name=REGION, aws_access_key_id=KEY_ID,
                          aws_secret_access_key=SECRET)
    with Stubber(client) as stubber:
        yield RekognitionVisualAnalyzer(client, min_confidence=70, max_labels=3), stubber
        stubber.assert_no_pending_responses()


def face(similarity: float) -> dict[str, Any]:
    return {"Similarity": similarity, "Face": {"Confidence": 99.0}}


@pytest.mark.parametrize(("answer", "expected"), [
    ({"FaceMatches": [face(12.5), face(93.0)], "UnmatchedFaces": []}, 0.93),
    ({"FaceMatches": [], "UnmatchedFaces": [{"Confidence": 99.0}]}, 0.0),
    ({"FaceMatches": [], "UnmatchedFaces": []}, None),
])
def test_compare_faces_reads_the_best_match(
        stubbed: tuple[RekognitionVisualAnalyzer, Stubber], answer: dict[str, Any],
        expected: float | None) -> None:
    analyzer, stubber = stubbed
    stubber.add_response("compare_faces", answer)
    assert analyzer.compare_faces(jpeg(), jpeg()) == expected


def test_compare_faces_without_a_face_in_the_source_is_none(
        stubbed: tuple[RekognitionVisualAnalyzer, Stubber]) -> None:
    analyzer, stubber = stubbed
    stubber.add_client_error("compare_faces", service_error_code="InvalidParameterException",
                             service_message="Request has invalid parameters")
    assert analyzer.compare_faces(jpeg(), jpeg()) is None


@pytest.mark.parametrize("code", ["ThrottlingException", "AccessDeniedException",
                                  "InternalServerError", "ImageTooLargeException"])
def test_rekognition_failures_are_reported_as_unavailable(
        stubbed: tuple[RekognitionVisualAnalyzer, Stubber], code: str) -> None:
    analyzer, stubber = stubbed
    stubber.add_client_error("detect_labels", service_error_code=code)
    stubber.add_client_error("compare_faces", service_error_code=code)
    with pytest.raises(VisualAnalysisUnavailable, match=code):
        analyzer.detect_labels(jpeg())
    with pytest.raises(VisualAnalysisUnavailable, match=code):
        analyzer.compare_faces(jpeg(), jpeg())


def test_labels_are_filtered_sorted_and_capped(
        stubbed: tuple[RekognitionVisualAnalyzer, Stubber]) -> None:
    analyzer, stubber = stubbed
    stubber.add_response("detect_labels", {"Labels": [
        {"Name": "Art", "Confidence": 91.0}, {"Name": "Painting", "Confidence": 99.5},
        {"Name": "Blur", "Confidence": 40.0}, {"Name": "Sunset", "Confidence": 95.0},
        {"Name": "Sky", "Confidence": 80.0},
    ]})
    labels = analyzer.detect_labels(jpeg())
    assert labels == [Label("Painting", 99.5), Label("Sunset", 95.0), Label("Art", 91.0)]


def test_images_rekognition_cannot_take_are_sent_as_jpeg(
        stubbed: tuple[RekognitionVisualAnalyzer, Stubber]) -> None:
    analyzer, stubber = stubbed
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 0, 0)).save(out, "WEBP")
    sent: dict[str, bytes] = {}

    def capture(params: dict[str, Any], **_: Any) -> None:
        sent["bytes"] = params["Image"]["Bytes"]

    analyzer.client.meta.events.register("before-parameter-build.rekognition.DetectLabels",
                                         capture)
    stubber.add_response("detect_labels", {"Labels": []})
    assert analyzer.detect_labels(out.getvalue()) == []
    with Image.open(io.BytesIO(sent["bytes"])) as image:
        assert image.format == "JPEG"
        assert min(image.size) >= 80  # Rekognition's smallest accepted side
