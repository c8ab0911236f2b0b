"""Factories for the data model. Worlds are public unless a test says otherwise."""

from __future__ import annotations

import factory

from accounts.models import User
from worlds.models import Snapshot, Visibility, World


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"creator{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery")


class WorldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = World

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"World {n}")
    prompt = "a quiet beach at sunset with gentle waves"
    character = ""
    style = "auto"
    seed = factory.Sequence(lambda n: n)
    visibility = Visibility.PUBLIC


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snapshot

    world = factory.SubFactory(WorldFactory)
    state = factory.LazyAttribute(lambda snap: {"version": 2, "tick": 0, "seed": snap.world.seed})
    tick = 0
    label = "Start"
    author = factory.LazyAttribute(lambda snap: snap.world.owner)
