"""Labels and face comparison from AWS Rekognition."""

from __future__ import annotations

import io
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from PIL import Image

from cultureup.application.storage import VisualAnalysisUnavailable
from cultureup.domain.labels import Label

# Rekognition takes JPEG or PNG bytes up to 5 MB, at least 80 pixels on each side.
MAX_REQUEST_BYTES = 5 * 1024 * 1024
MIN_SIDE = 80
# When an image must be re-encoded, this is plenty for labels and faces.
MAX_SIDE = 4096


class RekognitionVisualAnalyzer:
    """DetectLabels and CompareFaces. Labels under `min_confidence` percent are dropped; at
    most `max_labels` come back, most confident first."""

    def __init__(self, client: Any, *, min_confidence: float = 70.0,
                 max_labels: int = 20) -> None:
        if not 0.0 <= min_confidence <= 100.0:
            raise ValueError("min_confidence is a percentage")
        if max_labels < 1:
            raise ValueError("max_labels must be positive")
        self.client = client
        self.min_confidence = float(min_confidence)
        self.max_labels = max_labels

    @classmethod
    def from_settings(cls, region: str, access_key_id: str | None = None,
                      secret_access_key: str | None = None, endpoint_url: str | None = None,
                      *, min_confidence: float = 70.0,
                      max_labels: int = 20) -> RekognitionVisualAnalyzer:
        """An analyzer with its own boto3 client; without keys, boto3's usual chain applies."""
        credentials = ({"aws_access_key_id": access_key_id,
                        "aws_secret_access_key": secret_access_key}
                       if access_key_id and secret_access_key else {})
        config = Config(connect_timeout=5, read_timeout=30,
                        retries={"max_attempts": 4, "mode": "standard"})
        client = boto3.client("rekognition", region_name=region, endpoint_url=endpoint_url,
                              config=config, **credentials)
        return cls(client, min_confidence=min_confidence, max_labels=max_labels)

    def detect_labels(self, image_bytes: bytes) -> list[Label]:
        try:
            response = self.client.detect_labels(
                Image={"Bytes": _acceptable(image_bytes)},
                MaxLabels=self.max_labels, MinConfidence=self.min_confidence,
            )
        except (ClientError, BotoCoreError) as exc:
            raise VisualAnalysisUnavailable(_describe(exc)) from exc
        labels = []
        for item in response.get("Labels", []):
            name, confidence = item.get("Name", ""), float(item.get("Confidence", 0.0))
            if name.strip() and confidence >= self.min_confidence:
                labels.append(Label(name=name, confidence=min(100.0, confidence)))
        labels.sort(key=lambda label: -label.confidence)
        return labels[: self.max_labels]

    def compare_faces(self, source_bytes: bytes, target_bytes: bytes) -> float | None:
        try:
            response = self.client.compare_faces(
                SourceImage={"Bytes": _acceptable(source_bytes)},
                TargetImage={"Bytes": _acceptable(target_bytes)},
                # Zero, so every face in the target is scored: we want the best similarity,
                # not a yes/no at Rekognition's default threshold of 80.
                SimilarityThreshold=0,
            )
        except ClientError as exc:
            # Rekognition's answer when the source (or target) holds no face at all.
            if _code(exc) == "InvalidParameterException":
                return None
            raise VisualAnalysisUnavailable(_describe(exc)) from exc
        except BotoCoreError as exc:
            raise VisualAnalysisUnavailable(_describe(exc)) from exc
        matches = response.get("FaceMatches") or []
        if matches:
            best = max(float(match.get("Similarity", 0.0)) for match in matches)
            return min(1.0, max(0.0, best / 100.0))
        # Faces in the target, none matching even at threshold 0: as unlike as can be.
        return 0.0 if response.get("UnmatchedFaces") else None


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _describe(exc: ClientError | BotoCoreError) -> str:
    if isinstance(exc, ClientError):
        return f"Rekognition refused the request ({_code(exc) or 'unknown error'})."
    return f"Rekognition could not be reached ({type(exc).__name__})."


def _acceptable(data: bytes) -> bytes:
    """The image as Rekognition takes it: JPEG or PNG bytes within its size limits. Uploads
    that already qualify go as they are; GIF and WebP, and images too large or too small, are
    sent as a JPEG of the first frame."""
    try:
        image = Image.open(io.BytesIO(data))
    except (OSError, ValueError):
        return data  # not something Pillow reads: let Rekognition give its own verdict
    with image:
        small_side = min(image.size)
        if (image.format in ("JPEG", "PNG") and len(data) <= MAX_REQUEST_BYTES
                and small_side >= MIN_SIDE):
            return data
        image.load()
        converted = image.convert("RGBA") if _has_alpha(image) else image.convert("RGB")
    if converted.mode == "RGBA":
        background = Image.new("RGBA", converted.size, (255, 255, 255, 255))
        converted = Image.alpha_composite(background, converted).convert("RGB")
    if small_side < MIN_SIDE:
        scale = MIN_SIDE / small_side
        converted = converted.resize((max(MIN_SIDE, round(converted.width * scale)),
                                      max(MIN_SIDE, round(converted.height * scale))),
                                     Image.Resampling.LANCZOS)
    converted.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    for quality in (90, 80, 70, 60):
        out = io.BytesIO()
        converted.save(out, "JPEG", quality=quality)
        if out.tell() <= MAX_REQUEST_BYTES:
            break
    return out.getvalue()


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
