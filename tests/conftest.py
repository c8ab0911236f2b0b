from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def creator(db):
    return UserFactory(username="alice")


@pytest.fixture
def stranger(db):
    return UserFactory(username="mallory")


@pytest.fixture
def creator_client(creator) -> Client:
    client = Client()
    client.force_login(creator)
    return client


@pytest.fixture
def stranger_client(stranger) -> Client:
    client = Client()
    client.force_login(stranger)
    return client


@pytest.fixture(autouse=True)
def eager_renderer(settings):
    """Tests draw eagerly: compiling per test resolution would cost more than it saves.
    tests/inference/test_compose.py checks the compiled renderer draws the same frames."""
    settings.INFERENCE_COMPILE = False


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache; ids repeat between tests, counts must not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
