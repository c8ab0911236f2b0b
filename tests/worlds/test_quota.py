from __future__ import annotations

import pytest

from tests.factories import WorldFactory
from worlds.models import PlaySession

pytestmark = pytest.mark.django_db


def test_anonymous_players_get_a_few_sessions_per_hour_per_ip(client, settings):
    settings.QUOTA_ANONYMOUS_SESSIONS_PER_HOUR = 2
    world = WorldFactory()
    for _ in range(2):
        assert client.post(f"/w/{world.slug}/play/").status_code == 302
    response = client.post(f"/w/{world.slug}/play/")
    assert response.status_code == 429
    assert "Try again in about" in response.content.decode()
    assert "sign up" in response.content.decode()
    assert PlaySession.objects.count() == 2


def test_the_quota_is_per_ip(client, settings):
    settings.QUOTA_ANONYMOUS_SESSIONS_PER_HOUR = 1
    world = WorldFactory()
    assert client.post(f"/w/{world.slug}/play/", REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(f"/w/{world.slug}/play/", REMOTE_ADDR="10.0.0.2").status_code == 302
    assert client.post(f"/w/{world.slug}/play/", REMOTE_ADDR="10.0.0.1").status_code == 429


def test_signed_in_players_get_a_larger_allowance(creator_client, settings):
    settings.QUOTA_ANONYMOUS_SESSIONS_PER_HOUR = 1
    settings.QUOTA_USER_SESSIONS_PER_HOUR = 3
    world = WorldFactory()
    statuses = [creator_client.post(f"/w/{world.slug}/play/").status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_anonymous_play_needs_no_account(client):
    world = WorldFactory()
    response = client.post(f"/w/{world.slug}/play/")
    session = PlaySession.objects.get()
    assert response["Location"] == f"/play/{session.pk}/"
    assert session.player is None and session.anonymous_key
