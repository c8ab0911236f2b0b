"""Moderation data: verdicts, flags, reports, sanctions, appeals, notifications, and the
append-only audit log of every moderator action."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Verdict(models.TextChoices):
    ALLOW = "allow", "Allow"
    FLAG = "flag", "Flag"
    BLOCK = "block", "Block"


class ModerationEvent(models.Model):
    """One check of something a user typed: the verdict log (commands, prompts, titles)."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    context = models.CharField(max_length=20)
    text = models.CharField(max_length=500)
    verdict = models.CharField(max_length=5, choices=Verdict.choices)
    categories = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_events",
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    session = models.ForeignKey(
        "worlds.PlaySession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_events",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("review", "Can review flagged sessions, reports and appeals")]
        indexes = [
            models.Index(fields=["user", "verdict", "created_at"]),
            models.Index(fields=["ip", "verdict", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.verdict}: {self.text[:40]}"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    ACTIONED = "actioned", "Actioned"


class Case(models.Model):
    """What the moderator queue lists: open until dismissed or actioned, worst first."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    severity = models.PositiveSmallIntegerField(default=0, db_index=True)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-severity", "created_at"]


class Flag(Case):
    """Something the checks flagged for review: a session, or a world's text/image."""

    class Source(models.TextChoices):
        COMMAND = "command", "Flagged command"
        ESCALATION = "escalation", "Repeated blocks"
        CONTENT = "content", "Flagged world content"
        IMAGE = "image", "Flagged image"

    source = models.CharField(max_length=12, choices=Source.choices)
    session = models.ForeignKey(
        "worlds.PlaySession", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    world = models.ForeignKey(
        "worlds.World", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=500, blank=True)
    categories = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Flag {self.pk} ({self.source}, {self.severity})"


class ReportKind(models.TextChoices):
    WORLD = "world", "World"
    CLIP = "clip", "Clip"
    SESSION = "session", "Live session"


class ReportReason(models.TextChoices):
    SEXUAL = "sexual", "Sexual content"
    MINORS = "sexual/minors", "Sexual content involving minors"
    VIOLENCE = "violence/graphic", "Graphic violence"
    HATE = "hate", "Hate"
    HARASSMENT = "harassment", "Harassment or bullying"
    SELF_HARM = "self-harm", "Self-harm"
    ILLICIT = "illicit", "Illegal activity"
    SPAM = "spam", "Spam or scam"
    OTHER = "other", "Something else"


class Report(Case):
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    object_id = models.CharField(max_length=64)
    world = models.ForeignKey(
        "worlds.World", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    session = models.ForeignKey(
        "worlds.PlaySession",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    clip = models.ForeignKey(
        "clips.Clip", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_ip = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    details = models.TextField(max_length=1000, blank=True)

    def __str__(self) -> str:
        return f"Report {self.pk} of {self.kind} {self.object_id}"


class Sanction(models.Model):
    """A warning, a temporary mute (commands refused) or a suspension of a user or IP."""

    class Kind(models.TextChoices):
        WARNING = "warning", "Warning"
        MUTE = "mute", "Mute"
        SUSPENSION = "suspension", "Suspension"

    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sanctions",
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)  # None: indefinite (suspensions)
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.user_id or self.ip}"


class HiddenItem(models.Model):
    """Content a moderator hid: a clip (worlds keep World.moderation_status too)."""

    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    object_id = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="moderation_hidden_unique")
        ]

    def __str__(self) -> str:
        return f"hidden {self.kind} {self.object_id}"


class Notification(models.Model):
    created_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True)
    # The moderator decision this is about; the creator can appeal it.
    audit_entry = models.ForeignKey(
        "AuditLogEntry",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


APPEALABLE_ACTIONS = ("hide_world", "hide_clip", "remove_snapshot", "warn_user", "suspend_user")


class Appeal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        GRANTED = "granted", "Granted"
        DENIED = "denied", "Denied"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    audit_entry = models.ForeignKey(
        "AuditLogEntry", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    text = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "audit_entry"], name="moderation_one_appeal")
        ]

    def __str__(self) -> str:
        return f"Appeal {self.pk} by {self.user_id}"


class AppendOnlyError(Exception):
    """The audit log is append-only: entries cannot be changed or deleted."""


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("The audit log is append-only; entries cannot be changed.")

    def delete(self):  # type: ignore[override]
        raise AppendOnlyError("The audit log is append-only; entries cannot be deleted.")

    def bulk_update(self, *args, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("The audit log is append-only; entries cannot be changed.")


class AuditLogEntry(models.Model):
    """Every moderator action, with its note. Rows are only ever inserted: the model
    refuses saves of existing rows and deletes, and database triggers (migration 0002)
    reject UPDATE and DELETE on PostgreSQL and SQLite alike.

    The actor is kept without a database foreign key (and by name), so deleting a user
    never has to touch this table."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=30)
    target_kind = models.CharField(max_length=20)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=200, blank=True)
    subject_user_id = models.BigIntegerField(null=True, blank=True)  # whose content it was
    note = models.TextField(max_length=2000)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_kind}"
        )

    def save(self, *args, **kwargs):  # type: ignore[override]
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("The audit log is append-only; entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("The audit log is append-only; entries cannot be deleted.")

    @property
    def action_label(self) -> str:
        return self.action.replace("_", " ")
