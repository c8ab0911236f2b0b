"""The web side's handle on the world model: one lazily loaded model per process.

torch and the text encoder load on first use, never at import, so pages that do not
render anything stay fast to start.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from inference.model import WorldModel
    from worlds.models import World

_lock = threading.Lock()
_models: dict[tuple[str, str, str], WorldModel] = {}
_warming = False


def parse_resolution(value: str) -> str | tuple[int, int]:
    """ "480p", "720p", or "WIDTHxHEIGHT" (small sizes make fast tests)."""
    if "x" in value:
        width, height = value.lower().split("x", 1)
        return int(width), int(height)
    return value


def world_model(
    resolution: str | None = None, purpose: str = "offline", device: str | None = None
) -> WorldModel:
    """A process-wide model per (resolution, purpose). Live play and offline work
    (thumbnails, renders) get separate instances: a model is not thread-safe, and they
    run on different threads. All of them share one text interpreter."""
    resolution = resolution or settings.INFERENCE_RESOLUTION
    device = device or settings.INFERENCE_DEVICE
    key = (resolution, purpose, device)
    with _lock:
        if key not in _models:
            from inference.backends import get_backend
            from inference.interpreter import shared_interpreter

            _models[key] = get_backend(
                device=device,
                resolution=parse_resolution(resolution),
                interpreter=shared_interpreter(),
                compiled=settings.INFERENCE_COMPILE,
            )
        return _models[key]


def warm_in_background(purpose: str = "live") -> None:
    """Load the model and text encoder and warm the renderer on a thread, so the first
    Play is quick."""
    global _warming
    with _lock:
        if _warming:
            return
        _warming = True

    def warm() -> None:
        import torch

        from moderation.verdicts import moderation_warm
        from worlds.live.worker import model_threads

        # Before compiling: Inductor's CPU kernels keep the thread count they compiled with.
        torch.set_num_threads(model_threads(settings.INFERENCE_THREADS))
        model = world_model(purpose=purpose)
        model.interpreter.warm()
        moderation_warm()  # the first command check would otherwise take seconds
        model.warm_renderer()  # a compiled renderer compiles here, not on the first frame

    # Not a daemon: killing it mid-load at exit aborts the process inside torch.
    threading.Thread(target=warm, name="world-model-warmup").start()


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
