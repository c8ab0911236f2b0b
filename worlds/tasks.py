"""Background work on worlds. Tasks take ids, are idempotent, and stay thin."""

from __future__ import annotations

import hashlib

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction

from worlds.models import World


def spec_fingerprint(world: World) -> str:
    parts = (world.prompt, world.character, world.style, str(world.seed), world.image.name or "")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


@shared_task(acks_late=True, reject_on_worker_lost=True)
def world_prepare(world_id: int) -> None:
    """Create the start snapshot and thumbnail for the world's current spec."""
    from worlds.engine import start_state_and_thumbnail
    from worlds.services import snapshot_create

    world = World.objects.filter(pk=world_id, deleted_at__isnull=True).first()
    if world is None:
        return
    fingerprint = spec_fingerprint(world)
    if world.prepared_fingerprint == fingerprint:
        return
    state, jpeg = start_state_and_thumbnail(world)
    with transaction.atomic():
        world = World.objects.select_for_update().get(pk=world_id)
        if world.prepared_fingerprint == fingerprint or world.is_deleted:
            return
        snapshot = snapshot_create(world=world, state=state, label="Start", author=world.owner)
        snapshot.thumbnail.save(f"{snapshot.slug}.jpg", ContentFile(jpeg), save=True)
        world.thumbnail.name = snapshot.thumbnail.name
        world.prepared_fingerprint = fingerprint
        world.save(update_fields=["thumbnail", "prepared_fingerprint", "updated_at"])
