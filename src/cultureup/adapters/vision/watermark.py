"""A visible watermark drawn with Pillow: the text repeated diagonally across the picture."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont, ImageOps

# Smaller text is unreadable, so tiny images get a mark that is large for them.
MIN_FONT_SIZE = 10


class PillowWatermarker:
    """Repeats `text` over the image in diagonal rows at `angle` degrees, white with a dark
    outline so it shows on light and dark areas alike, at `opacity` (0..1). The font grows with
    the image: the text spans about `text_span` of the shorter side. Output is an RGB JPEG
    without metadata."""

    def __init__(self, *, opacity: float = 0.4, angle: float = 30.0, text_span: float = 0.4,
                 quality: int = 88) -> None:
        if not 0.0 < opacity <= 1.0:
            raise ValueError("opacity is in (0, 1]")
        if not 0.0 < text_span <= 1.0:
            raise ValueError("text_span is in (0, 1]")
        self.opacity = opacity
        self.angle = angle
        self.text_span = text_span
        self.quality = quality

    def apply(self, image_bytes: bytes, text: str) -> bytes:
        with Image.open(io.BytesIO(image_bytes)) as source:
            source.load()  # the first frame of an animation
            image = _flatten(ImageOps.exif_transpose(source))
        text = " ".join(text.split()) or "CultureUp"
        # The marks are blended straight onto the picture: "over" is associative, so this is
        # the same as blending them onto a transparent layer first, without two more
        # full-size RGBA images in memory.
        marked = image.convert("RGBA")
        del image
        tile, along, across = self._tile(text, min(marked.size))
        # A lattice of marks along the text's own direction, every other row shifted by half a
        # mark, so no strip of the picture can be cropped out clean.
        radians = math.radians(self.angle)
        ux, uy = math.cos(radians), -math.sin(radians)  # along the text (y grows downwards)
        vx, vy = -uy, ux  # across the rows
        cx, cy = marked.width / 2, marked.height / 2
        reach = math.hypot(marked.width, marked.height) / 2 + max(tile.size)
        columns, rows = math.ceil(reach / along), math.ceil(reach / across)
        for row in range(-rows, rows + 1):
            shift = 0.5 if row % 2 else 0.0
            for column in range(-columns, columns + 1):
                x = cx + (column + shift) * along * ux + row * across * vx
                y = cy + (column + shift) * along * uy + row * across * vy
                _composite(marked, tile, round(x - tile.width / 2), round(y - tile.height / 2))
        out = io.BytesIO()
        marked.convert("RGB").save(out, "JPEG", quality=self.quality)
        return out.getvalue()

    def _tile(self, text: str, shorter: int) -> tuple[Image.Image, float, float]:
        """The rotated text on a transparent tile, and the lattice steps along and across."""
        font = _font(text, target_width=shorter * self.text_span,
                     max_size=max(MIN_FONT_SIZE, shorter // 8))
        size = font.size if isinstance(font, ImageFont.FreeTypeFont) else MIN_FONT_SIZE
        outline = max(1, round(size / 20))
        probe = ImageDraw.Draw(Image.new("L", (1, 1)))
        left, top, right, bottom = probe.textbbox((0, 0), text, font=font,
                                                  stroke_width=outline)
        width, height = right - left, bottom - top
        pad = outline + 2
        tile = Image.new("RGBA", (width + 2 * pad, height + 2 * pad), (0, 0, 0, 0))
        alpha = round(255 * self.opacity)
        ImageDraw.Draw(tile).text(
            (pad - left, pad - top), text, font=font, fill=(255, 255, 255, alpha),
            stroke_width=outline, stroke_fill=(0, 0, 0, round(alpha * 0.5)),
        )
        rotated = tile.rotate(self.angle, resample=Image.Resampling.BICUBIC, expand=True)
        return rotated, width + 2.5 * height, 3.5 * height


def _composite(target: Image.Image, tile: Image.Image, left: int, top: int) -> None:
    """Blend the tile onto the target at (left, top), clipped to the target's edges."""
    src_left, src_top = max(0, -left), max(0, -top)
    src_right = min(tile.width, target.width - left)
    src_bottom = min(tile.height, target.height - top)
    if src_left >= src_right or src_top >= src_bottom:
        return
    target.alpha_composite(tile, dest=(max(0, left), max(0, top)),
                           source=(src_left, src_top, src_right, src_bottom))


def _font(text: str, *, target_width: float,
          max_size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's bundled font at the size that makes `text` about `target_width` wide."""
    reference = 100
    font = ImageFont.load_default(size=reference)
    if not isinstance(font, ImageFont.FreeTypeFont):
        return font  # Pillow built without FreeType: a fixed-size bitmap font
    measured = max(1.0, font.getlength(text))
    size = math.floor(reference * target_width / measured)
    return ImageFont.load_default(size=min(max(size, MIN_FONT_SIZE), max_size))


def _flatten(image: Image.Image) -> Image.Image:
    """The image as RGB, with any transparency laid over white rather than black."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # Deep greyscale: scale down to 8 bits before converting, or it all turns white.
        image = image.point(lambda value: value / 256).convert("L")
    return image.convert("RGB")
