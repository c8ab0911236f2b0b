"""Reads of clips. A clip is as visible as its world: a clip of a private world is a 404
to everyone but the world's owner (never a 403), embeds and oEmbed included."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from moderation.hidden_items import clip_is_hidden, hidden_clip_slugs
from worlds.clips.models import Clip
from worlds.models import ModerationStatus, Visibility, World
from worlds.selectors import Viewer, viewer_id, world_can_view


def clip_can_view(*, clip: Clip, viewer: Viewer) -> bool:
    if not world_can_view(world=clip.world, viewer=viewer):
        return False
    is_owner = clip.owner_id is not None and clip.owner_id == viewer_id(viewer)
    return is_owner or not clip_is_hidden(clip=clip)


def clip_can_edit(*, clip: Clip, viewer: Viewer) -> bool:
    me = viewer_id(viewer)
    return me is not None and clip.owner_id == me and clip_can_view(clip=clip, viewer=viewer)


def clip_get_visible(*, slug: str, viewer: Viewer) -> Clip:
    clip = (
        Clip.objects.select_related("world", "world__owner", "owner", "start_snapshot")
        .filter(slug=slug)
        .first()
    )
    if clip is None or not clip_can_view(clip=clip, viewer=viewer):
        raise Http404("No clip found at this link.")
    return clip


def clip_list_for_world(*, world: World, viewer: Viewer, limit: int | None = 24) -> QuerySet[Clip]:
    """Finished clips of a world the viewer can see; the viewer's own clips in any state.
    Newest first; all of them when `limit` is None."""
    if not world_can_view(world=world, viewer=viewer):
        return Clip.objects.none()
    clips = Clip.objects.filter(world=world).select_related("owner")
    me = viewer_id(viewer)
    if me is None:
        clips = clips.filter(status=Clip.Status.READY)
    else:
        clips = clips.filter(Q(status=Clip.Status.READY) | Q(owner_id=me))
    clips = clips.exclude(Q(slug__in=hidden_clip_slugs()) & ~Q(owner_id=me))
    clips = clips.order_by("-created_at", "-id")
    return clips if limit is None else clips[:limit]


def clip_list_for_profile(*, owner: object, viewer: Viewer, limit: int = 24) -> list[Clip]:
    """A creator's finished clips that the viewer may see."""
    clips = (
        Clip.objects.filter(owner=owner, status=Clip.Status.READY)
        .select_related("world", "owner")
        .order_by("-created_at", "-id")[: limit * 2]
    )
    return [clip for clip in clips if clip_can_view(clip=clip, viewer=viewer)][:limit]


def clip_list_public(*, limit: int = 8) -> QuerySet[Clip]:
    """The newest finished clips of public worlds, for the home page."""
    return (
        Clip.objects.filter(
            status=Clip.Status.READY,
            world__visibility=Visibility.PUBLIC,
            world__deleted_at__isnull=True,
        )
        .exclude(world__moderation_status=ModerationStatus.HIDDEN)
        .exclude(slug__in=hidden_clip_slugs())
        .select_related("world", "owner")
        .order_by("-created_at", "-id")[:limit]
    )
