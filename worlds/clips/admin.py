from django.contrib import admin

from worlds.clips.models import Clip


@admin.register(Clip)
class ClipAdmin(admin.ModelAdmin):
    list_display = (
        "slug",
        "title",
        "world",
        "owner",
        "status",
        "progress",
        "duration_s",
        "created_at",
    )
    list_filter = ("status", "resolution")
    search_fields = ("slug", "title", "world__title", "owner__username")
    raw_id_fields = ("world", "owner", "start_snapshot")
    readonly_fields = (
        "slug", "render_token", "attempts", "heartbeat_at", "started_at", "finished_at",
        "render_seconds", "size_bytes",
    )  # fmt: skip
    exclude = ("keyframes",)
