from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.factories import SnapshotFactory, UserFactory, WorldFactory
from worlds.counters import world_count_play, world_like, world_unlike
from worlds.models import Visibility, World
from worlds.services import world_remix


def run_concurrently(function, arguments: list) -> None:
    barrier = threading.Barrier(len(arguments))

    def call(argument) -> None:
        barrier.wait()
        try:
            function(argument)
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_by_one_user_count_once():
    world, user = WorldFactory(), UserFactory()
    run_concurrently(lambda _: world_like(world=world, user=user), list(range(8)))
    world.refresh_from_db()
    assert world.like_count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_by_different_users_all_count():
    world = WorldFactory()
    users = [UserFactory() for _ in range(8)]
    run_concurrently(lambda user: world_like(world=world, user=user), users)
    world.refresh_from_db()
    assert world.like_count == 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_plays_count_once_per_viewer():
    world = WorldFactory()
    viewers = ["anon:a", "anon:a", "anon:a", "user:1", "user:1", "user:2"]
    run_concurrently(lambda viewer: world_count_play(world=world, viewer=viewer), viewers)
    world.refresh_from_db()
    assert world.play_count == 3


@pytest.mark.django_db(transaction=True)
def test_remixes_count_once_per_remixer():
    world = WorldFactory()
    snapshot = SnapshotFactory(world=world)
    remixer = UserFactory()
    world_remix(world=world, snapshot=snapshot, user=remixer)
    world_remix(world=world, snapshot=snapshot, user=remixer)
    world_remix(world=world, snapshot=snapshot, user=UserFactory())
    world.refresh_from_db()
    assert world.remix_count == 2


@pytest.mark.django_db
def test_unlike_takes_the_like_back_once():
    world, user = WorldFactory(), UserFactory()
    world_like(world=world, user=user)
    assert world_unlike(world=world, user=user) is True
    assert world_unlike(world=world, user=user) is False
    world.refresh_from_db()
    assert world.like_count == 0


@pytest.mark.django_db
def test_liking_a_private_world_of_someone_else_is_a_404(stranger_client):
    world = WorldFactory(visibility=Visibility.PRIVATE)
    assert stranger_client.post(f"/w/{world.slug}/like/").status_code == 404
    assert World.objects.get(pk=world.pk).like_count == 0


@pytest.mark.django_db
def test_anonymous_visitors_are_asked_to_sign_up_to_like(client):
    world = WorldFactory()
    response = client.post(f"/w/{world.slug}/like/")
    assert "/accounts/login/" in response["Location"]
