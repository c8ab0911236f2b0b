"""Per-IP limits on live play, so a public link cannot exhaust the inference workers."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from worlds.models import PlaySession


class QuotaExceeded(Exception):
    """Too many sessions from one address; the message says when to come back."""


def sessions_per_hour(user: AbstractBaseUser | AnonymousUser) -> int:
    if user.is_authenticated:
        return settings.QUOTA_USER_SESSIONS_PER_HOUR
    return settings.QUOTA_ANONYMOUS_SESSIONS_PER_HOUR


def session_max_seconds(*, signed_in: bool) -> int:
    if signed_in:
        return settings.QUOTA_USER_SESSION_SECONDS
    return settings.QUOTA_ANONYMOUS_SESSION_SECONDS


def session_quota_check(*, ip: str | None, user: AbstractBaseUser | AnonymousUser) -> None:
    if not ip:
        return
    since = timezone.now() - timedelta(hours=1)
    recent = PlaySession.objects.filter(ip=ip, started_at__gte=since)
    limit = sessions_per_hour(user)
    if recent.count() >= limit:
        oldest = recent.order_by("started_at").first()
        wait = (oldest.started_at + timedelta(hours=1) - timezone.now()) if oldest else None
        minutes = max(1, int(wait.total_seconds() // 60) + 1) if wait else 60
        raise QuotaExceeded(
            f"You have started {limit} sessions in the last hour from this network. "
            f"Try again in about {minutes} minute{'s' if minutes != 1 else ''}"
            + ("." if user.is_authenticated else ", or sign up for a larger allowance.")
        )
