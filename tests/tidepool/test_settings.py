"""The settings switch each part to a real service from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json
from django.conf import settings
import django
django.setup()
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "broker": settings.CELERY_BROKER_URL,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "bucket": settings.STORAGES["default"].get("OPTIONS", {}).get("bucket_name"),
    "inference": settings.INFERENCE_WORKERS,
    "secret": settings.SECRET_KEY,
    "debug": settings.DEBUG,
    "media": str(settings.MEDIA_ROOT),
}))
"""
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "S3_BUCKET",
    "AWS_STORAGE_BUCKET_NAME",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DEBUG",
    "TIDEPOOL_ENV",
    "TIDEPOOL_VAR_DIR",
    "INFERENCE_WORKERS",
)


def load_settings(**variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env.update(variables, DJANGO_SETTINGS_MODULE="tidepool.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )


def settings_with(**variables: str) -> dict:
    result = load_settings(**variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_with_no_variables_it_runs_embedded():
    embedded = settings_with()
    assert embedded["db"] == "django.db.backends.sqlite3"
    assert embedded["db_name"].endswith("var/tidepool.sqlite3")
    assert embedded["layer"] == "channels.layers.InMemoryChannelLayer"
    assert embedded["broker"] is None
    assert embedded["storage"] == "django.core.files.storage.FileSystemStorage"
    assert embedded["media"].endswith("var/media")
    assert embedded["inference"] == "embedded"


def test_database_url_switches_to_postgresql():
    loaded = settings_with(DATABASE_URL="postgres://tide:pool@db.internal:5432/tidepool")
    assert loaded["db"] == "django.db.backends.postgresql"
    assert loaded["db_name"] == "tidepool"


def test_redis_url_switches_the_channel_layer_and_celery():
    loaded = settings_with(REDIS_URL="redis://cache.internal:6379/2")
    assert loaded["layer"] == "channels_redis.core.RedisChannelLayer"
    assert loaded["broker"] == "redis://cache.internal:6379/2"


def test_an_s3_bucket_switches_storage_to_s3():
    assert settings_with(S3_BUCKET="clips")["storage"] == "storages.backends.s3.S3Storage"
    aws = settings_with(AWS_STORAGE_BUCKET_NAME="media")
    assert (aws["storage"], aws["bucket"]) == ("storages.backends.s3.S3Storage", "media")


def test_secrets_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-mounted-secret\n")
    assert settings_with(SECRET_KEY_FILE=str(secret_file))["secret"] == "from-a-mounted-secret"


def test_production_refuses_debug():
    result = load_settings(TIDEPOOL_ENV="production", DEBUG="1", SECRET_KEY="s" * 50)
    assert result.returncode != 0
    assert "DEBUG is on" in result.stderr


def test_production_refuses_the_default_secret_key():
    result = load_settings(TIDEPOOL_ENV="production")
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret():
    loaded = settings_with(TIDEPOOL_ENV="production", SECRET_KEY="s" * 50)
    assert loaded["debug"] is False


def test_an_unknown_inference_mode_is_refused():
    result = load_settings(INFERENCE_WORKERS="somewhere")
    assert result.returncode != 0
    assert "INFERENCE_WORKERS" in result.stderr
