from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from worlds.slugs import new_slug
from worlds.validators import MAX_CHARACTER_LENGTH, MAX_PROMPT_LENGTH, STYLE_CHOICES

DEFAULT_LICENCE = "CC BY-SA 4.0"


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private"
    UNLISTED = "unlisted", "Unlisted"
    PUBLIC = "public", "Public"


class ModerationStatus(models.TextChoices):
    OK = "ok", "OK"
    FLAGGED = "flagged", "Flagged"
    HIDDEN = "hidden", "Hidden"


class SnapshotKind(models.TextChoices):
    SAVED = "saved", "Saved"
    # Pinned by "Record" in the player: the exact moment a recorded clip starts. Reached
    # through its clip, so the world's snapshot list leaves it out.
    CLIP_START = "clip_start", "Clip start"
    REMIX_POINT = "remix_point", "Remix point"


class Tag(models.Model):
    name = models.SlugField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class World(models.Model):
    slug = models.CharField(max_length=16, unique=True, default=new_slug, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="worlds"
    )
    title = models.CharField(max_length=120)
    description = models.TextField(
        max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    prompt = models.TextField(
        max_length=MAX_PROMPT_LENGTH, validators=[MaxLengthValidator(MAX_PROMPT_LENGTH)]
    )
    character = models.CharField(max_length=MAX_CHARACTER_LENGTH, blank=True)
    style = models.CharField(max_length=20, default="auto", choices=[(s, s) for s in STYLE_CHOICES])
    seed = models.BigIntegerField(default=0)
    image = models.ImageField(upload_to="worlds/images/", blank=True)
    thumbnail = models.ImageField(upload_to="worlds/thumbnails/", blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    published_snapshot = models.ForeignKey(
        "Snapshot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Remix lineage: the world and snapshot this one was remixed from, and the first
    # world of the line. Kept (as tombstones) when an original is deleted.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="remixes"
    )
    parent_snapshot = models.ForeignKey(
        "Snapshot", null=True, blank=True, on_delete=models.SET_NULL, related_name="remixes"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="descendants"
    )
    licence = models.CharField(max_length=60, default=DEFAULT_LICENCE)
    tags = models.ManyToManyField(Tag, blank=True, related_name="worlds")
    play_count = models.PositiveIntegerField(default=0)
    remix_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    moderation_status = models.CharField(
        max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.OK
    )
    # Fingerprint of the spec the latest start snapshot was made from (see tasks).
    prepared_fingerprint = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["visibility", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("world-detail", args=[self.slug])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Snapshot(models.Model):
    slug = models.CharField(max_length=16, unique=True, default=new_slug, editable=False)
    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="snapshots")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    state = models.JSONField()
    tick = models.PositiveBigIntegerField(default=0)
    thumbnail = models.ImageField(upload_to="snapshots/thumbnails/", blank=True)
    label = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=16, choices=SnapshotKind.choices, default=SnapshotKind.SAVED)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Autosaves are a session's own checkpoints: kept for resume and failover, never
    # listed with the world's snapshots.
    is_autosave = models.BooleanField(default=False)
    session = models.ForeignKey(
        "PlaySession", null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label or f"tick {self.tick}"


class InferenceWorker(models.Model):
    """A process that runs live sessions. It registers its channel and capacity and
    sends heartbeats; a worker whose heartbeat is stale is treated as gone."""

    name = models.CharField(max_length=120, unique=True)
    channel = models.CharField(max_length=200)
    device = models.CharField(max_length=20, default="cpu")
    capacity = models.PositiveIntegerField(default=4)
    heartbeat_at = models.DateTimeField()
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.device}, {self.capacity})"


class PlaySession(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="sessions")
    start_snapshot = models.ForeignKey(
        Snapshot, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_snapshot = models.ForeignKey(
        Snapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    anonymous_key = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    worker = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Compact log of every input since the start snapshot, for exact replay.
    input_log = models.BinaryField(default=bytes, blank=True)
    flagged = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Session {self.pk} of {self.world_id}"


class Command(models.Model):
    session = models.ForeignKey(PlaySession, on_delete=models.CASCADE, related_name="commands")
    tick = models.PositiveBigIntegerField()
    text = models.CharField(max_length=500)
    verdict = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tick", "id"]

    def __str__(self) -> str:
        return f"@{self.tick}: {self.text}"


class WorldLike(models.Model):
    """One like per user and world; the unique constraint makes counting race-free."""

    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["world", "user"], name="one_like_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.world_id}"


class WorldPlay(models.Model):
    """One counted play per viewer (a user, or an anonymous browser session) and world."""

    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="plays")
    viewer = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["world", "viewer"], name="one_play_per_viewer")
        ]

    def __str__(self) -> str:
        return f"{self.viewer} played {self.world_id}"
