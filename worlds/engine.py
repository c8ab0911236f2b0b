"""The web side's handle on the world model: one lazily loaded model per process.

torch and the text encoder load on first use, never at import, so pages that do not
render anything stay fast to start.
"""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from inference.model import WorldModel
    from worlds.models import World

_lock = threading.Lock()
_models: dict[str, WorldModel] = {}


def world_model(resolution: str | None = None) -> WorldModel:
    resolution = resolution or settings.INFERENCE_RESOLUTION
    with _lock:
        if resolution not in _models:
            from inference.backends import get_backend

            _models[resolution] = get_backend(
                device=settings.INFERENCE_DEVICE, resolution=resolution
            )
        return _models[resolution]


def world_spec(world: World) -> Any:
    from inference.spec import WorldSpec

    image = None
    if world.image:
        with world.image.open("rb") as file:
            image = file.read()
    return WorldSpec(
        prompt=world.prompt,
        character=world.character,
        style=world.style,
        seed=int(world.seed),
        image=image,
    )


def frame_to_jpeg(frame: Any, quality: int = 85) -> bytes:
    """Encode an [H, W, 3] uint8 frame."""
    import simplejpeg

    return simplejpeg.encode_jpeg(frame.numpy(), quality=quality, colorspace="RGB")


def start_state_and_thumbnail(world: World) -> tuple[dict[str, Any], bytes]:
    """The world's first state as a snapshot dict, and a JPEG of its first frame."""
    from inference.spec import PlayerInput

    model = world_model()
    state = model.create(world_spec(world))
    frame, _audio, state = model.step([state], [PlayerInput()])[0]
    return model.snapshot(state), frame_to_jpeg(frame)


def thumbnail_from_snapshot(state: dict[str, Any]) -> bytes:
    from inference.spec import PlayerInput

    model = world_model()
    frame, _audio, _state = model.step([model.restore(state)], [PlayerInput()])[0]
    return frame_to_jpeg(frame)


def image_bytes(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
