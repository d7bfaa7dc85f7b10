"""Duplicate detection on real photographs, end to end through the upload use case.

Run: ``python -m benchmarks.photo_eval`` (also part of ``python -m benchmarks.duplicate_eval``).
Needs scikit-image (``pip install -e ".[test]"``): its bundled photographs are the sources,
only those shipped inside the package (nothing is downloaded).

Every photograph is uploaded by its own author, in a fresh SQLite database with the real
services (``bootstrap``: sanitizer, fingerprints, index, the domain's verdict, watermark,
storage). That measures false rejections among distinct photographs: each upload is compared
with all those before it. Then every kind of copy of every photograph is uploaded by another
artist (one copier per kind); a copy counts as found when it is refused and the 400 names the
*original* (its author's artwork). A copy held for review (grey band) is counted apart: it
was not refused. Last, a copy slips in (stored by an engine that searches only the upright
orientation, as before mirrored copies were searched) and then (a) the original author
uploads a variation of the photograph, which must be accepted, and (b) a third artist
uploads the same variation, which must be refused naming the original, not the slipped copy.
"""

from __future__ import annotations

import argparse
import copy
import io
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

from cultureup.adapters.vision.perceptual import PerceptualFingerprinter
from cultureup.adapters.vision.watermark import PillowWatermarker
from cultureup.application.accounts.users import Registration
from cultureup.bootstrap import Services, bootstrap
from cultureup.config import Settings
from cultureup.domain.accounts.users import Actor
from cultureup.domain.catalog.artworks import ArtworkDetails, DuplicateArtwork
from cultureup.domain.catalog.duplicates import ImageFingerprint
from cultureup.domain.money import Money

# The photographs inside the scikit-image package (no download): distinct scenes.
PHOTOGRAPHS = ("astronaut", "brick", "camera", "chelsea", "clock", "coffee", "coins", "grass",
               "gravel", "hubble_deep_field", "immunohistochemistry", "moon", "retina",
               "rocket", "page", "text", "cell", "motorcycle_left")
PASSWORD = "Photo-Evaluation-2026!"
WATERMARKER = PillowWatermarker()


def photograph(name: str) -> Image.Image:
    """One of the photographs scikit-image ships, as an RGB image."""
    from skimage import data  # imported here: scikit-image is a test/benchmark dependency

    if name.startswith("motorcycle_"):
        left, right, _ = data.stereo_motorcycle()
        pixels = left if name.endswith("left") else right
    else:
        pixels = getattr(data, name)()
    return Image.fromarray(np.asarray(pixels)).convert("RGB")


def jpeg(image: Image.Image, quality: int = 92) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def crop(image: Image.Image, left: float, top: float, right: float,
         bottom: float) -> Image.Image:
    w, h = image.size
    return image.crop((round(w * left), round(h * top), round(w * (1 - right)),
                       round(h * (1 - bottom))))


def _transposed(how: Image.Transpose) -> Callable[[Image.Image], bytes]:
    return lambda image: jpeg(image.transpose(how))


def _resized(factor: float) -> Callable[[Image.Image], bytes]:
    return lambda image: jpeg(image.resize((round(image.width * factor),
                                            round(image.height * factor)),
                                           Image.Resampling.LANCZOS))


def _watermarked(image: Image.Image) -> bytes:
    # The platform's own mark, as on every watermarked image it serves.
    return WATERMARKER.apply(jpeg(image), "© copier · CultureUp")


def _brightened(image: Image.Image) -> bytes:
    return jpeg(ImageEnhance.Brightness(image).enhance(1.2))


COPIES: dict[str, Callable[[Image.Image], bytes]] = {
    "mirror_left_right": _transposed(Image.Transpose.FLIP_LEFT_RIGHT),
    "mirror_top_bottom": _transposed(Image.Transpose.FLIP_TOP_BOTTOM),
    "rotate_90": _transposed(Image.Transpose.ROTATE_90),
    "rotate_180": _transposed(Image.Transpose.ROTATE_180),
    "rotate_270": _transposed(Image.Transpose.ROTATE_270),
    "brightness_+20": _brightened,
    "crop_10_one_side": lambda image: jpeg(crop(image, 0.1, 0, 0, 0)),
    "crop_10_two_sides": lambda image: jpeg(crop(image, 0, 0.1, 0.1, 0)),
    "crop_center_90": lambda image: jpeg(crop(image, 0.05, 0.05, 0.05, 0.05)),
    "resize_50": _resized(0.5),
    "resize_200": _resized(2.0),
    "jpeg_q30": lambda image: jpeg(image, 30),
    "watermark": _watermarked,
}


def variation(image: Image.Image) -> bytes:
    """What an author makes of their own photograph: reframed a little, resized, brighter."""
    reframed = crop(image, 0.03, 0.03, 0.0, 0.0)
    smaller = reframed.resize((round(reframed.width * 0.8), round(reframed.height * 0.8)),
                              Image.Resampling.LANCZOS)
    return jpeg(ImageEnhance.Brightness(smaller).enhance(1.1), 85)


class _UprightOnly(PerceptualFingerprinter):
    """The engine before mirrored and turned copies were searched: the upright print only."""

    def orientations(self, image_bytes: bytes) -> Sequence[ImageFingerprint]:
        return (self.fingerprint(image_bytes),)


class Market:
    """The real services on a throw-away SQLite database and media folder."""

    def __init__(self, folder: Path) -> None:
        self.services: Services = bootstrap(Settings(
            database_url=f"sqlite:///{folder / 'eval.db'}", media_root=str(folder / "media"),
            private_root=str(folder / "private"),
            password_hash_time_cost=1, password_hash_memory_kib=1024,
            secret_key="photo-evaluation-secret-key-0123456789abcdef",
            rate_limit_enabled=False), upgrade_database=True)
        admin, _ = self.services.sample_data.ensure_superuser(
            username="eval_admin", email="eval_admin@example.com", password=PASSWORD)
        self.category = self.services.categories.create_category(
            actor=admin.as_actor(), name="Photography").id
        self._artists: dict[str, Actor] = {}

    def artist(self, name: str) -> Actor:
        if name not in self._artists:
            self.services.accounts.register(Registration(
                username=name, email=f"{name}@example.com", password=PASSWORD,
                password_confirm=PASSWORD, user_type="artist", first_name=name.title(),
                last_name="Eval"))
            self._artists[name] = self.services.accounts.login(
                username=name, password=PASSWORD).user.as_actor()
        return self._artists[name]

    def upload(self, artist: str, image: bytes, title: str, *, service: object = None
               ) -> tuple[str, int | None, float]:
        """('accepted' | 'held' | 'refused', the artwork stored or named, the score)."""
        artworks = service or self.services.artworks
        details = ArtworkDetails(title=title, description="evaluation", artwork_type="digital",
                                 category_id=self.category, price=Money("100.00"))
        try:
            result = artworks.upload(self.artist(artist), details, image)  # type: ignore[attr-defined]
        except DuplicateArtwork as refused:
            return "refused", refused.artwork_id, refused.score
        check = result.duplicate_check
        return ("held" if check.held_for_review else "accepted", result.artwork.id,
                check.similarity_score)

    def upright_only(self) -> object:
        """The same upload use case with the older, upright-only engine (for slipped copies)."""
        older = copy.copy(self.services.artworks)
        older._fingerprinter = _UprightOnly()  # a simulation of the old engine
        older._index = older._index_factory()
        older._index_seq = 0
        return older

    def close(self) -> None:
        self.services.close()


def evaluate(names: Sequence[str] = PHOTOGRAPHS) -> dict[str, object]:
    started = time.perf_counter()
    images = {name: photograph(name) for name in names}
    with tempfile.TemporaryDirectory() as folder:
        market = Market(Path(folder))
        try:
            originals: dict[str, int] = {}
            distinct = Counter()
            for name, image in images.items():
                outcome, artwork_id, score = market.upload(f"author_{name}", jpeg(image), name)
                distinct[outcome] += 1
                if outcome != "refused" and artwork_id is not None:
                    originals[name] = artwork_id
                else:
                    print(f"  distinct photograph {name} refused: named {artwork_id}, {score}")
            kinds: dict[str, Counter] = {}
            scores: dict[str, list[float]] = {}
            for kind, make in COPIES.items():
                tally = kinds[kind] = Counter()
                scores[kind] = []
                for name, image in images.items():
                    if name not in originals:
                        continue
                    outcome, artwork_id, score = market.upload(f"copier_{kind}", make(image),
                                                               f"{name} {kind}")
                    if outcome == "refused":
                        outcome = "found" if artwork_id == originals[name] else "wrong_original"
                    tally[outcome] += 1
                    scores[kind].append(score)
            # A copy slips in through the older engine; then the author and a third artist
            # upload the same variation.
            older = market.upright_only()
            slipped = Counter()
            for name, image in images.items():
                if name not in originals:
                    continue
                mirrored = jpeg(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
                outcome, _, _ = market.upload("slipper", mirrored, f"{name} mirrored",
                                              service=older)
                if outcome == "refused":
                    slipped["copy_not_slipped"] += 1
                    continue
                slipped["copies_slipped"] += 1
                mine = variation(image)
                outcome, _, _ = market.upload(f"author_{name}", mine, f"{name} variation")
                slipped[f"author_variation_{outcome}"] += 1
                outcome, artwork_id, _ = market.upload("third_artist", mine,
                                                       f"{name} third")
                named = "original" if artwork_id == originals[name] else "other"
                slipped[f"third_artist_{outcome}" + (f"_{named}" if outcome == "refused"
                                                     else "")] += 1
        finally:
            market.close()
    return {"photographs": len(images), "distinct": distinct, "kinds": kinds,
            "scores": scores, "slipped": slipped, "seconds": time.perf_counter() - started}


def report(result: dict[str, object]) -> None:
    photographs = result["photographs"]
    distinct: Counter = result["distinct"]  # type: ignore[assignment]
    print(f"\nreal photographs: {photographs} distinct photographs scikit-image ships, "
          f"each uploaded by its author, then each copy by another artist "
          f"({result['seconds']:.0f} s)")
    print(f"  distinct photographs refused: {distinct['refused']} of {photographs}; "
          f"held for review: {distinct['held']}; accepted: {distinct['accepted']}")
    print(f"  {'copy kind':20s} {'recall':>7s} {'held':>5s} {'missed':>7s} {'wrong':>6s} "
          f"{'min score':>10s} {'median':>7s}")
    kinds: dict[str, Counter] = result["kinds"]  # type: ignore[assignment]
    scores: dict[str, list[float]] = result["scores"]  # type: ignore[assignment]
    for kind, tally in kinds.items():
        total = sum(tally.values())
        print(f"  {kind:20s} {tally['found'] / total:7.3f} {tally['held']:5d} "
              f"{tally['accepted']:7d} {tally['wrong_original']:6d} "
              f"{min(scores[kind]):10.1f} {float(np.median(scores[kind])):7.1f}")
    slipped: Counter = result["slipped"]  # type: ignore[assignment]
    print("  after a mirrored copy slipped in (stored by the upright-only engine):")
    for key in sorted(slipped):
        print(f"    {key:38s} {slipped[key]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    report(evaluate())


if __name__ == "__main__":
    main()
