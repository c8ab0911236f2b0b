from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import UserFactory, WorldFactory
from worlds.counters import world_count_play
from worlds.gallery import world_explore
from worlds.models import Visibility, World
from worlds.services import world_set_tags

pytestmark = pytest.mark.django_db


def titles(page) -> list[str]:
    return [world.title for world in page.object_list]


def test_newest_comes_first():
    WorldFactory(title="Old")
    WorldFactory(title="New")
    assert titles(world_explore(sort="newest")) == ["New", "Old"]


def test_most_remixed_sorts_by_remix_count():
    WorldFactory(title="Quiet", remix_count=1)
    WorldFactory(title="Popular", remix_count=9)
    assert titles(world_explore(sort="most_remixed")) == ["Popular", "Quiet"]


def test_trending_counts_plays_and_remixes_of_the_last_seven_days():
    old_hit = WorldFactory(title="Old hit")
    rising = WorldFactory(title="Rising")
    for n in range(5):
        world_count_play(world=old_hit, viewer=f"user:{n}")
    old_hit.plays.update(created_at=timezone.now() - timedelta(days=30))
    world_count_play(world=rising, viewer="user:1")
    WorldFactory(title="A remix", parent=rising, visibility=Visibility.PRIVATE)
    assert titles(world_explore(sort="trending")) == ["Rising", "Old hit"]


def test_search_finds_words_in_title_and_prompt():
    WorldFactory(title="Harbour", prompt="a rainy harbour at night")
    WorldFactory(title="Dunes", prompt="a desert with dunes")
    assert titles(world_explore(query="rainy")) == ["Harbour"]
    assert titles(world_explore(query="dunes")) == ["Dunes"]


def test_search_never_finds_private_or_unlisted_worlds():
    WorldFactory(title="Secret rain", visibility=Visibility.PRIVATE)
    WorldFactory(title="Unlisted rain", visibility=Visibility.UNLISTED)
    WorldFactory(title="Public rain")
    assert titles(world_explore(query="rain")) == ["Public rain"]


def test_tags_filter_the_gallery():
    tagged = WorldFactory(title="Tagged")
    WorldFactory(title="Untagged")
    world_set_tags(world=tagged, tags="Rain, city")
    assert titles(world_explore(tag="rain")) == ["Tagged"]
    assert sorted(tag.name for tag in tagged.tags.all()) == ["city", "rain"]


def test_it_paginates():
    owner = UserFactory()
    World.objects.bulk_create(
        [World(owner=owner, title=f"W{n}", prompt="p", visibility="public") for n in range(30)]
    )
    first = world_explore(page=1)
    assert len(first.object_list) == 24 and first.has_next()
    assert len(world_explore(page=2).object_list) == 6


def test_the_explore_page_renders_sorts_search_and_tags(client):
    world = WorldFactory(title="Neon")
    world_set_tags(world=world, tags="cyberpunk")
    page = client.get("/explore/", {"sort": "trending", "q": "neon"}).content.decode()
    assert "Neon" in page and "Trending" in page and "#cyberpunk" in page


def test_the_explore_pages_links_keep_the_search(client):
    owner = UserFactory()
    World.objects.bulk_create(
        [World(owner=owner, title=f"Rain {n}", prompt="p", visibility="public") for n in range(30)]
    )
    page = client.get("/explore/", {"sort": "newest", "q": "rain"}).content.decode()
    assert 'href="?sort=newest&amp;q=rain&amp;page=2">Older →' in page
    older = client.get("/explore/", {"sort": "newest", "q": "rain", "page": 2}).content.decode()
    assert "Page 2 of 2" in older and 'href="?sort=newest&amp;q=rain&amp;page=1">← Newer' in older
