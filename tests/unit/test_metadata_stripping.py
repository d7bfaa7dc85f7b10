"""Cutting metadata out of JPEG, PNG, WebP and GIF files without decoding them."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from cultureup.adapters.vision.metadata import strip_metadata

MARK = b"METADATA-MARK"


def encode(fmt: str, **options: object) -> bytes:
    image = Image.linear_gradient("L").resize((48, 32)).convert("RGB")
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


def test_png_text_exif_and_profile_chunks_and_trailing_bytes_go() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", MARK.decode())
    info.add_itxt("XML:com.adobe.xmp", MARK.decode() * 10, zip=True)
    data = encode("PNG", pnginfo=info, exif=b"Exif\x00\x00II*\x00" + MARK) + b"tail" + MARK
    stripped = strip_metadata(data, "PNG")
    assert MARK not in stripped
    assert pixels(stripped) == pixels(data)
    for chunk in (b"tEXt", b"iTXt", b"eXIf"):
        assert chunk not in stripped


def test_jpeg_exif_xmp_and_comments_go_and_the_scan_stays() -> None:
    data = encode("JPEG", exif=b"Exif\x00\x00II*\x00" + MARK, comment=MARK,
                  xmp=b"<x:xmpmeta>" + MARK + b"</x:xmpmeta>")
    stripped = strip_metadata(data, "JPEG")
    assert MARK not in stripped
    assert pixels(stripped) == pixels(data)


def test_webp_metadata_chunks_go_and_the_header_is_rewritten() -> None:
    data = encode("WEBP", lossless=True, exif=b"Exif\x00\x00" + MARK, xmp=MARK)
    stripped = strip_metadata(data, "WEBP")
    assert MARK not in stripped
    assert int.from_bytes(stripped[4:8], "little") == len(stripped) - 8
    assert pixels(stripped) == pixels(data)


def test_gif_comments_and_unknown_application_blocks_go() -> None:
    data = encode("GIF", comment=MARK)
    stripped = strip_metadata(data + MARK, "GIF")
    assert MARK not in stripped
    assert pixels(stripped) == pixels(data)


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP", "GIF"])
def test_a_file_cut_short_is_a_value_error(kind: str) -> None:
    data = encode(kind)
    with pytest.raises(ValueError):
        strip_metadata(data[: len(data) // 3] if kind != "JPEG" else data[:30], kind)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(["JPEG", "PNG", "WEBP", "GIF"]), cut=st.integers(0, 400),
       noise=st.binary(max_size=64), at=st.integers(0, 400))
def test_any_damage_gives_bytes_or_a_value_error_and_nothing_else(
        kind: str, cut: int, noise: bytes, at: int) -> None:
    data = ENCODED[kind]
    at = min(at, len(data))
    damaged = (data[:at] + noise + data[at:])[: max(cut, 1) * 4]
    try:
        result = strip_metadata(damaged, kind)
    except ValueError:
        return
    assert isinstance(result, bytes)


ENCODED = {kind: encode(kind) for kind in ("JPEG", "PNG", "WEBP", "GIF")}
