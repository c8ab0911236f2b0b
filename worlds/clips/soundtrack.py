"""A clip's sound track, made in a process of its own while the frames render (the GPU
path, worlds/clips/segments.py).

The scout pass hears every tick (`WorldModel.hearing`, cheap) and sends the hearings to
a child process, which synthesises the chunks a second at a time (`synth_hearings`,
vectorised over the ticks) and encodes the AAC track. In the scout itself, synthesis was
about three quarters of its time (0.36-0.45 s for a 20 s clip on an H100 machine, with the
AAC thread fighting it for the GIL), and the scout is the part of a render that nothing
overlaps. A child process, not a thread, because its numpy work would fight the draw loop
and the encoders for the GIL, and not `multiprocessing`, because a Celery prefork worker
is a daemon process, which may not have children of that kind.

`python -m worlds.clips.soundtrack TRACK.mp4` reads pickled lists of Hearing from stdin
until it closes and writes the track; its stderr says what went wrong, if anything did.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from inference.audio import Hearing, synth_hearings
from worlds.clips.encoding import Mp4Writer

BATCH_TICKS = 30  # hearings per message: a second of sound
_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the worlds package


class Soundtrack:
    """The child process writing one clip's sound track to `path`."""

    def __init__(self, path: Path, log_path: Path) -> None:
        self.path, self.log_path = path, log_path
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
        try:
            with open(log_path, "wb") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "worlds.clips.soundtrack", str(path)],
                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log, env=env,
                )  # fmt: skip
        except OSError as exc:
            raise RuntimeError(f"The clip's sound could not be started: {exc}") from exc
        self.pending: list[Hearing] = []
        self.ended = False
        # The pipe holds 64 KiB: the child reads nothing until it has started, so a thread
        # of ours waits on the pipe, not the scout.
        self.outbox: queue.Queue[bytes | None] = queue.Queue()
        self.feeder = threading.Thread(target=self._feed, name="clip-sound-feed", daemon=True)
        self.feeder.start()

    def hear(self, hearing: Hearing) -> None:
        """The next tick's hearing."""
        if self.ended:
            raise RuntimeError("The sound track has had its last tick.")
        self.pending.append(hearing)
        if len(self.pending) >= BATCH_TICKS:
            self._send()

    def _send(self) -> None:
        if self.pending:
            self.outbox.put(pickle.dumps(self.pending, protocol=pickle.HIGHEST_PROTOCOL))
            self.pending = []

    def _feed(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            while (block := self.outbox.get()) is not None:
                stdin.write(block)
                stdin.flush()
        except OSError:
            pass  # the child stopped early: finish() reports its exit and its log
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def end(self) -> None:
        """No more ticks: the child can finish the track while the frames render."""
        if not self.ended:
            self._send()
            self.outbox.put(None)
            self.ended = True

    def finish(self, timeout_s: float) -> None:
        """Wait for the track to be written. Raises RuntimeError if it was not."""
        self.end()
        self.feeder.join()
        try:
            code = self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.abort()
            raise RuntimeError(
                f"The clip's sound was not ready {timeout_s:.0f} s after its pictures."
            ) from None
        if code != 0:
            raise RuntimeError(f"The clip's sound could not be made: {self._reason(code)}")

    def abort(self) -> None:
        """Stop the child (the render failed); the partial track is the caller's to remove."""
        with contextlib.suppress(OSError):
            self.process.kill()
        self.ended = True
        self.outbox.put(None)
        self.process.wait()
        self.feeder.join()

    def _reason(self, code: int) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1] if lines else f"its process ended with status {code}."


def write_track(path: Path, messages: Iterable[list[Hearing]]) -> int:
    """Synthesise and encode every message's hearings, in order, into an AAC track at
    `path`. Returns the number of chunks written."""
    writer = Mp4Writer(path, 0, 0, video=False)
    written = 0
    try:
        for hearings in messages:
            for chunk in synth_hearings(hearings):
                writer.add(None, chunk)
                written += 1
        writer.close()
    except BaseException:
        writer.abort()
        raise
    return written


def _messages(stream: BinaryIO) -> Iterator[list[Hearing]]:
    while True:
        try:
            yield pickle.load(stream)
        except EOFError:
            return


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m worlds.clips.soundtrack TRACK.mp4", file=sys.stderr)
        return 2
    write_track(Path(args[0]), _messages(sys.stdin.buffer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
