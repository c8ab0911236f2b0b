"""Moderator actions on a queue case (dismiss, hide, remove a snapshot, warn, suspend,
grant or deny an appeal). Each needs a note and appends to the audit log; the owner of
the content is notified and can appeal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from moderation.audit_log import audit_log_append
from moderation.notifications import notify

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
