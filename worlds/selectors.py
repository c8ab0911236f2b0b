"""Reads of worlds and snapshots, with visibility rules applied in one place.

A private world is invisible to everyone but its owner: the selectors raise Http404,
never a permission error, so its existence does not leak. Unlisted worlds open by link
but are never listed. Deleted worlds remain only as lineage tombstones.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from worlds.models import ModerationStatus, Snapshot, SnapshotKind, Visibility, World

Viewer = AbstractBaseUser | AnonymousUser | None


def viewer_id(viewer: Viewer) -> int | None:
    return viewer.pk if viewer is not None and viewer.is_authenticated else None


def world_can_view(*, world: World, viewer: Viewer) -> bool:
    if world.is_deleted:
        return False
    if world.owner_id is not None and world.owner_id == viewer_id(viewer):
        return True
    if world.moderation_status == ModerationStatus.HIDDEN:
        return False
    return world.visibility in (Visibility.PUBLIC, Visibility.UNLISTED)


def world_get_visible(*, slug: str, viewer: Viewer) -> World:
    world = (
        World.objects.select_related("owner", "parent__owner", "published_snapshot")
        .filter(slug=slug)
        .first()
    )
    if world is None or not world_can_view(world=world, viewer=viewer):
        raise Http404("No world found at this link.")
    return world


def world_list_public(*, limit: int = 24, offset: int = 0) -> QuerySet[World]:
    return (
        World.objects.filter(
            visibility=Visibility.PUBLIC,
            deleted_at__isnull=True,
        )
        .exclude(moderation_status=ModerationStatus.HIDDEN)
        .select_related("owner")
        .order_by("-created_at", "-id")[offset : offset + limit]
    )


def world_list_for_profile(*, owner: AbstractBaseUser, viewer: Viewer) -> QuerySet[World]:
    worlds = World.objects.filter(owner=owner, deleted_at__isnull=True).select_related("owner")
    if owner.pk != viewer_id(viewer):
        worlds = worlds.filter(visibility=Visibility.PUBLIC).exclude(
            moderation_status=ModerationStatus.HIDDEN
        )
    return worlds.order_by("-created_at", "-id")


def snapshot_list_visible(*, world: World, viewer: Viewer) -> QuerySet[Snapshot]:
    """The owner sees every snapshot. Others see the published history (up to the
    published snapshot, or the start snapshot when nothing is published yet) and the
    snapshots they made themselves."""
    snapshots = (
        world.snapshots.filter(is_autosave=False)
        .select_related("author")
        .order_by("-created_at", "-id")
    )
    me = viewer_id(viewer)
    if world.owner_id is not None and world.owner_id == me:
        return snapshots
    own = Q(author_id=me) if me else Q(pk__in=[])
    published = world.published_snapshot
    if published is not None:
        history = Q(created_at__lte=published.created_at)
    else:
        first = (
            world.snapshots.filter(is_autosave=False)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)[:1]
        )
        history = Q(pk__in=list(first))
    return snapshots.filter(history | own)


def snapshot_list_for_world_page(*, world: World, viewer: Viewer) -> QuerySet[Snapshot]:
    """The visible snapshots a world's page lists. The moments recorded clips start from
    are left out, since each is shown with its clip, unless one is the published one."""
    clip_starts = Q(kind=SnapshotKind.CLIP_START) & ~Q(pk=world.published_snapshot_id)
    return snapshot_list_visible(world=world, viewer=viewer).exclude(clip_starts)


def snapshot_get_visible(*, world: World, slug: str, viewer: Viewer) -> Snapshot:
    snapshot = snapshot_list_visible(world=world, viewer=viewer).filter(slug=slug).first()
    if snapshot is None:
        raise Http404("No snapshot found at this link.")
    return snapshot


def snapshot_get_optional(*, world: World, slug: str | None, viewer: Viewer) -> Snapshot | None:
    """None when no snapshot was named; the visible snapshot when one was; 404 otherwise."""
    return snapshot_get_visible(world=world, slug=slug, viewer=viewer) if slug else None


@dataclass(frozen=True)
class LineageNode:
    """One ancestor as a given viewer may see it. Hidden ancestors say nothing about
    themselves: no title, no owner, no link."""

    title: str
    owner_name: str
    url: str
    removed: bool = False
    private: bool = False


def world_lineage(*, world: World, viewer: Viewer, limit: int = 50) -> list[LineageNode]:
    """Ancestors of `world`, nearest first."""
    nodes: list[LineageNode] = []
    seen: set[int] = {world.pk}
    current = world.parent
    while current is not None and current.pk not in seen and len(nodes) < limit:
        seen.add(current.pk)
        if current.is_deleted:
            nodes.append(LineageNode(title="", owner_name="", url="", removed=True))
        elif not world_can_view(world=current, viewer=viewer):
            nodes.append(LineageNode(title="", owner_name="", url="", private=True))
        else:
            nodes.append(
                LineageNode(
                    title=current.title,
                    owner_name=current.owner.public_name if current.owner else "someone",
                    url=current.get_absolute_url(),
                )
            )
        current = current.parent
    return nodes


def world_attribution(*, world: World, viewer: Viewer) -> str:
    """The line shown under a remix: "Remix of X by Y"."""
    if world.parent_id is None:
        return ""
    parent = world_lineage(world=world, viewer=viewer, limit=1)
    if not parent:
        return "Remix of an original that was removed"
    node = parent[0]
    if node.removed:
        return "Remix of an original that was removed"
    if node.private:
        return "Remix of a private world"
    return f"Remix of {node.title} by {node.owner_name}"
