from __future__ import annotations

from django import forms

from moderation.actions import ACTIONS
from moderation.models import ReportReason


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=ReportReason.choices, label="What is wrong?")
    details = forms.CharField(
        required=False,
        max_length=1000,
        label="Details",
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "What happened, and when (optional)"}
        ),
    )


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    note = forms.CharField(
        max_length=2000,
        label="Note (kept in the audit log)",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Why this decision"}),
        error_messages={"required": "Every moderator action needs a note."},
    )
    snapshot = forms.CharField(required=False, max_length=16, label="Snapshot to remove")
    days = forms.IntegerField(
        required=False, min_value=0, max_value=3650, label="Suspend for (days, 0 = indefinitely)"
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        min_length=10,
        max_length=2000,
        label="Why should this decision be reversed?",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
