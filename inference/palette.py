"""Palette and mood from an optional image (Pillow)."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from inference.spec import SpecError


def image_palette(data: bytes, colours: int = 5) -> tuple[list[list[int]], float]:
    """-> (dominant colours as [[r, g, b], ...] most common first, mean brightness 0..1)."""
    try:
        with Image.open(io.BytesIO(bytes(data))) as im:
            im.draft("RGB", (256, 256))
            small = im.convert("RGB").resize((64, 64))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise SpecError("The image could not be read; use a PNG or JPEG file.") from exc
    q = small.quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    pal = q.getpalette() or []
    counts = sorted(q.getcolors() or [], reverse=True)
    out = [[int(pal[3 * i]), int(pal[3 * i + 1]), int(pal[3 * i + 2])] for _, i in counts]
    grey = small.convert("L")
    hist = grey.histogram()
    mean = sum(i * n for i, n in enumerate(hist)) / max(1, sum(hist)) / 255.0
    return out[:colours], round(mean, 4)
