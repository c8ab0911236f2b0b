"""platform/ is a source root, not a package: the standard library's `platform` module
must win in every process Tidepool runs."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.processes import ROOT, free_port, redis_url, start_celery_worker

EXPECTED = platform.system()
CHECK = "import platform; print(platform.system())"


def run(*args: str, env: dict[str, str] | None = None) -> str:
    env = env or {**os.environ, "DJANGO_SETTINGS_MODULE": "tidepool.settings"}
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_there_is_no_platform_package():
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_under_pytest():
    assert platform.system() == EXPECTED
    assert platform.__file__.startswith(os.path.dirname(os.__file__))


def test_from_the_repository_root():
    assert run(sys.executable, "-c", CHECK) == EXPECTED


def test_inside_manage_py_shell():
    assert run(sys.executable, "manage.py", "shell", "-c", CHECK).splitlines()[-1] == EXPECTED


def test_in_daphne():
    port = free_port()
    daphne = Path(sys.executable).with_name("daphne")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tidepool.settings"}
    server = subprocess.Popen(
        [str(daphne), "-b", "127.0.0.1", "-p", str(port), "tidepool.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert f'"platform": "{EXPECTED}"' in body
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_in_a_celery_worker():
    url = redis_url()
    if url is None:
        pytest.skip("A real Celery worker needs Redis; none answers on this machine.")
    env = {**os.environ, "REDIS_URL": url, "DJANGO_SETTINGS_MODULE": "tidepool.settings"}
    queue = f"platform-check-{os.getpid()}"
    with start_celery_worker(queue=queue, env=env):
        script = (
            "from tidepool.diagnostics import worker_info; "
            f"print(worker_info.apply_async(queue={queue!r}).get(timeout=60)['platform'])"
        )
        assert run(sys.executable, "-c", script, env=env) == EXPECTED
