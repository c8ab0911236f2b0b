"""Enqueueing background work.

With a broker (REDIS_URL set) tasks go to Celery workers. Without one, the embedded
default runs them on a small thread pool inside the web process, so clip renders and
thumbnails still happen in the background with nothing to install. Either way a task
is only enqueued once the surrounding transaction commits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from celery import Task
from django.conf import settings
from django.db import connections, transaction

log = logging.getLogger(__name__)
_executor: ThreadPoolExecutor | None = None
BACKGROUND_NICENESS = 10  # added to the web process's


def _yield_to_live_play() -> None:
    """Live sessions share this process's cores, so background work runs at a lower
    priority. The threads and processes it starts (torch's, the encoder's, the renderer's
    compile workers) inherit it. Without this, the first clip render compiling the 720p
    renderer held live play at 0-4 fps on 2 cores for about ten seconds."""
    with contextlib.suppress(AttributeError, OSError):  # not on every OS
        thread = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + BACKGROUND_NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(19, niceness))


def _embedded_executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="tidepool-task", initializer=_yield_to_live_play
        )
    return _executor


def _run_embedded(task: Task, args: tuple[Any, ...]) -> None:
    try:
        task.apply(args=args, throw=True)
    except Exception:
        log.exception("Background task %s%r failed", task.name, args)
    finally:
        connections.close_all()  # this thread's own connections; nothing else closes them


def enqueue(task: Task, *args: Any) -> None:
    """Send `task(*args)` to the workers once the current transaction commits."""

    def send() -> None:
        if settings.CELERY_BROKER_URL:
            task.apply_async(args=args)
        else:
            future: Future[None] = _embedded_executor().submit(_run_embedded, task, args)
            future.add_done_callback(lambda f: f.exception())

    transaction.on_commit(send)


def wait_for_embedded_tasks() -> None:
    """Block until the embedded pool has drained (used by tests and the seed command)."""
    if _executor is not None:
        _executor.submit(lambda: None).result()
