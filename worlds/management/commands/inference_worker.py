"""Run an inference worker: `python manage.py inference_worker --device cuda --capacity 16`."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

# Before torch loads OpenMP. The worker shares the CPU with daphne, Redis and its own
# event loop; OpenMP's default (spin ~300k iterations after every parallel op) keeps both
# cores busy-waiting, and each op then waits for a thread the kernel has descheduled.
# On 2 cores, 4 sessions streamed 3.6 fps each with the default and 9.1 with this; one
# session's p99 input-to-frame latency rose from 68 to 84 ms, the price of waking threads.
os.environ.setdefault("GOMP_SPINCOUNT", "10000")

from django.conf import settings  # noqa: E402
from django.core.management.base import BaseCommand  # noqa: E402

from worlds.live.worker import InferenceWorker  # noqa: E402


class Command(BaseCommand):
    help = "Run live sessions on this machine's CPU or GPU, batched in one tick loop."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--device", choices=["cpu", "cuda"], default=settings.INFERENCE_DEVICE)
        parser.add_argument("--capacity", type=int, default=4, help="Sessions at most.")
        parser.add_argument("--fps", type=int, default=settings.INFERENCE_FPS)
        parser.add_argument("--resolution", default=settings.INFERENCE_RESOLUTION)
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.INFERENCE_THREADS,
            help="torch threads for the model (default: every core but one).",
        )
        parser.add_argument("--name", default=None, help="Worker name (default: host-pid).")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = InferenceWorker(
            device=options["device"],
            capacity=max(1, options["capacity"]),
            fps=options["fps"],
            resolution=options["resolution"],
            jpeg_quality=settings.INFERENCE_JPEG_QUALITY,
            threads=options["threads"],
            name=options["name"],
        )

        async def main() -> None:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, worker.stop)
            await worker.run()

        asyncio.run(main())
