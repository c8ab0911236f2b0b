from django.apps import AppConfig


class ClipsConfig(AppConfig):
    name = "worlds.clips"
    label = "clips"
