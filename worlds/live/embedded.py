"""The embedded default: one inference worker inside the web process's event loop."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os

from channels.db import database_sync_to_async
from django.conf import settings

from worlds.live.services import worker_unregister
from worlds.live.worker import InferenceWorker

log = logging.getLogger(__name__)
_worker: InferenceWorker | None = None
_task: asyncio.Task[None] | None = None
_generation = itertools.count(1)


async def ensure_embedded_worker() -> InferenceWorker:
    """Start the in-process worker on first use and wait until it has registered."""
    global _worker, _task
    loop = asyncio.get_running_loop()
    if _worker is None or _task is None or _task.done() or _task.get_loop() is not loop:
        if _worker is not None:
            # A worker left behind by a previous event loop (tests) must not get sessions.
            await database_sync_to_async(worker_unregister)(name=_worker.name)
        _worker = InferenceWorker(
            device=settings.INFERENCE_DEVICE,
            capacity=settings.INFERENCE_EMBEDDED_CAPACITY,
            fps=settings.INFERENCE_FPS,
            resolution=settings.INFERENCE_RESOLUTION,
            jpeg_quality=settings.INFERENCE_JPEG_QUALITY,
            threads=settings.INFERENCE_THREADS,
            name=f"embedded-{os.getpid()}-{next(_generation)}",
        )
        _task = asyncio.create_task(_worker.run())
        _task.add_done_callback(_log_exit)
    ready = asyncio.create_task(_worker.ready.wait())
    await asyncio.wait({ready, _task}, return_when=asyncio.FIRST_COMPLETED)
    if _task.done():
        ready.cancel()
        _task.result()
    return _worker


def _log_exit(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("The embedded inference worker stopped", exc_info=task.exception())
