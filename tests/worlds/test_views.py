from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import SnapshotFactory, WorldFactory
from worlds.models import SnapshotKind, Visibility, World

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_newest_public_worlds(client):
    WorldFactory(title="Sunny Cove", visibility=Visibility.PUBLIC)
    WorldFactory(title="Hidden Grove", visibility=Visibility.UNLISTED)
    page = client.get("/").content.decode()
    assert "Sunny Cove" in page
    assert "Hidden Grove" not in page


def test_the_create_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/create/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_create_form_has_every_field(creator_client):
    page = creator_client.get("/create/").content.decode()
    for name in ("prompt", "character", "style", "seed", "image", "visibility"):
        assert f'name="{name}"' in page


def test_creating_a_world_redirects_to_its_page(creator_client):
    response = creator_client.post(
        "/create/",
        {"prompt": "a dense pine forest in the fog", "style": "auto", "visibility": "private"},
    )
    world = World.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/{world.slug}/"


def test_the_create_form_explains_bad_input_and_saves_nothing(creator_client):
    upload = SimpleUploadedFile("a.png", b"not an image")
    response = creator_client.post(
        "/create/",
        {
            "prompt": "a forest",
            "style": "auto",
            "seed": "lots",
            "visibility": "private",
            "image": upload,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The seed must be a whole number." in page
    assert World.objects.count() == 0


def test_the_world_page_shows_title_prompt_owner_and_snapshots(client, creator):
    world = WorldFactory(owner=creator, title="Cove", prompt="a quiet beach at sunset")
    snapshot = SnapshotFactory(world=world, label="Start")
    world.published_snapshot = snapshot
    world.save()
    page = client.get(f"/w/{world.slug}/").content.decode()
    assert "Cove" in page and "a quiet beach at sunset" in page and "alice" in page
    assert "Remix from here" in page
    assert snapshot.slug in page


def test_the_world_page_leaves_out_the_moments_recorded_clips_start_from(creator, creator_client):
    world = WorldFactory(owner=creator)
    saved = SnapshotFactory(world=world, label="by the pier")
    clip_start = SnapshotFactory(world=world, label="Clip start", kind=SnapshotKind.CLIP_START)
    page = creator_client.get(f"/w/{world.slug}/").content.decode()
    assert f'id="snapshot-{saved.slug}"' in page
    assert f'id="snapshot-{clip_start.slug}"' not in page
    assert f'value="{clip_start.slug}"' not in page  # nor among the versions to publish
    assert creator_client.get(f"/s/{clip_start.slug}/")["Location"].startswith(f"/w/{world.slug}/")


def test_a_link_to_where_a_clip_starts_opens_the_clip(creator, creator_client):
    from worlds.clips.models import Clip

    world = WorldFactory(owner=creator)
    clip_start = SnapshotFactory(world=world, label="Clip start", kind=SnapshotKind.CLIP_START)
    clip = Clip.objects.create(world=world, owner=creator, start_snapshot=clip_start)
    assert creator_client.get(f"/s/{clip_start.slug}/")["Location"] == clip.get_absolute_url()


def test_the_world_page_lists_a_clip_start_that_was_published(creator, creator_client):
    world = WorldFactory(owner=creator)
    clip_start = SnapshotFactory(world=world, label="Clip start", kind=SnapshotKind.CLIP_START)
    world.published_snapshot = clip_start
    world.save()
    page = creator_client.get(f"/w/{world.slug}/").content.decode()
    assert f'id="snapshot-{clip_start.slug}"' in page


def test_only_visitors_are_offered_a_report_link_on_the_world_page(
    creator, creator_client, stranger_client
):
    world = WorldFactory(owner=creator, visibility=Visibility.PUBLIC)
    report = f"/moderation/report/world/{world.slug}/"
    assert report in stranger_client.get(f"/w/{world.slug}/").content.decode()
    assert report not in creator_client.get(f"/w/{world.slug}/").content.decode()


def test_the_world_page_shows_the_remix_lineage(client, creator, stranger):
    original = WorldFactory(owner=creator, title="Cove")
    remix = WorldFactory(owner=stranger, parent=original, root=original, title="Cove at night")
    page = client.get(f"/w/{remix.slug}/").content.decode()
    assert "Remix of Cove by alice" in page


def test_another_users_private_world_page_is_a_404(stranger_client):
    world = WorldFactory(visibility=Visibility.PRIVATE)
    assert stranger_client.get(f"/w/{world.slug}/").status_code == 404


def test_anonymous_visitors_open_public_and_unlisted_worlds(client):
    for visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        assert client.get(f"/w/{WorldFactory(visibility=visibility).slug}/").status_code == 200


def test_the_remix_button_makes_a_copy_for_the_viewer(creator, stranger, stranger_client):
    world = WorldFactory(owner=creator)
    response = stranger_client.post(f"/w/{world.slug}/remix/")
    remix = World.objects.get(owner=stranger)
    assert response["Location"] == f"/w/{remix.slug}/"
    assert remix.parent == world


def test_anonymous_remix_asks_to_log_in(client):
    world = WorldFactory()
    response = client.post(f"/w/{world.slug}/remix/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert World.objects.count() == 1


def test_the_owner_publishes_from_the_world_page(creator, creator_client):
    world = WorldFactory(owner=creator, visibility=Visibility.PRIVATE)
    creator_client.post(f"/w/{world.slug}/publish/", {"visibility": "unlisted"})
    world.refresh_from_db()
    assert world.visibility == Visibility.UNLISTED


def test_the_owner_deletes_from_the_world_page(creator, creator_client):
    world = WorldFactory(owner=creator)
    response = creator_client.post(f"/w/{world.slug}/delete/")
    assert response["Location"] == "/u/alice/"
    world.refresh_from_db()
    assert world.is_deleted


def test_the_create_form_says_when_the_hourly_limit_is_reached(creator_client, settings):
    settings.MODERATION_WORLDS_PER_HOUR = 1
    data = {"prompt": "a forest", "style": "auto", "visibility": "private"}
    assert creator_client.post("/create/", data).status_code == 302
    response = creator_client.post("/create/", data)
    assert response.status_code == 429
    assert "try again in about" in response.content.decode()
    assert World.objects.count() == 1
