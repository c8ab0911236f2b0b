"""The verdict log and review flags for a world's own text and images."""

from __future__ import annotations

from typing import Any

from moderation.verdicts import ModerationResult


def moderation_record_content(
    *, world: Any, field_name: str, text: str, result: ModerationResult, user: Any = None
) -> None:
    """For world_create/world_update: log a non-allow verdict on world text, and flag the
    world for review when the verdict is "flag" (the save goes ahead)."""
    from moderation.models import Flag, ModerationEvent

    if result.verdict == "allow":
        return
    ModerationEvent.objects.create(
        context=field_name,
        text=text[:500],
        verdict=result.verdict,
        categories=result.categories,
        reason=result.reason[:300],
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )
    if result.verdict == "flag" and world is not None and world.pk:
        from worlds.models import ModerationStatus, World

        World.objects.filter(pk=world.pk, moderation_status=ModerationStatus.OK).update(
            moderation_status=ModerationStatus.FLAGGED
        )
        Flag.objects.create(
            source=Flag.Source.IMAGE if field_name == "image" else Flag.Source.CONTENT,
            world=world,
            user=world.owner,
            text=f"{field_name}: {text}"[:500],
            categories=result.categories,
            severity=result.severity,
        )
