"""JSON API for clips (a ninja Router, to be mounted at /api/clips)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from worlds.clips import selectors, services
from worlds.clips.models import Clip
from worlds.clips.views import clip_status_dict

router = Router(tags=["clips"])


class ClipIn(Schema):
    world: str
    script: dict[str, Any]
    title: str = ""
    start_snapshot: str | None = None


class ClipPatch(Schema):
    title: str | None = None
    script: dict[str, Any] | None = None


class RemixIn(Schema):
    t: float
    title: str = ""


class ClipOut(Schema):
    slug: str
    url: str
    title: str
    world: str
    owner: str | None
    status: str
    progress: float
    eta_s: float | None
    error: str
    duration_s: float
    resolution: str
    script: dict[str, Any]
    video_url: str | None
    thumbnail_url: str | None
    preview_url: str | None
    embed_url: str
    created_at: datetime


class RemixOut(Schema):
    world: str
    url: str


class ErrorOut(Schema):
    error: str


def _forbidden_is_403(call: Any) -> Any:
    try:
        return call()
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Only the maker of this clip can do that.") from None


def _clip_out(clip: Clip, request: HttpRequest) -> dict[str, Any]:
    status = clip_status_dict(clip, request)
    return {
        **status,
        "title": clip.title,
        "world": clip.world.slug,
        "owner": clip.owner.username if clip.owner else None,
        "resolution": clip.resolution,
        "script": clip.script,
        "embed_url": request.build_absolute_uri(f"/c/{clip.slug}/embed/"),
        "created_at": clip.created_at,
    }


@router.post("", response={201: ClipOut, 400: ErrorOut}, auth=django_auth)
def create_clip(request: HttpRequest, payload: ClipIn) -> Status:
    """Render a clip of a world from a direction script (see worlds/clips/script.py)."""
    clip = services.clip_create(
        world=payload.world,
        user=request.user,
        script=payload.script,
        title=payload.title,
        start_snapshot=payload.start_snapshot,
    )
    return Status(201, _clip_out(clip, request))


@router.get("/{slug}", response=ClipOut)
def read_clip(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _clip_out(selectors.clip_get_visible(slug=slug, viewer=request.user), request)


@router.patch("/{slug}", response={200: ClipOut, 400: ErrorOut}, auth=django_auth)
def update_clip(request: HttpRequest, slug: str, payload: ClipPatch) -> dict[str, Any]:
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    clip = _forbidden_is_403(
        lambda: services.clip_update(
            clip=clip, user=request.user, script=payload.script, title=payload.title
        )
    )
    return _clip_out(clip, request)


@router.post("/{slug}/retry", response={200: ClipOut, 400: ErrorOut}, auth=django_auth)
def retry_clip(request: HttpRequest, slug: str) -> dict[str, Any]:
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    clip = _forbidden_is_403(lambda: services.clip_retry(clip=clip, user=request.user))
    return _clip_out(clip, request)


@router.post("/{slug}/remix", response={201: RemixOut, 400: ErrorOut}, auth=django_auth)
def remix_at(request: HttpRequest, slug: str, payload: RemixIn) -> Status:
    """Remix the clip's world as it is `t` seconds into the clip."""
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    world = services.clip_remix_at(clip=clip, user=request.user, t=payload.t, title=payload.title)
    return Status(
        201, {"world": world.slug, "url": request.build_absolute_uri(world.get_absolute_url())}
    )


@router.delete("/{slug}", response={204: None}, auth=django_auth)
def delete_clip(request: HttpRequest, slug: str) -> Status:
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    _forbidden_is_403(lambda: services.clip_delete(clip=clip, user=request.user))
    return Status(204, None)
