"""Notices to users: decisions on their content and account, and how their clips rendered."""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def notify(*, user: Any, text: str, link: str = "", audit_entry: Any = None) -> Any:
    from moderation.models import Notification

    if user is None or not getattr(user, "pk", None):
        return None
    return Notification.objects.create(
        user=user, text=text[:500], link=link[:300], audit_entry=audit_entry
    )


def notifications_mark_read(*, user: Any) -> int:
    from moderation.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
