"""JSON API for worlds, snapshots and remixes (mounted at /api/worlds)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from tidepool.net import client_ip
from worlds import selectors, services
from worlds.models import Snapshot, World

router = Router(tags=["worlds"])


class OwnerOut(Schema):
    username: str
    name: str


class WorldOut(Schema):
    slug: str
    url: str
    title: str
    description: str
    prompt: str
    character: str
    style: str
    seed: int
    visibility: str
    owner: OwnerOut | None
    image_url: str | None
    thumbnail_url: str | None
    published_snapshot: str | None
    parent: str | None
    root: str | None
    attribution: str
    licence: str
    tags: list[str]
    play_count: int
    remix_count: int
    like_count: int
    created_at: datetime
    updated_at: datetime


class WorldIn(Schema):
    prompt: str
    title: str = ""
    character: str = ""
    style: str = "auto"
    seed: int | None = None
    description: str = ""
    visibility: str = "private"
    tags: list[str] = []


class WorldPatch(Schema):
    title: str | None = None
    description: str | None = None
    prompt: str | None = None
    character: str | None = None
    style: str | None = None
    seed: int | None = None
    licence: str | None = None
    tags: list[str] | None = None


class PublishIn(Schema):
    visibility: str
    snapshot: str | None = None


class RemixIn(Schema):
    snapshot: str | None = None
    title: str = ""


class SnapshotIn(Schema):
    state: dict[str, Any]
    label: str = ""
    parent: str | None = None


class SnapshotOut(Schema):
    slug: str
    world: str
    tick: int
    label: str
    kind: str
    author: str | None
    parent: str | None
    thumbnail_url: str | None
    created_at: datetime


class SnapshotDetailOut(SnapshotOut):
    state: dict[str, Any]


class ErrorOut(Schema):
    error: str


def _world_out(world: World, request: HttpRequest) -> dict[str, Any]:
    return {
        "slug": world.slug,
        "url": request.build_absolute_uri(world.get_absolute_url()),
        "title": world.title,
        "description": world.description,
        "prompt": world.prompt,
        "character": world.character,
        "style": world.style,
        "seed": world.seed,
        "visibility": world.visibility,
        "owner": {"username": world.owner.username, "name": world.owner.public_name}
        if world.owner
        else None,
        "image_url": world.image.url if world.image else None,
        "thumbnail_url": world.thumbnail.url if world.thumbnail else None,
        "published_snapshot": world.published_snapshot.slug if world.published_snapshot else None,
        "parent": world.parent.slug
        if world.parent and selectors.world_can_view(world=world.parent, viewer=request.user)
        else None,
        "root": world.root.slug
        if world.root and selectors.world_can_view(world=world.root, viewer=request.user)
        else None,
        "attribution": selectors.world_attribution(world=world, viewer=request.user),
        "licence": world.licence,
        "tags": [tag.name for tag in world.tags.all()],
        "play_count": world.play_count,
        "remix_count": world.remix_count,
        "like_count": world.like_count,
        "created_at": world.created_at,
        "updated_at": world.updated_at,
    }


def _snapshot_out(snapshot: Snapshot, *, with_state: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "slug": snapshot.slug,
        "world": snapshot.world.slug,
        "tick": snapshot.tick,
        "label": snapshot.label,
        "kind": snapshot.kind,
        "author": snapshot.author.username if snapshot.author else None,
        "parent": snapshot.parent.slug if snapshot.parent else None,
        "thumbnail_url": snapshot.thumbnail.url if snapshot.thumbnail else None,
        "created_at": snapshot.created_at,
    }
    if with_state:
        out["state"] = snapshot.state
    return out


@router.get("", response=list[WorldOut])
def list_worlds(request: HttpRequest, limit: int = 24, offset: int = 0) -> list[dict[str, Any]]:
    """Public worlds, newest first. Unlisted and private worlds are never listed."""
    limit = max(1, min(limit, 100))
    worlds = selectors.world_list_public(limit=limit, offset=max(0, offset))
    return [_world_out(world, request) for world in worlds]


@router.post("", response={201: WorldOut, 400: ErrorOut}, auth=django_auth)
def create_world(request: HttpRequest, payload: WorldIn) -> Status:
    world = services.world_create(owner=request.user, ip=client_ip(request), **payload.dict())
    return Status(201, _world_out(world, request))


@router.get("/{slug}", response=WorldOut)
def read_world(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _world_out(selectors.world_get_visible(slug=slug, viewer=request.user), request)


@router.patch("/{slug}", response={200: WorldOut, 400: ErrorOut}, auth=django_auth)
def update_world(request: HttpRequest, slug: str, payload: WorldPatch) -> dict[str, Any]:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    changes = payload.dict(exclude_unset=True)
    world = services.world_update(world=world, user=request.user, **changes)
    return _world_out(world, request)


@router.post("/{slug}/image", response={200: WorldOut, 400: ErrorOut}, auth=django_auth)
def upload_image(request: HttpRequest, slug: str, image: UploadedFile = File(...)) -> dict:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    world = services.world_set_image(world=world, user=request.user, image=image)
    return _world_out(world, request)


@router.delete("/{slug}", response={204: None}, auth=django_auth)
def delete_world(request: HttpRequest, slug: str) -> Status:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    services.world_delete(world=world, user=request.user)
    return Status(204, None)


@router.post("/{slug}/publish", response={200: WorldOut, 400: ErrorOut}, auth=django_auth)
def publish_world(request: HttpRequest, slug: str, payload: PublishIn) -> dict[str, Any]:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    snapshot = selectors.snapshot_get_optional(
        world=world, slug=payload.snapshot, viewer=request.user
    )
    world = services.world_publish(
        world=world, user=request.user, visibility=payload.visibility, snapshot=snapshot
    )
    return _world_out(world, request)


@router.post("/{slug}/remix", response={201: WorldOut, 400: ErrorOut}, auth=django_auth)
def remix_world(request: HttpRequest, slug: str, payload: RemixIn) -> Status:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    snapshot = selectors.snapshot_get_optional(
        world=world, slug=payload.snapshot, viewer=request.user
    )
    remix = services.world_remix(
        world=world, snapshot=snapshot, user=request.user, title=payload.title
    )
    return Status(201, _world_out(remix, request))


@router.get("/{slug}/snapshots", response=list[SnapshotOut])
def list_snapshots(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    snapshots = selectors.snapshot_list_visible(world=world, viewer=request.user)
    return [_snapshot_out(snapshot) for snapshot in snapshots.select_related("world", "parent")]


@router.post(
    "/{slug}/snapshots", response={201: SnapshotDetailOut, 400: ErrorOut}, auth=django_auth
)
def create_snapshot(request: HttpRequest, slug: str, payload: SnapshotIn) -> Status:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    services.world_require_owner(world=world, user=request.user)
    parent = selectors.snapshot_get_optional(world=world, slug=payload.parent, viewer=request.user)
    snapshot = services.snapshot_create(
        world=world, state=payload.state, label=payload.label, author=request.user, parent=parent
    )
    return Status(201, _snapshot_out(snapshot, with_state=True))


@router.get("/{slug}/snapshots/{snapshot_slug}", response=SnapshotDetailOut)
def read_snapshot(request: HttpRequest, slug: str, snapshot_slug: str) -> dict[str, Any]:
    world = selectors.world_get_visible(slug=slug, viewer=request.user)
    snapshot = selectors.snapshot_get_visible(world=world, slug=snapshot_slug, viewer=request.user)
    return _snapshot_out(snapshot, with_state=True)
