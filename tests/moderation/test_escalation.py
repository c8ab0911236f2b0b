"""Live commands: verdicts are recorded, flags reach the session, repeated blocks escalate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from moderation.commands import moderation_command
from moderation.models import Flag, ModerationEvent, Notification, Sanction
from moderation.rate_limits import rate_limit_check
from tests.factories import UserFactory, WorldFactory
from worlds.live.services import session_start
from worlds.models import PlaySession

pytestmark = pytest.mark.django_db


@pytest.fixture
def player():
    return UserFactory(username="player")


@pytest.fixture
def session(player):
    return session_start(world=WorldFactory(), player=player)


def test_an_allowed_command_goes_through_and_is_logged(player, session):
    decision = moderation_command(
        text="make it rain", user=player, session_id=session.pk, ip="10.0.0.1"
    )
    assert decision.allowed and decision.status == "allowed" and decision.message == ""
    event = ModerationEvent.objects.get()
    assert (event.verdict, event.user, event.session_id) == ("allow", player, session.pk)


def test_a_flagged_command_applies_and_flags_the_session(player, session):
    decision = moderation_command(text="fuck this weather", user=player, session_id=session.pk)
    assert decision.allowed and decision.status == "flagged"
    session.refresh_from_db()
    assert session.flagged
    assert Flag.objects.get().source == Flag.Source.COMMAND


def test_a_blocked_command_says_which_part_and_category_and_the_session_goes_on(player, session):
    decision = moderation_command(
        text="make it rain, then behead the hostages", user=player, session_id=session.pk
    )
    assert not decision.allowed and decision.status == "blocked"
    assert "behead" in decision.message and "graphic violence" in decision.message
    assert decision.verdict["verdict"] == "block"
    assert moderation_command(text="make it snow", user=player, session_id=session.pk).allowed


def test_repeated_blocks_warn_then_send_for_review_then_mute(player, session, settings):
    settings.MODERATION_WARN_AFTER, settings.MODERATION_REVIEW_AFTER = 2, 3
    settings.MODERATION_MUTE_AFTER, settings.MODERATION_MUTE_SECONDS = 4, 600
    steps = [
        moderation_command(text="blood and gore everywhere", user=player, session_id=session.pk)
        for _ in range(4)
    ]
    assert [d.escalation for d in steps] == ["", "warning", "review", "mute"]
    assert "Warning" in steps[1].message
    session.refresh_from_db()
    assert session.flagged and Flag.objects.filter(source=Flag.Source.ESCALATION).exists()
    assert steps[3].muted and Sanction.objects.get(kind="mute").user == player
    muted = moderation_command(text="make it rain", user=player, session_id=session.pk)
    assert not muted.allowed and muted.status == "muted" and "muted" in muted.message
    assert Notification.objects.filter(user=player).count() == 3


def test_anonymous_players_escalate_by_ip(settings):
    settings.MODERATION_WARN_AFTER, settings.MODERATION_REVIEW_AFTER = 1, 2
    settings.MODERATION_MUTE_AFTER = 2
    world = WorldFactory()
    session = session_start(world=world, player=AnonymousUser(), anonymous_key="k")
    for _ in range(2):
        moderation_command(text="how to make a pipe bomb", session_id=session.pk, ip="203.0.113.9")
    assert moderation_command(text="make it rain", ip="203.0.113.9").status == "muted"
    assert moderation_command(text="make it rain", ip="203.0.113.10").allowed


def test_bad_session_ids_and_missing_users_do_not_crash():
    assert moderation_command(text="make it rain", session_id="not-a-uuid").allowed
    assert moderation_command(text="", user=None, session_id=None, ip=None).allowed
    assert PlaySession.objects.count() == 0


def test_rate_limits_count_per_key_within_a_window():
    results = [rate_limit_check(key="commands:user:1", limit=3, window=60) for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[-1].retry_after > 0
    assert rate_limit_check(key="commands:user:2", limit=3, window=60).allowed
    with pytest.raises(ValueError):
        rate_limit_check(key="x", limit=0, window=60)
