"""The browser player against a real server: start a session, move, direct, screenshot."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the playwright Python package"
)
from playwright.sync_api import CDPSession, Page, expect  # noqa: E402

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


def test_the_picture_goes_full_screen_and_back(playing: Page) -> None:
    playing.evaluate("tidepoolPlayer.setMode('wander')")
    button = playing.locator("#fullscreen-button")
    button.click()
    playing.wait_for_function("document.fullscreenElement?.id === 'stage'", timeout=5_000)
    expect(button).to_have_attribute("aria-pressed", "true")
    stage = playing.evaluate(
        "({w: document.getElementById('stage').clientWidth, h: document.getElementById('stage')"
        ".clientHeight, screenW: innerWidth, screenH: innerHeight})"
    )
    assert (stage["w"], stage["h"]) == (stage["screenW"], stage["screenH"]), stage
    playing.keyboard.press("f")
    playing.wait_for_function("document.fullscreenElement === null", timeout=5_000)
    expect(button).to_have_attribute("aria-pressed", "false")


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


def start_playing(page: Page, tidepool_server, frames: int = 0) -> None:
    """The world page, then Play, until the player has drawn more than `frames` frames."""
    page.goto(tidepool_server.world_url())
    page.click("[data-action=play]")
    page.wait_for_function(
        f"window.tidepoolPlayer && window.tidepoolPlayer.framesDrawn > {frames}", timeout=60_000
    )


@pytest.fixture
def phone(browser, tidepool_server) -> Iterator[Page]:
    """The player on a phone-sized touch screen, drawing frames."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # type: ignore[attr-defined]
    try:
        start_playing(page, tidepool_server, frames=2)
        yield page
    finally:
        context.close()


def test_the_player_fits_a_phone_screen_without_sideways_scrolling(
    phone: Page, artifacts: Path
) -> None:
    widths = phone.evaluate(
        "({page: document.documentElement.scrollWidth, screen: window.innerWidth})"
    )
    phone.screenshot(path=str(artifacts / "player-phone.png"), full_page=True)
    assert widths["page"] <= widths["screen"], widths
    expect(phone.locator("#hints")).to_be_hidden()


def test_a_phone_on_its_side_shows_the_whole_picture(browser, tidepool_server) -> None:
    context = browser.new_context(
        viewport={"width": 844, "height": 390}, has_touch=True, is_mobile=True
    )
    try:
        phone = context.new_page()
        start_playing(phone, tidepool_server)
        box = phone.evaluate("document.getElementById('stage').getBoundingClientRect().toJSON()")
        assert box["top"] >= 0 and box["bottom"] <= 390, box
        expect(phone.get_by_role("button", name="Jump")).to_be_in_viewport()
    finally:
        context.close()


def touch(cdp: CDPSession, kind: str, points: list[tuple[float, float]]) -> None:
    """A real touch event through the browser's input pipeline (it also makes pointer events)."""
    touch_points = [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touch_points})


LAST_INPUT = "tidepoolPlayer.lastInputSent"


def test_on_a_phone_the_left_thumb_walks(phone: Page, artifacts: Path) -> None:
    expect(phone.locator(".touch-hint")).to_be_visible()
    box = phone.locator("#player-canvas").bounding_box()
    assert box is not None
    cdp = phone.context.new_cdp_session(phone)
    before = canvas_pixels(phone)
    ticks_before = phone.evaluate("tidepoolPlayer.lastTick")

    thumb = (box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.7)
    touch(cdp, "touchStart", [thumb])
    touch(cdp, "touchMove", [(thumb[0], thumb[1] - 40)])  # push up: walk forward
    phone.wait_for_function(f"{LAST_INPUT}.axes[1] > 0.5", timeout=5_000)
    expect(phone.locator(".touch-stick")).to_be_visible()
    expect(phone.locator(".touch-hint")).to_be_hidden()
    walking = phone.evaluate(LAST_INPUT)
    assert walking["axes"][0] == 0
    assert walking["axes"][1] == pytest.approx(40 / 56, abs=0.02)  # 40 px of a 56 px reach
    time.sleep(1.0)
    held_seq = phone.evaluate("tidepoolPlayer.lastSeqSent")
    phone.screenshot(path=str(artifacts / "player-phone-walking.png"))

    touch(cdp, "touchEnd", [])
    phone.wait_for_function(f"{LAST_INPUT}.axes.every((axis) => axis === 0)", timeout=5_000)
    expect(phone.locator(".touch-stick")).to_be_hidden()
    phone.wait_for_function(
        f"tidepoolPlayer.lastTick > {ticks_before} && tidepoolPlayer.lastSeqAcked >= {held_seq}",
        timeout=30_000,
    )
    assert canvas_pixels(phone) != before, "the picture did not change while walking"
    assert not phone.js_errors, phone.js_errors  # type: ignore[attr-defined]


def test_on_a_phone_a_drag_on_the_right_looks_around(phone: Page) -> None:
    phone.evaluate(
        "() => { window.lookSent = []; const send = WebSocket.prototype.send;"
        " WebSocket.prototype.send = function (data) {"
        "   if (typeof data === 'string' && data.includes('\"look\"'))"
        "     window.lookSent.push(JSON.parse(data).look);"
        "   return send.call(this, data); }; }"
    )
    box = phone.locator("#player-canvas").bounding_box()
    assert box is not None
    cdp = phone.context.new_cdp_session(phone)
    start = (box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.5)
    touch(cdp, "touchStart", [start])
    for step in range(1, 6):
        touch(cdp, "touchMove", [(start[0] - 8 * step, start[1])])
        time.sleep(0.03)
    touch(cdp, "touchEnd", [])
    turned = "window.lookSent.reduce((sum, [x]) => sum + x, 0)"
    # 40 px left at 0.25 degrees a pixel, sent over one or more messages.
    phone.wait_for_function(f"Math.abs({turned} - -10) < 0.01", timeout=5_000)
    assert all(y == 0 for _, y in phone.evaluate("window.lookSent"))
    expect(phone.locator(".touch-stick")).to_be_hidden()  # the right side is not the stick


def test_on_a_phone_the_jump_button_holds_space(phone: Page) -> None:
    jump = phone.get_by_role("button", name="Jump")
    expect(jump).to_be_visible()
    box = jump.bounding_box()
    assert box is not None
    cdp = phone.context.new_cdp_session(phone)
    touch(cdp, "touchStart", [(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)])
    phone.wait_for_function(f"{LAST_INPUT}.keys.includes('space')", timeout=5_000)
    expect(jump).to_have_class(re.compile("is-pressed"))
    touch(cdp, "touchEnd", [])
    phone.wait_for_function(f"!{LAST_INPUT}.keys.includes('space')", timeout=5_000)


def test_in_direct_mode_the_touch_controls_step_aside(phone: Page) -> None:
    phone.get_by_role("tab", name="Direct").click()
    expect(phone.get_by_role("button", name="Jump")).to_be_hidden()
    expect(phone.locator(".touch-hint")).to_be_hidden()


def test_a_touch_laptop_shows_the_touch_controls_on_its_first_touch(
    browser, tidepool_server
) -> None:
    """A laptop with a touch screen has a mouse too: the controls wait for a touch."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    # Chromium's touch emulation always reports a coarse pointer, as a phone does; a touch
    # laptop's main pointer is its mouse, so the page's query for a coarse one says no.
    context.add_init_script(
        "const realMatchMedia = window.matchMedia.bind(window);"
        "window.matchMedia = (query) =>"
        "  realMatchMedia(query.includes('pointer: coarse') ? 'not all' : query);"
    )
    try:
        laptop = context.new_page()
        start_playing(laptop, tidepool_server)
        assert laptop.evaluate("navigator.maxTouchPoints > 0")
        assert not laptop.evaluate("matchMedia('(pointer: coarse)').matches")
        jump = laptop.get_by_role("button", name="Jump")
        expect(jump).to_be_hidden()
        expect(laptop.locator(".touch-hint")).to_be_hidden()

        box = laptop.locator("#player-canvas").bounding_box()
        assert box is not None
        cdp = laptop.context.new_cdp_session(laptop)
        thumb = (box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.7)
        touch(cdp, "touchStart", [thumb])
        touch(cdp, "touchMove", [(thumb[0], thumb[1] - 40)])
        laptop.wait_for_function(f"{LAST_INPUT}.axes[1] > 0.5", timeout=5_000)
        expect(jump).to_be_visible()  # the first touch brought the controls
        expect(laptop.locator(".touch-stick")).to_be_visible()
        touch(cdp, "touchEnd", [])
        laptop.wait_for_function(f"{LAST_INPUT}.axes.every((axis) => axis === 0)", timeout=5_000)
    finally:
        context.close()
