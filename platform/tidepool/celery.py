"""The Celery app. Workers run `celery -A tidepool worker`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tidepool.settings")

app = Celery("tidepool")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["tidepool"], related_name="diagnostics")
