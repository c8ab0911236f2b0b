"""A moderator's journey in the browser: the queue, a flagged session's exact replay and
command log, a decision with a note, the audit log; the creator is notified and appeals;
everyone else gets a 404."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the playwright Python package"
)
from playwright.sync_api import Browser, expect  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "e2e-pass-12345"

SEED = r"""
from django.contrib.auth.models import Permission
from accounts.models import User
from moderation.commands import moderation_command
from tidepool.tasks import wait_for_embedded_tasks
from worlds.engine import world_model
from worlds.live import input_log
from worlds.live.services import session_start
from worlds.models import Command
from worlds.services import world_create
from worlds.tasks import world_prepare

mod = User.objects.create_user(username="e2e-mod", password="PASSWORD", is_staff=True)
review = Permission.objects.get(codename="review", content_type__app_label="moderation")
mod.user_permissions.add(review)
maker = User.objects.create_user(username="e2e-maker", password="PASSWORD")
world = world_create(owner=maker, title="Harbour at noon", visibility="public",
                     prompt="a small harbour at noon with fishing boats and gulls")
wait_for_embedded_tasks()
world_prepare(world.pk)
session = session_start(world=world, player=maker)
model = world_model()
state = model.restore(session.start_snapshot.state)
start = int(state.tick)
_, result = model.direct(state, "make it rain")
assert result.status == "applied", result
session.input_log = input_log.encode([[start + 2, 0.0, 1.0, 0.0, 0.0, 2]])
session.save(update_fields=["input_log"])
text = "fuck this weather, make it rain"
decision = moderation_command(text=text, user=maker, session_id=session.pk)
assert decision.status == "flagged", decision
applied = {"status": "applied", "message": result.message, "changes": list(result.changes),
           "suggestions": [], "actions": result.actions}
Command.objects.create(session=session, tick=start + 4, text=text, verdict=decision.verdict,
                       result=applied)
blocked = moderation_command(text="behead the hostages", user=maker, session_id=session.pk)
assert blocked.status == "blocked"
print("SESSION=" + str(session.pk))
""".replace("PASSWORD", PASSWORD)


@pytest.fixture(scope="module")
def flagged(tidepool_server) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        TIDEPOOL_VAR_DIR=str(tidepool_server.log.parent),
        DJANGO_SETTINGS_MODULE="tidepool.settings",
        INFERENCE_RESOLUTION="480p",
        INFERENCE_COMPILE="0",
    )
    python = ROOT / ".venv" / "bin" / "python"
    done = subprocess.run(
        [str(python if python.exists() else sys.executable), "manage.py", "shell", "-c", SEED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return re.search(r"SESSION=(\S+)", done.stdout).group(1)


def login(browser: Browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return context, page


def test_a_moderator_reviews_a_flagged_session_and_the_creator_appeals(
    browser: Browser, tidepool_server, flagged: str, artifacts: Path
):
    base = tidepool_server.url
    # Not a moderator: the queue does not exist for them.
    maker_context, maker = login(browser, base, "e2e-maker")
    assert maker.goto(f"{base}/moderation/").status == 404

    mod_context, page = login(browser, base, "e2e-mod")
    try:
        page.goto(f"{base}/moderation/")
        queue = page.get_by_test_id("queue")
        expect(queue).to_contain_text("Live session of Harbour at noon")
        queue.get_by_role("link", name=re.compile("Live session of Harbour at noon")).first.click()

        log = page.get_by_test_id("command-log")
        expect(log).to_contain_text("fuck this weather, make it rain")
        expect(log).to_contain_text("behead the hostages")
        expect(log.locator(".verdict-block")).to_have_count(1)
        expect(log.locator(".verdict-flag")).to_have_count(1)

        # The replay draws frames on the canvas and plays to the end.
        replay = page.locator("#replay")
        end = int(replay.get_attribute("data-end"))
        page.wait_for_function(
            "document.getElementById('replay').dataset.shownTick", timeout=120_000
        )
        page.get_by_role("button", name=re.compile("Play")).click()
        page.wait_for_function(
            f"Number(document.getElementById('replay').dataset.shownTick) === {end}",
            timeout=120_000,
        )
        drawn = page.evaluate(
            "(() => { const c = document.querySelector('#replay canvas');"
            " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            " let s = 0; for (let i = 0; i < d.length; i += 97) s += d[i]; return s; })()"
        )
        assert drawn > 0
        thumb = page.get_by_test_id("flagged-thumbs").locator("img").first
        expect(thumb).to_be_visible()
        page.wait_for_function(
            "document.querySelector('[data-testid=flagged-thumbs] img').naturalWidth > 0"
        )
        page.screenshot(path=str(artifacts / "moderation-case.png"), full_page=True)

        # A decision needs a note.
        form = page.get_by_test_id("action-form")
        form.locator("select[name=action]").select_option("hide_world")
        form.locator("textarea[name=note]").fill(
            "Swearing and a blocked gore command; hiding while we talk."
        )
        form.get_by_role("button", name="Apply").click()
        expect(page.locator(".messages")).to_contain_text("Done: hide the world")
        page.goto(f"{base}/moderation/audit/")
        expect(page.get_by_test_id("audit-log")).to_contain_text("hide world")
        expect(page.get_by_test_id("audit-log")).to_contain_text("hiding while we talk")

        # The creator is notified and appeals; the appeal shows in the queue.
        maker.goto(f"{base}/moderation/notifications/")
        notification = maker.get_by_test_id("notification").first
        expect(notification).to_contain_text("was hidden by a moderator")
        notification.get_by_role("link", name="Appeal this decision").click()
        maker.fill(
            "textarea[name=text]", "It was a storm scene; the swearing was about the weather."
        )
        maker.get_by_role("button", name="Send appeal").click()
        expect(maker.locator(".messages")).to_contain_text("Your appeal is with the moderators")
        page.goto(f"{base}/moderation/")
        expect(page.get_by_test_id("queue")).to_contain_text("Appeal by e2e-maker")
        page.screenshot(path=str(artifacts / "moderation-queue.png"), full_page=True)
    finally:
        mod_context.close()
        maker_context.close()
