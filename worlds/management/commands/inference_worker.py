"""Run an inference worker: `python manage.py inference_worker --device cuda --capacity 16`."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from worlds.live.worker import InferenceWorker


class Command(BaseCommand):
    help = "Run live sessions on this machine's CPU or GPU, batched in one tick loop."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--device", choices=["cpu", "cuda"], default=settings.INFERENCE_DEVICE)
        parser.add_argument("--capacity", type=int, default=4, help="Sessions at most.")
        parser.add_argument("--fps", type=int, default=settings.INFERENCE_FPS)
        parser.add_argument("--resolution", default=settings.INFERENCE_RESOLUTION)
        parser.add_argument("--name", default=None, help="Worker name (default: host-pid).")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = InferenceWorker(
            device=options["device"],
            capacity=max(1, options["capacity"]),
            fps=options["fps"],
            resolution=options["resolution"],
            jpeg_quality=settings.INFERENCE_JPEG_QUALITY,
            name=options["name"],
        )

        async def main() -> None:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, worker.stop)
            await worker.run()

        asyncio.run(main())
