"""The visible watermark: a JPEG of the same size, marked all over, the same every time."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageStat

from cultureup.adapters.vision.watermark import PillowWatermarker

TEXT = "© artist_john · CultureUp"


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def decode(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image


def gradient(size: tuple[int, int]) -> Image.Image:
    """Dark at the top, light at the bottom: the mark has to show on both."""
    return Image.linear_gradient("L").resize(size).convert("RGB")


@pytest.mark.parametrize("size", [(640, 480), (300, 900), (60, 40), (2000, 120)])
def test_the_result_is_a_jpeg_of_the_same_size(size: tuple[int, int]) -> None:
    marked = decode(PillowWatermarker().apply(encode(gradient(size)), TEXT))
    assert marked.format == "JPEG"
    assert marked.mode == "RGB"
    assert marked.size == size


def test_the_mark_changes_pixels_all_over_the_image() -> None:
    original = gradient((640, 480))
    marked = decode(PillowWatermarker().apply(encode(original), TEXT))
    difference = ImageChops.difference(original, marked).convert("L")
    # Every quarter of the picture carries some of the mark: it cannot be cropped away.
    for box in [(0, 0, 320, 240), (320, 0, 640, 240), (0, 240, 320, 480), (320, 240, 640, 480)]:
        region = difference.crop(box)
        changed = sum(region.point(lambda value: 255 if value > 24 else 0).histogram()[255:])
        assert changed > 0.01 * region.width * region.height, box


def test_the_mark_is_semi_transparent_not_a_solid_block() -> None:
    original = gradient((640, 480))
    marked = decode(PillowWatermarker().apply(encode(original), TEXT))
    # On average the picture is barely changed: the artwork stays visible under the mark.
    mean_change = ImageStat.Stat(ImageChops.difference(original, marked).convert("L")).mean[0]
    assert 0.5 < mean_change < 20


def test_watermarking_is_deterministic() -> None:
    data = encode(gradient((400, 300)))
    watermarker = PillowWatermarker()
    assert watermarker.apply(data, TEXT) == watermarker.apply(data, TEXT)


def test_different_text_gives_a_different_mark() -> None:
    data = encode(gradient((400, 300)))
    watermarker = PillowWatermarker()
    assert watermarker.apply(data, TEXT) != watermarker.apply(data, "© someone_else · CultureUp")


def test_transparent_areas_become_white_not_black() -> None:
    clear = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    marked = decode(PillowWatermarker().apply(encode(clear), TEXT))
    assert ImageStat.Stat(marked.convert("L")).mean[0] > 200


@pytest.mark.parametrize("fmt", ["JPEG", "GIF", "WEBP"])
def test_other_input_types_are_marked_too(fmt: str) -> None:
    marked = decode(PillowWatermarker().apply(encode(gradient((320, 240)), fmt), TEXT))
    assert (marked.format, marked.size) == ("JPEG", (320, 240))


def test_the_result_carries_no_metadata() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    marked_bytes = PillowWatermarker().apply(encode(gradient((200, 100)), "JPEG", exif=exif),
                                             TEXT)
    assert not decode(marked_bytes).getexif()


def test_opacity_must_be_a_fraction() -> None:
    with pytest.raises(ValueError):
        PillowWatermarker(opacity=0)
    with pytest.raises(ValueError):
        PillowWatermarker(opacity=1.5)


def test_the_mark_is_laid_on_the_upright_picture() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90 degrees clockwise to view
    data = encode(gradient((160, 80)), "JPEG", exif=exif)
    assert decode(PillowWatermarker().apply(data, TEXT)).size == (80, 160)
