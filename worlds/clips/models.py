from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from worlds.models import Snapshot, World
from worlds.slugs import new_slug


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
    # Render bookkeeping: a render owns the clip through its token; a redelivered task
    # whose clip is rendering with a fresh heartbeat leaves it alone.
    render_token = models.CharField(max_length=32, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    # States every few seconds of the clip, so "remix at t" replays only a short stretch.
    keyframes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or f"Clip {self.slug}"

    def get_absolute_url(self) -> str:
        return reverse("clip-detail", args=[self.slug])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)
