"""Tidepool settings.

With no environment variables this is the embedded default: SQLite, the in-memory
channel layer, an inference worker inside the web process, clip renders on a
background thread and a local media folder. Variables switch each part to a real
service; see the README.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tidepool.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env("TIDEPOOL_VAR_DIR", str(BASE_DIR / "var")))

DEFAULT_SECRET_KEY = "embedded-default-secret-key-change-me"
PRODUCTION = env("TIDEPOOL_ENV", "development") == "production"
SECRET_KEY = env("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("Refusing to start: DEBUG is on with TIDEPOOL_ENV=production.")
if PRODUCTION and SECRET_KEY in ("", DEFAULT_SECRET_KEY):
    raise ImproperlyConfigured(
        "Refusing to start: set SECRET_KEY (or SECRET_KEY_FILE) for TIDEPOOL_ENV=production."
    )

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "tidepool",
    "accounts",
    "moderation",
    "worlds",
    "worlds.clips",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if PRODUCTION:
    # Static files straight from the app server; in development runserver serves them.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "tidepool.urls"
WSGI_APPLICATION = "tidepool.wsgi.application"
ASGI_APPLICATION = "tidepool.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "moderation.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL points at PostgreSQL (psycopg 3).
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "tidepool.sqlite3",
            # IMMEDIATE: a transaction takes the write lock up front and waits for it,
            # instead of failing with "database is locked" when it upgrades mid-way.
            "OPTIONS": {
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
            },
            # A file, not memory, so tests can share it with worker processes they start.
            "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the channel layer, the cache, and Celery's broker and result backend.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env("CHANNELS_PREFIX", "asgi"),
                "capacity": 200,
                "expiry": 10,
            },
        }
    }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery. Without a broker, tasks run on a background thread in the web process
# (tidepool.tasks.enqueue), so nothing has to be installed.
CELERY_BROKER_URL = REDIS_URL or None
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the longest clip render, so Redis does not redeliver a running task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 7200)}
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_SOFT_TIME_LIMIT", 1800)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TIME_LIMIT", 2400)

# Inference: "embedded" runs the tick loop inside the web process; "external" expects
# `manage.py inference_worker` processes on the channel layer.
INFERENCE_WORKERS = env("INFERENCE_WORKERS", "embedded")
if INFERENCE_WORKERS not in ("embedded", "external"):
    raise ImproperlyConfigured("INFERENCE_WORKERS must be 'embedded' or 'external'.")
INFERENCE_DEVICE = env("INFERENCE_DEVICE", "cpu")
INFERENCE_RESOLUTION = env("INFERENCE_RESOLUTION", "480p")
INFERENCE_FPS = env_int("INFERENCE_FPS", 30)
INFERENCE_JPEG_QUALITY = env_int("INFERENCE_JPEG_QUALITY", 80)
INFERENCE_EMBEDDED_CAPACITY = env_int("INFERENCE_EMBEDDED_CAPACITY", 2)
# torch threads for a live worker's model; 0 = every core but one, which the event loop,
# the JPEG encoders and the web process need (worlds/live/worker.py: model_threads).
INFERENCE_THREADS = env_int("INFERENCE_THREADS", 0)
# Compile the renderer's per-pixel stages: C++ on CPU (needs a compiler), Triton on CUDA;
# without either it draws eagerly. On CPU the frames are the same either way; compiling
# takes a while once per machine.
INFERENCE_COMPILE = env_bool("INFERENCE_COMPILE", True)

# Clips: Celery renders them; a GPU Celery worker sets CLIP_DEVICE=cuda.
CLIP_RESOLUTION = env("CLIP_RESOLUTION", "720p")
CLIP_DEVICE = env("CLIP_DEVICE", INFERENCE_DEVICE)

# Quotas for live play, per IP address and per session.
QUOTA_ANONYMOUS_SESSIONS_PER_HOUR = env_int("QUOTA_ANONYMOUS_SESSIONS_PER_HOUR", 12)
QUOTA_USER_SESSIONS_PER_HOUR = env_int("QUOTA_USER_SESSIONS_PER_HOUR", 60)
QUOTA_ANONYMOUS_SESSION_SECONDS = env_int("QUOTA_ANONYMOUS_SESSION_SECONDS", 20 * 60)
QUOTA_USER_SESSION_SECONDS = env_int("QUOTA_USER_SESSION_SECONDS", 2 * 60 * 60)

# Storage: the local media folder unless an S3 bucket is configured.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "static"]

S3_BUCKET = env("S3_BUCKET") or env("AWS_STORAGE_BUCKET_NAME")
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL") or env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION") or env("AWS_S3_REGION_NAME") or None,
            "access_key": env("S3_ACCESS_KEY_ID") or env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY") or env("AWS_SECRET_ACCESS_KEY") or None,
            "custom_domain": env("S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": env_bool("S3_QUERYSTRING_AUTH", True),
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads: images up to 10 MB; Django keeps larger request bodies on disk.
MAX_IMAGE_UPLOAD_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
