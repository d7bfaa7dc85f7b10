"""Metadata removed at the container level, without decoding anything.

When Pillow cannot read or write an upload's metadata (an EXIF value of the wrong type, a
compressed XMP packet too large to inflate, a damaged colour profile), the sanitizer drops the
metadata and tries again on what `strip_metadata` leaves: the same file with its metadata
segments, chunks or blocks cut out and the pixel data untouched. Each walker keeps only what
decoding needs, stops at the format's end marker (so trailing bytes go too), and raises
ValueError when the structure itself is broken, since then no metadata can be told apart from
the image.
"""

from __future__ import annotations

import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Ancillary PNG chunks that change how the pixels look or move; the rest (text, EXIF, time,
# colour profiles, private chunks) is metadata. Critical chunks (IHDR, PLTE, IDAT, IEND) stay.
_PNG_RENDERING = {b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs",
                  b"acTL", b"fcTL", b"fdAT"}
# JPEG application segments that decoding needs: JFIF (APP0) and Adobe's colour transform
# (APP14). EXIF and XMP (APP1), ICC (APP2), IPTC (APP13), the rest and comments (COM) go.
_JPEG_KEPT_APPS = {0xE0, 0xEE}
_WEBP_METADATA = {b"EXIF", b"XMP ", b"ICCP"}
_VP8X_METADATA_FLAGS = 0x20 | 0x08 | 0x04  # ICC, EXIF, XMP


def strip_metadata(data: bytes, kind: str) -> bytes:
    """The image without metadata; raises ValueError when its structure cannot be walked."""
    try:
        if kind == "JPEG":
            return _strip_jpeg(data)
        if kind == "PNG":
            return _strip_png(data)
        if kind == "WEBP":
            return _strip_webp(data)
        if kind == "GIF":
            return _strip_gif(data)
    except (IndexError, struct.error) as exc:
        raise ValueError(f"the {kind} structure is broken") from exc
    raise ValueError(f"no metadata walker for {kind}")


def _strip_png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    out = [PNG_SIGNATURE]
    position = len(PNG_SIGNATURE)
    while True:
        (length,) = struct.unpack_from(">I", data, position)
        kind = data[position + 4:position + 8]
        end = position + 12 + length
        if end > len(data):
            raise ValueError("a PNG chunk runs past the end of the file")
        if kind[:1].isupper() or kind in _PNG_RENDERING:
            out.append(data[position:end])
        position = end
        if kind == b"IEND":
            return b"".join(out)


def _strip_jpeg(data: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out = [b"\xff\xd8"]
    position = 2
    while True:
        if data[position] != 0xFF:
            raise ValueError("a JPEG marker was expected")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data and tables, kept as is
            out.append(data[position:])
            return b"".join(out)
        if marker == 0xD9:
            raise ValueError("a JPEG without image data")
        (length,) = struct.unpack_from(">H", data, position + 2)
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise ValueError("a JPEG segment runs past the end of the file")
        is_metadata = (0xE0 <= marker <= 0xEF and marker not in _JPEG_KEPT_APPS) \
            or marker == 0xFE
        if not is_metadata:
            out.append(data[position:end])
        position = end


def _strip_webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    (riff_size,) = struct.unpack_from("<I", data, 4)
    end = min(8 + riff_size, len(data))
    chunks = []
    position = 12
    while position + 8 <= end:
        fourcc = data[position:position + 4]
        (length,) = struct.unpack_from("<I", data, position + 4)
        stop = position + 8 + length + (length & 1)
        if position + 8 + length > end:
            raise ValueError("a WebP chunk runs past the end of the file")
        chunk = data[position:min(stop, end)]
        if fourcc == b"VP8X":
            flags = chunk[8] & ~_VP8X_METADATA_FLAGS
            chunk = chunk[:8] + bytes([flags]) + chunk[9:]
        if fourcc not in _WEBP_METADATA:
            chunks.append(chunk + (b"\x00" if len(chunk) & 1 else b""))
        position = stop
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _gif_sub_blocks(data: bytes, position: int) -> int:
    """The position just past a chain of GIF data sub-blocks starting at `position`."""
    while True:
        size = data[position]
        position += 1 + size
        if size == 0:
            return position


def _strip_gif(data: bytes) -> bytes:
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF")
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    out = [data[:position]]
    while True:
        introducer = data[position]
        if introducer == 0x3B:  # trailer: anything after it goes
            out.append(b"\x3b")
            return b"".join(out)
        if introducer == 0x21:
            label = data[position + 1]
            end = _gif_sub_blocks(data, position + 2)
            keep = label == 0xF9 or label == 0x01 or (
                label == 0xFF and data[position + 3:position + 14] in (
                    b"NETSCAPE2.0", b"ANIMEXTS1.0"))
            if keep:
                out.append(data[position:end])
            position = end
        elif introducer == 0x2C:
            local = data[position + 9]
            start = position + 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            end = _gif_sub_blocks(data, start + 1)  # after the LZW minimum code size
            out.append(data[position:end])
            position = end
        else:
            raise ValueError("an unknown GIF block")
        if position > len(data):
            raise ValueError("a GIF block runs past the end of the file")
