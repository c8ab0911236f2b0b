"""The browser player against a real server: start a session, move, direct, screenshot."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the playwright Python package"
)
from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLAYER = "#player"
FIRST_FRAME_TIMEOUT_MS = 120_000  # the embedded worker may load the world model first


def canvas_pixels(page: Page) -> str:
    return page.evaluate("document.getElementById('player-canvas').toDataURL('image/png')")


@pytest.fixture(scope="module")
def playing(page: Page, tidepool_server, artifacts: Path) -> Page:
    """The world page, then Play: a player page that has drawn frames."""
    try:
        page.goto(tidepool_server.world_url(), timeout=60_000)
        page.get_by_role("button", name=re.compile("Play", re.I)).first.click()
        page.wait_for_url(re.compile(r"/play/[0-9a-f-]{36}/$"), timeout=60_000)
        page.wait_for_selector(f'{PLAYER}[data-state="playing"]', timeout=FIRST_FRAME_TIMEOUT_MS)
        page.wait_for_function("window.tidepoolPlayer && window.tidepoolPlayer.framesDrawn > 0")
    except Exception as error:
        try:
            page.screenshot(path=str(artifacts / "start-failed.png"))
            state = page.evaluate(
                "window.tidepoolPlayer ? JSON.stringify({state: tidepoolPlayer.state,"
                " error: tidepoolPlayer.lastError, closed: tidepoolPlayer.closeInfo}) : 'no player'"
            )
        except Exception as inner:  # the page itself may be gone
            state = f"unavailable ({inner})"
        raise AssertionError(
            f"the player did not start at {page.url}: {error}\nplayer: {state}\n"
            f"JS errors: {page.js_errors}\nserver log:\n{tidepool_server.log_tail()}"
        ) from error
    return page


def test_play_button_starts_a_live_session(playing: Page) -> None:
    assert re.search(r"/play/[0-9a-f-]{36}/$", playing.url)
    expect(playing.locator(PLAYER)).to_have_attribute("data-state", "playing")
    player = playing.evaluate(
        "({frames: tidepoolPlayer.framesDrawn, tick: tidepoolPlayer.lastTick,"
        " role: tidepoolPlayer.role, state: tidepoolPlayer.state})"
    )
    assert player["frames"] > 0
    assert player["tick"] is not None
    assert player["role"] == "player"
    assert player["state"] == "playing"
    assert not playing.js_errors, playing.js_errors  # type: ignore[attr-defined]


def test_holding_w_changes_the_picture(playing: Page) -> None:
    playing.evaluate("tidepoolPlayer.setMode('wander')")
    playing.locator("#player-canvas").focus()
    before = canvas_pixels(playing)
    ticks_before = playing.evaluate("tidepoolPlayer.lastTick")
    sent_before = playing.evaluate("tidepoolPlayer.lastSeqSent")
    playing.keyboard.down("w")
    time.sleep(1.5)
    held_seq = playing.evaluate("tidepoolPlayer.lastSeqSent")
    playing.keyboard.up("w")
    # Wait for a frame that the server rendered after applying the inputs sent with W held.
    playing.wait_for_function(
        f"tidepoolPlayer.lastTick > {ticks_before} && tidepoolPlayer.lastSeqAcked >= {held_seq}",
        timeout=30_000,
    )
    after = canvas_pixels(playing)
    assert playing.evaluate("tidepoolPlayer.lastSeqSent") > sent_before, (
        "no input messages were sent"
    )
    assert before != after, "the picture did not change while W was held"


def test_command_result_shows_in_the_log(playing: Page) -> None:
    playing.evaluate("tidepoolPlayer.setMode('direct')")
    box = playing.locator("#command-input")
    expect(box).to_be_focused()
    box.fill("make it rain")
    box.press("Enter")
    entry = playing.locator("#command-log .cmd").filter(has_text="rain").last
    expect(entry).to_have_attribute("data-status", "applied", timeout=30_000)
    expect(entry).to_contain_text("rain")
    expect(entry.locator(".cmd-status")).to_contain_text("✓")
    expect(box).to_have_value("")


def test_a_blocked_command_says_which_part_and_category(playing: Page) -> None:
    playing.evaluate("tidepoolPlayer.setMode('direct')")
    box = playing.locator("#command-input")
    box.fill("a man slits his wrists in the bath, show the blood")
    box.press("Enter")
    entry = playing.locator("#command-log .cmd").filter(has_text="wrists").last
    expect(entry).to_have_attribute("data-status", "blocked", timeout=30_000)
    expect(entry.locator(".cmd-label")).to_have_text("Blocked · self harm")
    expect(entry).to_contain_text("“slits his wrists” (self-harm)")


def test_screenshot(playing: Page, artifacts: Path) -> None:
    playing.evaluate("tidepoolPlayer.setMode('wander')")
    playing.wait_for_function("tidepoolPlayer.fps > 0")
    time.sleep(1.0)  # let the fps and latency overlay fill in
    path = artifacts / "player.png"
    playing.screenshot(path=str(path))
    assert path.exists()
    assert path.stat().st_size > 20_000, "the screenshot is suspiciously small"


def test_spectator_watches_the_same_session(playing: Page, browser) -> None:
    watch_url = playing.evaluate("tidepoolPlayer.config.spectate_url")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        viewer = context.new_page()
        viewer.goto(watch_url)
        expect(viewer.locator("#player")).to_have_attribute("data-role", "spectator")
        expect(viewer.get_by_text("Watching live")).to_be_visible()
        assert viewer.locator("#command-input").count() == 0
        viewer.wait_for_function(
            "window.tidepoolPlayer && window.tidepoolPlayer.framesDrawn > 0", timeout=60_000
        )
        expect(viewer.locator("#player")).to_have_attribute("data-state", "playing")
    finally:
        context.close()


def test_the_player_fits_a_phone_screen_without_sideways_scrolling(
    browser, tidepool_server, artifacts: Path
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    try:
        phone = context.new_page()
        phone.goto(tidepool_server.world_url())
        phone.click("[data-action=play]")
        phone.wait_for_function(
            "window.tidepoolPlayer && window.tidepoolPlayer.framesDrawn > 0", timeout=60_000
        )
        widths = phone.evaluate(
            "({page: document.documentElement.scrollWidth, screen: window.innerWidth})"
        )
        phone.screenshot(path=str(artifacts / "player-phone.png"), full_page=True)
        assert widths["page"] <= widths["screen"], widths
        expect(phone.locator("#hints")).to_be_hidden()
    finally:
        context.close()
