"""clip_render end to end, idempotency, limits, and storage failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import EndpointConnectionError
from django.conf import settings as django_settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils import timezone

from tests.worlds.clips.conftest import STORM_SCRIPT, make_clip
from worlds.clips import render as render_module
from worlds.clips import render_bookkeeping, services, storage
from worlds.clips.models import Clip
from worlds.clips.tasks import clip_render


def notices(user) -> list[tuple[str, str]]:
    from moderation.models import Notification

    return [(n.text, n.link) for n in Notification.objects.filter(user=user)]


@pytest.fixture
def render_calls(monkeypatch):
    calls = []
    real = render_module.render_clip

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(render_module, "render_clip", spy)
    return calls


def stored_files(clip) -> list[str]:
    _, files = default_storage.listdir(f"clips/{clip.slug}")
    return sorted(files)


@pytest.mark.django_db(transaction=True)
def test_a_clip_renders_in_the_background_in_embedded_mode(creator, world):
    from tidepool.tasks import wait_for_embedded_tasks

    clip = services.clip_create(world=world, user=creator, script=STORM_SCRIPT, title="Storm")
    assert clip.status == Clip.Status.QUEUED
    wait_for_embedded_tasks()
    clip.refresh_from_db()
    assert clip.status == Clip.Status.READY, clip.error
    assert clip.progress == 100 and clip.eta_s == 0
    assert clip.file.name.endswith(".mp4") and default_storage.exists(clip.file.name)
    assert default_storage.exists(clip.thumbnail.name)
    assert default_storage.exists(clip.preview.name)
    assert clip.size_bytes == default_storage.size(clip.file.name)
    assert clip.render_seconds > 0
    assert "0" in clip.keyframes  # for remixing at a moment


def test_delivering_the_same_clip_twice_renders_it_once(world, render_calls):
    clip = make_clip(world)
    assert clip_render.apply(args=[clip.pk]).get() == "ready"
    clip.refresh_from_db()
    first = (clip.file.name, clip.thumbnail.name, clip.preview.name)
    assert clip_render.apply(args=[clip.pk]).get() == "skipped"
    clip.refresh_from_db()
    assert len(render_calls) == 1
    assert (clip.file.name, clip.thumbnail.name, clip.preview.name) == first
    assert len(stored_files(clip)) == 3  # nothing partial, nothing twice
    assert notices(clip.owner) == [("Your clip “Storm clip” is ready.", clip.get_absolute_url())]


def test_a_delivery_that_finds_a_live_render_leaves_it_alone(world, render_calls):
    clip = make_clip(world, status=Clip.Status.RENDERING, heartbeat_at=timezone.now(),
                     render_token="someone-else", attempts=1)  # fmt: skip
    assert clip_render.apply(args=[clip.pk]).get() == "skipped"
    clip.refresh_from_db()
    assert clip.status == Clip.Status.RENDERING and clip.render_token == "someone-else"
    assert render_calls == []


def test_a_render_whose_worker_died_is_taken_over(world, render_calls):
    stale = timezone.now() - timedelta(minutes=10)
    clip = make_clip(world, status=Clip.Status.RENDERING, heartbeat_at=stale,
                     render_token="dead-worker", attempts=1)  # fmt: skip
    assert clip_render.apply(args=[clip.pk]).get() == "ready"
    clip.refresh_from_db()
    assert clip.status == Clip.Status.READY and clip.attempts == 2
    assert len(render_calls) == 1


def test_a_render_that_keeps_dying_fails_instead_of_looping(world, render_calls):
    stale = timezone.now() - timedelta(minutes=10)
    clip = make_clip(world, status=Clip.Status.RENDERING, heartbeat_at=stale, attempts=3)
    assert clip_render.apply(args=[clip.pk]).get() == "skipped"
    clip.refresh_from_db()
    assert clip.status == Clip.Status.FAILED
    assert "stopped 3 times" in clip.error
    assert render_calls == []


def test_the_redis_visibility_timeout_outlasts_the_longest_render():
    """Redis redelivers an unacknowledged task after visibility_timeout: it must be
    longer than any render can run (the hard time limit), or a second worker would
    start the same clip while the first is still rendering."""
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility == 7200
    assert clip_render.soft_time_limit < clip_render.time_limit < visibility
    # 180 s of 720p on two busy CPU cores (measured 0.05x real time) fits the soft limit.
    assert clip_render.soft_time_limit >= 180 / 0.05
    assert clip_render.acks_late and clip_render.reject_on_worker_lost


def test_storage_down_fails_the_clip_with_the_reason_and_keeps_no_file(
    world, creator_client, monkeypatch, django_capture_on_commit_callbacks
):
    attempts = []

    def down(self, name, content):
        attempts.append(name)
        raise EndpointConnectionError(endpoint_url="https://s3.example.invalid")

    monkeypatch.setattr(FileSystemStorage, "_save", down)
    clip = make_clip(world)
    assert clip_render.apply(args=[clip.pk]).get() == "failed"
    clip.refresh_from_db()
    assert clip.status == Clip.Status.FAILED
    assert "Storage is unavailable" in clip.error and "4 tries" in clip.error
    assert len(attempts) == 4  # first try + 3 retries with backoff
    assert not clip.file and not clip.thumbnail and not clip.preview
    assert not default_storage.exists(f"clips/{clip.slug}")
    [(text, link)] = notices(clip.owner)
    assert text.startswith("Your clip “Storm clip” could not be rendered: Storage is unavailable")
    assert link == clip.get_absolute_url()

    page = creator_client.get(clip.get_absolute_url())
    assert b"Storage is unavailable" in page.content
    assert b'data-action="retry"' in page.content

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = creator_client.post(f"/c/{clip.slug}/retry/")
    assert response.status_code == 302
    clip.refresh_from_db()
    assert clip.status == Clip.Status.QUEUED and clip.error == ""
    assert len(callbacks) == 1  # the render is enqueued again
    assert clip_render.apply(args=[clip.pk]).get() == "ready"


def test_a_passing_storage_hiccup_is_retried_without_rendering_again(
    world, monkeypatch, render_calls
):
    real = FileSystemStorage._save
    failures = iter([True, True])

    def flaky(self, name, content):
        if next(failures, False):
            raise OSError("connection reset by peer")
        return real(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", flaky)
    clip = make_clip(world)
    assert clip_render.apply(args=[clip.pk]).get() == "ready"
    assert len(render_calls) == 1


def test_editing_a_clip_while_it_renders_discards_the_old_render(world, creator):
    clip = make_clip(world)
    _, token = render_bookkeeping.clip_render_claim(clip_id=clip.pk)
    services.clip_update(clip=clip, user=creator, script={**STORM_SCRIPT, "duration_s": 1.5})
    with pytest.raises(render_bookkeeping.RenderSuperseded):
        render_bookkeeping.clip_render_progress(clip_id=clip.pk, token=token, progress=50, eta_s=3)
    published = render_bookkeeping.clip_render_finish(
        clip_id=clip.pk, token=token, stored={"file": "x.mp4", "thumbnail": "x.jpg",
        "preview": "x-preview.mp4"}, render_seconds=1, size_bytes=1, keyframes={},
    )  # fmt: skip
    assert published is False
    clip.refresh_from_db()
    assert clip.status == Clip.Status.QUEUED and not clip.file


def test_a_failed_re_render_never_deletes_the_files_the_clip_still_shows(world, monkeypatch):
    """Names are content-addressed, so a re-render of the same script produces the same
    names; cleaning up after its failed upload must leave the published files alone."""
    clip = make_clip(world)
    assert clip_render.apply(args=[clip.pk]).get() == "ready"
    clip.refresh_from_db()
    Clip.objects.filter(pk=clip.pk).update(status=Clip.Status.QUEUED)
    real = storage._store_one

    def preview_fails(path, name):
        if name.endswith("-preview.mp4"):
            raise OSError("network unreachable")
        return real(path, name)

    monkeypatch.setattr(storage, "_store_one", preview_fails)
    assert clip_render.apply(args=[clip.pk]).get() == "failed"
    clip.refresh_from_db()
    assert default_storage.exists(clip.file.name)
    assert default_storage.exists(clip.thumbnail.name)
