"""The render lifecycle that worlds.clips.tasks.clip_render drives: claim, progress,
fail, finish.

A render owns its clip through a token. Claiming is one status transition under
select_for_update, so a second delivery of the same task finds the clip ready, or
rendering with a fresh heartbeat, and does nothing. The files are uploaded first
(storage.py); the one final update here only happens when every upload succeeded, so no
row ever points at a missing file.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from moderation.notifications import notify
from worlds.clips.models import Clip
from worlds.clips.storage import delete_unreferenced


class RenderSuperseded(Exception):
    """The clip was edited, retried or taken over while this render ran."""


def _stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "CLIP_STALE_SECONDS", 120))


@transaction.atomic
def clip_render_claim(*, clip_id: int) -> tuple[Clip, str] | None:
    """Take the clip for rendering, or None when there is nothing to do: it is gone,
    ready, failed, or being rendered by a live worker."""
    clip = (
        # Lock the clip row only: PostgreSQL refuses FOR UPDATE on the nullable side of
        # the outer join to start_snapshot.
        Clip.objects.select_for_update(of=("self",))
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
    if clip.attempts >= getattr(settings, "CLIP_MAX_ATTEMPTS", 3):
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
    notify(
        user=clip.owner,
        text=f"Your clip “{clip.title}” could not be rendered: {clip.error.rstrip('.')}.",
        link=clip.get_absolute_url(),
    )


@transaction.atomic
def clip_render_fail(*, clip_id: int, token: str, reason: str) -> bool:
    clip = Clip.objects.select_for_update().filter(pk=clip_id).first()
    if clip is None or clip.render_token != token:
        return False
    _fail(clip, reason)
    return True


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
        transaction.on_commit(lambda: delete_unreferenced(names))
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
    link = clip.get_absolute_url()
    notify(user=clip.owner, text=f"Your clip “{clip.title}” is ready.", link=link)
    stale = list(old - set(stored.values()))
    if stale:
        transaction.on_commit(lambda: delete_unreferenced(stale))
    return True
