"""Test images made on the spot: distinct 'artworks' from a seed, and their edited copies."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageEnhance


def artwork_image(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        x1, y1 = x0 + rng.randrange(20, 300), y0 + rng.randrange(20, 300)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def jpeg(seed: int) -> bytes:
    return encode(artwork_image(seed), quality=92)


def resized_recompressed_copy(seed: int) -> bytes:
    original = artwork_image(seed)
    smaller = original.resize((original.width // 2, original.height // 2))
    return encode(ImageEnhance.Brightness(smaller).enhance(1.05), quality=40)


def photograph(name: str) -> Image.Image:
    """One of the photographs bundled inside the scikit-image package (nothing downloaded)."""
    import numpy as np
    from skimage import data

    return Image.fromarray(np.asarray(getattr(data, name)())).convert("RGB")


def photo_jpeg(image: Image.Image, quality: int = 92) -> bytes:
    return encode(image.convert("RGB"), quality=quality)


def cropped(image: Image.Image, left: float, top: float, right: float,
            bottom: float) -> Image.Image:
    """The image with these fractions cut off its sides."""
    w, h = image.size
    return image.crop((round(w * left), round(h * top), round(w * (1 - right)),
                       round(h * (1 - bottom))))
