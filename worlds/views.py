from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from moderation.rate_limits import RateLimited
from tidepool.net import client_ip
from worlds import counters, gallery, selectors, services, sharing
from worlds.clips.selectors import clip_list_for_world, clip_list_public
from worlds.clips.views import clip_oembed_data
from worlds.engine import warm_in_background
from worlds.forms import PublishForm, WorldForm
from worlds.live.services import world_latest_autosave
from worlds.models import Snapshot, SnapshotKind

CLIPS_SHOWN = 6  # on a world's page; the rest are a link away


def _add_errors(form: WorldForm | PublishForm, error: ValidationError) -> None:
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, field_messages in errors.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


def home(request: HttpRequest) -> HttpResponse:
    worlds = selectors.world_list_public(limit=24)
    clips = clip_list_public(limit=8)
    return render(request, "worlds/home.html", {"worlds": worlds, "clips": clips})


@login_required
def world_create(request: HttpRequest) -> HttpResponse:
    form = WorldForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            world = services.world_create(
                owner=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        except RateLimited as error:
            form.add_error(None, str(error))
            return render(request, "worlds/create.html", {"form": form}, status=429)
        else:
            messages.success(request, "Your world is being prepared.")
            return redirect(world)
    status = 400 if request.method == "POST" else 200
    return render(request, "worlds/create.html", {"form": form}, status=status)


def world_detail(request: HttpRequest, slug: str) -> HttpResponse:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    if settings.INFERENCE_WORKERS == "embedded":
        warm_in_background()
    is_owner = request.user.is_authenticated and world.owner_id == request.user.pk
    clips = list(clip_list_for_world(world=world, viewer=request.user, limit=CLIPS_SHOWN + 1))
    context = {
        "world": world,
        "is_owner": is_owner,
        "snapshots": selectors.snapshot_list_for_world_page(world=world, viewer=request.user)[:24],
        "lineage": selectors.world_lineage(world=world, viewer=request.user),
        "attribution": selectors.world_attribution(world=world, viewer=request.user),
        "publish_form": PublishForm(
            initial={
                "visibility": world.visibility,
                "snapshot": world.published_snapshot.slug if world.published_snapshot else "",
            },
            snapshots=selectors.snapshot_list_for_world_page(world=world, viewer=request.user)[:50],
        )
        if is_owner
        else None,
        "clips": clips[:CLIPS_SHOWN],
        "more_clips": len(clips) > CLIPS_SHOWN,
        "liked": request.user.is_authenticated and world.likes.filter(user=request.user).exists(),
        "can_resume": world_latest_autosave(
            world=world,
            user=request.user if request.user.is_authenticated else None,
            anonymous_key=request.session.get("anonymous_player_key", ""),
        )
        is not None,
    }
    return render(request, "worlds/detail.html", context)


@require_POST
def world_remix(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        messages.info(request, "Sign up or log in to remix this world.")
        return redirect(f"/accounts/login/?next=/w/{slug}/")
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    snapshot_slug = request.POST.get("snapshot", "")
    snapshot = selectors.snapshot_get_optional(world=world, slug=snapshot_slug, viewer=request.user)
    remix = services.world_remix(world=world, snapshot=snapshot, user=request.user)
    messages.success(request, f"You remixed {world.title}. This copy is yours.")
    return redirect(remix)


@login_required
@require_POST
def world_publish(request: HttpRequest, slug: str) -> HttpResponse:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    form = PublishForm(
        request.POST, snapshots=selectors.snapshot_list_visible(world=world, viewer=request.user)
    )
    if form.is_valid():
        snapshot_slug = form.cleaned_data["snapshot"]
        snapshot = selectors.snapshot_get_optional(
            world=world, slug=snapshot_slug, viewer=request.user
        )
        try:
            services.world_publish(
                world=world,
                user=request.user,
                visibility=form.cleaned_data["visibility"],
                snapshot=snapshot,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"The world is now {world.get_visibility_display().lower()}.")
    else:
        messages.error(request, "Choose private, unlisted or public.")
    return redirect(world)


@login_required
@require_POST
def world_delete(request: HttpRequest, slug: str) -> HttpResponse:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    services.world_delete(world=world, user=request.user)
    messages.success(request, "The world was deleted. Remixes of it keep working.")
    return redirect("profile", username=request.user.get_username())


def explore(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "newest")
    sort = sort if sort in gallery.SORTS else "newest"
    query = request.GET.get("q", "").strip()
    tag = request.GET.get("tag", "").strip()
    page = gallery.world_explore(sort=sort, query=query, tag=tag, page=request.GET.get("page", 1))
    context = {
        "page": page,
        "worlds": page.object_list,
        "sort": sort,
        "sorts": gallery.SORTS,
        "query": query,
        "tag": tag,
        "tags": gallery.popular_tags(),
        # What the newer/older links keep besides the page number.
        "page_query": urlencode(
            {k: v for k, v in (("sort", sort), ("q", query), ("tag", tag)) if v}
        )
        + "&",
    }
    return render(request, "worlds/explore.html", context)


def world_lineage_page(request: HttpRequest, slug: str) -> HttpResponse:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    ancestors, tree = sharing.world_tree(world=world, viewer=request.user)
    return render(
        request, "worlds/lineage.html", {"world": world, "ancestors": ancestors, "tree": tree}
    )


@require_POST
def world_like(request: HttpRequest, slug: str) -> HttpResponse:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    if not request.user.is_authenticated:
        messages.info(request, "Sign up or log in to like worlds.")
        return redirect(f"/accounts/login/?next={world.get_absolute_url()}")
    if request.POST.get("action") == "unlike":
        counters.world_unlike(world=world, user=request.user)
    else:
        counters.world_like(world=world, user=request.user)
    return redirect(world)


def oembed(request: HttpRequest) -> HttpResponse:
    url = request.GET.get("url", "")
    if request.GET.get("format", "json") != "json":
        return JsonResponse({"error": "Only format=json is supported."}, status=501)
    maxwidth = request.GET.get("maxwidth", "")
    maxheight = request.GET.get("maxheight", "")
    width = int(maxwidth) if maxwidth.isdigit() and int(maxwidth) > 0 else None
    height = int(maxheight) if maxheight.isdigit() and int(maxheight) > 0 else None
    answer = sharing.oembed_world(
        url=url,
        viewer=request.user,
        site_url=request.build_absolute_uri("/").rstrip("/"),
        maxwidth=width,
    ) or clip_oembed_data(request, url, width, height)
    if answer is None:
        return JsonResponse({"error": "No embeddable Tidepool link found."}, status=404)
    return JsonResponse(answer)


def snapshot_link(request: HttpRequest, slug: str) -> HttpResponse:
    """Short link to a snapshot: the world page, scrolled to it."""
    snapshot = Snapshot.objects.select_related("world").filter(slug=slug).first()
    if snapshot is None:
        raise Http404("No snapshot found at this link.")
    world = selectors.world_get_visible(slug=snapshot.world.slug, viewer=request.user)
    selectors.snapshot_get_visible(world=world, slug=slug, viewer=request.user)
    if snapshot.kind == SnapshotKind.CLIP_START:  # not listed on the world page: its clip
        clips = clip_list_for_world(world=world, viewer=request.user, limit=None)
        if clip := clips.filter(start_snapshot=snapshot).first():
            return redirect(clip)
    return redirect(f"{world.get_absolute_url()}#snapshot-{snapshot.slug}")
