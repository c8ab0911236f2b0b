"""Reads for the moderator queue and case pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moderation.models import Appeal, AuditLogEntry, CaseStatus, Flag, ModerationEvent, Report

APPEAL_SEVERITY = 50


@dataclass(frozen=True)
class QueueItem:
    kind: str  # flag, report, appeal
    id: int
    severity: int
    created_at: datetime
    title: str
    summary: str
    categories: list[str]
    obj: Any

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("moderation:case", args=[self.kind, self.id])


def queue_items(*, limit: int = 200) -> list[QueueItem]:
    """Open flags, reports and appeals, most severe first, then oldest first."""
    items: list[QueueItem] = []
    for flag in Flag.objects.filter(status=CaseStatus.OPEN).select_related("world", "session")[
        :limit
    ]:
        what = "Live session" if flag.session_id else "World"
        world = flag.world.title if flag.world else "(removed)"
        items.append(
            QueueItem(
                "flag",
                flag.pk,
                flag.severity,
                flag.created_at,
                f"{what} of {world}",
                f"{flag.get_source_display()}: {flag.text}",
                sorted(flag.categories),
                flag,
            )
        )
    for report in Report.objects.filter(status=CaseStatus.OPEN).select_related("world")[:limit]:
        world = report.world.title if report.world else "(removed)"
        items.append(
            QueueItem(
                "report",
                report.pk,
                report.severity,
                report.created_at,
                f"Report: {report.get_kind_display().lower()} of {world}",
                f"{report.get_reason_display()}{': ' + report.details if report.details else ''}",
                [report.reason],
                report,
            )
        )
    for appeal in Appeal.objects.filter(status=Appeal.Status.OPEN).select_related("user")[:limit]:
        entry = AuditLogEntry.objects.filter(pk=appeal.audit_entry_id).first()
        label = (
            f"{entry.action.replace('_', ' ')} of {entry.target_label}" if entry else "a decision"
        )
        items.append(
            QueueItem(
                "appeal",
                appeal.pk,
                APPEAL_SEVERITY,
                appeal.created_at,
                f"Appeal by {appeal.user.username}: {label}",
                appeal.text,
                [],
                appeal,
            )
        )
    items.sort(key=lambda item: (-item.severity, item.created_at))
    return items[:limit]


def case_get(*, kind: str, case_id: int) -> Any:
    from django.http import Http404

    model = {"flag": Flag, "report": Report, "appeal": Appeal}.get(kind)
    obj = model.objects.filter(pk=case_id).first() if model else None
    if obj is None:
        raise Http404("No such case.")
    return obj


def session_command_log(*, session: Any) -> list[dict[str, Any]]:
    """Every command of the session with its verdict: those that reached the world
    (Command rows, with their tick and result) and those blocked before it."""
    rows: list[dict[str, Any]] = []
    for command in session.commands.order_by("tick", "id"):
        verdict = (command.verdict or {}).get("verdict", "allow")
        rows.append(
            {
                "tick": command.tick,
                "frame_tick": command.tick + 1,
                "text": command.text,
                "verdict": verdict,
                "categories": (command.verdict or {}).get("categories", {}),
                "status": (command.result or {}).get("status", ""),
                "at": command.created_at,
            }
        )
    for event in ModerationEvent.objects.filter(session=session, verdict="block").order_by(
        "created_at"
    ):
        rows.append(
            {
                "tick": None,
                "frame_tick": None,
                "text": event.text,
                "verdict": "block",
                "categories": event.categories,
                "status": "never reached the world",
                "at": event.created_at,
            }
        )
    rows.sort(key=lambda row: row["at"])
    return rows
