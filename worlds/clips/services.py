"""Business logic for directed clips: creating them (from a script or a recorded live
session), editing, retrying, deleting, and remixing the world at a moment of a clip.
The render itself is driven by worlds.clips.tasks (render_bookkeeping.py, storage.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from moderation.verdicts import moderation_check
from tidepool.tasks import enqueue
from worlds.clips.models import Clip
from worlds.clips.script import FPS, MAX_DURATION_S, compile_script, tick_of, validate_script
from worlds.clips.selectors import clip_can_edit, clip_can_view
from worlds.clips.storage import delete_unreferenced
from worlds.models import PlaySession, Snapshot, SnapshotKind, World
from worlds.selectors import snapshot_list_visible, world_can_view

User = AbstractBaseUser | AnonymousUser


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def clip_resolution() -> str:
    return _setting("CLIP_RESOLUTION", "720p")


# Creating and editing ------------------------------------------------------------------


def _check_commands(script: dict[str, Any]) -> None:
    """Every director command in a script passes moderation, as it would in live play."""
    problems = []
    for event in script["events"]:
        if event["type"] in ("command", "camera"):
            verdict = moderation_check(text=event["text"], context="command")
            if not verdict.allowed:
                problems.append(
                    f"The {event['type']} at {event['t']:g} s was blocked by moderation "
                    f"({verdict.reason or 'policy'})."
                )
    if problems:
        raise ValidationError({"script": problems})


def _resolve_world(world: World | str, user: User) -> World:
    if isinstance(world, World):
        if not world_can_view(world=world, viewer=user):
            raise Http404("No world found at this link.")
        return world
    found = World.objects.filter(slug=str(world)).first()
    if found is None or not world_can_view(world=found, viewer=user):
        raise ValidationError({"world": [f"Unknown world {world!r}: no world has that link."]})
    return found


def _default_start(world: World, user: User) -> Snapshot | None:
    visible = snapshot_list_visible(world=world, viewer=user)
    if world.published_snapshot_id and world.owner_id != getattr(user, "pk", None):
        published = visible.filter(pk=world.published_snapshot_id).first()
        if published is not None:
            return published
    return visible.first()


def _create(
    *,
    world: World,
    user: AbstractBaseUser,
    script: dict[str, Any],
    title: str,
    start_snapshot: Snapshot | None,
    resolution: str | None,
) -> Clip:
    clip = Clip.objects.create(
        world=world,
        owner=user,
        title=(title or "").strip()[:120] or f"{world.title} — a clip",
        start_snapshot=start_snapshot,
        script=script,
        duration_s=script["duration_s"],
        resolution=resolution or clip_resolution(),
    )
    _enqueue_render(clip)
    return clip


def _enqueue_render(clip: Clip) -> None:
    from worlds.clips.tasks import clip_render

    enqueue(clip_render, clip.pk)


@transaction.atomic
def clip_create(
    *,
    world: World | str,
    user: User,
    script: Any,
    title: str = "",
    start_snapshot: Snapshot | str | None = None,
    resolution: str | None = None,
) -> Clip:
    """A clip of `world` (a World or its slug) from `script`, rendered in the background."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign up or log in to make clips.")
    world = _resolve_world(world, user)
    clean = validate_script(script)
    _check_commands(clean)
    if isinstance(start_snapshot, str):
        start_snapshot = (
            snapshot_list_visible(world=world, viewer=user).filter(slug=start_snapshot).first()
        )
        if start_snapshot is None:
            raise ValidationError({"start_snapshot": ["No snapshot of this world has that link."]})
    elif start_snapshot is not None and (
        start_snapshot.world_id != world.pk
        or not snapshot_list_visible(world=world, viewer=user).filter(pk=start_snapshot.pk).exists()
    ):
        raise ValidationError({"start_snapshot": ["That snapshot is not one of this world's."]})
    if start_snapshot is None:
        start_snapshot = _default_start(world, user)
    return _create(
        world=world,
        user=user,
        script=clean,
        title=title,
        start_snapshot=start_snapshot,
        resolution=resolution,
    )


def script_from_session(*, session: PlaySession, start_tick: int, end_tick: int) -> dict[str, Any]:
    """The exact script of ticks [start_tick, end_tick) of a live session: its applied
    commands with their logged actions, and its input log as runs of equal input."""
    from worlds.live import input_log

    events: list[dict[str, Any]] = []
    commands = session.commands.filter(tick__gte=start_tick, tick__lt=end_tick).order_by(
        "tick", "id"
    )
    for command in commands:
        result = command.result or {}
        if result.get("status") != "applied":
            continue  # rejected, not understood or blocked: the world did not change
        event: dict[str, Any] = {
            "t": (command.tick - start_tick) / FPS,
            "type": "command",
            "text": command.text,
        }
        if result.get("actions"):
            event["actions"] = result["actions"]
        events.append(event)

    entries = input_log.decode(session.input_log)
    idle = input_log.IDLE
    run_start, current = start_tick, None
    ticks = list(input_log.inputs_by_tick(entries, start_tick, end_tick))
    ticks.append(None)  # sentinel closes the last run
    for offset, player_input in enumerate(ticks):
        if offset > 0 and player_input == current:
            continue
        if current is not None and current != idle:
            events.append(
                {
                    "t": (run_start - start_tick) / FPS,
                    "type": "input",
                    "move": [current.move_x, current.move_y],
                    "look": [current.look_dx, current.look_dy],
                    "jump": current.jump,
                    "run": current.run,
                    "duration": (start_tick + offset - run_start) / FPS,
                }
            )
        current, run_start = player_input, start_tick + offset
    events.sort(key=lambda e: (e["t"], 0 if e["type"] == "command" else 1))
    return {"version": 1, "duration_s": (end_tick - start_tick) / FPS, "events": events}


@transaction.atomic
def clip_create_from_session(
    *,
    session: PlaySession,
    start_snapshot: Snapshot | dict[str, Any],
    end_tick: int,
    user: User,
    title: str = "",
) -> Clip:
    """Record a clip from a live session's exact logs, from `start_snapshot` (a Snapshot
    of the session's world, e.g. an autosave, or a state dict) up to `end_tick`."""
    from worlds.services import snapshot_create

    if not user.is_authenticated:
        raise PermissionDenied("Sign up or log in to record clips.")
    world = session.world
    is_player = session.player_id is not None and session.player_id == user.pk
    if not world_can_view(world=world, viewer=user) or not (is_player or world.owner_id == user.pk):
        raise Http404("No session found at this link.")
    if isinstance(start_snapshot, dict):
        start_snapshot = snapshot_create(
            world=world,
            state=start_snapshot,
            label="Clip start",
            author=user,
            kind=SnapshotKind.CLIP_START,
        )
    if start_snapshot.world_id != world.pk:
        raise ValidationError({"start_snapshot": ["That snapshot is not one of this world's."]})
    start_tick = int(start_snapshot.state.get("tick", start_snapshot.tick))
    if end_tick <= start_tick:
        raise ValidationError({"end_tick": ["The clip must end after its start snapshot."]})
    if end_tick - start_tick > tick_of(MAX_DURATION_S):
        raise ValidationError(
            {"end_tick": [f"A clip is at most {MAX_DURATION_S:g} s; record a shorter stretch."]}
        )
    script = validate_script(
        script_from_session(session=session, start_tick=start_tick, end_tick=end_tick)
    )
    return _create(
        world=world,
        user=user,
        script=script,
        title=title,
        start_snapshot=start_snapshot,
        resolution=None,
    )


def _require_editor(clip: Clip, user: User) -> None:
    if not clip_can_view(clip=clip, viewer=user):
        raise Http404("No clip found at this link.")
    if not clip_can_edit(clip=clip, viewer=user):
        raise PermissionDenied("Only the maker of this clip can change it.")


def _requeue(clip: Clip, fields: list[str]) -> None:
    clip.status = Clip.Status.QUEUED
    clip.progress = 0
    clip.eta_s = None
    clip.error = ""
    clip.render_token = ""
    clip.attempts = 0
    clip.heartbeat_at = None
    clip.save(
        update_fields=[
            *fields,
            "status",
            "progress",
            "eta_s",
            "error",
            "render_token",
            "attempts",
            "heartbeat_at",
            "updated_at",
        ]  # fmt: skip
    )
    _enqueue_render(clip)


@transaction.atomic
def clip_update(*, clip: Clip, user: User, script: Any = None, title: str | None = None) -> Clip:
    """Change the title and/or script. A new script renders again; the old video stays
    on the page until the new one is ready."""
    _require_editor(clip, user)
    clip = Clip.objects.select_for_update().get(pk=clip.pk)
    fields: list[str] = []
    if title is not None:
        clip.title = title.strip()[:120] or clip.title
        fields.append("title")
    if script is not None:
        clean = validate_script(script)
        _check_commands(clean)
        if clean != clip.script:
            clip.script, clip.duration_s = clean, clean["duration_s"]
            clip.keyframes = {}
            _requeue(clip, [*fields, "script", "duration_s", "keyframes"])
            return clip
    if fields:
        clip.save(update_fields=[*fields, "updated_at"])
    return clip


@transaction.atomic
def clip_retry(*, clip: Clip, user: User) -> Clip:
    """Render a failed clip again."""
    _require_editor(clip, user)
    clip = Clip.objects.select_for_update().get(pk=clip.pk)
    if clip.status != Clip.Status.FAILED:
        raise ValidationError({"status": ["Only a failed clip can be retried."]})
    _requeue(clip, [])
    return clip


@transaction.atomic
def clip_delete(*, clip: Clip, user: User) -> None:
    _require_editor(clip, user)
    names = [f.name for f in (clip.file, clip.thumbnail, clip.preview) if f]
    clip.delete()
    transaction.on_commit(lambda: delete_unreferenced(names))


# Remix at a moment ------------------------------------------------------------------------


def clip_start_state(model: Any, clip: Clip) -> Any:
    if clip.start_snapshot is not None:
        return model.restore(clip.start_snapshot.state)
    from worlds.engine import world_spec

    return model.create(world_spec(clip.world))


def clip_remix_at(*, clip: Clip, user: User, t: Any, title: str = "") -> World:
    """A new world for `user` from the world as it is `t` seconds into the clip: replay
    offline to that tick, save the state as a Snapshot, then remix from it."""
    from worlds.clips.replay import model_lock, state_at
    from worlds.engine import world_model
    from worlds.services import snapshot_create, world_remix

    if not user.is_authenticated:
        raise PermissionDenied("Sign up or log in to remix worlds.")
    if not clip_can_view(clip=clip, viewer=user):
        raise Http404("No clip found at this link.")
    try:
        seconds = float(t)
    except (TypeError, ValueError):
        raise ValidationError({"t": ["Give the moment as a number of seconds."]}) from None
    if not 0 <= seconds <= clip.duration_s:
        raise ValidationError(
            {"t": [f"Choose a moment between 0 and {clip.duration_s:g} seconds."]}
        )
    timeline = compile_script(clip.script)
    model = world_model(_setting("CLIP_REPLAY_RESOLUTION", "64x36"), purpose="clips-replay")
    with model_lock(model):
        start = clip_start_state(model, clip)
        state = state_at(model, start, timeline, tick_of(seconds), clip.keyframes or {})
        snapshot_state = model.snapshot(state)
    with transaction.atomic():
        snapshot = snapshot_create(
            world=clip.world,
            state=snapshot_state,
            label=f"{clip.title[:80]} at {seconds:.1f} s",
            author=user,
            parent=clip.start_snapshot,
            kind=SnapshotKind.REMIX_POINT,
        )
        return world_remix(world=clip.world, snapshot=snapshot, user=user, title=title)
