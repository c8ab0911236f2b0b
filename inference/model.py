"""WorldModel: the one Django-free interface for live play, clip renders and replay.

    create(spec) -> state
    step(states, inputs, render=True, native=False) -> [StepOutput(frame, audio, state)]
        one batched tick (render=False: the same simulation, audio and events; frames
        are None; native=True: frames at the internal size, see native_scale)
    direct(state, text) -> (state, CommandResult)
    apply(state, actions_json) -> (state, CommandResult)        exact replay, no parsing
    snapshot(state) -> dict ;  restore(dict) -> state

State ownership: `step` advances the given states IN PLACE (and returns the same objects
in the outputs). `direct` and `apply` never mutate their input: they return a new state
object when something was applied, and the unchanged input state otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from inference.actions_json import ActionFormatError, from_json, to_json
from inference.audio import Hearing, hear, synth_chunks
from inference.camera import Pose, camera_pose
from inference.director import CommandResult, Rejected, apply_actions
from inference.dynamics import flash_level, step_world
from inference.intents import NotUnderstood, Understood
from inference.kinds import KINDS
from inference.render.frame import Renderer, resolve
from inference.render.looks import scene_look
from inference.render.sprites import KIND_SIZE
from inference.render.view import SpriteDraw, View
from inference.setup import build_state
from inference.snapshot import restore as _restore
from inference.snapshot import snapshot as _snapshot
from inference.spec import MAX_COMMAND_CHARS, PlayerInput, SpecError, WorldSpec
from inference.state import WorldState
from inference.vocabulary import COLOURS, STYLES
from inference.worldgen import TileCache


@dataclass
class StepOutput:
    """Unpacks as (frame, audio, state); `events` lists what started on this tick."""

    frame: torch.Tensor | None  # uint8 [H, W, 3] on CPU; None when stepped with render=False
    audio: np.ndarray | None  # int16 [1600, 2], 48 kHz stereo; None with sound=False
    state: WorldState
    events: list[dict[str, Any]] = field(default_factory=list)

    def __iter__(self):
        return iter((self.frame, self.audio, self.state))

    def __getitem__(self, i: int):
        return (self.frame, self.audio, self.state)[i]

    def __len__(self) -> int:
        return 3


_SPRITE_ATTRS = ("gender", "age", "hair", "mood")


def sprites_for(state: WorldState) -> tuple[SpriteDraw, ...]:
    out = []
    for e in state.entities:
        default = KIND_SIZE[e.kind][2]
        colour = COLOURS.get(e.attrs.get("colour", ""), default)
        hair = COLOURS.get(e.attrs.get("hair", ""))
        b = e.behaviour
        pose = "sit" if b == "sit" else "sleep" if b == "sleep" else "stand"
        frame = int(e.phase) % 2
        if pose == "stand" and (e.speed > 0 or b in ("fly", "dance") or KINDS[e.kind].airborne):
            pose = "walk"
        else:
            frame = 0 if pose != "stand" or e.speed == 0 else frame
        attrs = tuple((k, e.attrs[k]) for k in _SPRITE_ATTRS if k in e.attrs)
        out.append(
            SpriteDraw(e.kind, e.x, e.y, e.z, e.heading, e.size, colour, hair, pose, frame, attrs)
        )
    if state.camera.mode != "first_person":
        p = state.player
        out.append(SpriteDraw("person", p.x, p.y, p.z, p.yaw, 1.0, (60, 90, 160), None, "stand", 0))
    return tuple(out)


class WorldModel:
    """The neuro-symbolic world model. Not thread-safe; one per worker loop."""

    def __init__(
        self,
        device: str | torch.device = "cpu",
        resolution: str | tuple[int, int] = "480p",
        interpreter: Any = None,
        render_scale: float | None = None,
        compiled: bool = False,
    ) -> None:
        """render_scale: internal resolution factor. Default: 1.0 on CUDA and for small
        outputs; 0.5 for CPU outputs wider than 480 px (the 2-core CPU budget).
        compiled: compile the renderer's per-pixel stages (worth it for long-running
        processes; on CPU the frames are bit-identical to the eager ones)."""
        self.device = torch.device(device)
        self.width, self.height = resolve(resolution)
        if render_scale is None:
            render_scale = 1.0 if self.device.type == "cuda" or self.width <= 480 else 0.5
        if not 0.1 <= float(render_scale) <= 1.0:
            raise ValueError("render_scale must be between 0.1 and 1.0.")
        self.render_scale = float(render_scale)
        self.cache = TileCache()
        self.renderer = Renderer(
            self.width,
            self.height,
            self.device,
            self.cache,
            scale=self.render_scale,
            compiled=compiled,
        )
        self._interpreter = interpreter
        self._warm_lock = threading.Lock()
        self._warm = False

    @property
    def native_scale(self) -> int:
        """Output size / internal size, when whole (1 otherwise): see step(native=True)."""
        return self.renderer.native_scale

    def warm_renderer(self, batch_sizes: Sequence[int] = (1, 2)) -> None:
        """Draw throwaway rainy frames in every style, so a compiled renderer compiles now and
        not in the middle of play (one graph for a single session, one for any larger
        batch). Safe to call from two threads: the second waits for the first."""
        with self._warm_lock:
            if self._warm:
                return
            state = self.create(WorldSpec("a quiet meadow", seed=0))
            state.scene.weather = "rain"  # so the weather overlay compiles too
            for style in STYLES:
                state.scene.style = style
                for batch in batch_sizes:
                    self.render([state] * batch)
            self._warm = True

    # -- text ---------------------------------------------------------------------
    @property
    def interpreter(self) -> Any:
        if self._interpreter is None:
            from inference.interpreter import Interpreter

            self._interpreter = Interpreter()
        return self._interpreter

    # -- lifecycle ----------------------------------------------------------------
    def create(self, spec: WorldSpec) -> WorldState:
        spec.validate()
        try:
            intent = self.interpreter.parse_prompt(spec.prompt, spec.character, spec.style)
        except SpecError:
            raise
        except ValueError as exc:
            raise SpecError(f"The prompt could not be understood: {exc}") from exc
        return build_state(spec, intent, self.cache)

    def snapshot(self, state: WorldState) -> dict[str, Any]:
        return _snapshot(state)

    def restore(self, d: dict[str, Any]) -> WorldState:
        return _restore(d)

    # -- ticking ------------------------------------------------------------------
    def view(self, state: WorldState, pose: Pose) -> View:
        sc = state.scene
        return View(
            seed=state.seed,
            biome=sc.biome,
            style=sc.style,
            look=scene_look(sc),
            x=pose.x,
            y=pose.y,
            z=pose.z,
            yaw=pose.yaw,
            pitch=pose.pitch,
            tick=state.tick,
            weather=sc.weather,
            flash=flash_level(state),
            sprites=sprites_for(state),
        )

    def frame_view(self, state: WorldState) -> View:
        """What the camera sees of `state` now: all a frame needs, and nothing that later
        ticks change, so views kept from a simulation can be drawn afterwards."""
        return self.view(state, camera_pose(state, self.cache))

    def hearing(self, state: WorldState) -> Hearing:
        """What the camera hears of `state` now (`synth_hearings` makes the chunk that
        `step` would have made), for a replay that leaves the sound to another process."""
        return hear(state, camera_pose(state, self.cache))

    @torch.inference_mode()
    def render(self, states: Sequence[WorldState]) -> list[torch.Tensor]:
        """Frames of the states as they are, without advancing them."""
        return self.render_views([self.frame_view(s) for s in states])

    @torch.inference_mode()
    def render_views(self, views: Sequence[View]) -> list[torch.Tensor]:
        """Frames of views (from `frame_view`, of any model of this world), in one batch."""
        frames = self._to_cpu(self.draw_views(views))
        return [frames[b] for b in range(len(views))]

    @torch.inference_mode()
    def draw_views(self, views: Sequence[View]) -> torch.Tensor:
        """Views drawn in one batch: uint8 frames [B, H, W, 3] left on the model's device
        (queued there), for work that continues on it before the copy to the host."""
        return self.renderer.render(list(views))

    @torch.inference_mode()
    def step(
        self,
        states: Sequence[WorldState],
        inputs: Sequence[PlayerInput | None],
        render: bool = True,
        native: bool = False,
        sound: bool = True,
    ) -> list[StepOutput]:
        """Advance every state one tick. With render=False the renderer is skipped (the
        state, audio and events evolve exactly as with render=True; frames are None), so a
        worker that falls behind can simulate every tick and draw only the newest.
        native=True returns frames at the internal size, native_scale times smaller than
        the output (a stream can send those and let the viewer enlarge them).
        sound=False skips the audio too (chunks are None; `hearing` keeps what they need)."""
        if len(states) != len(inputs):
            raise ValueError("step needs one input per state.")
        if not states:
            return []
        events, poses = [], []
        for s, inp in zip(states, inputs, strict=True):
            events.append(step_world(s, inp if inp is not None else PlayerInput(), self.cache))
            poses.append(camera_pose(s, self.cache))
        frames = None
        if render:
            views = [self.view(s, poses[b]) for b, s in enumerate(states)]
            frames = self.renderer.render(views, native)  # [B, H, W, 3] uint8, queued
        # audio is synthesised on the CPU while an accelerator is still drawing
        audio: list[np.ndarray | None] = [None] * len(states)
        if sound:
            audio = synth_chunks(list(states), poses)  # vectorised over similar sessions
        if frames is None:
            return [StepOutput(None, audio[b], s, events[b]) for b, s in enumerate(states)]
        frames = self._to_cpu(frames)
        return [StepOutput(frames[b], audio[b], s, events[b]) for b, s in enumerate(states)]

    def _to_cpu(self, frames: torch.Tensor) -> torch.Tensor:
        if frames.device.type == "cpu":
            return frames
        host = torch.empty(frames.shape, dtype=frames.dtype, pin_memory=True)
        host.copy_(frames, non_blocking=True)
        torch.cuda.current_stream(frames.device).synchronize()
        return host

    # -- directing ----------------------------------------------------------------
    def direct(self, state: WorldState, text: str) -> tuple[WorldState, CommandResult]:
        if not isinstance(text, str):
            return state, CommandResult("rejected", "A command must be text.")
        clean = text.strip()
        if not clean:
            return state, CommandResult("rejected", "The command is empty: say what should happen.")
        if len(text) > MAX_COMMAND_CHARS:
            return state, CommandResult(
                "rejected",
                f"The command is {len(text)} characters long; the limit is {MAX_COMMAND_CHARS}.",
            )
        try:
            parsed = self.interpreter.parse_command(clean)
        except ValueError as exc:
            return state, CommandResult("rejected", f"The command could not be read: {exc}")
        if isinstance(parsed, NotUnderstood):
            return state, CommandResult(
                "not_understood", parsed.reason, suggestions=list(parsed.suggestions)
            )
        if not isinstance(parsed, Understood) or not parsed.actions:
            return state, CommandResult(
                "not_understood", "Nothing in that command could be acted on."
            )
        return self._apply(state, list(parsed.actions))

    def apply(
        self, state: WorldState, actions_json: list[dict[str, Any]]
    ) -> tuple[WorldState, CommandResult]:
        try:
            actions = [from_json(a) for a in actions_json]
        except ActionFormatError as exc:
            return state, CommandResult("rejected", str(exc))
        return self._apply(state, actions)

    def _apply(self, state: WorldState, actions: list) -> tuple[WorldState, CommandResult]:
        js = [to_json(a) for a in actions]
        try:
            new, changes = apply_actions(state, actions, self.cache)
        except Rejected as exc:
            return state, CommandResult("rejected", str(exc), actions=js)
        msg = "; ".join(changes) if changes else "Nothing changed."
        msg = msg[0].upper() + msg[1:] + "."
        return new, CommandResult("applied", msg, changes=changes, actions=js)
