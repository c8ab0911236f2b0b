"""Clip pages: the player page, the embeddable player, the status JSON the page polls,
the timeline editor, download, retry, remix-at-a-moment, and oEmbed."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlparse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from worlds.clips import selectors, services
from worlds.clips.models import Clip
from worlds.clips.script import CAMERA_PRESETS, MAX_DURATION_S, describe_input
from worlds.models import SnapshotKind
from worlds.selectors import snapshot_list_for_world_page, snapshot_list_visible, world_get_visible

EMBED_SIZE = (640, 360)


def _abs(request: HttpRequest, url: str) -> str:
    return request.build_absolute_uri(url) if url else ""


def clip_status_dict(clip: Clip, request: HttpRequest) -> dict[str, Any]:
    ready = clip.status == Clip.Status.READY
    return {
        "slug": clip.slug,
        "status": clip.status,
        "progress": round(clip.progress, 1),
        "eta_s": clip.eta_s,
        "error": clip.error,
        "duration_s": clip.duration_s,
        "url": _abs(request, clip.get_absolute_url()),
        "video_url": _abs(request, clip.file.url) if ready and clip.file else None,
        "thumbnail_url": _abs(request, clip.thumbnail.url) if ready and clip.thumbnail else None,
        "preview_url": _abs(request, clip.preview.url) if ready and clip.preview else None,
    }


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"__all__": ["The request body must be JSON."]}) from None
    if not isinstance(data, dict):
        raise ValidationError({"__all__": ["The request body must be a JSON object."]})
    return data


def _errors(error: ValidationError) -> JsonResponse:
    fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    message = " ".join(m for msgs in fields.values() for m in msgs)
    return JsonResponse({"error": message, "fields": fields}, status=400)


def _editor_context(request: HttpRequest, world: Any, clip: Clip | None) -> dict[str, Any]:
    """A new clip starts from a saved moment or where a recorded clip starts; an edited
    clip keeps its own start, so that is all the (disabled) choice shows."""
    if clip is not None:
        saved, clip_starts = [], [clip.start_snapshot] if clip.start_snapshot else []
    else:
        saved = snapshot_list_for_world_page(world=world, viewer=request.user)[:40]
        clip_starts = (
            snapshot_list_visible(world=world, viewer=request.user)
            .filter(kind=SnapshotKind.CLIP_START)
            .prefetch_related("clips")[:20]
        )
    script = clip.script if clip else {"version": 1, "duration_s": 10, "events": []}
    return {
        "world": world,
        "clip": clip,
        "saved_snapshots": saved,
        "clip_starts": clip_starts,
        "editor_config": {
            "script": script,
            "title": clip.title if clip else "",
            "startSnapshot": clip.start_snapshot.slug if clip and clip.start_snapshot else "",
            "saveUrl": reverse("clip-edit", args=[clip.slug])
            if clip
            else reverse("clip-new", args=[world.slug]),
            "maxDuration": MAX_DURATION_S,
            "cameraPresets": CAMERA_PRESETS,
        },
    }


CLIPS_PER_PAGE = 24


@require_GET
def clip_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every clip of a world the viewer can see, newest first."""
    world = world_get_visible(slug=slug, viewer=request.user)
    clips = selectors.clip_list_for_world(world=world, viewer=request.user, limit=None)
    page = Paginator(clips.select_related("world"), CLIPS_PER_PAGE).get_page(
        request.GET.get("page", 1)
    )
    return render(request, "clips/list.html", {"world": world, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def clip_new(request: HttpRequest, slug: str) -> HttpResponse:
    world = world_get_visible(slug=slug, viewer=request.user)
    if request.method == "POST":
        try:
            data = _json_body(request)
            clip = services.clip_create(
                world=world,
                user=request.user,
                script=data.get("script"),
                title=str(data.get("title") or ""),
                start_snapshot=data.get("start_snapshot") or None,
            )
        except ValidationError as error:
            return _errors(error)
        return JsonResponse({"slug": clip.slug, "url": clip.get_absolute_url()}, status=201)
    return render(request, "clips/editor.html", _editor_context(request, world, None))


@login_required
@require_http_methods(["GET", "POST"])
def clip_edit(request: HttpRequest, slug: str) -> HttpResponse:
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    if not selectors.clip_can_edit(clip=clip, viewer=request.user):
        raise PermissionDenied("Only the maker of this clip can edit it.")
    if request.method == "POST":
        try:
            data = _json_body(request)
            clip = services.clip_update(
                clip=clip,
                user=request.user,
                script=data.get("script"),
                title=data.get("title"),
            )
        except ValidationError as error:
            return _errors(error)
        return JsonResponse({"slug": clip.slug, "url": clip.get_absolute_url()})
    return render(request, "clips/editor.html", _editor_context(request, clip.world, clip))


def _share_context(request: HttpRequest, clip: Clip) -> dict[str, Any]:
    page_url = _abs(request, clip.get_absolute_url())
    embed_url = _abs(request, reverse("clip-embed", args=[clip.slug]))
    oembed_url = (
        _abs(request, reverse("oembed")) + "?" + urlencode({"url": page_url, "format": "json"})
    )
    width, height = EMBED_SIZE
    return {
        "page_url": page_url,
        "embed_url": embed_url,
        "oembed_url": oembed_url,
        "embed_code": (
            f'<iframe src="{embed_url}" width="{width}" height="{height}" frameborder="0" '
            f'allow="autoplay; fullscreen; picture-in-picture" allowfullscreen '
            f'title="{escape(clip.title)} on Tidepool"></iframe>'
        ),
        "status": clip_status_dict(clip, request),
    }


@require_GET
def clip_detail(request: HttpRequest, slug: str) -> HttpResponse:
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    events = [
        {**event, "summary": describe_input(event)} if event["type"] == "input" else event
        for event in clip.script.get("events", [])
    ]
    context = {
        "clip": clip,
        "world": clip.world,
        "events": events,
        "can_edit": selectors.clip_can_edit(clip=clip, viewer=request.user),
        "clip_width": clip_width(clip),
        "clip_height": clip_height(clip),
        **_share_context(request, clip),
    }
    return render(request, "clips/detail.html", context)


@xframe_options_exempt
@require_GET
def clip_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The player alone, for iframes on other sites: the one view that may be framed."""
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    return render(request, "clips/embed.html", {"clip": clip, **_share_context(request, clip)})


@require_GET
def clip_status(request: HttpRequest, slug: str) -> JsonResponse:
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    response = JsonResponse(clip_status_dict(clip, request))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def clip_download(request: HttpRequest, slug: str) -> HttpResponse:
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    if clip.status != Clip.Status.READY or not clip.file:
        raise Http404("This clip has no video yet.")
    filename = f"tidepool-{clip.slug}.mp4"
    try:  # S3: a presigned URL that asks the browser to save the file
        url = clip.file.storage.url(
            clip.file.name,
            parameters={"ResponseContentDisposition": f'attachment; filename="{filename}"'},
        )
    except TypeError:  # storages without parameters (the local media folder)
        url = clip.file.url
    return HttpResponseRedirect(url)


@login_required
@require_POST
def clip_retry(request: HttpRequest, slug: str) -> HttpResponse:
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    try:
        services.clip_retry(clip=clip, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Rendering the clip again.")
    return redirect(clip)


@require_POST
def clip_remix(request: HttpRequest, slug: str) -> HttpResponse:
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={clip.get_absolute_url()}")
    try:
        world = services.clip_remix_at(
            clip=clip, user=request.user, t=request.POST.get("t", "0"),
            title=request.POST.get("title", ""),
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(clip)
    messages.success(request, "Remixed: this world starts where the clip was.")
    return redirect(world)


@login_required
@require_POST
def clip_delete(request: HttpRequest, slug: str) -> HttpResponse:
    clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    world = clip.world
    services.clip_delete(clip=clip, user=request.user)
    messages.success(request, "The clip was deleted.")
    return redirect(world)


def _clip_slug_from_url(url: str) -> str | None:
    path = urlparse(url).path or "/"
    try:
        match = resolve(path if path.endswith("/") else path + "/")
    except Resolver404:
        return None
    if match.url_name in ("clip-detail", "clip-embed"):
        return match.kwargs["slug"]
    return None


def _positive(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def clip_oembed_data(
    request: HttpRequest, url: str, maxwidth: int | None = None, maxheight: int | None = None
) -> dict[str, Any] | None:
    """The oEmbed 1.0 answer ("video", with an iframe player) for a clip link, or None
    when `url` is not a clip the requesting viewer may see. The site-wide /oembed view
    can hand clip links here."""
    slug = _clip_slug_from_url(url)
    if slug is None:
        return None
    try:
        clip = selectors.clip_get_visible(slug=slug, viewer=request.user)
    except Http404:
        return None
    width, height = EMBED_SIZE
    if maxwidth and maxwidth < width:
        width, height = maxwidth, round(maxwidth * 9 / 16)
    if maxheight and maxheight < height:
        width, height = round(maxheight * 16 / 9), maxheight
    embed_url = _share_context(request, clip)["embed_url"]
    data: dict[str, Any] = {
        "version": "1.0",
        "type": "video",
        "provider_name": "Tidepool",
        "provider_url": _abs(request, "/"),
        "title": clip.title,
        "author_name": clip.owner.public_name if clip.owner else "someone",
        "author_url": _abs(request, reverse("profile", args=[clip.owner.username]))
        if clip.owner
        else _abs(request, "/"),
        "width": width,
        "height": height,
        "html": (
            f'<iframe src="{embed_url}" width="{width}" height="{height}" frameborder="0" '
            f'allow="autoplay; fullscreen; picture-in-picture" allowfullscreen '
            f'title="{escape(clip.title)} on Tidepool"></iframe>'
        ),
        "cache_age": 3600,
    }
    if clip.status == Clip.Status.READY and clip.thumbnail:
        data.update(
            thumbnail_url=_abs(request, clip.thumbnail.url),
            thumbnail_width=clip_width(clip),
            thumbnail_height=clip_height(clip),
        )
    return data


PRESET_SIZES = {"480p": (854, 480), "720p": (1280, 720)}


def clip_size(clip: Clip) -> tuple[int, int]:
    """The video's pixel size, without importing the engine (and torch) in the web process."""
    if clip.resolution in PRESET_SIZES:
        return PRESET_SIZES[clip.resolution]
    try:
        width, height = clip.resolution.lower().split("x", 1)
        return int(width), int(height)
    except ValueError:
        return PRESET_SIZES["720p"]


def clip_width(clip: Clip) -> int:
    return clip_size(clip)[0]


def clip_height(clip: Clip) -> int:
    return clip_size(clip)[1]
