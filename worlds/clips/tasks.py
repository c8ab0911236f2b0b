"""clip_render: replay a clip's script on the world model offline and publish the video.

Idempotent and safe to deliver twice (acks_late + reject_on_worker_lost): the clip is
claimed with one status transition under a row lock; a delivery that finds it ready, or
rendering with a fresh heartbeat, does nothing. The render goes to a temporary folder,
the files are uploaded under content-addressed names (transient storage errors are
retried with backoff, without rendering again), and one update publishes them. The
Redis visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS, 7200 s) is longer than this
task's hard time limit, so a render in progress is never handed to a second worker.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from worlds.clips import render_bookkeeping, services, storage

log = logging.getLogger(__name__)

# Longest render: 180 s of 720p on two busy CPU cores was measured at 0.05x real time,
# about an hour; on a GPU about a minute. Both limits stay under the 7200 s visibility
# timeout of the Redis broker (asserted in tests).
SOFT_TIME_LIMIT = getattr(settings, "CLIP_SOFT_TIME_LIMIT", 5400)
TIME_LIMIT = getattr(settings, "CLIP_TIME_LIMIT", 6000)
PROGRESS_EVERY_SECONDS = 1.0


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def clip_render(clip_id: int) -> str:
    claim = render_bookkeeping.clip_render_claim(clip_id=clip_id)
    if claim is None:
        return "skipped"
    clip, token = claim
    try:
        return _render(clip, token)
    except render_bookkeeping.RenderSuperseded:
        return "superseded"
    except storage.StorageUnavailable as error:
        render_bookkeeping.clip_render_fail(clip_id=clip.pk, token=token, reason=str(error))
        return "failed"
    except SoftTimeLimitExceeded:
        render_bookkeeping.clip_render_fail(
            clip_id=clip.pk,
            token=token,
            reason=f"Rendering took longer than {SOFT_TIME_LIMIT // 60} minutes and was stopped.",
        )
        return "failed"
    except Exception as error:
        log.exception("Clip %s failed to render", clip.pk)
        render_bookkeeping.clip_render_fail(
            clip_id=clip.pk,
            token=token,
            reason=f"Rendering failed: {type(error).__name__}: {error}",
        )
        return "failed"


def _render(clip, token: str) -> str:  # noqa: ANN001
    from worlds.clips.encoding import pick_video_codec
    from worlds.clips.render import render_clip
    from worlds.clips.replay import model_lock
    from worlds.clips.script import compile_script
    from worlds.clips.segments import default_segments
    from worlds.engine import world_model

    timeline = compile_script(clip.script)
    device = getattr(settings, "CLIP_DEVICE", None) or settings.INFERENCE_DEVICE
    model = world_model(clip.resolution, purpose="clips", device=device)
    segments = getattr(settings, "CLIP_SEGMENTS", None) or default_segments(str(model.device))
    scout = None
    if segments > 1:  # a tiny model simulates every tick; the full one only draws (segments.py)
        replay_resolution = getattr(settings, "CLIP_REPLAY_RESOLUTION", "64x36")
        scout = world_model(replay_resolution, purpose="clips-scout", device="cpu")
    last = [0.0]

    def on_progress(done: int, total: int, elapsed: float) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_SECONDS and done < total:
            return
        last[0] = now
        eta = elapsed / done * (total - done) if done else None
        render_bookkeeping.clip_render_progress(
            clip_id=clip.pk, token=token, progress=98.0 * done / total, eta_s=eta
        )

    with tempfile.TemporaryDirectory(prefix=f"clip-{clip.slug}-") as workdir:
        with model_lock(model):
            start_state = services.clip_start_state(model, clip)
            result = render_clip(
                model,
                start_state,
                timeline,
                workdir,
                on_progress=on_progress,
                codec=pick_video_codec(str(model.device)),
                segments=segments,
                scout=scout,
            )
        thumbnail = Path(workdir) / "thumbnail.jpg"
        thumbnail.write_bytes(result.thumbnail)

        def heartbeat(field: str, attempt: int) -> None:
            render_bookkeeping.clip_render_progress(
                clip_id=clip.pk, token=token, progress=99, eta_s=1
            )

        stored = storage.clip_store_files(
            clip=clip,
            files={
                "file": result.video_path,
                "thumbnail": thumbnail,
                "preview": result.preview_path,
            },
            on_attempt=heartbeat,
        )
    published = render_bookkeeping.clip_render_finish(
        clip_id=clip.pk,
        token=token,
        stored=stored,
        render_seconds=result.wall_s,
        size_bytes=result.size_bytes,
        keyframes=result.keyframes,
    )
    return "ready" if published else "superseded"
