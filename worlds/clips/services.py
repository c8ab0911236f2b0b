"""Business logic for directed clips: creating them (from a script or a recorded live
session), editing, retrying, remixing the world at a moment of a clip, and the render
lifecycle the task drives (claim, progress, store, finish, fail).

A render owns its clip through a token. Claiming is one status transition under
select_for_update, so a second delivery of the same task finds the clip ready, or
rendering with a fresh heartbeat, and does nothing. Files are uploaded under
content-addressed names before one final update; that update only happens when every
upload succeeded, so no row ever points at a missing file.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from moderation.services import moderation_check
from tidepool.tasks import enqueue
from worlds.clips.models import Clip
from worlds.clips.script import FPS, MAX_DURATION_S, compile_script, tick_of, validate_script
from worlds.clips.selectors import clip_can_edit, clip_can_view
from worlds.models import PlaySession, Snapshot, World
from worlds.selectors import snapshot_list_visible, world_can_view

log = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def clip_resolution() -> str:
    return _setting("CLIP_RESOLUTION", "720p")


class RenderSuperseded(Exception):
    """The clip was edited, retried or taken over while this render ran."""


class StorageUnavailable(Exception):
    """Uploading the rendered files failed after every retry."""


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
            world=world, state=start_snapshot, label="Clip start", author=user
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
    transaction.on_commit(lambda: _delete_unreferenced(names))


def _delete_unreferenced(names: list[str]) -> None:
    """Delete files no clip row points at (content-addressed names can be shared by two
    renders of the same script)."""
    from django.db.models import Q

    names = [n for n in names if n]
    if not names:
        return
    used = Clip.objects.filter(
        Q(file__in=names) | Q(thumbnail__in=names) | Q(preview__in=names)
    ).values_list("file", "thumbnail", "preview")
    referenced = {name for row in used for name in row}
    _delete_files([n for n in names if n not in referenced])


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # best effort: an orphan costs space, never correctness
            log.warning("Could not delete %s", name, exc_info=True)


# Remix at a moment ------------------------------------------------------------------------


def clip_start_state(model: Any, clip: Clip) -> Any:
    if clip.start_snapshot is not None:
        return model.restore(clip.start_snapshot.state)
    from worlds.engine import world_spec

    return model.create(world_spec(clip.world))


def clip_remix_at(*, clip: Clip, user: User, t: Any, title: str = "") -> World:
    """A new world for `user` from the world as it is `t` seconds into the clip: replay
    offline to that tick, save the state as a Snapshot, then remix from it."""
    from worlds.clips.render import model_lock, state_at
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
        )
        return world_remix(world=clip.world, snapshot=snapshot, user=user, title=title)


# The render lifecycle (driven by worlds.clips.tasks.clip_render) ----------------------------


def _stale_after() -> timedelta:
    return timedelta(seconds=_setting("CLIP_STALE_SECONDS", 120))


@transaction.atomic
def clip_render_claim(*, clip_id: int) -> tuple[Clip, str] | None:
    """Take the clip for rendering, or None when there is nothing to do: it is gone,
    ready, failed, or being rendered by a live worker."""
    clip = (
        Clip.objects.select_for_update()
        .select_related("world", "start_snapshot")
        .filter(pk=clip_id)
        .first()
    )
    if clip is None or clip.status in (Clip.Status.READY, Clip.Status.FAILED):
        return None
    now = timezone.now()
    if (
        clip.status == Clip.Status.RENDERING
        and clip.heartbeat_at is not None
        and now - clip.heartbeat_at < _stale_after()
    ):
        return None
    if clip.attempts >= _setting("CLIP_MAX_ATTEMPTS", 3):
        _fail(clip, f"Rendering stopped {clip.attempts} times without finishing.")
        return None
    token = secrets.token_hex(16)
    clip.status = Clip.Status.RENDERING
    clip.render_token = token
    clip.attempts += 1
    clip.heartbeat_at = now
    clip.started_at = now
    clip.progress = 0
    clip.eta_s = None
    clip.error = ""
    clip.save(
        update_fields=[
            "status",
            "render_token",
            "attempts",
            "heartbeat_at",
            "started_at",
            "progress",
            "eta_s",
            "error",
            "updated_at",
        ]  # fmt: skip
    )
    return clip, token


def clip_render_progress(*, clip_id: int, token: str, progress: float, eta_s: float | None) -> None:
    updated = Clip.objects.filter(
        pk=clip_id, render_token=token, status=Clip.Status.RENDERING
    ).update(
        progress=round(min(progress, 99.0), 1),
        eta_s=None if eta_s is None else round(max(eta_s, 0.0), 1),
        heartbeat_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not updated:
        raise RenderSuperseded(f"Clip {clip_id} changed while rendering.")


def _fail(clip: Clip, reason: str) -> None:
    clip.status = Clip.Status.FAILED
    clip.error = reason[:2000]
    clip.render_token = ""
    clip.eta_s = None
    clip.finished_at = timezone.now()
    clip.save(
        update_fields=["status", "error", "render_token", "eta_s", "finished_at", "updated_at"]
    )


@transaction.atomic
def clip_render_fail(*, clip_id: int, token: str, reason: str) -> bool:
    clip = Clip.objects.select_for_update().filter(pk=clip_id).first()
    if clip is None or clip.render_token != token:
        return False
    _fail(clip, reason)
    return True


def _transient_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError

        errors += [BotoCoreError, ClientError]
    except ImportError:
        pass
    return tuple(errors)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _store_one(path: Path, name: str) -> str:
    """Upload under `name` (content-addressed). A complete object of the same name and
    size is the same content, so a second delivery uploads nothing."""
    size = path.stat().st_size
    if default_storage.exists(name):
        if default_storage.size(name) == size:
            return name
        default_storage.delete(name)  # a torn local write; S3 objects are never partial
    with open(path, "rb") as file:
        saved = default_storage.save(name, File(file, name=Path(name).name))
    return saved


def clip_store_files(
    *, clip: Clip, files: dict[str, Path], on_attempt: Any = None
) -> dict[str, str]:
    """Upload each file ({"file": path, "thumbnail": ..., "preview": ...}) under a
    content-addressed name, retrying transient storage errors with exponential backoff.
    On final failure, deletes what this call uploaded and raises StorageUnavailable."""
    retries = int(_setting("CLIP_UPLOAD_RETRIES", 3))
    backoff = float(_setting("CLIP_UPLOAD_BACKOFF_SECONDS", 1.0))
    transient = _transient_errors()
    names = {}
    for field, path in files.items():
        digest = _sha256(path)[:20]
        suffix = {"file": ".mp4", "thumbnail": ".jpg", "preview": "-preview.mp4"}[field]
        names[field] = f"clips/{clip.slug}/{digest}{suffix}"
    stored: dict[str, str] = {}
    try:
        _upload_all(files, names, stored, retries, backoff, transient, on_attempt)
    except StorageUnavailable:
        raise
    except BaseException:
        _delete_unreferenced(list(stored.values()))
        raise
    return stored


def _upload_all(
    files: dict[str, Path],
    names: dict[str, str],
    stored: dict[str, str],
    retries: int,
    backoff: float,
    transient: tuple[type[BaseException], ...],
    on_attempt: Any,
) -> None:
    for field, path in files.items():
        for attempt in range(retries + 1):
            try:
                if on_attempt is not None:
                    on_attempt(field, attempt)
                stored[field] = _store_one(path, names[field])
                break
            except transient as error:
                if attempt == retries:
                    _delete_unreferenced(list(stored.values()))
                    raise StorageUnavailable(
                        f"Storage is unavailable: the rendered clip could not be uploaded "
                        f"after {retries + 1} tries ({type(error).__name__}: {error})."
                    ) from error
                delay = backoff * (2**attempt)
                log.warning("Upload of %s failed (%s); retrying in %.1f s", field, error, delay)
                time.sleep(delay)


@transaction.atomic
def clip_render_finish(
    *,
    clip_id: int,
    token: str,
    stored: dict[str, str],
    render_seconds: float,
    size_bytes: int,
    keyframes: dict[str, Any],
) -> bool:
    """The one update that publishes a render. False when the clip was superseded (the
    caller's uploads are then removed unless the clip uses them)."""
    clip = Clip.objects.select_for_update().filter(pk=clip_id).first()
    if clip is None or clip.render_token != token or clip.status != Clip.Status.RENDERING:
        names = list(stored.values())
        transaction.on_commit(lambda: _delete_unreferenced(names))
        return False
    old = {f.name for f in (clip.file, clip.thumbnail, clip.preview) if f}
    clip.file.name = stored["file"]
    clip.thumbnail.name = stored["thumbnail"]
    clip.preview.name = stored["preview"]
    clip.status = Clip.Status.READY
    clip.progress = 100
    clip.eta_s = 0
    clip.error = ""
    clip.render_token = ""
    clip.finished_at = timezone.now()
    clip.render_seconds = round(render_seconds, 2)
    clip.size_bytes = size_bytes
    clip.keyframes = keyframes
    clip.save()
    stale = list(old - set(stored.values()))
    if stale:
        transaction.on_commit(lambda: _delete_unreferenced(stale))
    return True
