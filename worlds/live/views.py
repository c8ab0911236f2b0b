"""Pages for live play: start a session, the player, and the spectator view."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tidepool.net import client_ip
from worlds import selectors
from worlds.live import services
from worlds.models import PlaySession
from worlds.quota import QuotaExceeded, session_max_seconds, session_quota_check


@require_POST
def session_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Start playing a world: fresh from its snapshot, or resumed from your last autosave."""
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    snapshot_slug = request.POST.get("snapshot", "")
    snapshot = selectors.snapshot_get_optional(world=world, slug=snapshot_slug, viewer=request.user)
    ip = client_ip(request)
    try:
        session_quota_check(ip=ip, user=request.user)
    except QuotaExceeded as error:
        return render(
            request, "worlds/quota.html", {"world": world, "message": str(error)}, status=429
        )
    session = services.session_start(
        world=world,
        player=request.user,
        anonymous_key=services.anonymous_key_for(request.session),
        snapshot=snapshot,
        resume=request.POST.get("resume") == "1",
        ip=ip,
    )
    if request.POST.get("embed"):
        token = services.player_token(session_id=session.pk)
        return redirect(f"{reverse('embed-play', args=[session.pk])}?token={token}")
    return redirect("play", session_id=session.pk)


def _session_or_404(session_id: str, request: HttpRequest) -> PlaySession:
    session = PlaySession.objects.select_related("world", "world__owner").filter(pk=session_id)
    found = session.first()
    if found is None or not selectors.world_can_view(world=found.world, viewer=request.user):
        raise Http404("No session found at this link.")
    return found


def _player_page(
    request: HttpRequest, session: PlaySession, role: str, embed: bool = False
) -> HttpResponse:
    watch_path = reverse("watch", args=[session.pk])
    play_path = reverse("play", args=[session.pk])
    if role == "spectator":
        ws_path = f"/ws/play/{session.pk}/?watch=1"
    else:
        ws_path = f"/ws/play/{session.pk}/?token={services.player_token(session_id=session.pk)}"
    config = {
        "ws_url": ws_path,
        "session_id": str(session.pk),
        "role": role,
        "world_slug": session.world.slug,
        "world_title": session.world.title,
        "world_url": session.world.get_absolute_url(),
        "share_url": request.build_absolute_uri(session.world.get_absolute_url()),
        "spectate_url": request.build_absolute_uri(watch_path),
        "play_url": request.build_absolute_uri(play_path),
        "fps": settings.INFERENCE_FPS,
        "can_save": request.user.is_authenticated,
        "embed": embed,
        "max_seconds": session_max_seconds(signed_in=request.user.is_authenticated),
    }
    context = {
        "world": session.world,
        "session_id": str(session.pk),
        "role": role,
        "config": config,
        "embed": embed,
    }
    return render(request, "worlds/play.html", context)


def _role(request: HttpRequest, session: PlaySession) -> str:
    if services.player_token_valid(request.GET.get("token", ""), session.pk):
        return "player"
    is_player = (
        session.player_id == request.user.pk
        if session.player_id is not None
        else session.anonymous_key == request.session.get("anonymous_player_key", "-")
    )
    return "player" if is_player else "spectator"


def play(request: HttpRequest, session_id: str) -> HttpResponse:
    session = _session_or_404(session_id, request)
    return _player_page(request, session, _role(request, session))


def watch(request: HttpRequest, session_id: str) -> HttpResponse:
    return _player_page(request, _session_or_404(session_id, request), "spectator")


@xframe_options_exempt
def embed_world(request: HttpRequest, slug: str) -> HttpResponse:
    """The iframe embed of a world: a poster with a Play button that starts a session."""
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    return render(request, "worlds/embed.html", {"world": world})


@csrf_exempt
@require_POST
def embed_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Play from an embed. Exempt from CSRF because a third-party iframe cannot carry our
    CSRF cookie, and all it does is start a session for the visitor, within their quota."""
    return session_create(request, slug)


@xframe_options_exempt
def embed_play(request: HttpRequest, session_id: str) -> HttpResponse:
    session = _session_or_404(session_id, request)
    return _player_page(request, session, _role(request, session), embed=True)


@xframe_options_exempt
def embed_watch(request: HttpRequest, session_id: str) -> HttpResponse:
    return _player_page(request, _session_or_404(session_id, request), "spectator", embed=True)
