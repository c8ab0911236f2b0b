"""Sharing: the lineage tree, likes, oEmbed and link previews."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import Resolver404, resolve

from worlds.models import World
from worlds.selectors import world_can_view, world_lineage

Viewer = AbstractBaseUser | AnonymousUser


@dataclass
class TreeNode:
    """A world in a lineage tree as the viewer may see it: hidden ones say nothing."""

    title: str = ""
    owner_name: str = ""
    url: str = ""
    removed: bool = False
    private: bool = False
    current: bool = False
    children: list[TreeNode] = field(default_factory=list)


def _node(world: World, viewer: Viewer, current: World) -> TreeNode:
    if world.is_deleted:
        return TreeNode(removed=True)
    if not world_can_view(world=world, viewer=viewer):
        return TreeNode(private=True)
    return TreeNode(
        title=world.title,
        owner_name=world.owner.public_name if world.owner else "someone",
        url=world.get_absolute_url(),
        current=world.pk == current.pk,
    )


def world_descendants(
    *, world: World, viewer: Viewer, current: World, depth: int = 6, limit: int = 200
) -> TreeNode:
    """`world` and its remixes, breadth-limited so a viral world cannot blow up a page."""
    root = _node(world, viewer, current)
    frontier = [(world, root, 0)]
    seen = 1
    while frontier and seen < limit:
        parent, parent_node, level = frontier.pop(0)
        if level >= depth:
            continue
        children = parent.remixes.select_related("owner").order_by("created_at", "id")
        for child in children[: limit - seen]:
            child_node = _node(child, viewer, current)
            parent_node.children.append(child_node)
            frontier.append((child, child_node, level + 1))
            seen += 1
    return root


def world_tree(*, world: World, viewer: Viewer) -> tuple[list, TreeNode]:
    """Ancestors (root first) as placeholders or links, and the tree below `world`."""
    ancestors = list(reversed(world_lineage(world=world, viewer=viewer)))
    return ancestors, world_descendants(world=world, viewer=viewer, current=world)


def oembed_world(*, url: str, viewer: Viewer, site_url: str, maxwidth: int | None) -> dict | None:
    """The oEmbed answer for a world link, or None when the link is not a world the
    viewer may see."""
    try:
        match = resolve(urlparse(url).path)
    except Resolver404:
        return None
    if match.url_name != "world-detail":
        return None
    world = World.objects.select_related("owner").filter(slug=match.kwargs["slug"]).first()
    if world is None or not world_can_view(world=world, viewer=viewer):
        return None
    width = min(maxwidth or 854, 1280)
    height = round(width * 9 / 16)
    embed = f"{site_url}/embed/w/{world.slug}/"
    answer = {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Tidepool",
        "provider_url": site_url,
        "title": world.title,
        "author_name": world.owner.public_name if world.owner else "",
        "author_url": f"{site_url}/u/{world.owner.username}/" if world.owner else "",
        "width": width,
        "height": height,
        "html": (
            f'<iframe src="{embed}" width="{width}" height="{height}" frameborder="0" '
            f'allow="autoplay; fullscreen; gamepad" allowfullscreen '
            f'title="{world.title} on Tidepool"></iframe>'
        ),
    }
    if world.thumbnail:
        answer.update(
            thumbnail_url=site_url + world.thumbnail.url, thumbnail_width=854, thumbnail_height=480
        )
    return answer
