"""Live director commands: the text check with the verdict log and escalation on repeated
blocks (a warning, then the session goes to review, then a temporary mute)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from moderation.notifications import notify
from moderation.sanctions import sanction_active
from moderation.verdicts import ModerationResult, moderation_check, moderation_message


@dataclass(frozen=True)
class CommandDecision:
    result: ModerationResult
    allowed: bool  # send the command to the world
    status: str  # "allowed", "flagged", "blocked", "muted", "rate_limited"
    message: str  # what to tell the player ("" when nothing needs saying)
    muted: bool = False
    muted_until: Any = None
    warning: str = ""  # an escalation warning to show, if any
    escalation: str = ""  # "", "warning", "review", "mute"

    @property
    def verdict(self) -> dict[str, Any]:
        return {**self.result.as_dict(), "status": self.status, "escalation": self.escalation}


def _actor_filter(user: Any, ip: str | None) -> dict[str, Any] | None:
    if user is not None and getattr(user, "is_authenticated", False):
        return {"user": user}
    if ip:
        return {"ip": ip, "user__isnull": True}
    return None


def moderation_command(
    *, text: str, user: Any = None, session_id: Any = None, ip: str | None = None
) -> CommandDecision:
    """Check a live director command, record the verdict, and escalate repeated blocks:
    a warning, then the session goes to review, then a temporary mute."""
    from moderation.models import Flag, ModerationEvent, Sanction

    suspended_or_muted = sanction_active(
        user=user, ip=ip, kinds=(Sanction.Kind.MUTE, Sanction.Kind.SUSPENSION)
    )
    if suspended_or_muted is not None:
        until = suspended_or_muted.until
        when = f" until {timezone.localtime(until):%H:%M} UTC" if until else ""
        what = "suspended" if suspended_or_muted.kind == Sanction.Kind.SUSPENSION else "muted"
        return CommandDecision(
            result=ModerationResult(verdict="block", reason=f"{what}{when}", context="command"),
            allowed=False,
            status="muted",
            message=f"You are {what}{when}: commands are paused. The world keeps running.",
            muted=True,
            muted_until=until,
        )

    result = moderation_check(text=text, context="command")
    user_obj = user if user is not None and getattr(user, "is_authenticated", False) else None
    session = _session(session_id)
    ModerationEvent.objects.create(
        context="command",
        text=(text or "")[:500],
        verdict=result.verdict,
        categories=result.categories,
        reason=result.reason[:300],
        user=user_obj,
        ip=ip,
        session=session,
    )
    if result.verdict == "allow":
        return CommandDecision(result=result, allowed=True, status="allowed", message="")
    if result.verdict == "flag":
        _flag_session(session, user_obj, text, result, Flag.Source.COMMAND)
        return CommandDecision(result=result, allowed=True, status="flagged", message="")

    # Blocked: escalate on repeats within the window.
    message = moderation_message(result)
    who = _actor_filter(user, ip)
    window = getattr(settings, "MODERATION_ESCALATION_WINDOW", 3600)
    blocks = 1
    if who is not None:
        blocks = ModerationEvent.objects.filter(
            **who,
            verdict="block",
            context="command",
            created_at__gte=timezone.now() - timedelta(seconds=window),
        ).count()
    warn_at = getattr(settings, "MODERATION_WARN_AFTER", 3)
    review_at = getattr(settings, "MODERATION_REVIEW_AFTER", 5)
    mute_at = getattr(settings, "MODERATION_MUTE_AFTER", 7)
    mute_seconds = getattr(settings, "MODERATION_MUTE_SECONDS", 15 * 60)
    escalation, warning, muted_until = "", "", None
    if blocks >= mute_at and who is not None:
        escalation = "mute"
        muted_until = timezone.now() + timedelta(seconds=mute_seconds)
        Sanction.objects.create(
            kind=Sanction.Kind.MUTE,
            user=user_obj,
            ip=None if user_obj else ip,
            until=muted_until,
            reason=f"{blocks} blocked commands within {window // 60} minutes",
        )
        warning = (
            f"Too many blocked commands: you are muted for {mute_seconds // 60} minutes. "
            "The world keeps running."
        )
        _flag_session(session, user_obj, text, result, Flag.Source.ESCALATION, bump=20)
    elif blocks >= review_at:
        escalation = "review"
        warning = "Repeated blocked commands: this session has been sent to a moderator for review."
        _flag_session(session, user_obj, text, result, Flag.Source.ESCALATION, bump=10)
    elif blocks >= warn_at:
        escalation = "warning"
        warning = (
            "Warning: several of your commands were blocked. More will send this session "
            "for review and pause your commands for a while."
        )
    if escalation and user_obj is not None:
        notify(user=user_obj, text=warning, link="")
    return CommandDecision(
        result=result,
        allowed=False,
        status="muted" if escalation == "mute" else "blocked",
        message=message + (f" {warning}" if warning else ""),
        muted=escalation == "mute",
        muted_until=muted_until,
        warning=warning,
        escalation=escalation,
    )


def _session(session_id: Any) -> Any:
    if not session_id:
        return None
    from worlds.models import PlaySession

    try:
        return PlaySession.objects.filter(pk=session_id).first()
    except (ValidationError, ValueError):
        return None


def _flag_session(
    session: Any, user: Any, text: str, result: ModerationResult, source: str, bump: int = 0
) -> None:
    from moderation.models import CaseStatus, Flag
    from worlds.models import PlaySession

    if session is None:
        return
    PlaySession.objects.filter(pk=session.pk).update(flagged=True)
    severity = min(200, result.severity + bump)
    existing = Flag.objects.filter(session=session, status=CaseStatus.OPEN, source=source).first()
    if existing is not None:
        if severity > existing.severity:
            Flag.objects.filter(pk=existing.pk).update(severity=severity, text=text[:500])
        return
    Flag.objects.create(
        source=source,
        session=session,
        world_id=session.world_id,
        user=user,
        text=(text or "")[:500],
        categories=result.categories,
        severity=severity,
    )
