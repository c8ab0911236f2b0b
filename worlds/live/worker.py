"""The inference worker: owns a channel, announces its capacity, sends heartbeats, and
runs one tick loop that steps all of its sessions in a single batched call.

The same class runs as `manage.py inference_worker` in production and inside the web
process in the embedded default. The model runs on one dedicated thread, so a step
never blocks the event loop and two steps never overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from channels.exceptions import ChannelFull
from channels.layers import BaseChannelLayer, get_channel_layer
from django.db import connections

from worlds.live import input_log, services
from worlds.live.protocol import pack_audio, pack_video
from worlds.models import SnapshotKind

log = logging.getLogger(__name__)

AUTOSAVE_SECONDS = 10.0
CHECKPOINT_TICKS = 30
# What the player asked a snapshot for ("purpose" on the wire) says what kind it is.
SNAPSHOT_KINDS = {"record": SnapshotKind.CLIP_START, "remix": SnapshotKind.REMIX_POINT}
MAX_CATCH_UP_TICKS = 4  # at most this many unrendered ticks before each rendered one
OUTBOX_TICKS = 2
# A tick may start up to this share of a period early when a player's new input waits, so
# a key press shows sooner. The schedule itself stays put: 30 ticks a second on average,
# each frame at most this much early. Half a period cut the median latency a little more
# but spread the frames unevenly (bench_sessions' frame_interval_ms).
EARLY_TICK = 0.25
DETACHED_GRACE_SECONDS = 120.0
HEARTBEAT_SECONDS = 1.0
# A player's consumer sends at least a keepalive every KEEPALIVE_SECONDS (consumers.py). A
# session not heard from for this long lost its consumer without a detach (a crashed web
# process, a dropped message): it is detached, so the worker stops drawing for nobody.
CONTROLLER_TIMEOUT_SECONDS = 15.0


def session_group(session_id: str) -> str:
    return f"play.{session_id}"


def model_threads(requested: int = 0) -> int:
    """torch's intra-op threads for a live model: `requested`, or every core but one.

    An op split over threads waits for the slowest of them, and on a busy machine one of
    them is often descheduled for the event loop, an encoder, daphne or Redis. On 2 cores
    with 1 session, 2 threads made 28% of the steps take over 15 ms (3 ms alone) and the
    p99 input-to-frame latency 54 ms; 1 thread: no step over 15 ms, p99 39 ms."""
    if requested > 0:
        return requested
    return max(1, len(os.sched_getaffinity(0)) - 1)


@dataclass
class LiveSession:
    id: str
    controller: str
    state: Any
    recorder: input_log.InputRecorder
    log_from_tick: int
    keys: tuple[str, ...] = ()
    axes: tuple[float, float] = (0.0, 0.0)
    look: list[float] = field(default_factory=lambda: [0.0, 0.0])
    last_seq: int = 0
    # Inputs arrive on the event loop while the model thread reads them between steps.
    input_lock: threading.Lock = field(default_factory=threading.Lock)
    commands: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    snapshot_requests: list[tuple[str, str]] = field(default_factory=list)  # (label, purpose)
    attached: bool = True
    detached_at: float = 0.0
    heard_at: float = field(default_factory=time.monotonic)  # the controller's last message
    last_autosave: float = field(default_factory=time.monotonic)
    # The timer and a disconnect can both autosave; one at a time keeps the log whole.
    saving: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class TickOutput:
    session_id: str
    controller: str
    tick: int
    seq: int
    frame: Any  # uint8 [h, w, 3] tensor, JPEG-encoded as it goes out (encode)
    scale: int  # how many times larger the player shows it
    audio: list[bytes]  # one chunk per simulated tick, rendered or not
    events: list[dict[str, Any]]
    checkpoint: dict[str, Any] | None
    saved_snapshots: list[tuple[str, str, dict[str, Any]]]  # label, purpose, state


class InferenceWorker:
    def __init__(
        self,
        *,
        device: str = "cpu",
        capacity: int = 4,
        fps: int = 30,
        resolution: str = "480p",
        jpeg_quality: int = 80,
        threads: int = 0,
        name: str | None = None,
        layer: BaseChannelLayer | None = None,
    ) -> None:
        self.device = device
        self.threads = model_threads(threads)
        self.capacity = capacity
        self.fps = fps
        self.resolution = resolution
        self.jpeg_quality = jpeg_quality
        self.name = name or f"{socket.gethostname()}-{os.getpid()}-{device}"
        self.layer = layer or get_channel_layer()
        self.channel = ""
        self.sessions: dict[str, LiveSession] = {}
        self.model: Any = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="world-model")
        # JPEG encoding releases the GIL: it runs beside the model drawing the next tick.
        self._encoder = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jpeg")
        self._stopping = asyncio.Event()
        # Ticks go out through one publisher task while the model draws the next tick. At
        # most OUTBOX_TICKS wait; a full outbox holds the tick loop back.
        self._outbox: asyncio.Queue[list[TickOutput]] = asyncio.Queue(maxsize=OUTBOX_TICKS)
        self._new_input = asyncio.Event()
        self.ready = asyncio.Event()
        self.ticks = 0

    # Lifecycle ---------------------------------------------------------------------

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        self.model = await loop.run_in_executor(self._executor, self._load_model)
        # The model, the compiler and Django are loaded for good: half a million objects
        # that a full garbage collection would walk (0.36 s on 2 cores, a frozen tick loop).
        gc.freeze()
        self.channel = await self.layer.new_channel(prefix="inference-worker.")
        await self._db(
            services.worker_register,
            name=self.name,
            channel=self.channel,
            device=self.device,
            capacity=self.capacity,
        )
        self.ready.set()
        log.info(
            "Inference worker %s ready on %s (capacity %d, %d torch threads)",
            self.name,
            self.device,
            self.capacity,
            self.threads,
        )
        tasks = [
            asyncio.create_task(self._receive_loop()),
            asyncio.create_task(self._tick_loop()),
            asyncio.create_task(self._publish_loop()),
            asyncio.create_task(self._housekeeping_loop()),
        ]
        try:
            await self._stopping.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            while not self._outbox.empty():  # saved snapshots and command results
                await self._publish(self._outbox.get_nowait())
            for session in list(self.sessions.values()):
                await self._autosave(session)
            await self._db(services.worker_unregister, name=self.name)
            self._executor.shutdown(wait=False)
            self._encoder.shutdown(wait=False)

    def stop(self) -> None:
        self._stopping.set()

    def _load_model(self) -> Any:
        import torch

        from worlds.engine import world_model

        torch.set_num_threads(self.threads)  # process-wide; compiled kernels follow it

        model = world_model(self.resolution, purpose="live", device=self.device)
        model.interpreter.warm()
        model.warm_renderer()
        return model

    async def _db(self, function: Any, /, **kwargs: Any) -> Any:
        def call() -> Any:
            try:
                return function(**kwargs)
            finally:
                connections.close_all()  # a pool thread's connection would otherwise linger

        return await sync_to_async(call, thread_sensitive=False)()

    # Messages from consumers ---------------------------------------------------------

    async def _receive_loop(self) -> None:
        while True:
            message = await self.layer.receive(self.channel)
            try:
                await self.handle(message)
            except Exception:
                log.exception("Inference worker could not handle %s", message.get("type"))

    async def handle(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        session = self.sessions.get(message.get("session", ""))
        if kind == "worker.start":
            await self._start(message)
            return
        if kind == "worker.attach":
            if session is None:
                await self._send(message["controller"], {"type": "play.missing"})
                return
            session.controller = message["controller"]
            session.attached = True
            session.heard_at = time.monotonic()
            await self._send(session.controller, self._started_event(session))
            return
        if session is None:
            return
        if message.get("controller", session.controller) == session.controller:
            session.heard_at = time.monotonic()
        if kind == "worker.input":
            look = message.get("look", (0.0, 0.0))
            with session.input_lock:
                session.keys = tuple(message.get("keys", ()))
                session.axes = tuple(message.get("axes", (0.0, 0.0)))  # type: ignore[assignment]
                session.look[0] += look[0]
                session.look[1] += look[1]
                session.last_seq = max(session.last_seq, int(message.get("seq", 0)))
            if session.attached:
                self._new_input.set()
        elif kind == "worker.command":
            session.commands.append(
                (str(message.get("id", "")), message["text"], message.get("verdict", {}))
            )
        elif kind == "worker.snapshot":
            session.snapshot_requests.append(
                (message.get("label", ""), message.get("purpose", "save"))
            )
        elif kind == "worker.flush":
            await self._autosave(session)  # the input log on disk now reaches this tick
            await self._send(
                session.controller, {"type": "play.flushed", "tick": session.log_from_tick}
            )
        elif kind == "worker.detach":
            if message.get("controller") in (None, session.controller):
                session.attached = False
                session.detached_at = time.monotonic()
                await self._autosave(session)
                await self._db(services.session_mark, session_id=session.id, status="paused")
        elif kind == "worker.stop":
            await self._autosave(session)
            self.sessions.pop(session.id, None)

    async def _start(self, message: dict[str, Any]) -> None:
        session_id = message["session"]
        loop = asyncio.get_running_loop()
        try:
            state = await loop.run_in_executor(
                self._executor, self._initial_state, message.get("state"), message.get("spec")
            )
        except ValueError as error:  # SpecError, SnapshotError: messages meant for people
            await self._send(message["controller"], {"type": "play.failed", "message": str(error)})
            await self._db(services.session_mark, session_id=session_id, status="ended")
            return
        from inference.spec import PlayerInput

        entries = message.get("entries") or []
        previous = input_log.input_of(entries[-1]) if entries else PlayerInput()
        recorder = input_log.InputRecorder(previous)
        recorder.entries = list(entries)
        session = LiveSession(
            id=session_id,
            controller=message["controller"],
            state=state,
            recorder=recorder,
            log_from_tick=int(message.get("from_tick", self.model.snapshot(state)["tick"])),
        )
        self.sessions[session_id] = session
        await self._send(session.controller, self._started_event(session))

    def _initial_state(self, state: dict[str, Any] | None, spec: dict[str, Any] | None) -> Any:
        if state is not None:
            return self.model.restore(state)
        from inference.spec import WorldSpec

        return self.model.create(WorldSpec(**(spec or {})))

    def _started_event(self, session: LiveSession) -> dict[str, Any]:
        return {"type": "play.started", "worker": self.name, "session": session.id}

    async def _send(self, channel: str, message: dict[str, Any]) -> None:
        # A full channel means the consumer is behind; the next message supersedes this one.
        with contextlib.suppress(ChannelFull):
            await self.layer.send(channel, message)

    # The tick loop --------------------------------------------------------------------

    async def _tick_loop(self) -> None:
        loop = asyncio.get_running_loop()
        period = 1.0 / self.fps
        next_at = time.monotonic()
        while True:
            active = [s for s in self.sessions.values() if s.attached]
            # Behind schedule, simulate the missed ticks without drawing them: world time
            # keeps pace with real time and the frame rate drops instead.
            behind = int((time.monotonic() - next_at) / period)
            catch_up = min(max(0, behind), MAX_CATCH_UP_TICKS)
            if active:
                self._new_input.clear()  # what arrives from here on is for the next tick
                outputs = await loop.run_in_executor(self._executor, self._tick, active, catch_up)
                await self._outbox.put(outputs)
                self.ticks += 1
            next_at += period * (1 + catch_up)
            delay = next_at - time.monotonic()
            if delay < -period * MAX_CATCH_UP_TICKS:
                next_at = time.monotonic()  # hopelessly behind: let go rather than spiral
            await self._until_tick(next_at, period * EARLY_TICK)

    async def _until_tick(self, due: float, lead: float) -> None:
        """Sleep until `due`, or from `due - lead` on, until a new input arrives."""
        early = due - lead - time.monotonic()
        if early > 0:
            await asyncio.sleep(early)
        remaining = due - time.monotonic()
        if remaining > 0 and not self._new_input.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_input.wait(), remaining)

    def _take_inputs(self, sessions: list[LiveSession]) -> tuple[list[Any], list[int]]:
        """Each session's input for the coming tick, and the seq it covers."""
        from inference.spec import PlayerInput

        inputs, applied_seqs = [], []
        for session in sessions:
            # Inputs that land during the step belong to the next one.
            with session.input_lock:
                applied_seqs.append(session.last_seq)
                player_input = PlayerInput.from_keys(
                    session.keys, look=(session.look[0], session.look[1]), axes=session.axes
                )
                session.look = [0.0, 0.0]
            session.recorder.record(_tick_of(session.state), player_input)
            inputs.append(player_input)
        return inputs, applied_seqs

    def _apply_commands(self, sessions: list[LiveSession]) -> dict[str, list[dict[str, Any]]]:
        events: dict[str, list[dict[str, Any]]] = {s.id: [] for s in sessions}
        for session in sessions:
            for command_id, text, verdict in session.commands:
                session.state, result = self.model.direct(session.state, text)
                events[session.id].append(
                    {
                        "kind": "command",
                        "id": command_id,
                        "text": text,
                        "verdict": verdict,
                        "tick": _tick_of(session.state),
                        "result": _result_dict(result),
                    }
                )
            session.commands.clear()
        return events

    def _tick(self, sessions: list[LiveSession], catch_up: int = 0) -> list[TickOutput]:
        """Step every attached session in one batched call per tick: `catch_up` unrendered
        ticks, then one rendered. Runs on the model thread."""
        events = self._apply_commands(sessions)
        first_ticks = {s.id: _tick_of(s.state) for s in sessions}
        audio: dict[str, list[bytes]] = {s.id: [] for s in sessions}
        for remaining in range(catch_up, -1, -1):
            inputs, applied_seqs = self._take_inputs(sessions)
            results = self.model.step(
                [s.state for s in sessions], inputs, render=remaining == 0, native=True
            )
            for session, (_frame, chunk, state) in zip(sessions, results, strict=True):
                session.state = state
                audio[session.id].append(pack_audio(_tick_of(state), chunk.tobytes()))
        frames = [result.frame for result in results]

        outputs = []
        for session, seq, frame in zip(sessions, applied_seqs, frames, strict=True):
            tick = _tick_of(session.state)
            checkpoint = None
            if tick // CHECKPOINT_TICKS != first_ticks[session.id] // CHECKPOINT_TICKS:
                checkpoint = {
                    "state": self.model.snapshot(session.state),
                    "entries": list(session.recorder.entries),
                    "from_tick": session.log_from_tick,
                }
            saved = [
                (label, purpose, self.model.snapshot(session.state))
                for label, purpose in session.snapshot_requests
            ]
            session.snapshot_requests.clear()
            outputs.append(
                TickOutput(
                    session_id=session.id,
                    controller=session.controller,
                    tick=tick,
                    seq=seq,
                    frame=frame,
                    scale=self.model.native_scale,
                    audio=audio[session.id],
                    events=events[session.id],
                    checkpoint=checkpoint,
                    saved_snapshots=saved,
                )
            )
        return outputs

    async def _publish_loop(self) -> None:
        while True:
            outputs = await self._outbox.get()
            try:
                await self._publish(outputs)
            except Exception:
                log.exception("Inference worker could not publish tick")

    async def _publish(self, outputs: list[TickOutput]) -> None:
        """Each session's messages in order; sessions concurrently."""
        await asyncio.gather(*(self._publish_session(out) for out in outputs))

    def encode(self, out: TickOutput) -> bytes:
        """The frame as JPEG bytes."""
        from worlds.engine import frame_to_jpeg

        return frame_to_jpeg(out.frame, self.jpeg_quality)

    async def _publish_session(self, out: TickOutput) -> None:
        group = session_group(out.session_id)
        jpeg = await asyncio.get_running_loop().run_in_executor(self._encoder, self.encode, out)
        await self.layer.group_send(
            group,
            {
                "type": "play.frame",
                "tick": out.tick,
                "seq": out.seq,
                "video": pack_video(out.tick, out.seq, jpeg, out.scale),
                "audio": out.audio,
            },
        )
        for event in out.events:
            await self._db(
                services.session_log_command,
                session_id=out.session_id,
                tick=event["tick"],
                text=event["text"],
                verdict=event["verdict"],
                result=event["result"],
            )
            await self.layer.group_send(group, {"type": "play.command", **event})
        if out.checkpoint is not None:
            await self._send(out.controller, {"type": "play.checkpoint", **out.checkpoint})
        for label, purpose, state in out.saved_snapshots:
            snapshot = await self._db(
                services.session_save_snapshot,
                session_id=out.session_id,
                state=state,
                label=label,
                jpeg=jpeg,
                kind=SNAPSHOT_KINDS.get(purpose, SnapshotKind.SAVED),
            )
            await self.layer.group_send(
                group,
                {
                    "type": "play.snapshot",
                    "slug": snapshot.slug if snapshot else "",
                    "label": snapshot.label if snapshot else "",
                    "tick": out.tick,
                    "saved": snapshot is not None,
                    "purpose": purpose,
                },
            )

    # Persistence and heartbeats ----------------------------------------------------------

    async def _autosave(self, session: LiveSession) -> None:
        async with session.saving:
            loop = asyncio.get_running_loop()
            state = await loop.run_in_executor(self._executor, self.model.snapshot, session.state)
            entries = session.recorder.take()
            await self._db(
                services.session_autosave,
                session_id=session.id,
                state=state,
                entries=entries,
                from_tick=session.log_from_tick,
            )
            session.log_from_tick = int(state["tick"])
            session.last_autosave = time.monotonic()

    async def _housekeeping_loop(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            await self._db(services.worker_heartbeat, name=self.name)
            await self._housekeep(time.monotonic())

    async def _housekeep(self, now: float) -> None:
        for session in list(self.sessions.values()):
            if session.attached and now - session.heard_at > CONTROLLER_TIMEOUT_SECONDS:
                log.warning("Session %s went quiet; detaching it", session.id)
                await self.handle(
                    {"type": "worker.detach", "session": session.id, "controller": None}
                )
            elif session.attached and now - session.last_autosave >= AUTOSAVE_SECONDS:
                await self._autosave(session)
            elif not session.attached and now - session.detached_at > DETACHED_GRACE_SECONDS:
                self.sessions.pop(session.id, None)
                await self._db(services.session_mark, session_id=session.id, status="ended")


def _tick_of(state: Any) -> int:
    return int(state.tick)


def _result_dict(result: Any) -> dict[str, Any]:
    return {
        "status": result.status,
        "message": result.message,
        "changes": list(result.changes),
        "suggestions": list(result.suggestions),
        "actions": result.actions,
    }
