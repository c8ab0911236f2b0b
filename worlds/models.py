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
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label or f"tick {self.tick}"


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


class Clip(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    slug = models.CharField(max_length=16, unique=True, default=new_slug, editable=False)
    world = models.ForeignKey(World, on_delete=models.CASCADE, related_name="clips")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="clips"
    )
    title = models.CharField(max_length=120, blank=True)
    start_snapshot = models.ForeignKey(
        Snapshot, null=True, on_delete=models.SET_NULL, related_name="clips"
    )
    script = models.JSONField(default=dict)
    duration_s = models.FloatField(default=0)
    resolution = models.CharField(max_length=10, default="720p")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0)
    eta_s = models.FloatField(null=True, blank=True)
    file = models.FileField(upload_to="clips/", blank=True)
    thumbnail = models.ImageField(upload_to="clips/thumbnails/", blank=True)
    preview = models.FileField(upload_to="clips/previews/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or f"Clip {self.slug}"
