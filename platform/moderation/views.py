"""Moderation pages: reports (anyone), notifications and appeals (signed-in users), and
the moderator queue, case pages, replay frames and audit log (moderators only; everyone
else gets a 404, so the pages do not reveal that they exist)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from moderation import selectors
from moderation.actions import ACTIONS, CaseRef, moderation_act, require_moderator
from moderation.appeals import appeal_create
from moderation.forms import ActionForm, AppealForm, ReportForm
from moderation.models import APPEALABLE_ACTIONS, Appeal, AuditLogEntry, Notification
from moderation.notifications import notifications_mark_read
from moderation.reports import report_create, report_target
from tidepool.net import client_ip


def _target_url(kind: str, target: dict[str, Any]) -> str:
    if kind == "world":
        return target["world"].get_absolute_url()
    if kind == "clip":
        return target["clip"].get_absolute_url()
    return reverse("watch", args=[target["session"].pk])


# Reports -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, kind: str, object_id: str) -> HttpResponse:
    target = report_target(kind=kind, object_id=object_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_create(
                kind=kind,
                object_id=object_id,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                reporter=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(None if field == "__all__" else field, errors)
        else:
            messages.success(request, "Thank you. A moderator will look at your report.")
            return redirect(_target_url(kind, target))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "moderation/report.html",
        {"form": form, "kind": kind, "label": target["label"], "back": _target_url(kind, target)},
        status=status,
    )


# Notifications and appeals --------------------------------------------------------------


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(user=request.user)[:100])
    appealed = set(
        Appeal.objects.filter(user=request.user).values_list("audit_entry_id", flat=True)
    )
    entries = {
        e.pk: e
        for e in AuditLogEntry.objects.filter(
            pk__in=[n.audit_entry_id for n in items if n.audit_entry_id]
        )
    }
    rows = []
    for item in items:
        entry = entries.get(item.audit_entry_id)
        rows.append(
            {
                "n": item,
                "can_appeal": entry is not None
                and entry.action in APPEALABLE_ACTIONS
                and entry.subject_user_id == request.user.pk
                and entry.pk not in appealed,
                "appealed": entry is not None and entry.pk in appealed,
            }
        )
    notifications_mark_read(user=request.user)  # the rows above keep showing which were new
    return render(request, "moderation/notifications.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = AuditLogEntry.objects.filter(pk=entry_id).first()
    if (
        entry is None
        or entry.subject_user_id != request.user.pk
        or entry.action not in APPEALABLE_ACTIONS
    ):
        raise Http404("There is no decision to appeal here.")
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_create(
                user=request.user, audit_entry_id=entry.pk, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(None if field == "__all__" else field, errors)
        else:
            messages.success(request, "Your appeal is with the moderators. You will be notified.")
            return redirect("moderation:notifications")
    return render(
        request,
        "moderation/appeal.html",
        {"form": form, "entry": entry},
        status=400 if request.method == "POST" else 200,
    )


# The moderator queue ----------------------------------------------------------------------


def _moderator(request: HttpRequest) -> None:
    require_moderator(request.user)


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    return render(request, "moderation/queue.html", {"items": selectors.queue_items()})


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    return render(request, "moderation/audit.html", {"entries": AuditLogEntry.objects.all()[:200]})


@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, kind: str, case_id: int) -> HttpResponse:
    _moderator(request)
    obj = selectors.case_get(kind=kind, case_id=case_id)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation_act(
                moderator=request.user,
                case=CaseRef(kind, case_id),
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
                snapshot_slug=form.cleaned_data.get("snapshot") or "",
                suspend_days=form.cleaned_data.get("days"),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Done: {ACTIONS[form.cleaned_data['action']].lower()}.")
            return redirect("moderation:queue")
    context = _case_context(kind, obj)
    context["form"] = form
    return render(
        request, "moderation/case.html", context, status=400 if request.method == "POST" else 200
    )


def _case_context(kind: str, obj: Any) -> dict[str, Any]:
    from worlds.live.replay import session_end_tick

    context: dict[str, Any] = {"kind": kind, "case": obj}
    session = getattr(obj, "session", None)
    world = getattr(obj, "world", None)
    context["clip"] = getattr(obj, "clip", None)
    if kind == "appeal":
        entry = AuditLogEntry.objects.filter(pk=obj.audit_entry_id).first()
        context["entry"] = entry
    if session is not None:
        world = session.world
        start = (
            session.start_snapshot.tick
            if session.start_snapshot_id and session.start_snapshot
            else 0
        )
        end = session_end_tick(session)
        log = selectors.session_command_log(session=session)
        flagged_ticks = sorted(
            {
                row["frame_tick"]
                for row in log
                if row["verdict"] == "flag"
                and row["frame_tick"]
                and start < row["frame_tick"] <= end
            }
        )
        context.update(
            session=session,
            log=log,
            replay_start=start + 1 if end > start else None,
            replay_end=end,
            flagged_ticks=flagged_ticks,
            other_cases=[f for f in session.flags.all() if not (kind == "flag" and f.pk == obj.pk)],
        )
    if world is not None:
        context["world"] = world
        context["snapshots"] = list(
            world.snapshots.filter(is_autosave=False).order_by("-created_at")[:20]
        )
    return context


@require_GET
def replay_frame(request: HttpRequest, session_id: Any, tick: int) -> HttpResponse:
    """One frame of a session's exact replay, as the JPEG the player was streamed."""
    _moderator(request)
    from worlds.live.replay import frame_jpeg, replay_cursor
    from worlds.models import PlaySession

    session = (
        PlaySession.objects.select_related("world", "start_snapshot", "last_snapshot")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    cursor = replay_cursor(session)
    try:
        frame = cursor.frame_at(tick)
    except ValueError as error:
        raise Http404(str(error)) from error
    response = HttpResponse(frame_jpeg(frame), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
