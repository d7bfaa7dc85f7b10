"""How well the offline engine finds copies of artworks, and how rarely it accuses originals.

Run: ``python -m benchmarks.duplicate_eval [--sources 200] [--distractors 1000]``

It draws its own synthetic artworks (abstract shapes, painterly strokes, patterns, text-heavy
posters, photo-like landscapes with fractal textures; colours from harmonious palettes, blur
and sensor noise), keeps each as a JPEG upload, and makes these copies of every source:
resized to 50% and 200%, re-encoded at JPEG quality 30, watermarked (tiled and corner text),
brightened by 20%, cropped by 10% off one side, off two adjacent sides, and to the centred 90%.
Out of specification, for information: 5% and 15% off one side.

Distractors are different artworks: half unrelated, half "siblings" of a source (same style
and palette, a different composition), the hard case of one artist's series.

It prints: recall per copy kind (pairwise, and end to end through the index holding every
source and distractor), the false-positive rate over every pair of different images and over
every copy against every other source, a threshold table, and the median time to fingerprint
a 12-megapixel JPEG. A copy counts as found when the domain's ``duplicate_score`` of its
perceptual similarity to its source reaches ``DUPLICATE_THRESHOLD``.
"""

from __future__ import annotations

import argparse
import colorsys
import io
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from benchmarks import photo_eval
from cultureup.adapters.vision.fingerprint_index import InMemoryFingerprintIndex
from cultureup.adapters.vision.perceptual import (
    DUPLICATE_DISTANCE,
    HALF,
    ORIENTATION_PENALTY,
    PROBE_PENALTY,
    PerceptualFingerprinter,
    oriented_distance,
    similarity_from_distance,
)
from cultureup.domain.catalog.duplicates import (
    DUPLICATE_THRESHOLD,
    REVIEW_THRESHOLD,
    ImageFingerprint,
    Outcome,
    SimilaritySignals,
    duplicate_score,
    outcome_of,
)

ASPECTS = [(4, 3), (3, 4), (1, 1), (16, 9), (2, 3), (3, 2), (5, 4)]
WORDS = ["LOVE", "Karachi", "dream", "NOISE", "art", "Sufi", "blue hour", "RUMI", "zine",
         "Lahore", "echo", "VOID", "bloom", "1987", "salt", "Indus", "moth", "gold", "Hunza",
         "monsoon", "SALE", "qawwali", "ink", "no. 7"]
WATERMARK = "© artist · CultureUp"


# --- synthetic artworks -------------------------------------------------------------------

def _palette(rng: np.random.Generator) -> np.ndarray:
    """3-7 colours around one or two hues, with lights and darks, as artists pick them."""
    hue = rng.uniform(0, 1)
    scheme = rng.choice([0.0, 0.08, 0.33, 0.5])  # mono, analogous, triadic, complementary
    colours = []
    for _ in range(int(rng.integers(3, 8))):
        h = (hue + scheme * rng.integers(-1, 2) + rng.normal(0, 0.04)) % 1
        s = float(np.clip(rng.beta(2, 1.5), 0, 1))
        v = float(np.clip(rng.beta(1.6, 1.2), 0.05, 1))
        colours.append(colorsys.hsv_to_rgb(h, s, v))
    return (np.array(colours) * 255).astype(np.uint8)


def _smooth(rng: np.random.Generator, w: int, h: int, cells: int) -> np.ndarray:
    small = rng.uniform(0, 255, (max(2, cells * h // w), cells)).astype(np.uint8)
    return np.asarray(Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC),
                      dtype=np.float32) / 255


def _fractal(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """1/f-like noise: the texture statistics of natural scenes."""
    acc = np.zeros((h, w), np.float32)
    amplitude = 1.0
    for cells in (2, 4, 8, 16, 32, 64):
        acc += amplitude * (_smooth(rng, w, h, cells) - 0.5)
        amplitude *= float(rng.uniform(0.45, 0.65))
    acc -= acc.min()
    return acc / max(1e-6, float(acc.max()))


def _colorize(field: np.ndarray, palette: np.ndarray) -> np.ndarray:
    position = field * (len(palette) - 1)
    index = np.clip(position.astype(int), 0, len(palette) - 2)
    t = (position - index)[..., None]
    return palette[index] * (1 - t) + palette[index + 1] * t


def _gradient(rng: np.random.Generator, w: int, h: int, palette: np.ndarray) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if rng.random() < 0.5:
        angle = rng.uniform(0, np.pi)
        field = xx / w * np.cos(angle) + yy / h * np.sin(angle)
    else:
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        field = np.hypot(xx - cx, yy - cy)
    field = (field - field.min()) / max(1e-6, float(field.max() - field.min()))
    return _colorize(field, palette[rng.permutation(len(palette))[:3]])


def _pattern(rng: np.random.Generator, w: int, h: int, palette: np.ndarray) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    freq = rng.uniform(3, 30) / w
    field = np.sin(2 * np.pi * freq * (xx * np.cos(angle) + yy * np.sin(angle))
                   + rng.uniform(0, 6))
    if rng.random() < 0.5:
        angle2 = rng.uniform(0, np.pi)
        field = field * np.sin(2 * np.pi * freq * 0.7 * (xx * np.cos(angle2)
                                                         + yy * np.sin(angle2)))
    if rng.random() < 0.4:
        field = np.sign(field)
    return _colorize((field + 1) / 2, palette)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(8, size))


def _colour(rng: np.random.Generator, palette: np.ndarray, alpha: tuple[int, int]) -> tuple:
    base = palette[rng.integers(len(palette))].astype(int) + rng.integers(-20, 21, 3)
    return (*(int(c) for c in np.clip(base, 0, 255)), int(rng.integers(*alpha)))


def _shapes(rng: np.random.Generator, img: Image.Image, palette: np.ndarray, n: int) -> None:
    w, h = img.size
    draw = ImageDraw.Draw(img, "RGBA")
    for _ in range(n):
        colour = _colour(rng, palette, (120, 256))
        kind = rng.integers(5)
        x0, y0 = rng.uniform(-0.1, 1, 2) * (w, h)
        sw, sh = rng.uniform(0.05, 0.6, 2) * (w, h)
        box = [x0, y0, x0 + sw, y0 + sh]
        if kind == 0:
            draw.ellipse(box, fill=colour)
        elif kind == 1:
            draw.rectangle(box, fill=colour)
        elif kind == 2:
            points = rng.uniform(0, 1, (int(rng.integers(3, 7)), 2)) * (w, h)
            draw.polygon([tuple(p) for p in points], fill=colour)
        elif kind == 3:
            points = rng.uniform(0, 1, (int(rng.integers(2, 6)), 2)) * (w, h)
            draw.line([tuple(p) for p in points], fill=colour,
                      width=int(rng.integers(2, max(3, w // 25))))
        else:
            draw.text((x0, y0), str(rng.choice(WORDS)), fill=colour,
                      font=_font(int(rng.integers(h // 14, h // 4))))


def _strokes(rng: np.random.Generator, img: Image.Image, palette: np.ndarray, n: int) -> None:
    w, h = img.size
    draw = ImageDraw.Draw(img, "RGBA")
    flow = _smooth(rng, 16, 16, 4) * 2 * np.pi  # a direction field, like brush work
    for _ in range(n):
        x, y = rng.uniform(0, 1, 2) * (w, h)
        angle = flow[int(y / h * 15.99), int(x / w * 15.99)] + rng.normal(0, 0.3)
        length = rng.uniform(0.02, 0.12) * w
        draw.line([(x, y), (x + length * np.cos(angle), y + length * np.sin(angle))],
                  fill=_colour(rng, palette, (90, 230)),
                  width=int(rng.integers(2, max(3, w // 40))))


def artwork(seed: int, style_seed: int | None = None) -> Image.Image:
    """One synthetic artwork, 420-760 px wide; the style seed fixes style, palette and size."""
    style_rng = np.random.default_rng([1, seed if style_seed is None else style_seed])
    rng = np.random.default_rng([2, seed])
    aw, ah = ASPECTS[style_rng.integers(len(ASPECTS))]
    w = int(style_rng.integers(420, 760))
    h = int(w * ah / aw)
    palette = _palette(style_rng)
    style = style_rng.integers(5)
    blur, noise = style_rng.random() < 0.3, style_rng.uniform(0, 10)
    if style == 0:  # abstract: gradient and shapes
        img = Image.fromarray(_gradient(rng, w, h, palette).astype(np.uint8))
        _shapes(rng, img, palette, int(rng.integers(5, 25)))
    elif style == 1:  # painterly: fractal underpainting and brush strokes
        img = Image.fromarray(_colorize(_fractal(rng, w, h), palette).astype(np.uint8))
        _strokes(rng, img, palette, int(rng.integers(150, 600)))
    elif style == 2:  # op-art pattern with a few shapes
        img = Image.fromarray(_pattern(rng, w, h, palette).astype(np.uint8))
        _shapes(rng, img, palette, int(rng.integers(2, 8)))
    elif style == 3:  # poster: flat or gradient ground, big type
        ground = _gradient(rng, w, h, palette) if rng.random() < 0.6 else \
            np.full((h, w, 3), palette[0])
        img = Image.fromarray(ground.astype(np.uint8))
        _shapes(rng, img, palette, int(rng.integers(1, 5)))
        draw = ImageDraw.Draw(img)
        for _ in range(int(rng.integers(2, 6))):
            draw.text(tuple(rng.uniform(0, 0.7, 2) * (w, h)), str(rng.choice(WORDS)),
                      fill=_colour(rng, palette, (255, 256))[:3],
                      font=_font(int(rng.integers(h // 10, h // 4))))
    else:  # photo-like landscape: sky, fractal ground, a ragged horizon, a few objects
        yy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
        sky = palette[0] * (1 - yy) + palette[1] * yy
        ground = _colorize(_fractal(rng, w, h), palette[1:])
        edge = rng.uniform(0.3, 0.75) + 0.1 * (_fractal(rng, w, 2)[0] - 0.5)
        mask = (yy[..., 0] > edge[None, :])[..., None]
        img = Image.fromarray(np.where(mask, ground, sky).astype(np.uint8))
        _shapes(rng, img, palette, int(rng.integers(0, 6)))
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 2))))
    if noise > 1:
        noisy = np.asarray(img, np.float32) + rng.normal(0, noise, (h, w, 3))
        img = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    return img


# --- copies -------------------------------------------------------------------------------

def jpeg(img: Image.Image, quality: int = 92) -> bytes:
    buffer = io.BytesIO()
    img.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def watermark_tiled(img: Image.Image) -> Image.Image:
    """Semi-transparent text tiled diagonally over the whole image, as marketplaces do."""
    w, h = img.size
    layer = Image.new("RGBA", (w * 2, h * 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = _font(max(12, h // 18))
    step_y = max(20, h // 6)
    step_x = max(60, int(draw.textlength(WATERMARK, font=font)) + w // 10)
    for row, y in enumerate(range(0, h * 2, step_y)):
        for x in range(-(row % 2) * step_x // 2, w * 2, step_x):
            draw.text((x, y), WATERMARK, fill=(255, 255, 255, 110), font=font,
                      stroke_width=1, stroke_fill=(0, 0, 0, 70))
    layer = layer.rotate(30, resample=Image.Resampling.BILINEAR)
    layer = layer.crop((w // 2, h // 2, w // 2 + w, h // 2 + h))
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


def watermark_corner(img: Image.Image) -> Image.Image:
    w, h = img.size
    out = img.convert("RGB")
    draw = ImageDraw.Draw(out, "RGBA")
    font = _font(max(12, h // 14))
    width = draw.textlength(WATERMARK, font=font)
    draw.text((w - width - w * 0.03, h * 0.88), WATERMARK, fill=(255, 255, 255, 200),
              font=font, stroke_width=2, stroke_fill=(0, 0, 0, 160))
    return out


def crop(img: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    w, h = img.size
    return img.crop((round(w * left), round(h * top), round(w * (1 - right)),
                     round(h * (1 - bottom))))


def _sides(rng: np.random.Generator, amount: float, count: int) -> list[float]:
    cut = [0.0] * 4
    first = int(rng.integers(4))
    for k in range(count):
        cut[(first + k) % 4] = amount
    return cut


def copies(img: Image.Image, seed: int) -> dict[str, bytes]:
    """Every kind of copy of one source, as uploaded bytes."""
    rng = np.random.default_rng([3, seed])
    w, h = img.size
    return {
        "resize_50": jpeg(img.resize((w // 2, h // 2), Image.Resampling.LANCZOS)),
        "resize_200": jpeg(img.resize((w * 2, h * 2), Image.Resampling.BICUBIC)),
        "jpeg_q30": jpeg(img, quality=30),
        "watermark_tiled": jpeg(watermark_tiled(img)),
        "watermark_corner": jpeg(watermark_corner(img)),
        "brightness_+20": jpeg(ImageEnhance.Brightness(img).enhance(1.2)),
        "crop_10_one_side": jpeg(crop(img, *_sides(rng, 0.1, 1))),
        "crop_10_two_sides": jpeg(crop(img, *_sides(rng, 0.1, 2))),
        "crop_center_90": jpeg(crop(img, 0.05, 0.05, 0.05, 0.05)),
        "mirror_left_right": jpeg(img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
        "rotate_90": jpeg(img.transpose(Image.Transpose.ROTATE_90)),
        "rotate_180": jpeg(img.transpose(Image.Transpose.ROTATE_180)),
        "crop_5_one_side*": jpeg(crop(img, *_sides(rng, 0.05, 1))),
        "crop_15_one_side*": jpeg(crop(img, *_sides(rng, 0.15, 1))),
    }


# --- evaluation ---------------------------------------------------------------------------

FINGERPRINTER = PerceptualFingerprinter()


Oriented = tuple[ImageFingerprint, ...]  # an upload in its eight orientations, upright first


def _source_job(seed: int) -> tuple[Oriented, dict[str, Oriented]]:
    img = artwork(seed)
    variants = {kind: tuple(FINGERPRINTER.orientations(data))
                for kind, data in copies(img, seed).items()}
    return tuple(FINGERPRINTER.orientations(jpeg(img))), variants


def _distractor_job(args: tuple[int, int | None]) -> Oriented:
    seed, style_seed = args
    return tuple(FINGERPRINTER.orientations(jpeg(artwork(seed, style_seed))))


def _codes(fingerprints: list[ImageFingerprint]) -> tuple[np.ndarray, np.ndarray]:
    """Low and high 64-bit halves of every code: two (n, 11) uint64 arrays."""
    codes = [[f.whole, f.center, *f.probes] for f in fingerprints]
    low = np.array([[c & (1 << HALF) - 1 for c in row] for row in codes], dtype=np.uint64)
    high = np.array([[c >> HALF for c in row] for row in codes], dtype=np.uint64)
    return low, high


def _oriented_pair_distances(queries: list[Oriented],
                             stored: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """perceptual.oriented_distance from every query (eight orientations) to every stored
    upright print, vectorised: an (n_queries, n_stored) array (checked against it below)."""
    def forward(q: tuple[np.ndarray, np.ndarray], s: tuple[np.ndarray, np.ndarray]
                ) -> np.ndarray:
        def bits(i: int | slice, j: int | slice) -> np.ndarray:
            return sum(np.bitwise_count(xs[:, None, i] ^ ys[None, :, j]).astype(np.int16)
                       for xs, ys in zip(q, s, strict=True))
        near = np.minimum(bits(0, 0), bits(1, 1))
        return np.minimum(near, bits(slice(2, None), slice(1, 2)).min(axis=-1) + PROBE_PENALTY)

    best = None
    for k in range(len(queries[0])):
        turned = forward(_codes([query[k] for query in queries]), stored)
        if k:
            turned += ORIENTATION_PENALTY
        best = turned if best is None else np.minimum(best, turned)
    assert best is not None
    return best


def _outcome(bits: int) -> Outcome:
    return outcome_of(duplicate_score(SimilaritySignals(
        perceptual=similarity_from_distance(bits))))


def _is_duplicate(similarity: float) -> bool:
    return duplicate_score(SimilaritySignals(perceptual=similarity)) >= DUPLICATE_THRESHOLD


# The largest distance in each band (distances are even: each half of a code has 32 bits set).
REJECT_BITS = max(b for b in range(0, 129, 2) if _outcome(b) is Outcome.DUPLICATE)
REVIEW_BITS = max(b for b in range(0, 129, 2) if _outcome(b) is not Outcome.CLEAR)
CATALOGUES = (1_000, 10_000, 100_000, 1_000_000)


def _timed_12mp(fingerprinter: PerceptualFingerprinter) -> list[tuple[str, float, float]]:
    rows = []
    big = artwork(7).resize((4000, 3000), Image.Resampling.BICUBIC)
    rng = np.random.default_rng(0)
    for label, noise, quality in (("camera-like, fine grain", 3, 90),
                                  ("heavy grain", 6, 92),
                                  ("very heavy grain", 12, 90)):
        pixels = np.asarray(big, np.float32) + rng.normal(0, noise, (3000, 4000, 3))
        data = jpeg(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)), quality)
        for measure in (fingerprinter.fingerprint, fingerprinter.orientations):
            measure(data)
            times = []
            for _ in range(21):
                start = time.perf_counter()
                measure(data)
                times.append(time.perf_counter() - start)
            rows.append((f"{label}, {measure.__name__}", len(data) / 1e6,
                         statistics.median(times) * 1000))
    return rows


def _band_table(label: str, values: np.ndarray) -> None:
    """Rate per pair in each band, and what it means for one upload against a catalogue."""
    reject = float(np.mean(values <= REJECT_BITS))
    review = float(np.mean((values > REJECT_BITS) & (values <= REVIEW_BITS)))
    print(f"  {label}: {len(values):,} pairs; per pair: refused {reject:.2e} "
          f"({int(np.sum(values <= REJECT_BITS))}), held {review:.2e} "
          f"({int(np.sum((values > REJECT_BITS) & (values <= REVIEW_BITS)))})")
    for size in CATALOGUES:
        # P(at least one of `size` unrelated stored artworks lands in the band).
        refused = 1 - (1 - reject) ** size
        held = (1 - reject) ** size * (1 - (1 - review) ** size)
        print(f"    catalogue {size:>9,}: a distinct upload refused {refused:7.4f}, "
              f"held for review {held:7.4f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--distractors", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--photos-only", action="store_true",
                        help="only the evaluation on real photographs")
    args = parser.parse_args(argv)
    print(f"bands: refused at score >= {DUPLICATE_THRESHOLD:.0f} (distance <= {REJECT_BITS} "
          f"bits), held for review at >= {REVIEW_THRESHOLD:.0f} (<= {REVIEW_BITS} bits)")
    photo_eval.report(photo_eval.evaluate())
    if args.photos_only:
        return
    started = time.perf_counter()
    distractor_args = [(100_000 + i, i % args.sources if i % 2 else None)
                       for i in range(args.distractors)]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(_source_job, range(args.sources), chunksize=4))
        distractors = list(pool.map(_distractor_job, distractor_args, chunksize=8))
    sources = [source for source, _ in results]
    kinds = list(results[0][1])
    print(f"\nsynthetic artworks: built {args.sources} sources x {len(kinds)} copies and "
          f"{args.distractors} distractors in {time.perf_counter() - started:.0f} s")

    index = InMemoryFingerprintIndex()
    for i, oriented in enumerate([*sources, *distractors]):
        index.add(i, i, oriented[0])  # every artwork by its own artist, stored upright

    source_codes = _codes([source[0] for source in sources])
    print(f"recall at similarity >= {DUPLICATE_THRESHOLD / 100:.2f} "
          f"(distance <= {DUPLICATE_DISTANCE}); * = outside the specification")
    print(f"{'copy kind':22s} {'pairwise':>9s} {'via index':>10s} {'held':>5s} "
          f"{'median sim':>11s}")
    other_pairs = []
    for kind in kinds:
        variants = [variant[kind] for _, variant in results]
        bits = [oriented_distance(v, s[0]) for v, s in zip(variants, sources, strict=True)]
        sims = [similarity_from_distance(b) for b in bits]
        pairwise = np.mean([_is_duplicate(s) for s in sims])
        held = sum(_outcome(b) is Outcome.REVIEW for b in bits)
        found = 0
        for i, variant in enumerate(variants):
            top = index.nearest(variant, limit=1)
            found += bool(top) and top[0].artwork_id == i and _is_duplicate(top[0].similarity)
        print(f"{kind:22s} {pairwise:9.3f} {found / len(variants):10.3f} {held:5d} "
              f"{statistics.median(sims):11.3f}")
        if not kind.endswith("*"):
            d = _oriented_pair_distances(variants, source_codes)
            other_pairs.append(d[~np.eye(len(variants), dtype=bool)])

    uploads = [*sources, *distractors]
    everything = _codes([upload[0] for upload in uploads])
    different = _oriented_pair_distances(uploads, everything)
    different = different[~np.eye(len(uploads), dtype=bool)]
    sample = uploads[0], uploads[len(sources) + 1]
    assert _oriented_pair_distances([sample[0]], _codes([sample[1][0]]))[0, 0] == \
        oriented_distance(sample[0], sample[1][0])
    copies_vs_others = np.concatenate(other_pairs)
    siblings = np.array([oriented_distance(distractors[i], sources[style][0])
                         for i, (_, style) in enumerate(distractor_args) if style is not None])
    print("\nfalse matches by band (an upload in its eight orientations against a stored "
          "artwork it does not copy), and per upload against a catalogue of unrelated works")
    _band_table("every ordered pair of different originals", different)
    _band_table("every copy vs every other source", copies_vs_others)
    _band_table("same-style siblings vs their source", siblings)
    refused = held = 0
    for i, oriented in enumerate(distractors):
        top = [m for m in index.nearest(oriented, limit=2) if m.artwork_id != len(sources) + i]
        if top:
            outcome = outcome_of(100 * top[0].similarity)
            refused += outcome is Outcome.DUPLICATE
            held += outcome is Outcome.REVIEW
    print(f"  distractor uploads against the index ({len(uploads) - 1} stored): refused "
          f"{refused} of {len(distractors)}, held for review {held}")

    print("\nthreshold table (distance <= t): recall of the weakest in-spec kind, and the "
          "false-match rate per pair")
    in_spec = [np.array([oriented_distance(variants[kind], source[0])
                         for source, (_, variants) in zip(sources, results, strict=True)])
               for kind in kinds if not kind.endswith("*")]
    for t in (24, 28, 32, 36, 40):
        weakest = min(float(np.mean(d <= t)) for d in in_spec)
        print(f"  t={t:2d}  weakest recall {weakest:.3f}  FPR {np.mean(different <= t):.2e}")

    print("\nfingerprint time, one 4000x3000 (12 MP) JPEG, decode included (median of 21)")
    for label, megabytes, millis in _timed_12mp(FINGERPRINTER):
        print(f"  {label:40s} {megabytes:5.2f} MB  {millis:6.1f} ms")


if __name__ == "__main__":
    main()
