from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from tests.factories import SnapshotFactory, UserFactory, WorldFactory
from tests.images import png_bytes
from worlds.models import Snapshot, Visibility, World
from worlds.selectors import world_attribution, world_lineage
from worlds.services import (
    snapshot_create,
    world_create,
    world_delete,
    world_publish,
    world_remix,
    world_update,
)

pytestmark = pytest.mark.django_db


def test_it_creates_a_private_world_with_a_slug(creator):
    world = world_create(owner=creator, prompt="a desert with dunes", seed="42")
    assert world.visibility == Visibility.PRIVATE
    assert world.seed == 42
    assert world.title == "a desert with dunes"
    assert len(world.slug) == 10


def test_it_picks_a_random_seed_when_none_is_given(creator):
    seeds = {world_create(owner=creator, prompt="a forest").seed for _ in range(5)}
    assert len(seeds) > 1


def test_it_rejects_an_empty_prompt(creator):
    with pytest.raises(ValidationError) as error:
        world_create(owner=creator, prompt="   ")
    assert "prompt" in error.value.message_dict
    assert World.objects.count() == 0


def test_it_rejects_a_prompt_over_2000_characters(creator):
    with pytest.raises(ValidationError) as error:
        world_create(owner=creator, prompt="x" * 2001)
    assert "at most 2000 characters" in " ".join(error.value.message_dict["prompt"])
    assert World.objects.count() == 0


@pytest.mark.parametrize("seed", ["abc", "1.5", -1, 2**40, True])
def test_it_rejects_a_seed_that_is_not_a_whole_number_in_range(creator, seed):
    with pytest.raises(ValidationError) as error:
        world_create(owner=creator, prompt="a forest", seed=seed)
    assert "seed" in str(error.value).lower()
    assert World.objects.count() == 0


def test_it_rejects_an_unknown_style(creator):
    with pytest.raises(ValidationError) as error:
        world_create(owner=creator, prompt="a forest", style="vaporwave-deluxe")
    assert "Unknown style" in str(error.value)
    assert "painterly" in str(error.value)
    assert World.objects.count() == 0


def test_it_rejects_an_upload_that_is_not_an_image(creator):
    upload = SimpleUploadedFile("notes.png", b"this is not a picture", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        world_create(owner=creator, prompt="a forest", image=upload)
    assert "not an image" in " ".join(error.value.message_dict["image"])
    assert World.objects.count() == 0


def test_it_rejects_an_image_over_10_mb(creator):
    upload = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        world_create(owner=creator, prompt="a forest", image=upload)
    assert "larger than 10 MB" in " ".join(error.value.message_dict["image"])
    assert World.objects.count() == 0


def test_it_keeps_an_uploaded_image(creator):
    upload = SimpleUploadedFile("palette.png", png_bytes(), content_type="image/png")
    world = world_create(owner=creator, prompt="a forest", image=upload)
    assert world.image.name.startswith("worlds/images/")
    assert world.image.read().startswith(b"\x89PNG")


def test_it_updates_a_world_for_its_owner(creator):
    world = WorldFactory(owner=creator)
    world_update(world=world, user=creator, title="Renamed", seed=9)
    world.refresh_from_db()
    assert (world.title, world.seed) == ("Renamed", 9)


def test_it_refuses_updates_from_someone_else(stranger):
    world = WorldFactory(visibility=Visibility.PUBLIC)
    with pytest.raises(PermissionDenied):
        world_update(world=world, user=stranger, title="Mine now")


def test_it_hides_a_private_world_from_someone_else_when_updating(stranger):
    world = WorldFactory(visibility=Visibility.PRIVATE)
    with pytest.raises(Http404):
        world_update(world=world, user=stranger, title="Mine now")


def test_it_rejects_an_unknown_field_on_update(creator):
    world = WorldFactory(owner=creator)
    with pytest.raises(ValidationError):
        world_update(world=world, user=creator, owner="someone")


def test_it_publishes_and_pins_the_latest_snapshot(creator):
    world = WorldFactory(owner=creator, visibility=Visibility.PRIVATE)
    SnapshotFactory(world=world, label="first")
    latest = SnapshotFactory(world=world, label="second")
    world_publish(world=world, user=creator, visibility=Visibility.PUBLIC)
    world.refresh_from_db()
    assert world.visibility == Visibility.PUBLIC
    assert world.published_snapshot == latest


def test_it_refuses_to_pin_another_worlds_snapshot(creator):
    world = WorldFactory(owner=creator)
    other = SnapshotFactory()
    with pytest.raises(ValidationError):
        world_publish(world=world, user=creator, visibility=Visibility.PUBLIC, snapshot=other)


def test_it_rejects_an_unknown_visibility(creator):
    world = WorldFactory(owner=creator)
    with pytest.raises(ValidationError):
        world_publish(world=world, user=creator, visibility="friends-only")


def test_it_creates_a_snapshot_with_the_states_tick(creator):
    world = WorldFactory(owner=creator)
    snapshot = snapshot_create(world=world, state={"version": 2, "tick": 120}, label="Here")
    assert (snapshot.tick, snapshot.label) == (120, "Here")


def test_it_rejects_a_state_without_a_version(creator):
    world = WorldFactory(owner=creator)
    with pytest.raises(ValidationError):
        snapshot_create(world=world, state={"tick": 3})
    assert Snapshot.objects.count() == 0


def test_a_remix_belongs_to_the_remixer_and_links_its_lineage(creator, stranger):
    original = WorldFactory(owner=creator, title="Cove")
    snapshot = SnapshotFactory(world=original, state={"version": 2, "tick": 90})
    original.published_snapshot = snapshot
    original.save()

    remix = world_remix(world=original, snapshot=snapshot, user=stranger)

    assert remix.owner == stranger
    assert remix.parent == original
    assert remix.parent_snapshot == snapshot
    assert remix.root == original
    assert remix.visibility == Visibility.PRIVATE
    assert remix.snapshots.get().state == {"version": 2, "tick": 90}
    assert world_attribution(world=remix, viewer=stranger) == "Remix of Cove by alice"
    original.refresh_from_db()
    assert original.remix_count == 1


def test_a_remix_of_a_remix_keeps_the_root(creator, stranger):
    original = WorldFactory(owner=creator)
    first = world_remix(world=original, snapshot=SnapshotFactory(world=original), user=stranger)
    world_publish(world=first, user=stranger, visibility=Visibility.UNLISTED)
    second = world_remix(world=first, snapshot=first.snapshots.get(), user=creator)
    assert second.root == original
    assert [node.title for node in world_lineage(world=second, viewer=creator)] == [
        first.title,
        original.title,
    ]


def test_it_refuses_to_remix_a_private_world_of_someone_else(stranger):
    world = WorldFactory(visibility=Visibility.PRIVATE)
    with pytest.raises(Http404):
        world_remix(world=world, snapshot=SnapshotFactory(world=world), user=stranger)


def test_it_refuses_to_remix_an_unpublished_snapshot_of_someone_else(creator, stranger):
    world = WorldFactory(owner=creator)
    published = SnapshotFactory(world=world)
    world.published_snapshot = published
    world.save()
    later_edit = SnapshotFactory(world=world, label="work in progress")
    with pytest.raises(Http404):
        world_remix(world=world, snapshot=later_edit, user=stranger)


def test_anonymous_visitors_cannot_remix():
    from django.contrib.auth.models import AnonymousUser

    world = WorldFactory()
    with pytest.raises(PermissionDenied):
        world_remix(world=world, snapshot=None, user=AnonymousUser())


def test_deleting_an_original_keeps_its_remixes_working(creator, stranger):
    original = WorldFactory(owner=creator, title="Cove")
    remix = world_remix(world=original, snapshot=SnapshotFactory(world=original), user=stranger)

    world_delete(world=original, user=creator)

    remix.refresh_from_db()
    original.refresh_from_db()
    assert original.is_deleted
    assert original.prompt == "" and original.title == ""
    assert original.snapshots.count() == 0
    assert remix.snapshots.count() == 1
    assert world_attribution(world=remix, viewer=stranger) == (
        "Remix of an original that was removed"
    )
    [node] = world_lineage(world=remix, viewer=stranger)
    assert node.removed and node.title == "" and node.url == ""


def test_only_the_owner_can_delete(creator, stranger):
    world = WorldFactory(owner=creator)
    with pytest.raises(PermissionDenied):
        world_delete(world=world, user=stranger)
    world.refresh_from_db()
    assert not world.is_deleted


def test_lineage_shows_a_private_ancestor_as_a_placeholder(creator, stranger):
    original = WorldFactory(owner=creator, title="Secret garden")
    remix = world_remix(world=original, snapshot=SnapshotFactory(world=original), user=stranger)
    world_publish(world=remix, user=stranger, visibility=Visibility.PUBLIC)
    original.visibility = Visibility.PRIVATE
    original.save()

    viewer = UserFactory()
    [node] = world_lineage(world=remix, viewer=viewer)
    assert node.private and node.title == "" and node.owner_name == ""
    assert world_attribution(world=remix, viewer=viewer) == "Remix of a private world"
