from django.contrib import admin

from moderation.models import (
    Appeal,
    AuditLogEntry,
    Flag,
    ModerationEvent,
    Notification,
    Report,
    Sanction,
)


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "context", "verdict", "text", "user", "ip")
    list_filter = ("verdict", "context")
    search_fields = ("text",)
    raw_id_fields = ("user", "session")


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("created_at", "source", "severity", "status", "text")
    list_filter = ("status", "source")
    raw_id_fields = ("session", "world", "user")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "object_id", "reason", "severity", "status")
    list_filter = ("status", "kind", "reason")
    raw_id_fields = ("world", "session", "clip", "reporter")


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "user", "ip", "until", "lifted_at")
    list_filter = ("kind",)
    raw_id_fields = ("user", "by")


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "status")
    raw_id_fields = ("user",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "text", "read_at")
    raw_id_fields = ("user",)


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ("created_at", "actor_name", "action", "target_kind", "target_label")
    list_filter = ("action", "target_kind")
    search_fields = ("note", "target_label", "actor_name")

    def has_add_permission(self, request):  # entries come only from moderator actions
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
