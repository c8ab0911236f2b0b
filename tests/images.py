"""Small real images for upload tests."""

import io

from PIL import Image


def png_bytes(
    size: tuple[int, int] = (32, 18), colour: tuple[int, int, int] = (40, 120, 200)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()
