"""The play consumer: one WebSocket per player or spectator of a live session.

It checks who may connect, places the session on a worker, relays inputs and
moderated commands, forwards frames with flow control (the newest frame wins), and
moves the session to another worker when its worker dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import Http404
from django.utils import timezone

from moderation.services import moderation_command, rate_limit_command
from tidepool.net import client_ip
from worlds.live import protocol, recording, services
from worlds.live.embedded import ensure_embedded_worker
from worlds.live.protocol import (
    CommandMessage,
    InputMessage,
    PingMessage,
    ProtocolError,
    RecordMessage,
    RemixMessage,
    SnapshotMessage,
)
from worlds.live.rate_limit import TokenBucket
from worlds.live.worker import session_group
from worlds.models import InferenceWorker, PlaySession
from worlds.quota import session_max_seconds

FLOW_WINDOW_TICKS = 8  # frames in flight before the consumer starts dropping
FRAME_TIMEOUT_SECONDS = 1.5
MONITOR_SECONDS = 0.5
KEEPALIVE_SECONDS = 3.0  # the worker detaches a session it has not heard from in a while


class PlayConsumer(AsyncWebsocketConsumer):
    session_id: str
    role: str = "spectator"

    async def connect(self) -> None:
        self.session_id = str(self.scope["url_route"]["kwargs"]["session_id"])
        query = parse_qs(self.scope.get("query_string", b"").decode())
        watch = query.get("watch", ["0"])[0] in ("1", "true")
        token = query.get("token", [""])[0]
        user = self.scope.get("user")
        django_session = self.scope.get("session")
        anonymous_key = django_session.get("anonymous_player_key", "") if django_session else ""
        await self.accept()
        try:
            connection = await database_sync_to_async(services.session_connect)(
                session_id=self.session_id,
                user=user,
                anonymous_key=anonymous_key,
                watch=watch,
                token=token,
            )
        except services.SessionPrivate as error:
            await self.close_with(protocol.CLOSE_FORBIDDEN, "private", str(error))
            return
        except (Http404, ValueError):
            await self.close_with(protocol.CLOSE_NOT_FOUND, "not_found", "No such session.")
            return
        except services.SessionEnded as error:
            await self.close_with(protocol.CLOSE_SESSION_ENDED, "session_ended", str(error))
            return

        self.role = connection.role
        self.world = connection.session.world
        signed_in = connection.session.player_id is not None
        limit = session_max_seconds(signed_in=signed_in)
        age = (timezone.now() - connection.session.started_at).total_seconds()
        self.ends_at = time.monotonic() + max(0.0, limit - age)
        self.worker_name = ""
        self.worker_channel = ""
        self.status = "starting"
        self.checkpoint: dict[str, Any] | None = None
        self.last_frame_at = time.monotonic()
        self.started_at = time.monotonic()
        self.kept_alive_at = 0.0
        self.acked_tick: int | None = None
        self.sent_tick = 0
        self.pending_frame: dict[str, Any] | None = None
        self.frames_dropped = 0
        self.queue_position = 0
        self.input_bucket = TokenBucket(rate=120, burst=240)
        self.command_bucket = TokenBucket(rate=2, burst=5)
        self.last_rate_warning = 0.0
        self.monitor: asyncio.Task[None] | None = None
        self.recording: dict[str, Any] | None = None

        await self.channel_layer.group_add(session_group(self.session_id), self.channel_name)
        await self.send_json(
            {
                "type": "session",
                "status": "starting",
                "session": self.session_id,
                "role": self.role,
                "world": self.world.slug,
                "fps": settings.INFERENCE_FPS,
            }
        )
        if self.role == "player":
            if settings.INFERENCE_WORKERS == "embedded":
                await ensure_embedded_worker()
            await self.start_on_worker(attach=connection.session.status != "queued")
            self.monitor = asyncio.create_task(self.monitor_loop())

    async def disconnect(self, code: int) -> None:
        if self.monitor is not None:
            self.monitor.cancel()
        if not hasattr(self, "world"):
            return
        await self.channel_layer.group_discard(session_group(self.session_id), self.channel_name)
        if self.role == "player":
            if self.worker_channel:
                # A worker too busy to take it detaches the session when it goes quiet.
                await self.tell_worker("worker.detach", controller=self.channel_name)
            else:
                await database_sync_to_async(services.session_mark)(
                    session_id=self.session_id, status="paused"
                )

    # Placement and failover ----------------------------------------------------------

    async def start_on_worker(self, *, attach: bool = False, exclude: str = "") -> None:
        session = await database_sync_to_async(PlaySession.objects.select_related("world").get)(
            pk=self.session_id
        )
        if attach and session.worker:
            worker = await database_sync_to_async(
                InferenceWorker.objects.filter(name=session.worker).first
            )()
            if worker is not None and await database_sync_to_async(services.worker_is_alive)(
                name=worker.name
            ):
                self.worker_name, self.worker_channel = worker.name, worker.channel
                await self.channel_layer.send(
                    worker.channel,
                    {
                        "type": "worker.attach",
                        "session": self.session_id,
                        "controller": self.channel_name,
                    },
                )
                await database_sync_to_async(services.session_mark)(
                    session_id=self.session_id, status="running", worker=worker.name
                )
                return
        worker = await database_sync_to_async(services.session_place)(
            session_id=self.session_id, exclude=exclude
        )
        if worker is None:
            self.status = "queued"
            self.worker_name = self.worker_channel = ""
            await self.report_queue_position()
            return
        self.worker_name, self.worker_channel = worker.name, worker.channel
        self.status = "starting"
        self.last_frame_at = time.monotonic()
        start: dict[str, Any] = {
            "type": "worker.start",
            "session": self.session_id,
            "controller": self.channel_name,
        }
        saved = await database_sync_to_async(services.session_start_state)(session=session)
        checkpoint = self.checkpoint
        if checkpoint is not None and (
            saved is None or checkpoint["state"]["tick"] >= saved.get("tick", 0)
        ):
            start.update(checkpoint)  # state, and the inputs logged since the last autosave
        elif saved is not None:
            start["state"] = saved  # the autosave is newer than this consumer's checkpoint
        else:
            start["spec"] = await database_sync_to_async(world_spec_dict)(session.world)
        await self.channel_layer.send(worker.channel, start)

    async def report_queue_position(self) -> None:
        position = await database_sync_to_async(services.queue_position)(session_id=self.session_id)
        if position != self.queue_position:
            self.queue_position = position
            await self.send_json({"type": "queue", "position": position})

    async def monitor_loop(self) -> None:
        while True:
            await asyncio.sleep(MONITOR_SECONDS)
            if time.monotonic() > self.ends_at:
                await self.close_with(
                    protocol.CLOSE_SESSION_ENDED,
                    "time_limit",
                    "This session reached its time limit. Start a new one from the world page"
                    " (signed-in players get longer sessions).",
                )
                return
            if self.status == "queued":
                await self.start_on_worker()
                continue
            await self.keep_alive()
            stalled = time.monotonic() - self.last_frame_at > FRAME_TIMEOUT_SECONDS
            if stalled and self.worker_name:
                alive = await database_sync_to_async(services.worker_is_alive)(
                    name=self.worker_name
                )
                if not alive:
                    dead, dead_channel = self.worker_name, self.worker_channel
                    # If it was only slow, make sure it stops: a session runs in one place.
                    await self.channel_layer.send(
                        dead_channel, {"type": "worker.stop", "session": self.session_id}
                    )
                    await self.send_json(
                        {"type": "session", "status": "resuming", "session": self.session_id}
                    )
                    await self.start_on_worker(exclude=dead)

    async def keep_alive(self) -> None:
        """Tell the worker this player is still here, even when it sends no input."""
        now = time.monotonic()
        if not self.worker_channel or now - self.kept_alive_at < KEEPALIVE_SECONDS:
            return
        self.kept_alive_at = now
        await self.tell_worker("worker.keepalive", controller=self.channel_name)

    async def tell_worker(self, kind: str, **fields: Any) -> None:
        """Send the worker a message it can do without: a full worker channel drops it
        rather than the connection (the next input or keepalive says the same again)."""
        with contextlib.suppress(ChannelFull):
            await self.channel_layer.send(
                self.worker_channel, {"type": kind, "session": self.session_id, **fields}
            )

    # From the client -------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            message = protocol.parse_client_message(text_data, bytes_data)
        except ProtocolError as error:
            await self.send_error(error.code, str(error))
            return
        if isinstance(message, PingMessage):
            await self.send_json({"type": "pong", "t": message.t})
            return
        if self.role != "player":
            await self.send_error("read_only", "Spectators watch; only the player can steer.")
            return
        if isinstance(message, InputMessage):
            await self.on_input(message)
        elif isinstance(message, CommandMessage):
            await self.on_command(message)
        elif isinstance(message, SnapshotMessage):
            await self.on_snapshot(message)
        elif isinstance(message, RecordMessage):
            await self.on_record(message)
        elif isinstance(message, RemixMessage):
            await self.on_remix()

    async def on_input(self, message: InputMessage) -> None:
        if message.ack is not None:
            self.acked_tick = message.ack
            await self.flush_pending_frame()
        if not self.input_bucket.take():
            await self.warn_rate_limited("Too many inputs; some were dropped.")
            return
        if self.worker_channel:
            await self.tell_worker(
                "worker.input",
                seq=message.seq,
                keys=list(message.keys),
                look=list(message.look),
                axes=list(message.axes),
            )

    async def on_command(self, message: CommandMessage) -> None:
        if not self.command_bucket.take():
            await self.send_command_result(
                message, "rejected", "Slow down: at most a couple of commands a second."
            )
            return
        user = self.scope.get("user")
        ip = client_ip(self.scope)
        limit = await database_sync_to_async(rate_limit_command)(user=user, ip=ip)
        if not limit.allowed:
            await self.send_command_result(
                message, "rejected", f"Slow down: try again in {limit.retry_after} s."
            )
            return
        decision = await database_sync_to_async(moderation_command)(
            text=message.text, user=user, session_id=self.session_id, ip=ip
        )
        if not decision.allowed:
            await self.send_command_result(
                message, decision.status, decision.message, verdict=decision.verdict
            )
            return
        if decision.warning:
            await self.send_error("moderation_warning", decision.warning)
        if not self.worker_channel:
            await self.send_command_result(message, "rejected", "The world is not running yet.")
            return
        await self.channel_layer.send(
            self.worker_channel,
            {
                "type": "worker.command",
                "session": self.session_id,
                "id": message.id,
                "text": message.text,
                "verdict": decision.verdict,
            },
        )

    async def on_snapshot(self, message: SnapshotMessage) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.send_error("sign_up_to_save", "Sign up or log in to save snapshots.")
            return
        if self.worker_channel:
            await self.channel_layer.send(
                self.worker_channel,
                {"type": "worker.snapshot", "session": self.session_id, "label": message.label},
            )

    async def on_record(self, message: RecordMessage) -> None:
        """Record a clip: start pins the exact state as a snapshot; stop flushes the input
        log and turns what happened in between into a clip script."""
        if not self.signed_in():
            await self.send_error("sign_up_to_record", "Sign up or log in to record clips.")
            return
        if not self.worker_channel:
            await self.send_error("not_running", "The world is not running yet.")
            return
        if message.action == "start":
            self.recording = None
            await self.channel_layer.send(
                self.worker_channel,
                {
                    "type": "worker.snapshot",
                    "session": self.session_id,
                    "label": "Clip start",
                    "purpose": "record",
                },
            )
        elif self.recording is None:
            await self.send_error("not_recording", "Press Record first.")
        else:
            await self.channel_layer.send(
                self.worker_channel, {"type": "worker.flush", "session": self.session_id}
            )

    async def on_remix(self) -> None:
        if not self.signed_in():
            await self.send_error("sign_up_to_remix", "Sign up or log in to remix this world.")
            return
        if self.worker_channel:
            await self.channel_layer.send(
                self.worker_channel,
                {
                    "type": "worker.snapshot",
                    "session": self.session_id,
                    "label": "Remix point",
                    "purpose": "remix",
                },
            )

    def signed_in(self) -> bool:
        user = self.scope.get("user")
        return user is not None and user.is_authenticated

    # From the worker (group and direct messages) --------------------------------------

    async def play_started(self, event: dict[str, Any]) -> None:
        self.status = "running"
        self.last_frame_at = time.monotonic()
        self.worker_name = event["worker"]
        await self.send_json({"type": "session", "status": "running", "session": self.session_id})

    async def play_failed(self, event: dict[str, Any]) -> None:
        self.worker_channel = ""
        await self.close_with(
            protocol.CLOSE_SESSION_ENDED,
            "start_failed",
            f"This world could not start: {event['message']}",
        )

    async def play_missing(self, event: dict[str, Any]) -> None:
        await self.start_on_worker()

    async def play_checkpoint(self, event: dict[str, Any]) -> None:
        self.checkpoint = {k: event[k] for k in ("state", "entries", "from_tick")}

    async def play_frame(self, event: dict[str, Any]) -> None:
        self.last_frame_at = time.monotonic()
        if self.acked_tick is not None and event["tick"] - self.acked_tick > FLOW_WINDOW_TICKS:
            if self.pending_frame is not None:
                self.frames_dropped += 1
            self.pending_frame = event  # the newest frame wins; older ones are dropped
            return
        await self.send_frame(event)

    async def flush_pending_frame(self) -> None:
        frame = self.pending_frame
        if frame is not None and (
            self.acked_tick is None or frame["tick"] - self.acked_tick <= FLOW_WINDOW_TICKS
        ):
            self.pending_frame = None
            await self.send_frame(frame, with_audio=False)

    async def send_frame(self, event: dict[str, Any], with_audio: bool = True) -> None:
        self.sent_tick = event["tick"]
        await self.send(bytes_data=event["video"])
        if with_audio:
            for chunk in event["audio"]:
                await self.send(bytes_data=chunk)

    async def play_command(self, event: dict[str, Any]) -> None:
        result = event["result"]
        await self.send_json(
            {
                "type": "command.result",
                "id": event["id"],
                "text": event["text"],
                "tick": event["tick"],
                "status": result["status"],
                "message": result["message"],
                "changes": result["changes"],
                "suggestions": result["suggestions"],
                "verdict": event.get("verdict", {}),
            }
        )

    async def play_snapshot(self, event: dict[str, Any]) -> None:
        if self.role != "player":
            return
        purpose = event.get("purpose", "save")
        if purpose == "record":
            self.recording = event if event["saved"] else None
            await self.send_json({"type": "record", "status": "recording", "tick": event["tick"]})
        elif purpose == "remix" and event["saved"]:
            url = await database_sync_to_async(recording.remix_from_snapshot)(
                session_id=self.session_id, snapshot_slug=event["slug"], user=self.scope["user"]
            )
            await self.send_json({"type": "remix", "world_url": url})
        else:
            await self.send_json(
                {"type": "snapshot.saved", **{k: event[k] for k in ("slug", "label", "tick")}}
            )

    async def play_flushed(self, event: dict[str, Any]) -> None:
        start, self.recording = self.recording, None
        if start is None:
            return
        outcome = await database_sync_to_async(recording.clip_from_recording)(
            session_id=self.session_id,
            start_slug=start["slug"],
            end_tick=event["tick"],
            user=self.scope["user"],
        )
        await self.send_json({"type": "record", **outcome})

    # Helpers ----------------------------------------------------------------------------

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content))

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def close_with(self, code: int, error: str, message: str) -> None:
        """Say why in an error event first: browsers do not get daphne's close reason."""
        await self.send_error(error, message)
        await self.close(code=code, reason=message)

    async def send_command_result(
        self,
        message: CommandMessage,
        status: str,
        text: str,
        verdict: dict[str, Any] | None = None,
    ) -> None:
        await self.send_json(
            {
                "type": "command.result",
                "id": message.id,
                "text": message.text,
                "status": status,
                "message": text,
                "changes": [],
                "suggestions": [],
                "verdict": verdict or {},
            }
        )

    async def warn_rate_limited(self, text: str) -> None:
        now = time.monotonic()
        if now - self.last_rate_warning > 1.0:
            self.last_rate_warning = now
            await self.send_error("rate_limited", text)


def world_spec_dict(world: Any) -> dict[str, Any]:
    return {
        "prompt": world.prompt,
        "character": world.character,
        "style": world.style,
        "seed": int(world.seed),
    }
