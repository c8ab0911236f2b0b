"""Moderation services.

`moderation_check` is the single gate every prompt, character, title, description and
director command passes; `moderation_check_image` checks uploads for nudity. Both are
offline: rules, alt-profanity-check's shipped classifier, and MiniLM similarity to
exemplars (see moderation/checks/). `moderation_command` wraps the text check for live
commands with the verdict log and escalation (warning, review, temporary mute).

Moderator actions (dismiss, hide, remove a snapshot, warn, suspend) each need a note and
append to the audit log; the owner of the content is notified and can appeal.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from moderation.checks import CATEGORIES
from tidepool.net import client_ip  # noqa: F401  (re-exported for callers)

log = logging.getLogger(__name__)

Verdict = Literal["allow", "flag", "block"]

BLOCK_AT = 0.85
FLAG_AT = 0.5
MAX_CHECK_CHARS = 100_000
CHUNK_WORDS = 60  # MiniLM reads 128 tokens; long texts are checked in pieces
MAX_CHUNKS = 24  # beyond ~700 words the rules and classifier still read everything
SEVERITY = {
    "sexual/minors": 100,
    "violence/graphic": 80,
    "self-harm": 80,
    "hate": 70,
    "illicit": 60,
    "sexual": 50,
    "harassment": 40,
}
CATEGORY_NAMES = {
    "sexual": "sexual content",
    "sexual/minors": "sexual content involving minors",
    "violence/graphic": "graphic violence",
    "hate": "hate",
    "harassment": "harassment",
    "self-harm": "self-harm",
    "illicit": "illegal activity",
}
SECOND_PERSON = re.compile(r"\b(?:you|u|ur|your|youre|yourself|ya)\b")


@dataclass(frozen=True)
class ModerationResult:
    verdict: Verdict
    categories: dict[str, float] = field(default_factory=dict)  # the categories that count
    reason: str = ""
    scores: dict[str, float] = field(default_factory=dict)  # every category, 0..1
    parts: tuple[str, ...] = ()  # the words of the text that tripped the check
    signals: tuple[str, ...] = ()  # which checks fired ("rules", "classifier", "embeddings")
    context: str = ""
    elapsed_ms: float = 0.0

    @property
    def allowed(self) -> bool:
        return self.verdict != "block"

    @property
    def top_category(self) -> str:
        if not self.categories:
            return ""
        return max(self.categories, key=lambda c: (self.categories[c], SEVERITY.get(c, 0)))

    @property
    def severity(self) -> int:
        return max((SEVERITY.get(c, 30) for c in self.categories), default=0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "categories": self.categories,
            "reason": self.reason,
            "parts": list(self.parts),
            "signals": list(self.signals),
        }


ALLOW = ModerationResult(verdict="allow")


# The text check ---------------------------------------------------------------------------


def moderation_check(*, text: str, context: str) -> ModerationResult:
    """Check `text` typed in `context` ("prompt", "character", "title", "description",
    "command", "script", "report"...). Never raises for odd text; raises TypeError when
    given something that is not text."""
    started = time.perf_counter()
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise TypeError(f"moderation_check needs text, not {type(text).__name__}.")
    if not text.strip():
        return ModerationResult(verdict="allow", context=context)
    if len(text) > MAX_CHECK_CHARS:
        return _with_time(
            ModerationResult(
                verdict="block",
                reason=f"too long to check (over {MAX_CHECK_CHARS} characters)",
                context=context,
            ),
            started,
        )
    scores, parts, signals = _score(text)
    result = _decide(scores, parts, signals, context)
    return _with_time(result, started)


def _score(text: str) -> tuple[dict[str, float], list[str], list[str]]:
    from moderation.checks.classifier import profanity
    from moderation.checks.normalise import normalise
    from moderation.checks.rules import benign_remainder, rule_scores

    norm = normalise(text)
    rules, hits = rule_scores(norm)
    signals: list[str] = ["rules"] if rules else []
    scores = {c: rules.get(c, 0.0) for c in CATEGORIES}

    remainder = benign_remainder(norm)
    offensive = profanity(norm.words) if remainder else 0.0
    targeted = bool(SECOND_PERSON.search(norm.words))
    if offensive >= 0.9:
        signals.append("classifier")
        harassment = 0.9 if (targeted and offensive >= 0.97) else 0.55
        scores["harassment"] = max(scores["harassment"], harassment)

    embedded = _embedding_scores(remainder) if remainder else {}
    if embedded:
        signals.append("embeddings")
    for category, score in embedded.items():
        boosted = score
        if offensive >= 0.8 and (
            category in ("hate", "sexual") or (category == "harassment" and targeted)
        ):
            boosted = min(1.0, score + 0.2)
        if rules.get(category, 0.0) >= FLAG_AT and score >= FLAG_AT:
            boosted = max(boosted, 0.9)  # two independent signals agree
        scores[category] = max(scores[category], boosted)

    parts = _offending_parts(text, [hit.matched for hit in hits])
    return scores, parts, signals


def _embedding_scores(text: str) -> dict[str, float]:
    from moderation.checks.embeddings import embedding_scores

    words = text.split()
    if len(words) <= CHUNK_WORDS:
        return embedding_scores(text)
    best: dict[str, float] = {}
    step = CHUNK_WORDS // 2
    for start in range(0, min(len(words) - step, MAX_CHUNKS * step), step):
        for category, score in embedding_scores(
            " ".join(words[start : start + CHUNK_WORDS])
        ).items():
            best[category] = max(best.get(category, 0.0), score)
    return best


def _decide(
    scores: dict[str, float], parts: list[str], signals: list[str], context: str
) -> ModerationResult:
    counted = {c: round(s, 3) for c, s in scores.items() if s >= FLAG_AT}
    top = max(counted.values(), default=0.0)
    if not counted:
        verdict: Verdict = "allow"
    elif top >= BLOCK_AT or counted.get("sexual/minors", 0.0) >= FLAG_AT:
        verdict = "block"
    else:
        verdict = "flag"
    reason = ""
    if counted:
        names = ", ".join(CATEGORY_NAMES[c] for c in sorted(counted, key=counted.get, reverse=True))
        reason = names
    return ModerationResult(
        verdict=verdict,
        categories=counted,
        reason=reason,
        scores={c: round(s, 3) for c, s in scores.items()},
        parts=tuple(parts),
        signals=tuple(signals),
        context=context,
    )


def _offending_parts(text: str, matched: list[str]) -> list[str]:
    """Map what the rules matched (normalised words) back to words of the original."""
    if not matched:
        return []
    from moderation.checks.normalise import normalise

    wanted = {word for m in matched for word in m.split()}
    tokens = re.findall(r"\S+", text)
    parts: list[str] = []
    run: list[str] = []
    for token in tokens:
        norm = normalise(token)
        if norm.squeezed and any(w in wanted for w in norm.squeezed.split()):
            run.append(token)
        elif run:
            parts.append(" ".join(run))
            run = []
    if run:
        parts.append(" ".join(run))
    if not parts:  # spaced-out letters and the like: the matches are the best we have
        parts = list(dict.fromkeys(matched))
    return parts[:5]


def _with_time(result: ModerationResult, started: float) -> ModerationResult:
    from dataclasses import replace

    return replace(result, elapsed_ms=round((time.perf_counter() - started) * 1000, 2))


def moderation_warm() -> None:
    """Load the classifier and MiniLM exemplars now (about 5 s on a small CPU) rather
    than on the first command. Safe to call from a background thread."""
    from moderation.checks.classifier import load
    from moderation.checks.embeddings import warm

    load()
    warm()


def moderation_message(result: ModerationResult, *, what: str = "command") -> str:
    """What to tell the user: which part was blocked, and in which category."""
    if result.verdict == "allow":
        return ""
    category = CATEGORY_NAMES.get(result.top_category, "our rules")
    part = f" “{result.parts[0]}”" if result.parts else ""
    if result.verdict == "block":
        return f"Blocked: this {what}{' has' if part else ''}{part} ({category})."
    return f"Flagged for review: this {what}{' has' if part else ''}{part} ({category})."


def moderation_check_image(*, data: bytes) -> ModerationResult:
    """Check uploaded image bytes for explicit nudity with NudeNet's bundled model."""
    from moderation.checks.image import UnreadableImage, nudity_score

    started = time.perf_counter()
    try:
        score, findings = nudity_score(data)
    except UnreadableImage as error:
        return _with_time(
            ModerationResult(verdict="block", reason=str(error), context="image"), started
        )
    block_at = getattr(settings, "MODERATION_IMAGE_BLOCK_AT", 0.6)
    flag_at = getattr(settings, "MODERATION_IMAGE_FLAG_AT", 0.4)
    if score >= block_at:
        verdict: Verdict = "block"
    elif score >= flag_at:
        verdict = "flag"
    else:
        verdict = "allow"
    categories = {"sexual": round(score, 3)} if verdict != "allow" else {}
    labels = tuple(sorted({f.label.lower().replace("_", " ") for f in findings}))
    return _with_time(
        ModerationResult(
            verdict=verdict,
            categories=categories,
            reason="nudity" + (f" ({', '.join(labels)})" if labels else "") if categories else "",
            scores={"sexual": round(score, 3)},
            parts=labels,
            signals=("image",),
            context="image",
        ),
        started,
    )


def moderation_check_script(*, script: Any) -> ModerationResult:
    """Check every command in a clip script (a list of timed entries or {"commands":
    [...]}, each with "text"). The worst verdict wins; the parts name the commands."""
    entries = (
        script.get("commands", script.get("events", [])) if isinstance(script, dict) else script
    )
    if not isinstance(entries, list):
        raise ValidationError({"script": ["A clip script must be a list of timed commands."]})
    worst = ModerationResult(verdict="allow", context="script")
    order = {"allow": 0, "flag": 1, "block": 2}
    for entry in entries:
        text = entry.get("text", "") if isinstance(entry, dict) else entry
        if not isinstance(text, str) or not text.strip():
            continue
        result = moderation_check(text=text, context="script")
        if order[result.verdict] > order[worst.verdict] or (
            result.verdict == worst.verdict and result.severity > worst.severity
        ):
            from dataclasses import replace

            worst = replace(result, parts=(text[:120],))
    return worst


# Rate limits -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimit:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window resets (0 when allowed)


def rate_limit_check(*, key: str, limit: int, window: int) -> RateLimit:
    """Count one use of `key` in a fixed window of `window` seconds (Django's cache, so
    shared between processes on Redis). Allowed while the count is ≤ limit."""
    if limit <= 0 or window <= 0:
        raise ValueError("A rate limit needs a positive limit and window.")
    slot = int(time.time() // window)
    cache_key = f"ratelimit:{key}:{window}:{slot}"
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 1)
            count = 1
    retry = 0 if count <= limit else int((slot + 1) * window - time.time()) + 1
    return RateLimit(allowed=count <= limit, count=count, limit=limit, retry_after=retry)


def rate_limit_keys(*, scope: str, user: Any, ip: str | None) -> list[str]:
    keys = []
    if user is not None and getattr(user, "is_authenticated", False):
        keys.append(f"{scope}:user:{user.pk}")
    if ip:
        keys.append(f"{scope}:ip:{ip}")
    return keys


def rate_limit_command(*, user: Any, ip: str | None) -> RateLimit:
    """Director commands: per user and per IP."""
    return _limit_all(
        "command",
        user,
        ip,
        getattr(settings, "MODERATION_COMMANDS_PER_MINUTE", 30),
        60,
    )


def rate_limit_world_create(*, user: Any, ip: str | None) -> RateLimit:
    """World creation: per user and per IP, per hour."""
    return _limit_all(
        "world-create",
        user,
        ip,
        getattr(settings, "MODERATION_WORLDS_PER_HOUR", 20),
        3600,
    )


def _limit_all(scope: str, user: Any, ip: str | None, limit: int, window: int) -> RateLimit:
    worst = RateLimit(True, 0, limit, 0)
    for key in rate_limit_keys(scope=scope, user=user, ip=ip):
        result = rate_limit_check(key=key, limit=limit, window=window)
        if not result.allowed or result.count > worst.count:
            worst = result if (not result.allowed or worst.allowed) else worst
    return worst


# Live commands: verdicts and escalation --------------------------------------------------


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


# Reports ----------------------------------------------------------------------------------

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


# Moderator actions -------------------------------------------------------------------------

ACTIONS = {
    "dismiss": "Dismiss",
    "hide_world": "Hide the world",
    "hide_clip": "Hide the clip",
    "remove_snapshot": "Remove a snapshot",
    "warn_user": "Warn the user",
    "suspend_user": "Suspend the user",
    "grant_appeal": "Grant the appeal",
    "deny_appeal": "Deny the appeal",
}


def is_moderator(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm("moderation.review")
    )


def require_moderator(user: Any) -> None:
    from django.http import Http404

    if not is_moderator(user):
        raise Http404("Page not found.")


def audit_log_append(
    *,
    actor: Any,
    action: str,
    target_kind: str,
    target_id: Any,
    note: str,
    target_label: str = "",
    subject_user_id: int | None = None,
    details: dict | None = None,
) -> Any:
    from moderation.models import AuditLogEntry

    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ["Every moderator action needs a note."]})
    return AuditLogEntry.objects.create(
        actor=actor,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        target_kind=target_kind,
        target_id=str(target_id),
        target_label=target_label[:200],
        subject_user_id=subject_user_id,
        note=note[:2000],
        details=details or {},
    )


def notify(*, user: Any, text: str, link: str = "", audit_entry: Any = None) -> Any:
    from moderation.models import Notification

    if user is None or not getattr(user, "pk", None):
        return None
    return Notification.objects.create(
        user=user, text=text[:500], link=link[:300], audit_entry=audit_entry
    )


@dataclass(frozen=True)
class CaseRef:
    kind: str  # "flag", "report" or "appeal"
    id: int


@transaction.atomic
def moderation_act(
    *,
    moderator: Any,
    case: CaseRef,
    action: str,
    note: str,
    snapshot_slug: str = "",
    suspend_days: int | None = None,
) -> Any:
    """Apply one moderator action to a queue case. Returns the audit log entry."""
    from moderation.models import (
        Appeal,
        CaseStatus,
        Flag,
        HiddenItem,
        Report,
        Sanction,
    )
    from worlds.models import ModerationStatus, Snapshot, World

    require_moderator(moderator)
    if action not in ACTIONS:
        raise ValidationError({"action": ["Choose one of the listed actions."]})
    if not (note or "").strip():
        raise ValidationError({"note": ["Every moderator action needs a note."]})
    model = {"flag": Flag, "report": Report, "appeal": Appeal}.get(case.kind)
    if model is None:
        raise ValidationError({"case": ["Unknown case."]})
    item = model.objects.select_for_update().filter(pk=case.id).first()
    if item is None:
        from django.http import Http404

        raise Http404("No such case.")
    world, clip, session, subject = _case_targets(item)
    details: dict[str, Any] = {"case": f"{case.kind}:{case.id}"}
    now = timezone.now()
    text_for_user = ""
    target_kind, target_id, label = case.kind, str(case.id), ""

    if action in ("grant_appeal", "deny_appeal"):
        if case.kind != "appeal":
            raise ValidationError({"action": ["Only appeals can be granted or denied."]})
        entry = _appeal_entry(item)
        granted = action == "grant_appeal"
        if granted:
            _undo(entry)
        Appeal.objects.filter(pk=item.pk).update(
            status=Appeal.Status.GRANTED if granted else Appeal.Status.DENIED, resolved_at=now
        )
        target_kind, target_id, label = entry.target_kind, entry.target_id, entry.target_label
        details["appeal_of"] = entry.pk
        text_for_user = (
            f"Your appeal about “{label}” was granted; the decision is reversed."
            if granted
            else f"Your appeal about “{label}” was reviewed and the decision stands."
        )
    elif action == "dismiss":
        text_for_user = ""
    elif action == "hide_world":
        if world is None:
            raise ValidationError({"action": ["This case has no world to hide."]})
        details["previous_status"] = world.moderation_status
        World.objects.filter(pk=world.pk).update(moderation_status=ModerationStatus.HIDDEN)
        target_kind, target_id, label = "world", world.slug, world.title
        subject = world.owner  # the creator is told, and can appeal
        text_for_user = f"Your world “{world.title}” was hidden by a moderator."
    elif action == "hide_clip":
        if clip is None:
            raise ValidationError({"action": ["This case has no clip to hide."]})
        HiddenItem.objects.get_or_create(kind="clip", object_id=clip.slug)
        target_kind, target_id, label = "clip", clip.slug, str(clip)
        subject = clip.owner
        text_for_user = f"Your clip “{clip}” was hidden by a moderator."
    elif action == "remove_snapshot":
        if world is None:
            raise ValidationError({"action": ["This case has no world."]})
        snapshot = Snapshot.objects.filter(world=world, slug=snapshot_slug).first()
        if snapshot is None:
            raise ValidationError({"snapshot": ["Choose a snapshot of this world."]})
        details["snapshot"] = {
            "slug": snapshot.slug,
            "tick": snapshot.tick,
            "label": snapshot.label,
        }
        target_kind, target_id, label = "snapshot", snapshot.slug, f"{world.title}: {snapshot}"
        subject = world.owner
        if world.published_snapshot_id == snapshot.pk:
            World.objects.filter(pk=world.pk).update(published_snapshot=None)
        snapshot.delete()
        text_for_user = f"A snapshot of your world “{world.title}” was removed by a moderator."
    elif action in ("warn_user", "suspend_user"):
        if subject is None:
            raise ValidationError({"action": ["This case has no signed-in user to act on."]})
        target_kind, target_id, label = "user", str(subject.pk), subject.username
        if action == "warn_user":
            Sanction.objects.create(
                kind=Sanction.Kind.WARNING, user=subject, reason=note[:300], by=moderator
            )
            text_for_user = f"A moderator warned you: {note.strip()[:300]}"
        else:
            days = (
                suspend_days
                if suspend_days is not None
                else getattr(settings, "MODERATION_SUSPEND_DAYS", 7)
            )
            if not isinstance(days, int) or not 0 <= days <= 3650:
                raise ValidationError({"days": ["Suspend for 0 (indefinitely) to 3650 days."]})
            until = now + timedelta(days=days) if days else None
            sanction = Sanction.objects.create(
                kind=Sanction.Kind.SUSPENSION,
                user=subject,
                until=until,
                reason=note[:300],
                by=moderator,
            )
            details["sanction"] = sanction.pk
            details["until"] = until.isoformat() if until else None
            when = f" until {until:%Y-%m-%d}" if until else ""
            text_for_user = f"Your account is suspended{when}: {note.strip()[:300]}"

    # Close the case (appeals are closed above).
    if case.kind in ("flag", "report"):
        status = CaseStatus.DISMISSED if action == "dismiss" else CaseStatus.ACTIONED
        model.objects.filter(pk=item.pk).update(status=status, resolved_at=now)
        # Dismissing a session's last open case clears the session's flag.
        if session is not None and action == "dismiss":
            from worlds.models import PlaySession

            still_open = Flag.objects.filter(session=session, status=CaseStatus.OPEN).exists() or (
                Report.objects.filter(session=session, status=CaseStatus.OPEN).exists()
            )
            if not still_open:
                PlaySession.objects.filter(pk=session.pk).update(flagged=False)
    entry = audit_log_append(
        actor=moderator,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        target_label=label,
        note=note,
        details=details,
        subject_user_id=subject.pk if subject is not None else None,
    )
    if text_for_user and subject is not None:
        notify(
            user=subject,
            text=text_for_user,
            audit_entry=entry,
            link=world.get_absolute_url() if world is not None and not world.is_deleted else "",
        )
    return entry


def _case_targets(item: Any) -> tuple[Any, Any, Any, Any]:
    """(world, clip, session, user whose content it is) for a flag, report or appeal."""
    from django.contrib.auth import get_user_model

    from moderation.models import Appeal

    if isinstance(item, Appeal):
        return None, None, None, item.user
    world = getattr(item, "world", None)
    clip = getattr(item, "clip", None)
    session = getattr(item, "session", None)
    subject = None
    if session is not None and session.player_id:
        subject = session.player
    elif clip is not None and clip.owner_id:
        subject = clip.owner
    elif world is not None and world.owner_id:
        subject = world.owner
    elif getattr(item, "user_id", None):
        subject = get_user_model().objects.filter(pk=item.user_id).first()
    return world, clip, session, subject


def _appeal_entry(appeal: Any) -> Any:
    from moderation.models import AuditLogEntry

    return AuditLogEntry.objects.get(pk=appeal.audit_entry_id)


def _undo(entry: Any) -> None:
    """Reverse a decision when its appeal is granted (what can be reversed)."""
    from moderation.models import HiddenItem, Sanction
    from worlds.models import ModerationStatus, World

    if entry.action == "hide_world":
        World.objects.filter(slug=entry.target_id).update(
            moderation_status=entry.details.get("previous_status") or ModerationStatus.OK
        )
    elif entry.action == "hide_clip":
        HiddenItem.objects.filter(kind="clip", object_id=entry.target_id).delete()
    elif entry.action == "suspend_user" and entry.details.get("sanction"):
        Sanction.objects.filter(pk=entry.details["sanction"]).update(lifted_at=timezone.now())


APPEALABLE = ("hide_world", "hide_clip", "remove_snapshot", "warn_user", "suspend_user")


def appeal_create(*, user: Any, audit_entry_id: int, text: str) -> Any:
    from moderation.models import Appeal, AuditLogEntry

    if user is None or not user.is_authenticated:
        raise PermissionDenied("Log in to appeal.")
    entry = AuditLogEntry.objects.filter(pk=audit_entry_id).first()
    if entry is None or entry.subject_user_id != user.pk or entry.action not in APPEALABLE:
        from django.http import Http404

        raise Http404("There is no decision to appeal here.")
    text = (text or "").strip()
    if len(text) < 10:
        raise ValidationError({"text": ["Tell the moderators why, in a sentence or two."]})
    if len(text) > 2000:
        raise ValidationError({"text": ["Keep the appeal under 2000 characters."]})
    if Appeal.objects.filter(user=user, audit_entry_id=entry.pk).exists():
        raise ValidationError({"__all__": ["You have already appealed this decision."]})
    return Appeal.objects.create(user=user, audit_entry_id=entry.pk, text=text)


def notifications_mark_read(*, user: Any) -> int:
    from moderation.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def clip_is_hidden(*, clip: Any) -> bool:
    from moderation.models import HiddenItem

    return HiddenItem.objects.filter(kind="clip", object_id=clip.slug).exists()


def hidden_clip_slugs() -> Any:
    """Slugs of clips that moderators have hidden (a subquery for listings)."""
    from moderation.models import HiddenItem

    return HiddenItem.objects.filter(kind="clip").values("object_id")
