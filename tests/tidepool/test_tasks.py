"""The embedded task pool: background work yields the cores to live play."""

from __future__ import annotations

import os
import threading

from tidepool.tasks import BACKGROUND_NICENESS, _embedded_executor


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _niceness_of_a_thread_started_here() -> int:
    seen: list[int] = []
    child = threading.Thread(target=lambda: seen.append(_niceness()))
    child.start()
    child.join()
    return seen[0]


def test_embedded_background_work_runs_at_a_lower_priority_than_the_web_process():
    expected = min(19, _niceness() + BACKGROUND_NICENESS)

    assert _embedded_executor().submit(_niceness).result() == expected


def test_threads_that_background_work_starts_keep_its_lower_priority():
    expected = min(19, _niceness() + BACKGROUND_NICENESS)

    assert _embedded_executor().submit(_niceness_of_a_thread_started_here).result() == expected
