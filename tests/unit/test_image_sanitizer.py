"""Vetting uploads: the real type by content, soundness, size limits, upright and no GPS."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms

from cultureup.adapters.vision.sanitize import PillowImageSanitizer
from cultureup.application.storage import CleanImage
from cultureup.domain.errors import ValidationFailed

LIMIT = 10 * 1024 * 1024


@pytest.fixture
def sanitizer() -> PillowImageSanitizer:
    return PillowImageSanitizer()


def noise(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    # Deterministic texture: random-looking enough that encoders cannot collapse it.
    pixels = bytes((x * 7 + y * 13 + (x * y) % 17) % 256 for y in range(size[1])
                   for x in range(size[0]) for _ in range(3))
    return Image.frombytes("RGB", size, pixels).convert(mode)


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def refusal(sanitizer: PillowImageSanitizer, data: bytes, max_bytes: int = LIMIT) -> str:
    with pytest.raises(ValidationFailed) as caught:
        sanitizer.inspect_and_clean(data, max_bytes=max_bytes)
    assert list(caught.value.details) == ["image"]
    (message,) = caught.value.details["image"]
    return message


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of the given size, all black, compressed to almost nothing."""
    def chunk(tag: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + tag + body
                + struct.pack(">I", zlib.crc32(tag + body)))

    row_bytes = 1 + (width + 7) // 8  # filter byte, then one bit per pixel
    total = row_bytes * height
    block = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    # After a full flush the compressor forgets its history, so every further megabyte of
    # zeros compresses to the very same bytes: repeat them instead of recomputing.
    packed = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    full, rest = divmod(total, len(block))
    tail = compressor.compress(block[:rest]) + compressor.flush()
    adler = ((total % 65521) << 16) | 1  # Adler-32 of `total` zero bytes
    idat = b"\x78\xda" + packed * full + tail + struct.pack(">I", adler)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


@pytest.mark.parametrize(("fmt", "content_type", "extension"), [
    ("JPEG", "image/jpeg", ".jpg"),
    ("PNG", "image/png", ".png"),
    ("GIF", "image/gif", ".gif"),
    ("WEBP", "image/webp", ".webp"),
])
def test_jpeg_png_gif_and_webp_are_accepted(sanitizer: PillowImageSanitizer, fmt: str,
                                            content_type: str, extension: str) -> None:
    clean = sanitizer.inspect_and_clean(encode(noise((64, 48)), fmt), max_bytes=LIMIT)
    assert isinstance(clean, CleanImage)
    assert (clean.format, clean.width, clean.height) == (fmt, 64, 48)
    assert (clean.content_type, clean.extension) == (content_type, extension)
    with Image.open(io.BytesIO(clean.data)) as reread:
        assert reread.format == fmt
        assert reread.size == (64, 48)


def test_the_type_is_judged_by_content_not_by_name(sanitizer: PillowImageSanitizer) -> None:
    message = refusal(sanitizer, b"Hello, this is a text file called artwork.jpg\n" * 20)
    assert message.startswith("Upload a valid image.")


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_other_image_types_are_refused_by_name(sanitizer: PillowImageSanitizer,
                                               fmt: str) -> None:
    message = refusal(sanitizer, encode(noise(), fmt))
    assert message == f"{fmt} images are not accepted. Upload a JPEG, PNG, GIF or WebP image."


def test_an_svg_is_not_an_image_we_take(sanitizer: PillowImageSanitizer) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert refusal(sanitizer, svg).startswith("Upload a valid image.")


def test_an_empty_file_is_refused(sanitizer: PillowImageSanitizer) -> None:
    assert refusal(sanitizer, b"") == "The submitted file is empty."


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
        sanitizer: PillowImageSanitizer) -> None:
    data = encode(noise((256, 256)), "PNG")
    message = refusal(sanitizer, data, max_bytes=1024)
    assert message.startswith("The image file is ")
    assert message.endswith("; the largest allowed is 1 KB.")
    assert sanitizer.inspect_and_clean(data, max_bytes=len(data)).format == "PNG"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_a_truncated_image_is_refused(sanitizer: PillowImageSanitizer, fmt: str) -> None:
    data = encode(noise((200, 200)), fmt)
    assert refusal(sanitizer, data[: len(data) // 2]).startswith("The image file is corrupt")


def test_a_jpeg_cut_just_before_its_end_marker_is_refused(
        sanitizer: PillowImageSanitizer) -> None:
    data = encode(noise((200, 200)), "JPEG")
    assert refusal(sanitizer, data[:-64]).startswith("The image file is corrupt")


def test_a_png_with_a_damaged_chunk_is_refused(sanitizer: PillowImageSanitizer) -> None:
    data = bytearray(encode(noise((64, 64)), "PNG"))
    data[len(data) // 2] ^= 0xFF  # inside IDAT: its checksum no longer matches
    assert refusal(sanitizer, bytes(data)).startswith("The image file is corrupt")


def test_a_png_decompression_bomb_is_refused(sanitizer: PillowImageSanitizer) -> None:
    bomb = png_bomb(30_000, 30_000)  # 900 megapixels in about 110 KB
    assert len(bomb) < 200_000
    assert refusal(sanitizer, bomb).startswith("The image has too many pixels")


def test_an_image_over_our_pixel_limit_is_refused_with_its_size(
        sanitizer: PillowImageSanitizer) -> None:
    # 20 megapixels: far under Pillow's own warning level, over ours.
    message = refusal(sanitizer, png_bomb(5000, 4000))
    assert message == ("The image is 5000x4000 pixels (20 megapixels); the largest allowed is "
                       "16 megapixels.")


def test_the_pixel_limit_is_judged_from_the_header_before_any_decoding(
        sanitizer: PillowImageSanitizer) -> None:
    """A PNG whose header claims 7000x7000 pixels and whose data is garbage: refused for its
    size, which proves nothing was inflated or decoded to judge it."""
    header = png_bomb(7000, 7000)
    ihdr_end = 8 + 8 + 13 + 4
    idat = b"not even zlib"
    forged = (header[:ihdr_end] + struct.pack(">I", len(idat)) + b"IDAT" + idat
              + struct.pack(">I", zlib.crc32(b"IDAT" + idat)) + header[-12:])
    assert refusal(sanitizer, forged).startswith("The image is 7000x7000 pixels (49 megapixels)")


def test_a_baseline_jpeg_over_the_limit_is_decoded_and_stored_at_a_reduced_size() -> None:
    small_cap = PillowImageSanitizer(max_pixels=100 * 100)
    # 300x200 is 60,000 pixels: half size is still 15,000; a quarter (75x50) fits.
    clean = small_cap.inspect_and_clean(encode(two_colour((300, 200)), "JPEG"),
                                        max_bytes=LIMIT)
    assert (clean.width, clean.height) == (75, 50)
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.size == (75, 50)
        rgb = stored.convert("RGB")
        assert close_to(rgb.getpixel((10, 25)), (255, 0, 0))
        assert close_to(rgb.getpixel((65, 25)), (0, 0, 255))
    # Beyond an eighth of each side nothing is decoded at all.
    message = refusal(small_cap, encode(noise((900, 900)), "JPEG"))
    assert message == ("The image is 900x900 pixels (810,000 pixels); the largest allowed is "
                       "640,000 pixels.")


def test_a_progressive_jpeg_over_the_limit_is_refused_not_reduced() -> None:
    # libjpeg holds every coefficient of a progressive file whatever the output size.
    small_cap = PillowImageSanitizer(max_pixels=100 * 100)
    data = encode(noise((300, 200)), "JPEG", progressive=True)
    assert refusal(small_cap, data) == ("The image is 300x200 pixels (60,000 pixels); the "
                                        "largest allowed is 10,000 pixels.")


def test_the_pixel_limit_is_configurable() -> None:
    strict = PillowImageSanitizer(max_pixels=100 * 100)
    assert strict.inspect_and_clean(encode(noise((100, 100)), "PNG"), max_bytes=LIMIT)
    assert refusal(strict, encode(noise((101, 100)), "PNG")) == (
        "The image is 101x100 pixels (10,100 pixels); the largest allowed is 10,000 pixels.")


def test_an_animation_with_too_many_frames_is_refused() -> None:
    frames = [Image.new("RGB", (16, 16), (index * 40, 0, 0)) for index in range(6)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50)
    message = refusal(PillowImageSanitizer(max_frames=5), data)
    assert message == "The animation has more than 5 frames."


def test_a_gif_is_re_encoded_with_its_frames_and_timing(
        sanitizer: PillowImageSanitizer) -> None:
    frames = [Image.new("RGB", (30, 20), (0, index * 60, 0)) for index in range(4)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    clean = sanitizer.inspect_and_clean(data, max_bytes=LIMIT)
    with Image.open(io.BytesIO(clean.data)) as reread:
        assert reread.n_frames == 4
        assert reread.info["duration"] == 80
        for index in range(4):
            reread.seek(index)
            assert close_to(reread.convert("RGB").getpixel((5, 5)), (0, index * 60, 0))
    assert (clean.width, clean.height) == (30, 20)


SCRIPT = b"<script>alert(document.cookie)</script>"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
@pytest.mark.parametrize("animated", [False, True])
def test_nothing_appended_to_an_image_survives(sanitizer: PillowImageSanitizer, fmt: str,
                                               animated: bool) -> None:
    if animated and fmt == "JPEG":
        pytest.skip("JPEG has no animation")
    frames = [noise((40, 30)).rotate(index * 90) for index in range(3 if animated else 1)]
    options: dict[str, object] = {"save_all": True, "append_images": frames[1:],
                                  "duration": 100} if animated else {}
    original = encode(frames[0], fmt, **options) + SCRIPT
    clean = sanitizer.inspect_and_clean(original, max_bytes=LIMIT)
    assert SCRIPT not in clean.data
    assert b"<script" not in clean.data


def test_an_animated_webp_keeps_its_frames(sanitizer: PillowImageSanitizer) -> None:
    frames = [Image.new("RGB", (32, 32), (index * 60, 20, 200)) for index in range(4)]
    data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:],
                  duration=[100, 200, 100, 300], loop=0, lossless=True)
    clean = sanitizer.inspect_and_clean(data, max_bytes=LIMIT)
    with Image.open(io.BytesIO(clean.data)) as reread:
        assert reread.n_frames == 4


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Artist] = "artist_john"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (31.0, 31.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (74.0, 21.0, 3.25),
    }
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.MakerNote: b"serial-0042-and-a-location",
                               ExifTags.Base.ExposureTime: 0.01}
    return exif


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_gps_data_is_removed_and_the_rest_of_the_exif_kept(
        sanitizer: PillowImageSanitizer, fmt: str) -> None:
    original = encode(noise(), fmt, exif=gps_exif())
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture does carry GPS

    clean = sanitizer.inspect_and_clean(original, max_bytes=LIMIT)

    with Image.open(io.BytesIO(clean.data)) as after:
        after.load()
        exif = after.getexif()
        assert ExifTags.IFD.GPSInfo not in exif
        assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert exif[ExifTags.Base.Make] == "Canon"
        assert exif[ExifTags.Base.Artist] == "artist_john"
        assert ExifTags.Base.MakerNote not in exif.get_ifd(ExifTags.IFD.Exif)
    assert b"serial-0042" not in clean.data


def test_xmp_and_comments_do_not_survive_a_jpeg(sanitizer: PillowImageSanitizer) -> None:
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
           b'exif:GPSLatitude="31,31.2N"/></rdf:RDF></x:xmpmeta>')
    original = encode(noise(), "JPEG", xmp=xmp, comment=b"shot at 31.52N 74.35E")
    clean = sanitizer.inspect_and_clean(original, max_bytes=LIMIT)
    assert b"GPSLatitude" not in clean.data
    assert b"74.35E" not in clean.data


def test_bytes_smuggled_after_a_jpeg_are_dropped(sanitizer: PillowImageSanitizer) -> None:
    original = encode(noise(), "JPEG") + b"<script>alert('polyglot')</script>"
    clean = sanitizer.inspect_and_clean(original, max_bytes=LIMIT)
    assert b"<script>" not in clean.data


def two_colour(size: tuple[int, int]) -> Image.Image:
    """Left half red, right half blue."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


def close_to(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=False))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_orientation_is_applied_and_then_dropped(sanitizer: PillowImageSanitizer,
                                                      fmt: str) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "turn 90 degrees clockwise to view"
    original = encode(two_colour((80, 40)), fmt, exif=exif, quality=95)

    clean = sanitizer.inspect_and_clean(original, max_bytes=LIMIT)

    assert (clean.width, clean.height) == (40, 80)
    with Image.open(io.BytesIO(clean.data)) as upright:
        upright.load()
        assert upright.size == (40, 80)
        assert upright.getexif().get(ExifTags.Base.Orientation, 1) == 1
        rgb = upright.convert("RGB")
        assert close_to(rgb.getpixel((20, 10)), (255, 0, 0))  # the left half is now on top
        assert close_to(rgb.getpixel((20, 70)), (0, 0, 255))


def test_a_jpeg_is_re_encoded_with_its_own_quality(sanitizer: PillowImageSanitizer) -> None:
    original = encode(noise((256, 256)), "JPEG", quality=60)
    clean = sanitizer.inspect_and_clean(original, max_bytes=LIMIT)
    # The original quantization tables are reused, so the file does not balloon.
    assert len(clean.data) < len(original) * 1.2


def test_png_transparency_survives(sanitizer: PillowImageSanitizer) -> None:
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    image.paste((10, 200, 30, 255), (0, 0, 10, 20))
    clean = sanitizer.inspect_and_clean(encode(image, "PNG"), max_bytes=LIMIT)
    with Image.open(io.BytesIO(clean.data)) as reread:
        rgba = reread.convert("RGBA")
        assert rgba.getpixel((15, 5))[3] == 0
        assert rgba.getpixel((5, 5)) == (10, 200, 30, 255)


def with_gif_xmp(data: bytes, xmp: bytes) -> bytes:
    """The GIF with an XMP application block inserted after its global colour table."""
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    blocks = b"".join(bytes([len(xmp[i:i + 255])]) + xmp[i:i + 255]
                      for i in range(0, len(xmp), 255))
    extension = b"\x21\xff\x0bXMP DataXMP" + blocks + b"\x00"
    return data[:position] + extension + data[position:]


def test_a_gif_carrying_xmp_is_re_encoded_without_it(sanitizer: PillowImageSanitizer) -> None:
    frames = [Image.new("RGB", (30, 20), (0, 0, index * 60)) for index in range(3)]
    plain = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=80)
    tagged = with_gif_xmp(plain, b'<rdf:Description exif:GPSLatitude="31,31.2N"/>')
    with Image.open(io.BytesIO(tagged)) as check:
        assert check.n_frames == 3  # still a valid GIF

    clean = sanitizer.inspect_and_clean(tagged, max_bytes=LIMIT)

    assert clean.format == "GIF"
    assert b"GPSLatitude" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as reread:
        assert reread.n_frames == 3


def test_an_animation_over_the_total_pixel_budget_is_refused() -> None:
    frames = [Image.new("RGB", (100, 100), (index * 50, 0, 0)) for index in range(4)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50)
    message = refusal(PillowImageSanitizer(max_total_pixels=35_000), data)
    assert message == "The animation is too large: its frames hold more than 35,000 pixels in all."


def test_garbage_behind_a_valid_signature_is_refused(sanitizer: PillowImageSanitizer) -> None:
    assert refusal(sanitizer, b"GIF89a" + b"\x00" * 5).startswith("The image file is corrupt")
    assert refusal(sanitizer, b"\x89PNG\r\n\x1a\n" + b"nonsense" * 10).startswith(
        "The image file is corrupt")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_colour_profile_is_kept(sanitizer: PillowImageSanitizer, fmt: str) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    clean = sanitizer.inspect_and_clean(encode(noise(), fmt, icc_profile=profile),
                                        max_bytes=LIMIT)
    with Image.open(io.BytesIO(clean.data)) as reread:
        reread.load()
        assert reread.info.get("icc_profile") == profile
