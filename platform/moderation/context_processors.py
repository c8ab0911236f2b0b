"""What every page's header needs from notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """How many notices the signed-in user has not read, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from moderation.models import Notification

    return {
        "unread_notifications": lambda: Notification.objects.filter(
            user=user, read_at__isnull=True
        ).count()
    }
