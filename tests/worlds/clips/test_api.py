"""The clips JSON API router (to be mounted at /api/clips)."""

from __future__ import annotations

import pytest
from ninja.testing import TestClient

from tests.worlds.clips.conftest import STORM_SCRIPT, make_clip
from worlds.clips.api import router
from worlds.clips.models import Clip

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return TestClient(router)


def test_creating_a_clip_through_the_api_queues_its_render(api, world, creator):
    response = api.post("", json={"world": world.slug, "script": STORM_SCRIPT, "title": "Via API"},
                        user=creator)  # fmt: skip
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "queued" and data["title"] == "Via API"
    assert data["embed_url"].endswith(f"/c/{data['slug']}/embed/")
    assert Clip.objects.get(slug=data["slug"]).world == world


def test_the_api_reads_progress_and_hides_clips_of_private_worlds(
    api, world, private_world, creator, stranger
):
    visible = make_clip(world, status=Clip.Status.RENDERING, progress=30, eta_s=8)
    data = api.get(f"/{visible.slug}", user=stranger).json()
    assert (data["status"], data["progress"], data["eta_s"]) == ("rendering", 30, 8)
    hidden = make_clip(private_world)
    assert api.get(f"/{hidden.slug}", user=stranger).status_code == 404
    assert api.get(f"/{hidden.slug}", user=creator).status_code == 200


def test_only_the_maker_can_change_or_retry_a_clip(api, world, creator, stranger):
    clip = make_clip(world, status=Clip.Status.FAILED, error="Storage is unavailable")
    assert api.patch(f"/{clip.slug}", json={"title": "Mine"}, user=stranger).status_code == 403
    assert api.post(f"/{clip.slug}/retry", user=stranger).status_code == 403
    retried = api.post(f"/{clip.slug}/retry", user=creator)
    assert retried.status_code == 200 and retried.json()["status"] == "queued"
