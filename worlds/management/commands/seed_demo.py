"""Create a few public demo worlds so a fresh install has something to explore."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import User
from tidepool.tasks import wait_for_embedded_tasks
from worlds.models import Visibility, World
from worlds.services import world_create, world_publish
from worlds.tasks import world_prepare

DEMO_WORLDS: tuple[dict[str, Any], ...] = (
    {
        "title": "Paris, 1986",
        "prompt": "the streets of Paris in the 1980s, light rain on the cobbles",
        "character": "a stylish blonde female model",
        "seed": 1986,
    },
    {
        "title": "Valley of the Wind",
        "prompt": "a Studio Ghibli style countryside with rolling hills and a windmill",
        "character": "a girl in a straw hat",
        "seed": 7,
    },
    {
        "title": "Neon Rain",
        "prompt": "a neon-lit cyberpunk street at night, puddles and steam",
        "character": "",
        "seed": 2077,
    },
    {
        "title": "Ember Peaks",
        "prompt": "a volcano erupting over black rock and rivers of lava",
        "character": "",
        "seed": 451,
    },
    {
        "title": "Quiet Cove",
        "prompt": "a quiet beach at sunset with gentle waves",
        "character": "a dog playing by the water",
        "seed": 33,
    },
    {
        "title": "Snowline",
        "prompt": "snowy mountain peaks under a clear sky",
        "character": "",
        "seed": 8848,
    },
)


class Command(BaseCommand):
    help = "Create the demo user and a few public demo worlds (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-render", action="store_true", help="Skip the start frames.")

    def handle(self, *args: Any, no_render: bool = False, **options: Any) -> None:
        user, _ = User.objects.get_or_create(
            username="tidepool", defaults={"display_name": "Tidepool demos"}
        )
        if not user.has_usable_password():
            user.set_unusable_password()
            user.save()
        for spec in DEMO_WORLDS:
            world = World.objects.filter(owner=user, title=spec["title"]).first()
            if world is None:
                world = world_create(owner=user, visibility=Visibility.PUBLIC, **spec)
                self.stdout.write(f"Created {world.title} ({world.get_absolute_url()})")
            if not no_render and not world.thumbnail:
                world_prepare(world.pk)
                world.refresh_from_db()
                world_publish(world=world, user=user, visibility=Visibility.PUBLIC)
        wait_for_embedded_tasks()
        self.stdout.write(self.style.SUCCESS("Demo worlds ready."))
