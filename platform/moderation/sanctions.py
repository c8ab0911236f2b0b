"""Reads of the sanctions (mutes, suspensions) in force on a user or an IP."""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def sanction_active(*, user: Any, ip: str | None, kinds: tuple[str, ...]) -> Any:
    from django.db.models import Q

    from moderation.models import Sanction

    now = timezone.now()
    who = Q()
    if user is not None and getattr(user, "is_authenticated", False):
        who |= Q(user=user)
    if ip:
        who |= Q(ip=ip)
    if not who:
        return None
    return (
        Sanction.objects.filter(who, kind__in=kinds, lifted_at__isnull=True)
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .order_by("-until")
        .first()
    )


def user_is_suspended(*, user: Any) -> bool:
    from moderation.models import Sanction

    return sanction_active(user=user, ip=None, kinds=(Sanction.Kind.SUSPENSION,)) is not None
