"""The live protocol on /ws/play/<session_id>/ (see DESIGN.md, "Live sessions").

Client → server, JSON text messages of at most 64 KB:
    {"type": "input", "seq": 17, "keys": ["w", "shift"], "look": [dx, dy],
     "axes": [x, y], "ack": 1234}
        keys held now; look is the mouse/stick delta in degrees since the previous
        input; ack is the newest frame tick the client has shown (flow control).
    {"type": "command", "id": "c7", "text": "make it rain"}
    {"type": "snapshot", "label": "by the lighthouse"}
    {"type": "record", "action": "start" | "stop"}     a clip of what happens in between
    {"type": "remix"}                                  a new world from this moment
    {"type": "ping", "t": 123.4}

Server → client:
    binary video: header VIDEO_HEADER (kind=1, tick, last input seq applied, scale), then
                  a JPEG; the player shows it `scale` times larger by pixel repetition
                  (a CPU worker renders 480p at 427x240 and sends that, not 4x the pixels)
    binary audio: header AUDIO_HEADER (kind=2, tick, sample rate, channels), then
                  little-endian int16 PCM, channels interleaved
    JSON: "session", "queue", "command.result", "snapshot.saved", "record", "remix",
          "pong", "error"
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any

VIDEO = 1
AUDIO = 2
VIDEO_HEADER = struct.Struct("<BIIB")  # kind, tick, last input seq applied, scale
AUDIO_HEADER = struct.Struct("<BIIB")  # kind, tick, sample rate, channels

MAX_MESSAGE_BYTES = 64 * 1024
MAX_KEYS = 16
MAX_COMMAND_CHARS = 500
MAX_LABEL_CHARS = 120
CLIENT_TYPES = ("input", "command", "snapshot", "record", "remix", "ping")

# WebSocket close codes (4000-4999 are the application's).
CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403
CLOSE_SESSION_ENDED = 4410


def pack_video(tick: int, seq: int, jpeg: bytes, scale: int = 1) -> bytes:
    return VIDEO_HEADER.pack(VIDEO, tick & 0xFFFFFFFF, seq & 0xFFFFFFFF, scale) + jpeg


def pack_audio(tick: int, pcm: bytes, sample_rate: int = 48_000, channels: int = 2) -> bytes:
    return AUDIO_HEADER.pack(AUDIO, tick & 0xFFFFFFFF, sample_rate, channels) + pcm


def unpack_video(message: bytes) -> tuple[int, int, bytes]:
    kind, tick, seq, _scale = VIDEO_HEADER.unpack_from(message)
    if kind != VIDEO:
        raise ValueError("not a video message")
    return tick, seq, message[VIDEO_HEADER.size :]


class ProtocolError(ValueError):
    """A client message the server will not act on. `code` is stable, the text is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class InputMessage:
    seq: int
    keys: tuple[str, ...]
    look: tuple[float, float]
    axes: tuple[float, float]
    ack: int | None


@dataclass(frozen=True)
class CommandMessage:
    id: str
    text: str


@dataclass(frozen=True)
class SnapshotMessage:
    label: str


@dataclass(frozen=True)
class PingMessage:
    t: float


@dataclass(frozen=True)
class RecordMessage:
    action: str  # "start" or "stop"


@dataclass(frozen=True)
class RemixMessage:
    pass


ClientMessage = (
    InputMessage | CommandMessage | SnapshotMessage | PingMessage | RecordMessage | RemixMessage
)


def _number(value: Any, default: float = 0.0, limit: float = 1e6) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    number = float(value)
    return max(-limit, min(limit, number)) if math.isfinite(number) else default


def _pair(value: Any, limit: float) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return (0.0, 0.0)
    return (_number(value[0], limit=limit), _number(value[1], limit=limit))


def parse_client_message(text: str | None, binary: bytes | None = None) -> ClientMessage:
    """Validate one client message; raise ProtocolError with a clear reason otherwise."""
    if binary is not None:
        raise ProtocolError("binary_not_accepted", "Send JSON text messages, not binary.")
    if text is None:
        raise ProtocolError("empty", "Empty message.")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_large", "Messages are limited to 64 KB.")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ProtocolError("malformed_json", "That message is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ProtocolError("malformed", "A message must be a JSON object with a type.")
    kind = data.get("type")
    if kind == "input":
        seq = data.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 2**32:
            raise ProtocolError("bad_input", "An input needs a sequence number (0 ≤ seq < 2³²).")
        keys = data.get("keys", [])
        if not isinstance(keys, list):
            raise ProtocolError("bad_input", "keys must be a list of key names.")
        names = tuple(str(key)[:24].lower() for key in keys[:MAX_KEYS] if isinstance(key, str))
        ack = data.get("ack")
        ack = ack if isinstance(ack, int) and not isinstance(ack, bool) and ack >= 0 else None
        return InputMessage(
            seq=seq,
            keys=names,
            look=_pair(data.get("look"), limit=180.0),
            axes=_pair(data.get("axes"), limit=1.0),
            ack=ack,
        )
    if kind == "command":
        text_value = data.get("text")
        if not isinstance(text_value, str) or not text_value.strip():
            raise ProtocolError("bad_command", "A command needs some text.")
        if len(text_value) > MAX_COMMAND_CHARS:
            raise ProtocolError(
                "command_too_long", f"Commands are limited to {MAX_COMMAND_CHARS} characters."
            )
        return CommandMessage(id=str(data.get("id", ""))[:64], text=text_value.strip())
    if kind == "snapshot":
        label = data.get("label", "")
        return SnapshotMessage(
            label=label.strip()[:MAX_LABEL_CHARS] if isinstance(label, str) else ""
        )
    if kind == "record":
        action = data.get("action")
        if action not in ("start", "stop"):
            raise ProtocolError("bad_record", 'A record message needs "action": "start" or "stop".')
        return RecordMessage(action=action)
    if kind == "remix":
        return RemixMessage()
    if kind == "ping":
        return PingMessage(t=_number(data.get("t"), limit=1e15))
    raise ProtocolError(
        "unknown_type",
        f"Unknown message type {str(kind)[:40]!r}; use one of {', '.join(CLIENT_TYPES)}.",
    )
