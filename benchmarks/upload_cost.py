"""What one artwork upload costs in time and memory, for the worst images the sanitizer
accepts and for decompression bombs it refuses.

Run: ``python -m benchmarks.upload_cost [--repeat 3]``

Each case runs in a fresh Python process, so that its peak resident set size (``VmHWM``,
Linux) is its own: the process imports the package, reads the file, notes its RSS (the baseline),
then runs what an upload runs before anything is stored (``PillowImageSanitizer``,
``PerceptualFingerprinter`` on the cleaned bytes, ``PillowWatermarker`` on the cleaned bytes)
and reports the wall and CPU time of that and its peak RSS. Figures are the median times over
``--repeat`` runs and the largest peak. On a busy machine the wall time grows with the load;
the CPU time is what the upload itself costs.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from PIL import Image

from cultureup.adapters.vision.sanitize import DEFAULT_MAX_PIXELS

CHILD = r"""
import json, sys, time
from cultureup.adapters.vision.perceptual import PerceptualFingerprinter
from cultureup.adapters.vision.sanitize import PillowImageSanitizer
from cultureup.adapters.vision.watermark import PillowWatermarker
from cultureup.domain.errors import ValidationFailed
data = open(sys.argv[1], "rb").read()
sanitizer, fingerprinter, marker = (PillowImageSanitizer(), PerceptualFingerprinter(),
                                    PillowWatermarker())
def high_water_mib():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
base = high_water_mib()
start, cpu = time.perf_counter(), time.process_time()
try:
    clean = sanitizer.inspect_and_clean(data, max_bytes=20 * 2**20)
    fingerprinter.fingerprint(clean.data)
    marker.apply(clean.data, "\u00a9 artist \u00b7 CultureUp")
    outcome = f"accepted, stored {clean.width}x{clean.height}"
except ValidationFailed as exc:
    outcome = "refused: " + exc.details["image"][0][:60]
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = high_water_mib()
print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mib": peak, "base_mib": base,
                  "outcome": outcome}))
"""


def _png_bomb(side: int) -> bytes:
    """A valid PNG of side x side black pixels written by hand: a few hundred KB on disk."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))
    header = side.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    row = b"\x00" + bytes(3 * side)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
            + chunk(b"IEND", b""))


def _grey_jpeg(width: int, height: int, *, progressive: bool = False) -> bytes:
    """A valid grey JPEG of any size written by hand, without a bitmap in memory: every 8x8
    block is flat mid-grey, which the standard Huffman tables code in 6 bits ('00' for a DC
    difference of 0, '1010' for end of block), so 32000x32000 pixels take 12 MB."""
    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body
    dc_counts = bytes([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    ac_counts = bytes([0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D])
    ac_values = bytes.fromhex(
        "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a16"
        "1718191a25262728292a3435363738393a434445464748494a535455565758595a63646566676869"
        "6a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6"
        "b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8"
        "f9fa")
    blocks = -(-width // 8) * -(-height // 8)
    # Four blocks are 24 bits, three whole bytes; the last few are padded with 1 bits.
    bits = "001010" * (blocks % 4)
    bits += "1" * (-len(bits) % 8)
    tail = int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""
    scan = b"\x28\xa2\x8a" * (blocks // 4) + tail
    frame = 0xC2 if progressive else 0xC0
    header = (b"\xff\xd8" + segment(0xDB, b"\x00" + bytes([1] * 64))
              + segment(frame, b"\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big")
                        + b"\x01\x01\x11\x00")
              + segment(0xC4, b"\x00" + dc_counts + bytes(range(12)))
              + segment(0xC4, b"\x10" + ac_counts + ac_values))
    # A progressive file sends the DC coefficients first (Ss=0, Se=0); one scan is enough for
    # libjpeg to allocate the whole coefficient buffer.
    spectral = b"\x00\x00\x00" if progressive else b"\x00\x3f\x00"
    return header + segment(0xDA, b"\x01\x01\x00" + spectral) + scan + b"\xff\xd9"


def _gradient(width: int, height: int) -> Image.Image:
    """A smooth picture that compresses well, so it fits under the byte limit at full size."""
    small = Image.linear_gradient("L").resize((256, 256))
    return Image.merge("RGB", (small, small.transpose(Image.Transpose.ROTATE_90),
                               small.transpose(Image.Transpose.FLIP_TOP_BOTTOM))
                       ).resize((width, height), Image.Resampling.BILINEAR)


def _save(image: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def cases(max_pixels: int) -> dict[str, bytes]:
    side = int(max_pixels ** 0.5)
    wide = (side * 4 // 3, side * 3 // 4)  # a 4:3 picture just under the cap
    # Pillow refuses to open anything over twice its MAX_IMAGE_PIXELS (about 179 MP): the
    # largest JPEG that can be accepted, decoded at 1/4 of each side under a 16 MP cap.
    jpeg_side = int((2 * Image.MAX_IMAGE_PIXELS) ** 0.5) - 8
    return {
        "PNG 7000x7000 (bomb, 160 KB)": _png_bomb(7000),
        "PNG 30000x30000 (bomb)": _png_bomb(30000),
        f"PNG {wide[0]}x{wide[1]} (largest accepted)": _save(_gradient(*wide), "PNG"),
        f"WebP {wide[0]}x{wide[1]} (largest accepted)": _save(_gradient(*wide), "WEBP",
                                                             quality=80),
        f"JPEG {wide[0]}x{wide[1]} (decoded at full size)": _save(_gradient(*wide), "JPEG",
                                                                 quality=90),
        f"JPEG {jpeg_side}x{jpeg_side} (largest JPEG)": _grey_jpeg(jpeg_side, jpeg_side),
        "JPEG 20000x20000 (bomb)": _grey_jpeg(20000, 20000),
        f"progressive JPEG {side * 2}x{side * 2} (bomb)": _grey_jpeg(side * 2, side * 2,
                                                                     progressive=True),
        f"GIF 64 frames of {side // 8}x{side // 8} (largest animation)": _save(
            _gradient(side // 8, side // 8).convert("P"), "GIF", save_all=True,
            append_images=[_gradient(side // 8, side // 8).rotate(i * 5).convert("P")
                           for i in range(1, 64)], duration=40, loop=0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"pixel cap {DEFAULT_MAX_PIXELS / 1e6:g} MP; python {sys.version.split()[0]}")
    print(f"{'case':<48} {'size':>9} {'wall s':>7} {'cpu s':>6} {'peak MiB':>9} {'+MiB':>6}"
          "  outcome")
    with tempfile.TemporaryDirectory() as folder:
        for name, data in cases(DEFAULT_MAX_PIXELS).items():
            path = Path(folder) / "upload"
            path.write_bytes(data)
            runs = [json.loads(subprocess.run(
                [sys.executable, "-c", CHILD, str(path)], check=True, capture_output=True,
                text=True).stdout) for _ in range(args.repeat)]
            seconds = statistics.median(run["seconds"] for run in runs)
            cpu = statistics.median(run["cpu"] for run in runs)
            peak = max(run["peak_mib"] for run in runs)
            added = max(run["peak_mib"] - run["base_mib"] for run in runs)
            print(f"{name:<48} {len(data) / 2**20:>7.2f}MB {seconds:>7.2f} {cpu:>6.2f} "
                  f"{peak:>9.0f} {added:>6.0f}  {runs[0]['outcome']}")


if __name__ == "__main__":
    main()
