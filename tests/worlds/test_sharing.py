from __future__ import annotations

import pytest

from tests.factories import SnapshotFactory, UserFactory, WorldFactory
from worlds.models import Visibility
from worlds.services import world_delete, world_publish, world_remix
from worlds.sharing import world_tree

pytestmark = pytest.mark.django_db


def make_private_remix_chain(creator, stranger):
    """public original → private remix by stranger → public remix of that by a third user."""
    original = WorldFactory(owner=creator, title="Harbour")
    secret = world_remix(world=original, snapshot=SnapshotFactory(world=original), user=stranger)
    secret.title = "Secret harbour"
    secret.save()
    world_publish(world=secret, user=stranger, visibility=Visibility.UNLISTED)
    third = UserFactory(username="third")
    leaf = world_remix(
        world=secret, snapshot=secret.snapshots.first(), user=third, title="Lighthouse"
    )
    world_publish(world=leaf, user=third, visibility=Visibility.PUBLIC)
    secret.visibility = Visibility.PRIVATE
    secret.save()
    return original, secret, leaf


def test_the_lineage_page_shows_placeholders_that_leak_nothing(client, creator, stranger):
    original, secret, leaf = make_private_remix_chain(creator, stranger)
    for url in (f"/w/{leaf.slug}/lineage/", f"/w/{original.slug}/lineage/", f"/w/{leaf.slug}/"):
        page = client.get(url).content.decode()
        assert "Secret harbour" not in page
        assert secret.slug not in page
        assert "mallory" not in page
    assert "A private world" in client.get(f"/w/{leaf.slug}/lineage/").content.decode()


def test_the_tree_lists_descendants_below_a_private_node(creator, stranger):
    original, secret, leaf = make_private_remix_chain(creator, stranger)
    ancestors, tree = world_tree(world=original, viewer=UserFactory())
    assert ancestors == []
    [private] = tree.children
    assert private.private and private.title == "" and private.url == ""
    [public_leaf] = private.children
    assert public_leaf.url == leaf.get_absolute_url()


def test_a_deleted_original_shows_as_removed_in_the_tree(client, creator, stranger):
    original = WorldFactory(owner=creator, title="Harbour")
    remix = world_remix(
        world=original, snapshot=SnapshotFactory(world=original), user=stranger, title="Pier"
    )
    world_publish(world=remix, user=stranger, visibility=Visibility.PUBLIC)
    world_delete(world=original, user=creator)
    page = client.get(f"/w/{remix.slug}/lineage/").content.decode()
    assert "Original removed" in page and "Harbour" not in page
    assert client.get(f"/w/{remix.slug}/").status_code == 200


def test_oembed_describes_a_public_world(client):
    world = WorldFactory(title="Cove", visibility=Visibility.PUBLIC)
    answer = client.get("/oembed", {"url": f"http://testserver/w/{world.slug}/"}).json()
    assert answer["type"] == "rich" and answer["title"] == "Cove"
    assert f"/embed/w/{world.slug}/" in answer["html"]


def test_oembed_and_embeds_do_not_reveal_a_private_world(client):
    world = WorldFactory(title="Diary", visibility=Visibility.PRIVATE)
    response = client.get("/oembed", {"url": f"http://testserver/w/{world.slug}/"})
    assert response.status_code == 404 and "Diary" not in response.content.decode()
    assert client.get(f"/embed/w/{world.slug}/").status_code == 404


def test_the_embed_can_be_framed_by_other_sites(client):
    world = WorldFactory(visibility=Visibility.UNLISTED)
    response = client.get(f"/embed/w/{world.slug}/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response


def test_the_world_page_has_link_preview_cards(client):
    world = WorldFactory(title="Cove", visibility=Visibility.PUBLIC)
    page = client.get(f"/w/{world.slug}/").content.decode()
    assert '<meta property="og:title" content="Cove">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert "application/json+oembed" in page


def test_a_snapshot_short_link_leads_to_its_world(client, creator):
    world = WorldFactory(owner=creator)
    snapshot = SnapshotFactory(world=world)
    world_publish(world=world, user=creator, visibility=Visibility.PUBLIC, snapshot=snapshot)
    response = client.get(f"/s/{snapshot.slug}/")
    assert response["Location"] == f"/w/{world.slug}/#snapshot-{snapshot.slug}"


def test_a_snapshot_short_link_of_a_private_world_is_a_404(client):
    snapshot = SnapshotFactory(world=WorldFactory(visibility=Visibility.PRIVATE))
    assert client.get(f"/s/{snapshot.slug}/").status_code == 404


def test_viewers_get_the_pinned_snapshot_not_newer_edits(client, creator):
    from django.contrib.auth.models import AnonymousUser

    from worlds.live.services import session_start

    world = WorldFactory(owner=creator, visibility=Visibility.PRIVATE)
    pinned = SnapshotFactory(world=world, label="v1")
    world_publish(world=world, user=creator, visibility=Visibility.PUBLIC, snapshot=pinned)
    SnapshotFactory(world=world, label="work in progress")

    session = session_start(world=world, player=AnonymousUser(), anonymous_key="k")
    assert session.start_snapshot == pinned
    page = client.get(f"/w/{world.slug}/").content.decode()
    assert "v1" in page and "work in progress" not in page
    own = session_start(world=world, player=creator)
    assert own.start_snapshot.label == "work in progress"


def test_the_licence_defaults_to_cc_by_sa_and_is_shown(client):
    world = WorldFactory(visibility=Visibility.PUBLIC)
    assert world.licence == "CC BY-SA 4.0"
    assert "CC BY-SA 4.0" in client.get(f"/w/{world.slug}/").content.decode()
