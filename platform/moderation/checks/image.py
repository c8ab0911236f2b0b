"""Nudity in uploaded images: NudeNet's detector, whose ONNX model (320n.onnx) ships
inside the `nudenet` wheel and runs on onnxruntime. Nothing downloads at run time.

The detector loads once per process, on first use.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import Any

EXPLICIT = {
    "FEMALE_GENITALIA_EXPOSED": 1.0,
    "MALE_GENITALIA_EXPOSED": 1.0,
    "ANUS_EXPOSED": 1.0,
    "FEMALE_BREAST_EXPOSED": 0.9,
    "BUTTOCKS_EXPOSED": 0.8,
}
MAX_SIDE = 1280
MAX_PIXELS = 40_000_000

_lock = threading.Lock()
_run_lock = threading.Lock()
_detector: Any = None


class UnreadableImage(ValueError):
    """The bytes are not an image Pillow can decode."""


@dataclass(frozen=True)
class ImageFinding:
    label: str
    score: float


def detector() -> Any:
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from nudenet import NudeDetector

                _detector = NudeDetector()  # the bundled 320n.onnx
    return _detector


def decode(data: bytes) -> Any:
    """RGBA pixels as a numpy array (NudeNet converts RGBA to its BGR input itself)."""
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    if not isinstance(data, bytes | bytearray | memoryview) or not data:
        raise UnreadableImage("No image data.")
    try:
        with Image.open(io.BytesIO(bytes(data))) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UnreadableImage("The image is too large to check.")
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image = image.convert("RGBA")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            return np.ascontiguousarray(np.asarray(image))
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise UnreadableImage(f"The image could not be read: {error}") from error


def nudity_score(data: bytes) -> tuple[float, list[ImageFinding]]:
    """0..1 score for explicit nudity, and the detections that made it."""
    pixels = decode(data)
    model = detector()
    with _run_lock:  # onnxruntime sessions are thread-safe; one at a time keeps CPU use even
        detections = model.detect(pixels)
    findings = [
        ImageFinding(d["class"], round(float(d["score"]), 3))
        for d in detections
        if d.get("class") in EXPLICIT
    ]
    score = max((f.score * EXPLICIT[f.label] for f in findings), default=0.0)
    return score, findings
