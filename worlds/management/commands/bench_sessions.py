"""Benchmark live sessions with real WebSocket clients.

    python manage.py bench_sessions --sessions 4 --seconds 20

By default it starts what production runs, on this machine: daphne, the Redis channel
layer and a separate inference worker process (REDIS_URL must point at Redis), on the
database this command uses. `--url` targets a server that is already running instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError

from worlds.live.bench import play, summarise
from worlds.live.services import session_start
from worlds.models import Visibility, World

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


class Command(BaseCommand):
    help = "Measure fps, input-to-frame latency, drops and CPU for N live sessions."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--sessions", type=int, default=1)
        parser.add_argument("--seconds", type=float, default=15.0)
        parser.add_argument("--warmup", type=float, default=3.0)
        parser.add_argument("--url", default="", help="ws://host:port of a running server")
        parser.add_argument("--port", type=int, default=0, help="default: a free port")
        parser.add_argument("--resolution", default="480p")
        parser.add_argument("--world", default="", help="slug of a public world to play")

    def handle(self, *args: Any, **options: Any) -> None:
        processes: list[subprocess.Popen[bytes]] = []
        base = options["url"]
        if not base:
            if not settings.REDIS_URL:
                raise CommandError("Set REDIS_URL: the benchmark runs the Redis channel layer.")
            port = options["port"] or free_port()
            processes = self.start_server(port, options["resolution"], options["sessions"])
            base = f"ws://127.0.0.1:{port}"
        try:
            world = self.world(options["world"])
            cookies, urls = [], []
            for _ in range(options["sessions"]):
                store = SessionStore()
                store["anonymous_player_key"] = key = os.urandom(12).hex()
                store.create()
                session = session_start(world=world, player=AnonymousUser(), anonymous_key=key)
                cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
                urls.append(f"{base}/ws/play/{session.pk}/")
            if options["warmup"] > 0:
                asyncio.run(self.run_clients(urls, cookies, options["warmup"]))
            start_cpu = [cpu_seconds(p.pid) for p in processes]
            clients_before = cpu_seconds(os.getpid())
            started = time.perf_counter()
            results = asyncio.run(self.run_clients(urls, cookies, options["seconds"]))
            elapsed = time.perf_counter() - started
            used = [
                cpu_seconds(p.pid) - before for p, before in zip(processes, start_cpu, strict=True)
            ]
            report = summarise(results, sum(used), elapsed)
            report["server_cpu_seconds"] = dict(zip(("daphne", "worker"), used, strict=False))
            report["client_cpu_seconds"] = round(cpu_seconds(os.getpid()) - clients_before, 2)
            report["resolution"] = options["resolution"]
            report["cpu_measured"] = bool(processes)
            self.stdout.write(json.dumps(report, indent=2))
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)

    async def run_clients(self, urls: list[str], cookies: list[str], seconds: float) -> list:
        return await asyncio.gather(
            *(play(url, cookie, seconds) for url, cookie in zip(urls, cookies, strict=True))
        )

    def world(self, slug: str) -> World:
        if slug:
            return World.objects.get(slug=slug)
        world = World.objects.filter(visibility=Visibility.PUBLIC, deleted_at=None).first()
        if world is None:
            raise CommandError("No public world to play: run `manage.py seed_demo` first.")
        return world

    def log_file(self, name: str) -> Any:
        """The server's log, kept after the run: where to look when a client errors."""
        path = Path(settings.VAR_DIR) / f"bench-{name}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.stderr.write(f"{name} log: {path}")
        return path.open("wb")

    def start_server(self, port: int, resolution: str, sessions: int) -> list:
        env = {**os.environ, "INFERENCE_WORKERS": "external", "INFERENCE_RESOLUTION": resolution}
        bin_dir = Path(sys.executable).parent
        daphne = subprocess.Popen(
            [
                str(bin_dir / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "tidepool.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log_file("daphne"),
        )
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "inference_worker",
                "--capacity",
                str(max(sessions, 1)),
                "--resolution",
                resolution,
                "--name",
                f"bench-{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log_file("worker"),
        )
        from worlds.live.services import worker_is_alive

        try:
            deadline = time.monotonic() + 120
            while not worker_is_alive(name=f"bench-{port}"):
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise CommandError("The inference worker did not start.")
                time.sleep(0.2)
        except BaseException:
            for process in (daphne, worker):  # never leave a server behind
                process.terminate()
                process.wait(timeout=30)
            raise
        return [daphne, worker]
