from django.contrib import admin

from worlds.models import Command, InferenceWorker, PlaySession, Snapshot, World


@admin.register(World)
class WorldAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "owner", "visibility", "moderation_status", "created_at")
    list_filter = ("visibility", "moderation_status", "style")
    search_fields = ("title", "prompt", "slug", "owner__username")
    raw_id_fields = ("owner", "parent", "root", "parent_snapshot", "published_snapshot")


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ("slug", "world", "tick", "label", "author", "created_at")
    raw_id_fields = ("world", "parent", "author")


@admin.register(PlaySession)
class PlaySessionAdmin(admin.ModelAdmin):
    list_display = ("id", "world", "player", "status", "worker", "flagged", "started_at")
    list_filter = ("status", "flagged")
    raw_id_fields = ("world", "start_snapshot", "last_snapshot", "player")


@admin.register(Command)
class CommandAdmin(admin.ModelAdmin):
    list_display = ("session", "tick", "text", "created_at")
    raw_id_fields = ("session",)


@admin.register(InferenceWorker)
class InferenceWorkerAdmin(admin.ModelAdmin):
    list_display = ("name", "device", "capacity", "heartbeat_at", "started_at")
