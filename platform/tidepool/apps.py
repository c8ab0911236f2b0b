from django.apps import AppConfig


class TidepoolConfig(AppConfig):
    name = "tidepool"
    verbose_name = "Tidepool"
