"""The moderator queue and case pages, reports, notifications and appeals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation.commands import moderation_command
from moderation.models import Appeal, AuditLogEntry, Flag, Notification, Report
from tests.factories import SnapshotFactory, UserFactory, WorldFactory
from worlds.live.services import session_start
from worlds.models import Command, ModerationStatus

pytestmark = pytest.mark.django_db

PAGES = ["moderation:queue", "moderation:audit"]


@pytest.fixture
def flagged_session():
    player = UserFactory(username="player")
    world = WorldFactory(title="Night market")
    session = session_start(world=world, player=player)
    moderation_command(text="fuck this weather", user=player, session_id=session.pk)
    Command.objects.create(
        session=session,
        tick=12,
        text="fuck this weather",
        verdict={"verdict": "flag", "categories": {"harassment": 0.55}},
        result={"status": "not_understood", "actions": []},
    )
    moderation_command(text="behead the hostages", user=player, session_id=session.pk)
    return session


@pytest.mark.parametrize("page", PAGES)
def test_everyone_but_moderators_gets_a_404(page, client, flagged_session):
    url = reverse(page)
    assert client.get(url).status_code == 404  # anonymous
    user = UserFactory()
    client.force_login(user)
    assert client.get(url).status_code == 404  # signed in
    user.is_staff = True
    user.save()
    assert client.get(url).status_code == 404  # staff without the permission
    flag = Flag.objects.first()
    assert client.get(reverse("moderation:case", args=["flag", flag.pk])).status_code == 404
    frame = reverse("moderation:replay-frame", args=[flagged_session.pk, 1])
    assert client.get(frame).status_code == 404
    user.user_permissions.add(Permission.objects.get(codename="review"))
    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    client.force_login(user)
    assert client.get(url).status_code == 200


def test_the_queue_lists_flags_and_reports_by_severity_then_age(moderator_client, flagged_session):
    old = Report.objects.create(
        kind="world",
        object_id="x",
        world=flagged_session.world,
        reason="spam",
        severity=15,
        created_at=timezone.now() - timedelta(days=2),
    )
    minors = Report.objects.create(
        kind="world",
        object_id="y",
        world=flagged_session.world,
        reason="sexual/minors",
        severity=100,
    )
    response = moderator_client.get(reverse("moderation:queue"))
    items = response.context["items"]
    assert items[0].obj == minors and items[-1].obj == old
    assert [i.severity for i in items] == sorted((i.severity for i in items), reverse=True)
    assert b"Night market" in response.content


def test_the_case_page_shows_the_command_log_with_verdicts(moderator_client, flagged_session):
    flag = Flag.objects.get(source=Flag.Source.COMMAND)
    response = moderator_client.get(reverse("moderation:case", args=["flag", flag.pk]))
    assert response.status_code == 200
    log = response.context["log"]
    assert [(row["text"], row["verdict"]) for row in log] == [
        ("fuck this weather", "flag"),
        ("behead the hostages", "block"),
    ]
    assert response.context["flagged_ticks"] == [13]  # the frame after the command at tick 12
    assert b"never reached the world" in response.content


def test_an_action_needs_a_note_and_bad_input_changes_nothing(moderator_client, flagged_session):
    flag = Flag.objects.get(source=Flag.Source.COMMAND)
    url = reverse("moderation:case", args=["flag", flag.pk])
    response = moderator_client.post(url, {"action": "hide_world", "note": ""})
    assert response.status_code == 400
    assert b"needs a note" in response.content
    assert moderator_client.post(url, {"action": "teleport", "note": "x"}).status_code == 400
    assert (
        moderator_client.post(
            url, {"action": "suspend_user", "note": "x", "days": "-3"}
        ).status_code
        == 400
    )
    flagged_session.world.refresh_from_db()
    assert flagged_session.world.moderation_status == ModerationStatus.OK
    assert not AuditLogEntry.objects.exists()


def test_hiding_a_world_is_audited_notifies_the_owner_who_can_appeal(
    moderator_client, flagged_session
):
    world = flagged_session.world
    flag = Flag.objects.get(source=Flag.Source.COMMAND)
    response = moderator_client.post(
        reverse("moderation:case", args=["flag", flag.pk]),
        {"action": "hide_world", "note": "Gore in a public world."},
    )
    assert response.status_code == 302
    world.refresh_from_db()
    assert world.moderation_status == ModerationStatus.HIDDEN
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.note, entry.actor_name) == (
        "hide_world",
        "Gore in a public world.",
        "mod",
    )

    # The world's creator is notified and can appeal.
    owner = world.owner
    note = Notification.objects.get(user=owner, audit_entry=entry)
    creator = Client()
    creator.force_login(owner)
    page = creator.get(reverse("moderation:notifications"))
    assert b"Appeal this decision" in page.content
    bad = creator.post(reverse("moderation:appeal", args=[entry.pk]), {"text": "no"})
    assert bad.status_code == 400
    creator.post(
        reverse("moderation:appeal", args=[entry.pk]),
        {"text": "This was a horror story with no real gore in it."},
    )
    appeal = Appeal.objects.get()
    assert note.audit_entry_id == appeal.audit_entry_id

    # The appeal shows in the queue; granting it reverses the decision.
    items = moderator_client.get(reverse("moderation:queue")).context["items"]
    assert any(i.kind == "appeal" for i in items)
    moderator_client.post(
        reverse("moderation:case", args=["appeal", appeal.pk]),
        {"action": "grant_appeal", "note": "Fair: fiction, not gore."},
    )
    world.refresh_from_db()
    assert world.moderation_status == ModerationStatus.OK
    appeal.refresh_from_db()
    assert appeal.status == "granted"
    assert AuditLogEntry.objects.count() == 2


def test_a_stranger_cannot_appeal_someone_elses_decision(moderator, flagged_session):
    from moderation.actions import CaseRef, moderation_act

    flag = Flag.objects.get(source=Flag.Source.COMMAND)
    entry = moderation_act(
        moderator=moderator,
        case=CaseRef("flag", flag.pk),
        action="warn_user",
        note="Keep it civil.",
    )
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(reverse("moderation:appeal", args=[entry.pk])).status_code == 404


def test_removing_a_snapshot_and_suspending_a_user(moderator, flagged_session):
    from moderation.actions import CaseRef, moderation_act
    from moderation.sanctions import user_is_suspended

    snapshot = SnapshotFactory(world=flagged_session.world)
    flag = Flag.objects.get(source=Flag.Source.COMMAND)
    moderation_act(
        moderator=moderator,
        case=CaseRef("flag", flag.pk),
        action="remove_snapshot",
        note="Offensive sign in the scene.",
        snapshot_slug=snapshot.slug,
    )
    assert not flagged_session.world.snapshots.filter(pk=snapshot.pk).exists()
    escalation = Flag.objects.get(source=Flag.Source.COMMAND)
    assert escalation.status == "actioned"
    other = Flag.objects.create(
        source="command", session=flagged_session, world=flagged_session.world
    )
    moderation_act(
        moderator=moderator,
        case=CaseRef("flag", other.pk),
        action="suspend_user",
        note="Repeated gore.",
        suspend_days=3,
    )
    assert user_is_suspended(user=flagged_session.player)
    assert moderation_command(text="make it rain", user=flagged_session.player).status == "muted"


def test_anyone_can_report_a_world_with_a_reason_and_reports_are_rate_limited(client):
    world = WorldFactory(title="Sunny bay")
    url = reverse("moderation:report", args=["world", world.slug])
    page = client.get(url)
    assert page.status_code == 200 and b"Sunny bay" in page.content
    assert client.post(url, {"reason": "made-up"}).status_code == 400
    response = client.post(url, {"reason": "hate", "details": "A hateful sign."})
    assert response.status_code == 302 and response["Location"] == world.get_absolute_url()
    report = Report.objects.get()
    assert (report.kind, report.reason, report.reporter, report.world) == (
        "world",
        "hate",
        None,
        world,
    )
    again = client.post(url, {"reason": "hate"})
    assert again.status_code == 400 and b"already reported" in again.content
    for _ in range(6):
        other = WorldFactory()
        client.post(reverse("moderation:report", args=["world", other.slug]), {"reason": "spam"})
    assert Report.objects.count() == 5  # five an hour for anonymous reporters


def test_reporting_a_session_flags_it_and_unknown_targets_are_404(client):
    session = session_start(world=WorldFactory(), player=UserFactory())
    client.post(reverse("moderation:report", args=["session", session.pk]), {"reason": "sexual"})
    session.refresh_from_db()
    assert session.flagged
    assert client.get(reverse("moderation:report", args=["session", "nope"])).status_code == 404
    assert client.get(reverse("moderation:report", args=["planet", "x"])).status_code == 404
    assert client.get(reverse("moderation:report", args=["clip", "missing"])).status_code == 404


def test_the_replay_frame_endpoint_serves_a_jpeg_of_the_session(moderator_client, settings):
    settings.INFERENCE_RESOLUTION = "64x36"
    player = UserFactory()
    session = session_start(world=WorldFactory(), player=player)
    Command.objects.create(
        session=session,
        tick=2,
        text="make it rain",
        verdict={"verdict": "flag"},
        result={"status": "applied", "actions": []},
    )
    response = moderator_client.get(reverse("moderation:replay-frame", args=[session.pk, 3]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content[:2] == b"\xff\xd8"
    assert (
        moderator_client.get(reverse("moderation:replay-frame", args=[session.pk, 99])).status_code
        == 404
    )
