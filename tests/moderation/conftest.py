from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tests.factories import UserFactory

# Replays and verdicts run the live consumer, whose threads leave connections open.
from tests.worlds.live.conftest import no_connections_left_behind  # noqa: F401


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mod", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="review", content_type__app_label="moderation")
    )
    return user


@pytest.fixture
def moderator_client(moderator, client):
    client.force_login(moderator)
    return client


@pytest.fixture
def live_settings(settings):
    """Live tests render tiny frames through the embedded worker on the in-memory layer."""
    settings.INFERENCE_RESOLUTION = "64x36"
    settings.INFERENCE_WORKERS = "embedded"
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    return settings


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits live in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
