"""The perceptual fingerprinter and the in-memory index, on images drawn here from fixed seeds."""

from __future__ import annotations

import io
import itertools
import struct
import zlib
from collections.abc import Callable

import attrs
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

from cultureup.adapters.vision.fingerprint_index import InMemoryFingerprintIndex, split_codes
from cultureup.adapters.vision.perceptual import (
    DUPLICATE_DISTANCE,
    ORIENTATION_PENALTY,
    UNRELATED_DISTANCE,
    PerceptualFingerprinter,
    distance,
    forward_distance,
    oriented_distance,
    perceptual_similarity,
    similarity_from_distance,
)
from cultureup.domain.catalog.duplicates import DUPLICATE_THRESHOLD, ImageFingerprint
from cultureup.domain.errors import ValidationFailed

BOUNDARY = DUPLICATE_THRESHOLD / 100
fingerprinter = PerceptualFingerprinter()


def artwork(seed: int, size: tuple[int, int] = (360, 270)) -> Image.Image:
    """A gradient ground, a few dozen translucent shapes, a word and some grain."""
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w] / max(w, h)
    angle = rng.uniform(0, np.pi)
    ramp = (xx * np.cos(angle) + yy * np.sin(angle))[..., None]
    start, end = rng.uniform(0, 255, (2, 3))
    img = Image.fromarray((start * (1 - ramp) + end * ramp).astype(np.uint8))
    draw = ImageDraw.Draw(img, "RGBA")
    for _ in range(int(rng.integers(12, 30))):
        colour = (*(int(c) for c in rng.integers(0, 256, 3)), int(rng.integers(120, 256)))
        x0, y0 = rng.uniform(-0.1, 1, 2) * (w, h)
        x1, y1 = (x0, y0) + rng.uniform(0.05, 0.5, 2) * (w, h)
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    draw.text(tuple(rng.uniform(0, 0.6, 2) * (w, h)), "Rumi", fill=(255, 255, 255),
              font=ImageFont.load_default(size=h // 6))
    grain = rng.normal(0, 4, (h, w, 3))
    return Image.fromarray(np.clip(np.asarray(img) + grain, 0, 255).astype(np.uint8))


def encode(img: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **options)
    return buffer.getvalue()


def watermarked(img: Image.Image) -> Image.Image:
    out = img.copy()
    draw = ImageDraw.Draw(out, "RGBA")
    font = ImageFont.load_default(size=img.height // 14)
    for row, y in enumerate(range(0, img.height, img.height // 5)):
        for x in range(-row % 2 * 60, img.width, 170):
            draw.text((x, y), "© artist · CultureUp", fill=(255, 255, 255, 110), font=font)
    return out


def cropped(left: float, top: float, right: float, bottom: float) -> Callable:
    def crop(img: Image.Image) -> Image.Image:
        w, h = img.size
        return img.crop((round(w * left), round(h * top), round(w * (1 - right)),
                         round(h * (1 - bottom))))
    return crop


COPIES: dict[str, Callable[[Image.Image], bytes]] = {
    "resized_50": lambda img: encode(img.resize((img.width // 2, img.height // 2))),
    "resized_200": lambda img: encode(img.resize((img.width * 2, img.height * 2))),
    "jpeg_q30": lambda img: encode(img, quality=30),
    "watermarked": lambda img: encode(watermarked(img)),
    "brightened_20": lambda img: encode(ImageEnhance.Brightness(img).enhance(1.2)),
    "cropped_left_10": lambda img: encode(cropped(0.1, 0, 0, 0)(img)),
    "cropped_bottom_10": lambda img: encode(cropped(0, 0, 0, 0.1)(img)),
    "cropped_top_right_10": lambda img: encode(cropped(0, 0.1, 0.1, 0)(img)),
    "cropped_center_90": lambda img: encode(cropped(0.05, 0.05, 0.05, 0.05)(img)),
    "as_png": lambda img: encode(img, "PNG"),
}
SOURCES = [artwork(seed) for seed in range(5)]
SOURCE_PRINTS = [fingerprinter.fingerprint(encode(img, quality=92)) for img in SOURCES]


@pytest.mark.parametrize("kind", COPIES)
def test_every_kind_of_copy_matches_its_source(kind: str) -> None:
    for source, original in zip(SOURCES, SOURCE_PRINTS, strict=True):
        copy = fingerprinter.fingerprint(COPIES[kind](source))
        assert perceptual_similarity(copy, original) >= BOUNDARY
        assert perceptual_similarity(original, copy) >= BOUNDARY


def test_different_images_do_not_match() -> None:
    prints = [fingerprinter.fingerprint(encode(artwork(seed))) for seed in range(100, 130)]
    for i, a in enumerate(prints):
        for b in prints[i + 1:]:
            assert perceptual_similarity(a, b) < BOUNDARY


def test_the_index_finds_the_source_of_each_copy_among_hundreds() -> None:
    index = InMemoryFingerprintIndex()
    rng = np.random.default_rng(1)
    others = 400
    # Hundreds of stored artworks: drawn ones and random codes, plus the true sources.
    for seed in range(60):
        index.add(1000 + seed, 2, fingerprinter.fingerprint(encode(artwork(500 + seed,
                                                                           (200, 150)))))
    whole, center = rng.integers(0, 2**63, (2, others, 2), dtype=np.uint64)
    index.add_many(np.arange(2000, 2000 + others), np.full(others, 3), whole, center)
    for i, fingerprint in enumerate(SOURCE_PRINTS):
        index.add(i, 1, fingerprint)
    assert len(index) == 60 + others + len(SOURCES)
    for kind, make in COPIES.items():
        for i, source in enumerate(SOURCES):
            best = index.nearest(fingerprinter.fingerprint(make(source)), limit=3)
            assert best[0].artwork_id == i, kind
            assert best[0].artist_id == 1
            assert best[0].similarity >= BOUNDARY


def test_the_index_agrees_with_the_pairwise_distance() -> None:
    index = InMemoryFingerprintIndex(report_radius=64)
    for i, fingerprint in enumerate(SOURCE_PRINTS):
        index.add(i, 1, fingerprint)
    query = fingerprinter.fingerprint(COPIES["cropped_left_10"](SOURCES[2]))
    for match in index.nearest(query, limit=10):
        stored = SOURCE_PRINTS[match.artwork_id]
        expected = similarity_from_distance(forward_distance(query, stored))
        assert match.similarity == pytest.approx(expected)


def test_an_empty_index_finds_nothing() -> None:
    assert InMemoryFingerprintIndex().nearest(SOURCE_PRINTS[0]) == []


def test_removed_and_replaced_artworks_are_forgotten() -> None:
    index = InMemoryFingerprintIndex()
    index.add(1, 10, SOURCE_PRINTS[0])
    index.add(2, 20, SOURCE_PRINTS[1])
    index.remove(1)
    index.remove(99)  # unknown: nothing happens
    assert [m.artwork_id for m in index.nearest(SOURCE_PRINTS[0])] == []
    index.add(2, 20, SOURCE_PRINTS[3])  # a new image for artwork 2 replaces the old one
    assert index.nearest(SOURCE_PRINTS[1]) == []
    assert [m.artwork_id for m in index.nearest(SOURCE_PRINTS[3])] == [2]
    assert len(index) == 1


def test_the_index_keeps_finding_rows_across_rebuilds_and_compaction() -> None:
    index = InMemoryFingerprintIndex()
    rng = np.random.default_rng(2)
    n = 20_000
    whole, center = rng.integers(0, 2**63, (2, n, 2), dtype=np.uint64)
    index.add_many(np.arange(n), np.arange(n) % 7, whole, center)
    for artwork_id in range(0, 12_000, 2):  # past a quarter dead: compacted
        index.remove(artwork_id)
    index.add(n, 1, SOURCE_PRINTS[4])  # in the unsorted tail
    for row in (1, 9_999, 19_999):
        code = int(center[row, 0]) | int(center[row, 1]) << 64
        probe = ImageFingerprint(whole=0, center=0, probes=(code,) * 9)
        assert index.nearest(probe, limit=1)[0].artwork_id == row
    assert index.nearest(SOURCE_PRINTS[4], limit=1)[0].artwork_id == n
    assert len(index) == n + 1 - 6_000
    assert index.nbytes > 0


def test_bulk_loading_refuses_inconsistent_arrays() -> None:
    index = InMemoryFingerprintIndex()
    codes = split_codes([1, 2])
    with pytest.raises(ValueError, match="unique"):
        index.add_many([1, 1], [1, 1], codes, codes)
    with pytest.raises(ValueError, match="length"):
        index.add_many([1, 2], [1], codes, codes)


def test_similarity_is_calibrated_on_the_duplicate_boundary() -> None:
    values = [similarity_from_distance(bits) for bits in range(129)]
    assert values[0] == 1.0
    assert values[DUPLICATE_DISTANCE] == pytest.approx(BOUNDARY)
    assert values[UNRELATED_DISTANCE] == 0.0
    assert all(a >= b for a, b in itertools.pairwise(values))


def test_distance_is_symmetric() -> None:
    a, b = SOURCE_PRINTS[0], fingerprinter.fingerprint(COPIES["cropped_left_10"](SOURCES[0]))
    assert distance(a, b) == distance(b, a)


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff\xe0garbage"])
def test_corrupt_bytes_are_a_validation_error(data: bytes) -> None:
    with pytest.raises(ValidationFailed) as error:
        fingerprinter.fingerprint(data)
    assert "image" in error.value.details


def test_a_truncated_jpeg_is_a_validation_error() -> None:
    data = encode(SOURCES[0], quality=92)
    with pytest.raises(ValidationFailed):
        fingerprinter.fingerprint(data[: len(data) // 2])


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    # 100,000 x 100,000 pixels claimed by a 57-byte file.
    with pytest.raises(ValidationFailed, match="too many pixels"):
        fingerprinter.fingerprint(_png_header_only(100_000, 100_000))


def test_the_pixel_limit_is_ours_to_set() -> None:
    strict = PerceptualFingerprinter(max_pixels=300 * 200)
    with pytest.raises(ValidationFailed, match="too many pixels"):
        strict.fingerprint(encode(SOURCES[0]))
    assert strict.fingerprint(encode(SOURCES[0].resize((300, 200))))


@pytest.mark.parametrize(("orientation", "stored_as"), [
    (2, Image.Transpose.FLIP_LEFT_RIGHT), (3, Image.Transpose.ROTATE_180),
    (5, Image.Transpose.TRANSPOSE), (6, Image.Transpose.ROTATE_90),
    (8, Image.Transpose.ROTATE_270),
])
def test_exif_orientation_is_applied(orientation: int, stored_as: Image.Transpose) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(SOURCES[1].transpose(stored_as), quality=92, exif=exif.tobytes())
    # What viewers show, by Pillow's own reading of the tag, is the upright source.
    shown = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    assert shown.size == SOURCES[1].size
    fingerprint = fingerprinter.fingerprint(data)
    assert perceptual_similarity(fingerprint, SOURCE_PRINTS[1]) >= 0.95


@pytest.mark.parametrize(("mode", "fmt"), [
    ("RGBA", "PNG"), ("P", "PNG"), ("L", "PNG"), ("CMYK", "JPEG"), ("LA", "PNG"),
    ("I;16", "PNG"), ("RGB", "WEBP"), ("P", "GIF"),
])
def test_image_modes_give_the_same_fingerprint(mode: str, fmt: str) -> None:
    source = SOURCES[2]
    image = source.convert("L").convert(mode) if mode == "I;16" else source.convert(mode)
    fingerprint = fingerprinter.fingerprint(encode(image, fmt))
    assert perceptual_similarity(fingerprint, SOURCE_PRINTS[2]) >= BOUNDARY


def test_transparent_areas_are_seen_as_white() -> None:
    rgba = SOURCES[3].convert("RGBA")
    rgba.putalpha(0)  # the drawing is there, but fully transparent
    rgba.paste((0, 0, 0, 255), (100, 80, 260, 190))  # an opaque black box on transparency
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste((0, 0, 0), (100, 80, 260, 190))
    a = fingerprinter.fingerprint(encode(rgba, "PNG"))
    b = fingerprinter.fingerprint(encode(flat, "PNG"))
    assert a == b


# -- mirrored and turned copies ----------------------------------------------------------------

TRANSPOSES = list(Image.Transpose)


def test_the_first_orientation_is_the_stored_fingerprint() -> None:
    data = encode(SOURCES[0], quality=92)
    orientations = fingerprinter.orientations(data)
    assert len(orientations) == 8
    assert orientations[0] == fingerprinter.fingerprint(data)
    assert len(set(orientations)) == 8


@pytest.mark.parametrize("how", TRANSPOSES, ids=lambda t: t.name)
def test_a_mirrored_or_turned_copy_matches_through_one_orientation(how: Image.Transpose) -> None:
    for source, stored in zip(SOURCES, SOURCE_PRINTS, strict=True):
        copy = encode(source.transpose(how), quality=80)
        # Upright, the copy looks unrelated; one of its orientations is the source itself.
        assert perceptual_similarity(fingerprinter.fingerprint(copy), stored) < 0.5
        bits = oriented_distance(fingerprinter.orientations(copy), stored)
        assert bits <= ORIENTATION_PENALTY + 8
        assert similarity_from_distance(bits) >= BOUNDARY


def test_a_mirrored_crop_is_still_found() -> None:
    for source, stored in zip(SOURCES, SOURCE_PRINTS, strict=True):
        copy = cropped(0.1, 0, 0, 0)(source).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        assert oriented_distance(fingerprinter.orientations(encode(copy)), stored) \
            <= DUPLICATE_DISTANCE


def test_the_upright_orientation_pays_no_penalty() -> None:
    query = fingerprinter.orientations(encode(SOURCES[1], quality=92))
    assert oriented_distance(query, SOURCE_PRINTS[1]) == forward_distance(query[0],
                                                                           SOURCE_PRINTS[1])


@pytest.mark.parametrize("how", TRANSPOSES, ids=lambda t: t.name)
def test_the_index_finds_turned_copies_among_hundreds(how: Image.Transpose) -> None:
    index = InMemoryFingerprintIndex()
    rng = np.random.default_rng(3)
    whole, center = rng.integers(0, 2**63, (2, 3000, 2), dtype=np.uint64)
    index.add_many(np.arange(100, 3100), np.full(3000, 9), whole, center)
    for i, fingerprint in enumerate(SOURCE_PRINTS):
        index.add(i, 1, fingerprint)
    for i, source in enumerate(SOURCES):
        query = fingerprinter.orientations(encode(source.transpose(how), quality=85))
        best = index.nearest(query, limit=3)
        assert best[0].artwork_id == i
        assert best[0].similarity >= BOUNDARY
        assert index.nearest(query[0], limit=3) == [] or index.nearest(
            query[0], limit=3)[0].artwork_id != i


def test_the_index_agrees_with_the_oriented_distance() -> None:
    """Every row the index returns for a query in eight orientations carries exactly the
    similarity of perceptual.oriented_distance, and every planted row is returned, with the
    stored rows in the hash tables, in the unsorted tail, and both."""
    rng = np.random.default_rng(4)
    n = 6000
    whole, center = rng.integers(0, 2**64, (2, n, 2), dtype=np.uint64, endpoint=False)
    index = InMemoryFingerprintIndex(report_radius=64)
    index.add_many(np.arange(5000), np.arange(5000) % 11, whole[:5000], center[:5000])
    for row in range(5000, n):  # one by one: these stay in the tail
        index.add(row, row % 11, ImageFingerprint(
            whole=int(whole[row, 0]) | int(whole[row, 1]) << 64,
            center=int(center[row, 0]) | int(center[row, 1]) << 64, probes=(0,) * 9))
    stored = {row: ImageFingerprint(whole=int(whole[row, 0]) | int(whole[row, 1]) << 64,
                                    center=int(center[row, 0]) | int(center[row, 1]) << 64,
                                    probes=(0,) * 9) for row in range(n)}

    def near(code: int, bits: int) -> int:
        for bit in rng.choice(128, bits, replace=False):
            code ^= 1 << int(bit)
        return code

    def random_print() -> ImageFingerprint:
        codes = [int(c) for c in rng.integers(0, 2**63, 11, dtype=np.uint64)]
        return ImageFingerprint(whole=codes[0], center=codes[1], probes=codes[2:])

    for trial in range(40):
        row = int(rng.integers(n))
        query = [random_print() for _ in range(8)]
        turn = trial % 8
        if trial % 2:  # a re-encoded copy, in some orientation
            query[turn] = attrs.evolve(query[turn], whole=near(stored[row].whole, 8))
        else:  # a crop: one probe near the stored centre
            probes = list(query[turn].probes)
            probes[trial % 9] = near(stored[row].center, 4)
            query[turn] = attrs.evolve(query[turn], probes=probes)
        found = index.nearest(query, limit=n)
        assert row in [match.artwork_id for match in found]
        for match in found:
            expected = similarity_from_distance(oriented_distance(query, stored[match.artwork_id]))
            assert match.similarity == pytest.approx(expected)
            assert match.artist_id == match.artwork_id % 11
