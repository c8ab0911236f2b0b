"""Likes, plays and remixes, each counted once per user or browser session.

A counter moves only in the transaction that inserts its unique row, so concurrent
requests can neither double-count nor lose a count.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F

from worlds.models import World, WorldLike, WorldPlay


def viewer_key(*, user: AbstractBaseUser | None, anonymous_key: str) -> str:
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"anon:{anonymous_key}" if anonymous_key else ""


def world_count_play(*, world: World, viewer: str) -> bool:
    """Count a play once per viewer. Returns True when this play was new."""
    if not viewer:
        return False
    try:
        with transaction.atomic():
            WorldPlay.objects.create(world=world, viewer=viewer)
            World.objects.filter(pk=world.pk).update(play_count=F("play_count") + 1)
    except IntegrityError:
        return False
    return True


def world_like(*, world: World, user: AbstractBaseUser) -> bool:
    try:
        with transaction.atomic():
            WorldLike.objects.create(world=world, user=user)
            World.objects.filter(pk=world.pk).update(like_count=F("like_count") + 1)
    except IntegrityError:
        return False
    return True


def world_unlike(*, world: World, user: AbstractBaseUser) -> bool:
    with transaction.atomic():
        deleted, _ = WorldLike.objects.filter(world=world, user=user).delete()
        if deleted:
            World.objects.filter(pk=world.pk).update(like_count=F("like_count") - 1)
    return bool(deleted)


def world_count_remix(*, world: World, user: AbstractBaseUser, remix: World) -> None:
    """Called inside world_remix's transaction: counts the remixer once per world."""
    World.objects.select_for_update().filter(pk=world.pk).first()
    earlier = World.objects.filter(parent=world, owner=user).exclude(pk=remix.pk)
    if not earlier.exists():
        World.objects.filter(pk=world.pk).update(remix_count=F("remix_count") + 1)
