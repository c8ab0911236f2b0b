"""Browser tests: a real daphne server (embedded inference) driven by Debian's Chromium.

The server runs as a subprocess against a fresh SQLite database in a temporary folder,
without DATABASE_URL or REDIS_URL, so the inference worker runs inside the web process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
ASGI_APP = os.environ.get("TIDEPOOL_E2E_ASGI", "tidepool.asgi:application")

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the dev requirements install it
    Browser = Page = sync_playwright = None  # type: ignore[assignment,misc]


def _missing() -> str:
    if not Path(CHROMIUM).exists():
        return f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    if sync_playwright is None:
        return "browser tests need the playwright Python package"
    return ""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every browser test, with the reason, where Chromium or Playwright is missing."""
    reason = _missing()
    if not reason:
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


SEED = """
from accounts.models import User
from tidepool.tasks import wait_for_embedded_tasks
from worlds.services import world_create
from worlds.tasks import world_prepare

owner = User.objects.create_user(
    username="e2e-creator", email="e2e@example.com", password="e2e-pass-12345"
)
world = world_create(
    owner=owner,
    title="Lighthouse at dusk",
    prompt="a lighthouse on a grassy cliff at dusk, waves below, gulls overhead",
    visibility="public",
)
wait_for_embedded_tasks()
world_prepare(world.pk)
print("SLUG=" + world.slug)
"""


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _run(args: list[str], env: dict[str, str], timeout: float) -> str:
    result = subprocess.run(
        [_python(), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {args[0]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def _get(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def _tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


class LiveServer:
    def __init__(self, url: str, slug: str, log: Path) -> None:
        self.url = url
        self.slug = slug
        self.log = log

    def world_url(self) -> str:
        return f"{self.url}/w/{self.slug}/"

    def log_tail(self, chars: int = 4000) -> str:
        return _tail(self.log, chars)


# Not named `live_server`: pytest-django would then set up a test database in this process.
@pytest.fixture(scope="session")
def tidepool_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    var_dir = tmp_path_factory.mktemp("tidepool-e2e")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        TIDEPOOL_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="tidepool.settings",
        INFERENCE_RESOLUTION="480p",
        INFERENCE_COMPILE="0",
        PYTHONUNBUFFERED="1",
    )
    _run(["migrate", "--noinput", "-v", "0"], env, timeout=300)
    out = _run(["shell", "-c", SEED], env, timeout=300)
    slugs = [line[5:].strip() for line in out.splitlines() if line.startswith("SLUG=")]
    assert slugs, f"the seed script printed no world slug:\n{out}"

    port = free_port()
    log = var_dir / "daphne.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [_python(), "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), ASGI_APP],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _get(f"{base}/healthz") != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"daphne did not start (exit {server.poll()}):\n{_tail(log)}")
            time.sleep(0.25)
        status = _get(f"{base}/static/js/player/main.js")
        if status != 200:
            raise RuntimeError(
                f"daphne answers but /static/js/player/main.js gives HTTP {status}: the ASGI "
                "app does not serve static files in development (wrap the http app in "
                "ASGIStaticFilesHandler when DEBUG)."
            )
        yield LiveServer(base, slugs[-1], log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if _missing():
        pytest.skip(_missing())
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
