"""The append-only audit log: every moderator action, with its note."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


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
