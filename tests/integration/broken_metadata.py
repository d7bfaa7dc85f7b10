"""Sound pictures with broken metadata, in each format we take. Every file decodes to a good
picture; what is wrong is only in its metadata, and each carries MARK somewhere in it, so a
test can tell that the metadata did not reach the stored file."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

from PIL import Image, PngImagePlugin

from tests.integration.artwork_images import artwork_image

MARK = b"LEAKYMETA"


def _picture(seed: int) -> Image.Image:
    return artwork_image(seed, (160, 120))


def _encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def tiff(entries: list[tuple[int, int, int, bytes]], extra: bytes = b"") -> bytes:
    """A little-endian TIFF header and one IFD of (tag, type, count, 4-byte value) entries,
    then `extra` (for values stored out of line, at offset 8 + 2 + 12n + 4)."""
    body = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        body += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\x00")[:4]
    return body + struct.pack("<I", 0) + extra


def _extra_offset(entries: int) -> bytes:
    return struct.pack("<I", 8 + 2 + 12 * entries + 4)


# EXIF bodies, each broken another way.
def exif_text_where_a_number_belongs() -> bytes:
    """XResolution (0x011A, a RATIONAL) written as the ASCII text "72", and an orientation."""
    return b"Exif\x00\x00" + tiff([(0x011A, 2, 3, b"72\x00"),
                                   (0x010F, 2, len(MARK) + 1, _extra_offset(3)),
                                   (0x0112, 3, 1, struct.pack("<H", 1))], MARK + b"\x00")


def exif_offset_past_the_end() -> bytes:
    """A value said to hold 100000 LONGs at an offset far beyond the segment (MARK lies in
    the segment unreferenced: what is rebuilt from the readable entries does not carry it)."""
    return b"Exif\x00\x00" + tiff([(0x0110, 4, 100_000, struct.pack("<I", 0x7FFFFF00))], MARK)


def exif_sub_ifd_loop() -> bytes:
    """The EXIF sub-IFD pointer (0x8769) points back at IFD0, and GPS (0x8825) past the end."""
    return b"Exif\x00\x00" + tiff([(0x8769, 4, 1, struct.pack("<I", 8)),
                                   (0x8825, 4, 1, struct.pack("<I", 0xFFFFFF))], MARK)


def _jpeg_segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def _jpeg_with(*segments: bytes, seed: int) -> bytes:
    data = _encode(_picture(seed), "JPEG", quality=90)
    return data[:2] + b"".join(segments) + data[2:]


def _png_chunk(kind: bytes, body: bytes, *, crc: int | None = None) -> bytes:
    checksum = zlib.crc32(kind + body) if crc is None else crc
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)


def _png_with(*chunks: bytes, seed: int) -> bytes:
    data = _encode(_picture(seed), "PNG")
    ihdr_end = 8 + 8 + 13 + 4
    return data[:ihdr_end] + b"".join(chunks) + data[ihdr_end:]


def _huge_xmp_itxt(seed: int) -> bytes:
    """A valid PNG with a compressed XMP iTXt chunk that inflates to 8 MB (Pillow refuses to
    inflate a text chunk beyond 1 MB)."""
    packet = ('<x:xmpmeta xmlns:x="adobe:ns:meta/">' + MARK.decode() + " " * 8_000_000
              + "</x:xmpmeta>")
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", packet, zip=True)
    return _encode(_picture(seed), "PNG", pnginfo=info)


def _webp(seed: int, **options: object) -> bytes:
    return _encode(_picture(seed), "WEBP", quality=90, **options)


def _gif_with(extension: bytes, seed: int) -> bytes:
    data = _encode(_picture(seed).convert("P"), "GIF")
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    return data[:position] + extension + data[position:]


def _sub_blocks(data: bytes) -> bytes:
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255]
                    for i in range(0, len(data), 255)) + b"\x00"


BROKEN: dict[str, Callable[[int], bytes]] = {
    "jpeg exif text where a number belongs": lambda seed: _jpeg_with(
        _jpeg_segment(0xE1, exif_text_where_a_number_belongs()), seed=seed),
    "jpeg exif offset past the end": lambda seed: _jpeg_with(
        _jpeg_segment(0xE1, exif_offset_past_the_end()), seed=seed),
    "jpeg exif sub-ifd loop": lambda seed: _jpeg_with(
        _jpeg_segment(0xE1, exif_sub_ifd_loop()), seed=seed),
    "jpeg truncated exif": lambda seed: _jpeg_with(
        _jpeg_segment(0xE1, exif_text_where_a_number_belongs()[:20] + MARK), seed=seed),
    "jpeg damaged icc profile": lambda seed: _jpeg_with(
        _jpeg_segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + MARK + bytes(200)), seed=seed),
    "jpeg xmp that is not xml": lambda seed: _jpeg_with(
        _jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta " + MARK + b"\xff"),
        seed=seed),
    "png huge compressed xmp": _huge_xmp_itxt,
    "png ztxt that does not inflate": lambda seed: _png_with(
        _png_chunk(b"zTXt", b"Comment\x00\x00" + MARK + b"not zlib at all"), seed=seed),
    "png itxt that does not inflate": lambda seed: _png_with(
        _png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + MARK), seed=seed),
    "png text chunk with a wrong checksum": lambda seed: _png_with(
        _png_chunk(b"tEXt", b"Comment\x00" + MARK, crc=0x12345678), seed=seed),
    "png exif text where a number belongs": lambda seed: _png_with(
        _png_chunk(b"eXIf", exif_text_where_a_number_belongs()[6:]), seed=seed),
    "png damaged icc profile": lambda seed: _png_with(
        _png_chunk(b"iCCP", b"sRGB\x00\x00" + MARK + b"not zlib"), seed=seed),
    "webp exif text where a number belongs": lambda seed: _webp(
        seed, exif=exif_text_where_a_number_belongs()),
    "webp exif garbage": lambda seed: _webp(seed, exif=b"Exif\x00\x00MM\x00*" + MARK),
    "webp damaged icc profile": lambda seed: _webp(seed, icc_profile=MARK + bytes(100)),
    "webp xmp that is not xml": lambda seed: _webp(seed, xmp=b"<x:xmpmeta " + MARK + b"\xff"),
    "gif xmp that is not xml": lambda seed: _gif_with(
        b"\x21\xff\x0bXMP DataXMP" + _sub_blocks(b"<x:xmpmeta " + MARK + b"\xff"), seed),
    "gif comment": lambda seed: _gif_with(b"\x21\xfe" + _sub_blocks(MARK * 30), seed),
    "gif unknown application block": lambda seed: _gif_with(
        b"\x21\xff\x0bEVILAPP1.00" + _sub_blocks(MARK), seed),
}
