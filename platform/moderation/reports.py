"""Reports of a world, a clip or a live session, from anyone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from moderation.rate_limits import rate_limit_check

REPORT_SEVERITY = {
    "sexual/minors": 100,
    "violence/graphic": 70,
    "self-harm": 75,
    "hate": 60,
    "illicit": 50,
    "sexual": 45,
    "harassment": 40,
    "spam": 15,
    "other": 20,
}


def report_target(*, kind: str, object_id: str) -> dict[str, Any]:
    """The world / clip / session a report is about, or Http404."""
    from django.http import Http404

    from moderation.models import ReportKind
    from worlds.models import PlaySession, World

    if kind == ReportKind.WORLD:
        world = World.objects.filter(slug=object_id, deleted_at__isnull=True).first()
        if world is None:
            raise Http404("No world found at this link.")
        return {"world": world, "label": world.title, "owner_id": world.owner_id}
    if kind == ReportKind.CLIP:
        from worlds.clips.models import Clip

        clip = Clip.objects.select_related("world").filter(slug=object_id).first()
        if clip is None:
            raise Http404("No clip found at this link.")
        return {"clip": clip, "world": clip.world, "label": str(clip), "owner_id": clip.owner_id}
    if kind == ReportKind.SESSION:
        try:
            session = PlaySession.objects.select_related("world").filter(pk=object_id).first()
        except (ValidationError, ValueError):
            session = None
        if session is None:
            raise Http404("No session found at this link.")
        return {
            "session": session,
            "world": session.world,
            "label": f"Live session of {session.world.title}",
            "owner_id": session.player_id,
        }
    raise Http404("You can report a world, a clip or a live session.")


@transaction.atomic
def report_create(
    *,
    kind: str,
    object_id: str,
    reason: str,
    details: str = "",
    reporter: Any = None,
    ip: str | None = None,
) -> Any:
    from moderation.models import Report, ReportReason

    if reason not in ReportReason.values:
        raise ValidationError({"reason": ["Choose a reason from the list."]})
    details = (details or "").strip()
    if len(details) > 1000:
        raise ValidationError({"details": ["Keep the details under 1000 characters."]})
    target = report_target(kind=kind, object_id=object_id)
    reporter_obj = reporter if reporter is not None and reporter.is_authenticated else None
    if Report.objects.filter(
        kind=kind,
        object_id=str(object_id),
        status="open",
        **(
            {"reporter": reporter_obj}
            if reporter_obj
            else {"reporter_ip": ip, "reporter__isnull": True}
        ),
    ).exists():
        raise ValidationError(
            {"__all__": ["You have already reported this; a moderator will look at it."]}
        )
    limit = rate_limit_check(
        key=f"report:{'user:' + str(reporter_obj.pk) if reporter_obj else 'ip:' + str(ip)}",
        limit=getattr(settings, "MODERATION_REPORTS_PER_HOUR", 10 if reporter_obj else 5),
        window=3600,
    )
    if not limit.allowed:
        minutes = limit.retry_after // 60 + 1
        raise ValidationError(
            {"__all__": [f"You have sent many reports; try again in {minutes} minutes."]}
        )
    open_reports = Report.objects.filter(kind=kind, object_id=str(object_id), status="open").count()
    report = Report.objects.create(
        kind=kind,
        object_id=str(object_id),
        world=target.get("world"),
        session=target.get("session"),
        clip=target.get("clip"),
        reporter=reporter_obj,
        reporter_ip=ip,
        reason=reason,
        details=details,
        severity=REPORT_SEVERITY.get(reason, 20) + min(30, 5 * open_reports),
    )
    if kind == "session":
        from worlds.models import PlaySession

        PlaySession.objects.filter(pk=target["session"].pk).update(flagged=True)
    return report
