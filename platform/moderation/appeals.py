"""Appeals against moderator decisions, by the user the decision was about."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError


def appeal_create(*, user: Any, audit_entry_id: int, text: str) -> Any:
    from moderation.models import APPEALABLE_ACTIONS, Appeal, AuditLogEntry

    if user is None or not user.is_authenticated:
        raise PermissionDenied("Log in to appeal.")
    entry = AuditLogEntry.objects.filter(pk=audit_entry_id).first()
    if entry is None or entry.subject_user_id != user.pk or entry.action not in APPEALABLE_ACTIONS:
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
