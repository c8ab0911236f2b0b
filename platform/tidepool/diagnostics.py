"""A task that reports on the worker it runs in, for health checks of Celery workers."""

import platform

from celery import shared_task


@shared_task
def worker_info() -> dict[str, str]:
    return {"platform": platform.system(), "python": platform.python_version()}
