"""Business logic for worlds and snapshots. Views, the API, consumers and tasks call
these; they validate, check permissions, write, and enqueue background work."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from moderation.rate_limits import RateLimited, rate_limit_world_create
from moderation.sanctions import user_is_suspended
from moderation.verdicts import (
    ModerationResult,
    moderation_check,
    moderation_check_image,
    moderation_message,
)
from moderation.world_content import moderation_record_content
from tidepool.tasks import enqueue
from worlds.counters import world_count_remix
from worlds.models import Snapshot, SnapshotKind, Tag, Visibility, World
from worlds.selectors import snapshot_list_visible, world_can_view
from worlds.validators import (
    MAX_SEED,
    validate_image_upload,
    validate_seed,
    validate_style,
)

MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024
GENERATIVE_FIELDS = ("prompt", "character", "style", "seed")
MAX_TAGS = 8
EDITABLE_FIELDS = ("title", "description", "licence", *GENERATIVE_FIELDS)


Flagged = list[tuple[str, str, ModerationResult]]  # (field, text, result)


def _check_text(*, world: World) -> Flagged:
    """Every prompt, character, title and description passes moderation before it is
    saved. Blocked text is refused with the part and category; flagged text is saved
    and returned, to be recorded for review once the world exists."""
    errors: dict[str, list[str]] = {}
    flagged: Flagged = []
    for field in ("prompt", "character", "title", "description"):
        text = getattr(world, field)
        if not text:
            continue
        result = moderation_check(text=text, context=field)
        if result.verdict == "block":
            errors.setdefault(field, []).append(moderation_message(result, what=field))
        elif result.verdict == "flag":
            flagged.append((field, text, result))
    if errors:
        raise ValidationError(errors)
    return flagged


def _check_image(image: UploadedFile) -> ModerationResult:
    """Validate the upload, then check it for nudity with the bundled model."""
    try:
        validate_image_upload(image)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from error
    data = image.read()
    image.seek(0)
    result = moderation_check_image(data=data)
    if result.verdict == "block":
        raise ValidationError({"image": [moderation_message(result, what="image")]})
    return result


def _record_flags(*, world: World, flagged: Flagged, user: AbstractBaseUser | None) -> None:
    for field, text, result in flagged:
        moderation_record_content(
            world=world, field_name=field, text=text, result=result, user=user
        )


def _validate_world(world: World) -> Flagged:
    world.prompt = world.prompt.strip()
    world.title = world.title.strip()
    if not world.prompt:
        raise ValidationError({"prompt": ["Describe the world: the prompt cannot be empty."]})
    if not world.title:
        world.title = world.prompt[:60].rstrip(" ,.;") or "Untitled world"
    errors: dict[str, list[str]] = {}
    try:
        validate_style(world.style)
    except ValidationError as error:
        errors["style"] = error.messages
    try:
        world.seed = validate_seed(world.seed)
    except ValidationError as error:
        errors["seed"] = error.messages
    if errors:
        raise ValidationError(errors)
    world.full_clean(
        exclude=[
            "owner",
            "image",
            "thumbnail",
            "parent",
            "root",
            "parent_snapshot",
            "published_snapshot",
            "slug",
        ]
    )
    return _check_text(world=world)


def world_require_owner(*, world: World, user: AbstractBaseUser) -> None:
    if world.owner_id is None or world.owner_id != user.pk:
        if not world_can_view(world=world, viewer=user):
            raise Http404("No world found at this link.")
        raise PermissionDenied("Only the creator of this world can change it.")


@transaction.atomic
def world_create(
    *,
    owner: AbstractBaseUser,
    prompt: str,
    title: str = "",
    character: str = "",
    style: str = "auto",
    seed: int | str | None = None,
    description: str = "",
    image: UploadedFile | None = None,
    visibility: str = Visibility.PRIVATE,
    tags: str | list[str] = "",
    ip: str | None = None,
) -> World:
    if user_is_suspended(user=owner):
        raise PermissionDenied("Your account is suspended: you cannot create worlds for now.")
    limit = rate_limit_world_create(user=owner, ip=ip)
    if not limit.allowed:
        minutes = max(1, round(limit.retry_after / 60))
        raise RateLimited(
            f"You have made {limit.limit} worlds in the last hour; try again in about "
            f"{minutes} minute{'s' if minutes != 1 else ''}.",
            retry_after=limit.retry_after,
        )
    errors: dict[str, list[str]] = {}
    image_result = None
    if image is not None:
        try:
            image_result = _check_image(image)
        except ValidationError as error:
            errors.update(error.message_dict)
    world = World(
        owner=owner,
        prompt=prompt,
        title=title,
        character=character,
        style=style or "auto",
        seed=secrets.randbelow(MAX_SEED + 1) if seed in (None, "") else seed,
        description=description,
        visibility=visibility,
    )
    flagged: Flagged = []
    try:
        flagged = _validate_world(world)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        # Report every problem at once, so the form can be fixed in one go.
        raise ValidationError(errors)
    if image is not None:
        world.image.save(image.name or "image", image, save=False)
    world.save()
    if image_result is not None and image_result.verdict == "flag":
        flagged.append(("image", world.image.name, image_result))
    _record_flags(world=world, flagged=flagged, user=owner)
    if tags:
        world_set_tags(world=world, tags=tags)
    _enqueue_prepare(world)
    return world


def _enqueue_prepare(world: World) -> None:
    from worlds.tasks import world_prepare

    enqueue(world_prepare, world.pk)


def world_set_tags(*, world: World, tags: str | list[str]) -> None:
    """Tags from "ghibli, rain" or a list: lower-case slugs, at most MAX_TAGS."""
    names = tags.split(",") if isinstance(tags, str) else list(tags)
    slugs: list[str] = []
    for name in names:
        slug = slugify(str(name))[:40]
        if slug and slug not in slugs:
            slugs.append(slug)
    if len(slugs) > MAX_TAGS:
        raise ValidationError({"tags": [f"Use at most {MAX_TAGS} tags."]})
    world.tags.set([Tag.objects.get_or_create(name=slug)[0] for slug in slugs])


@transaction.atomic
def world_update(*, world: World, user: AbstractBaseUser, **fields: Any) -> World:
    world_require_owner(world=world, user=user)
    tags = fields.pop("tags", None)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    changed_generative = False
    for name, value in fields.items():
        if value is None:
            continue
        if name in GENERATIVE_FIELDS and getattr(world, name) != value:
            changed_generative = True
        setattr(world, name, value)
    flagged = _validate_world(world)
    world.save()
    _record_flags(world=world, flagged=flagged, user=user)
    if tags is not None:
        world_set_tags(world=world, tags=tags)
    if changed_generative:
        # A new prompt or seed means a new starting state; older snapshots stay as they were.
        _enqueue_prepare(world)
    return world


def world_set_image(*, world: World, user: AbstractBaseUser, image: UploadedFile) -> World:
    world_require_owner(world=world, user=user)
    result = _check_image(image)
    world.image.save(image.name or "image", image, save=True)
    if result.verdict == "flag":
        _record_flags(world=world, flagged=[("image", world.image.name, result)], user=user)
    _enqueue_prepare(world)
    return world


@transaction.atomic
def world_publish(
    *,
    world: World,
    user: AbstractBaseUser,
    visibility: str,
    snapshot: Snapshot | None = None,
) -> World:
    """Set who can see the world and pin the snapshot viewers get."""
    world_require_owner(world=world, user=user)
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": [f"Choose one of: {', '.join(Visibility.values)}."]})
    if snapshot is not None and snapshot.world_id != world.pk:
        raise ValidationError({"snapshot": ["That snapshot belongs to another world."]})
    world.visibility = visibility
    world.published_snapshot = snapshot or world.snapshots.order_by("-created_at", "-id").first()
    world.save(update_fields=["visibility", "published_snapshot", "updated_at"])
    return world


def snapshot_create(
    *,
    world: World,
    state: dict[str, Any],
    label: str = "",
    author: AbstractBaseUser | None = None,
    parent: Snapshot | None = None,
    kind: str = SnapshotKind.SAVED,
) -> Snapshot:
    if not isinstance(state, dict) or "version" not in state:
        raise ValidationError({"state": ["A snapshot state must be a versioned world state."]})
    size = len(json.dumps(state, separators=(",", ":")))
    if size > MAX_SNAPSHOT_BYTES:
        raise ValidationError({"state": [f"The state is too large ({size} bytes)."]})
    tick = state.get("tick", 0)
    if not isinstance(tick, int) or tick < 0:
        raise ValidationError({"state": ["The state's tick must be a whole number ≥ 0."]})
    if parent is not None and parent.world_id != world.pk:
        parent = None
    return Snapshot.objects.create(
        world=world,
        state=state,
        tick=tick,
        label=label.strip()[:120],
        kind=kind,
        author=author if author is not None and author.is_authenticated else None,
        parent=parent,
    )


@transaction.atomic
def world_remix(
    *, world: World, snapshot: Snapshot | None, user: AbstractBaseUser, title: str = ""
) -> World:
    """Make a new world owned by `user`, starting from `snapshot` of `world`."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign up or log in to remix worlds.")
    if not world_can_view(world=world, viewer=user):
        raise Http404("No world found at this link.")
    if snapshot is not None and (
        snapshot.world_id != world.pk
        or not snapshot_list_visible(world=world, viewer=user).filter(pk=snapshot.pk).exists()
    ):
        raise Http404("No snapshot found at this link.")
    if snapshot is None:
        snapshot = world.published_snapshot if world.owner_id != user.pk else None
        snapshot = snapshot or snapshot_list_visible(world=world, viewer=user).first()

    remix = World.objects.create(
        owner=user,
        title=(title.strip() or f"{world.title} (remix)")[:120],
        description=world.description,
        prompt=world.prompt,
        character=world.character,
        style=world.style,
        seed=world.seed,
        image=world.image.name if world.image else "",
        thumbnail=(snapshot.thumbnail.name if snapshot and snapshot.thumbnail else "")
        or (world.thumbnail.name if world.thumbnail else ""),
        visibility=Visibility.PRIVATE,
        parent=world,
        parent_snapshot=snapshot,
        root=world.root or world,
        licence=world.licence,
    )
    if snapshot is not None:
        copied = snapshot_create(
            world=remix,
            state=snapshot.state,
            label="Remix start",
            author=user,
        )
        if snapshot.thumbnail:
            copied.thumbnail.name = snapshot.thumbnail.name
            copied.save(update_fields=["thumbnail"])
    else:
        _enqueue_prepare(remix)
    world_count_remix(world=world, user=user, remix=remix)
    return remix


@transaction.atomic
def world_delete(*, world: World, user: AbstractBaseUser) -> None:
    """Remove a world's content. A tombstone row stays so remixes keep their lineage
    ("original removed"); the remixes themselves keep working from their own snapshots."""
    world_require_owner(world=world, user=user)
    image, thumbnail = world.image, world.thumbnail
    world.snapshots.all().delete()
    world.title = ""
    world.description = ""
    world.prompt = ""
    world.character = ""
    world.image = ""
    world.thumbnail = ""
    world.visibility = Visibility.PRIVATE
    world.published_snapshot = None
    world.deleted_at = timezone.now()
    world.save()
    still_used = World.objects.exclude(pk=world.pk)
    for file in (image, thumbnail):
        name = file.name if file else ""
        if (
            name
            and not still_used.filter(image=name).exists()
            and not still_used.filter(thumbnail=name).exists()
        ):
            transaction.on_commit(lambda f=file: f.storage.delete(f.name))
