from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import SnapshotFactory, WorldFactory
from tests.images import png_bytes
from worlds.models import Visibility, World

pytestmark = pytest.mark.django_db


def post_json(client: Client, url: str, data: dict) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_it_serves_the_openapi_schema(client):
    response = client.get("/api/schema")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/worlds" in paths
    assert "/api/worlds/{slug}/remix" in paths
    assert "/api/worlds/{slug}/snapshots" in paths


def test_it_lists_only_public_worlds(client):
    public = WorldFactory(visibility=Visibility.PUBLIC)
    WorldFactory(visibility=Visibility.UNLISTED)
    WorldFactory(visibility=Visibility.PRIVATE)
    slugs = [world["slug"] for world in client.get("/api/worlds").json()]
    assert slugs == [public.slug]


def test_it_creates_a_world(creator_client):
    response = post_json(
        creator_client,
        "/api/worlds",
        {"prompt": "snowy mountain peaks", "style": "painterly", "seed": 12},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["style"] == "painterly" and body["seed"] == 12
    assert body["owner"]["username"] == "alice"
    assert World.objects.get(slug=body["slug"]).visibility == Visibility.PRIVATE


def test_it_requires_login_to_create(client):
    assert post_json(client, "/api/worlds", {"prompt": "a forest"}).status_code == 401


def test_a_prompt_over_2000_characters_gets_a_clear_400(creator_client):
    response = post_json(creator_client, "/api/worlds", {"prompt": "x" * 2001})
    assert response.status_code == 400
    assert "prompt" in response.json()["error"]
    assert "2000" in response.json()["error"]
    assert World.objects.count() == 0


def test_a_seed_that_is_not_an_integer_gets_a_400(creator_client):
    response = post_json(creator_client, "/api/worlds", {"prompt": "a forest", "seed": "many"})
    assert response.status_code == 400
    assert "seed" in response.json()["fields"]
    assert World.objects.count() == 0


def test_an_unknown_style_gets_a_400(creator_client):
    response = post_json(creator_client, "/api/worlds", {"prompt": "a forest", "style": "glitter"})
    assert response.status_code == 400
    assert "Unknown style" in response.json()["error"]
    assert World.objects.count() == 0


def test_an_upload_that_is_not_an_image_gets_a_400(creator, creator_client):
    world = WorldFactory(owner=creator)
    upload = SimpleUploadedFile("x.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = creator_client.post(f"/api/worlds/{world.slug}/image", {"image": upload})
    assert response.status_code == 400
    assert "not an image" in response.json()["error"]
    world.refresh_from_db()
    assert not world.image


def test_an_image_upload_is_saved(creator, creator_client):
    world = WorldFactory(owner=creator)
    upload = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    response = creator_client.post(f"/api/worlds/{world.slug}/image", {"image": upload})
    assert response.status_code == 200
    assert response.json()["image_url"].startswith("/media/worlds/images/")


def test_another_users_private_world_is_a_404(stranger_client):
    world = WorldFactory(visibility=Visibility.PRIVATE)
    assert stranger_client.get(f"/api/worlds/{world.slug}").status_code == 404
    assert stranger_client.get(f"/api/worlds/{world.slug}/snapshots").status_code == 404
    assert (
        stranger_client.patch(
            f"/api/worlds/{world.slug}", "{}", content_type="application/json"
        ).status_code
        == 404
    )
    assert stranger_client.delete(f"/api/worlds/{world.slug}").status_code == 404
    assert post_json(stranger_client, f"/api/worlds/{world.slug}/remix", {}).status_code == 404


def test_the_owner_reads_their_private_world(creator, creator_client):
    world = WorldFactory(owner=creator, visibility=Visibility.PRIVATE)
    assert creator_client.get(f"/api/worlds/{world.slug}").status_code == 200


def test_an_unlisted_world_opens_by_its_link(client):
    world = WorldFactory(visibility=Visibility.UNLISTED)
    assert client.get(f"/api/worlds/{world.slug}").status_code == 200


def test_someone_else_cannot_edit_a_public_world(stranger_client):
    world = WorldFactory(visibility=Visibility.PUBLIC)
    response = stranger_client.patch(
        f"/api/worlds/{world.slug}", json.dumps({"title": "Mine"}), content_type="application/json"
    )
    assert response.status_code == 403


def test_the_owner_updates_and_deletes(creator, creator_client):
    world = WorldFactory(owner=creator)
    response = creator_client.patch(
        f"/api/worlds/{world.slug}", json.dumps({"title": "Dunes"}), content_type="application/json"
    )
    assert response.json()["title"] == "Dunes"
    assert creator_client.delete(f"/api/worlds/{world.slug}").status_code == 204
    assert creator_client.get(f"/api/worlds/{world.slug}").status_code == 404


def test_it_remixes_from_a_snapshot(creator, stranger_client):
    world = WorldFactory(owner=creator, title="Cove")
    snapshot = SnapshotFactory(world=world)
    world.published_snapshot = snapshot
    world.save()
    response = post_json(
        stranger_client, f"/api/worlds/{world.slug}/remix", {"snapshot": snapshot.slug}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["parent"] == world.slug and body["root"] == world.slug
    assert body["attribution"] == "Remix of Cove by alice"


def test_it_lists_and_reads_snapshots(creator, client):
    world = WorldFactory(owner=creator)
    snapshot = SnapshotFactory(world=world, state={"version": 2, "tick": 30})
    world.published_snapshot = snapshot
    world.save()
    listed = client.get(f"/api/worlds/{world.slug}/snapshots").json()
    assert [item["slug"] for item in listed] == [snapshot.slug]
    detail = client.get(f"/api/worlds/{world.slug}/snapshots/{snapshot.slug}").json()
    assert detail["state"] == {"version": 2, "tick": 30}


def test_viewers_do_not_see_snapshots_newer_than_the_published_one(creator, client):
    world = WorldFactory(owner=creator)
    published = SnapshotFactory(world=world)
    world.published_snapshot = published
    world.save()
    draft = SnapshotFactory(world=world, label="draft")
    listed = [item["slug"] for item in client.get(f"/api/worlds/{world.slug}/snapshots").json()]
    assert listed == [published.slug]
    assert client.get(f"/api/worlds/{world.slug}/snapshots/{draft.slug}").status_code == 404


def test_the_owner_saves_a_snapshot(creator, creator_client):
    world = WorldFactory(owner=creator)
    response = post_json(
        creator_client,
        f"/api/worlds/{world.slug}/snapshots",
        {"state": {"version": 2, "tick": 5}, "label": "by the pier"},
    )
    assert response.status_code == 201
    assert world.snapshots.get().label == "by the pier"


def test_a_snapshot_without_a_version_gets_a_400(creator, creator_client):
    world = WorldFactory(owner=creator)
    response = post_json(creator_client, f"/api/worlds/{world.slug}/snapshots", {"state": {}})
    assert response.status_code == 400
    assert world.snapshots.count() == 0


def test_it_publishes_a_world(creator, creator_client):
    world = WorldFactory(owner=creator, visibility=Visibility.PRIVATE)
    snapshot = SnapshotFactory(world=world)
    response = post_json(
        creator_client,
        f"/api/worlds/{world.slug}/publish",
        {"visibility": "public", "snapshot": snapshot.slug},
    )
    assert response.status_code == 200
    assert response.json()["published_snapshot"] == snapshot.slug


def test_world_creation_is_rate_limited_per_user(creator_client, settings):
    settings.MODERATION_WORLDS_PER_HOUR = 2
    statuses = [
        post_json(creator_client, "/api/worlds", {"prompt": f"a forest {n}"}).status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert World.objects.count() == 2
