"""What the player's Record and "Remix from here" buttons turn into."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from worlds.clips.services import clip_create_from_session
from worlds.models import PlaySession, Snapshot
from worlds.services import world_remix


def clip_from_recording(
    *, session_id: str, start_slug: str, end_tick: int, user: Any
) -> dict[str, Any]:
    """A clip from the recorded stretch, as a `record` event for the player."""
    session = PlaySession.objects.select_related("world").get(pk=session_id)
    start = Snapshot.objects.get(slug=start_slug, world=session.world)
    try:
        clip = clip_create_from_session(
            session=session,
            start_snapshot=start,
            end_tick=end_tick,
            user=user,
            title=f"{session.world.title}: a recording",
        )
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        return {"status": "failed", "message": " ".join(messages)}
    return {"status": "saved", "clip_url": clip.get_absolute_url(), "seconds": clip.duration_s}


def remix_from_snapshot(*, session_id: str, snapshot_slug: str, user: Any) -> str:
    """A new world of the user's own from this moment of the session; its URL."""
    session = PlaySession.objects.select_related("world").get(pk=session_id)
    snapshot = Snapshot.objects.get(slug=snapshot_slug, world=session.world)
    return world_remix(world=session.world, snapshot=snapshot, user=user).get_absolute_url()
