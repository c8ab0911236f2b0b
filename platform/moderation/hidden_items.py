"""Reads of what moderators have hidden."""

from __future__ import annotations

from typing import Any


def clip_is_hidden(*, clip: Any) -> bool:
    from moderation.models import HiddenItem

    return HiddenItem.objects.filter(kind="clip", object_id=clip.slug).exists()


def hidden_clip_slugs() -> Any:
    """Slugs of clips that moderators have hidden (a subquery for listings)."""
    from moderation.models import HiddenItem

    return HiddenItem.objects.filter(kind="clip").values("object_id")
