"""clip_render in a real Celery worker process, over Redis, delivered twice."""

from __future__ import annotations

import uuid

import pytest
from celery import Celery

from tests.processes import database_url_for_processes, redis_url, start_celery_worker
from tests.worlds.clips.conftest import make_clip
from worlds.clips.models import Clip

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
REDIS = redis_url(db=12)


@pytest.fixture
def clip_worker(settings):
    if REDIS is None:
        pytest.skip("A real Celery worker needs Redis (redis://…/12); none answers here.")
    queue = f"clips-test-{uuid.uuid4().hex[:10]}"
    env = {
        "REDIS_URL": REDIS,
        "DATABASE_URL": database_url_for_processes(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    app = Celery("clips-test", broker=REDIS, backend=REDIS)
    try:
        with start_celery_worker(queue=queue, env=env) as worker:
            yield app, queue, worker
    finally:
        app.close()


def test_a_real_worker_renders_the_clip_once_when_it_is_delivered_twice(world, clip_worker):
    from django.core.files.storage import default_storage

    app, queue, worker = clip_worker
    clip = make_clip(world)
    first = app.send_task("worlds.clips.tasks.clip_render", args=[clip.pk], queue=queue)
    second = app.send_task("worlds.clips.tasks.clip_render", args=[clip.pk], queue=queue)
    try:
        outcomes = [first.get(timeout=240), second.get(timeout=60)]
    except Exception:
        if worker.poll() is not None:
            pytest.fail(f"the worker died: {worker.stderr.read().decode()[-3000:]}")
        raise
    assert outcomes == ["ready", "skipped"]
    clip.refresh_from_db()
    assert clip.status == Clip.Status.READY and clip.attempts == 1
    assert default_storage.exists(clip.file.name)
    _, files = default_storage.listdir(f"clips/{clip.slug}")
    assert len(files) == 3
