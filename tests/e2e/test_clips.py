"""Recording a clip in a real browser: Record, direct, Stop, then follow the toast's link
to the clip page and watch it render."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_sharing import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_recorded_session_becomes_a_clip_that_renders(
    browser: Browser, tidepool_server, artifacts: Path
) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    page.set_default_timeout(60_000)
    log_in(page, tidepool_server.url, "e2e-creator", "e2e-pass-12345")
    page.goto(tidepool_server.world_url())
    page.click("[data-action=play]")
    page.wait_for_function("window.tidepoolPlayer && window.tidepoolPlayer.framesDrawn > 3")

    record = page.locator("#record-button")
    record.click()
    expect(record).to_have_attribute("aria-pressed", "true")
    page.evaluate("tidepoolPlayer.setMode('direct')")
    page.fill("#command-input", "make it snow")
    page.press("#command-input", "Enter")
    expect(page.locator("#command-log .cmd").filter(has_text="snow").last).to_have_attribute(
        "data-status", "applied"
    )
    page.evaluate("tidepoolPlayer.setMode('wander')")
    page.keyboard.down("w")
    time.sleep(1.5)
    page.keyboard.up("w")
    time.sleep(0.5)
    record.click()

    link = page.locator(".toast").filter(has_text="Clip saved").get_by_role("link")
    expect(link).to_have_text("Open the clip →")
    href = link.get_attribute("href")
    assert href and re.fullmatch(r"/c/\w+/", href), href
    expect(record).to_have_attribute("aria-pressed", "false")
    assert page.locator(".toast").filter(has_text="Making your clip").count() == 0
    # Beside the picture, the toasts leave the Director's input free to type into.
    toasts, command = page.locator(".toasts").bounding_box(), page.locator("#command-input")
    assert toasts["y"] + toasts["height"] < command.bounding_box()["y"]

    page.goto(tidepool_server.url + href)
    expect(page.locator("h1")).to_contain_text("Lighthouse at dusk")
    expect(page.locator("[data-clip-video]")).to_be_visible(timeout=180_000)
    expect(page.locator("[data-action=download]")).to_be_visible()
    expect(page.locator(".clip-events")).to_contain_text("walk forward for")
    page.screenshot(path=str(artifacts / "clip-recorded.png"), full_page=True)

    # The strip under the video shows each event in its lane; clicking one seeks to it.
    script = json.loads(page.locator("#clip-script").text_content() or "{}")
    snow = next(e for e in script["events"] if e["type"] == "command")
    expect(page.locator(".clip-mark-command")).to_have_count(1)
    expect(page.locator(".clip-mark-input")).to_have_count(1)
    page.wait_for_function("document.querySelector('[data-clip-video]').readyState >= 1")
    page.click(".clip-mark-command")
    page.wait_for_function(
        f"Math.abs(document.querySelector('[data-clip-video]').currentTime - {snow['t']}) < 0.05"
    )
    end = page.locator(".clip-track-camera").bounding_box()
    page.mouse.click(end["x"] + end["width"] * 0.9, end["y"] + end["height"] / 2)
    page.wait_for_function(
        f"document.querySelector('[data-clip-video]').currentTime > {script['duration_s'] * 0.8}"
    )
    expect(page.locator("#clip-t")).not_to_have_value("0")  # the remix moment follows

    # Its timeline opens in the editor with the recorded length, and saves as recorded.
    page.click("a:has-text('Edit timeline')")
    duration = page.locator("#clip-duration")
    expect(duration).to_have_value(re.compile(r"^\d+(\.\d{1,2})?$"))
    expect(page.locator(".clip-event")).to_have_count(2)
    expect(page.locator(".clip-event-input .clip-recorded")).to_have_text("walk forward")
    recorded = json.loads(page.locator("[data-json]").text_content() or "{}")["duration_s"]
    page.click("button[data-preset]:has-text('aerial')")
    expect(page.locator(".clip-event")).to_have_count(3)
    expect(page.locator(".clip-mark-camera")).to_have_count(1)

    # Dragging an event along its lane retimes it, to the tenth of a second.
    mark, lane = (
        page.locator(".clip-mark-camera").bounding_box(),
        page.locator(".clip-track-camera").bounding_box(),
    )
    page.mouse.move(mark["x"] + mark["width"] / 2, mark["y"] + mark["height"] / 2)
    page.mouse.down()
    page.mouse.move(lane["x"] + lane["width"] * 0.25, mark["y"] + 4, steps=8)
    page.mouse.move(lane["x"] + lane["width"] * 0.5, mark["y"] + 4, steps=8)
    page.mouse.up()
    camera = next(
        e
        for e in json.loads(page.locator("[data-json]").text_content() or "{}")["events"]
        if e["type"] == "camera"
    )
    assert abs(camera["t"] - recorded / 2) <= 0.15
    assert abs(camera["t"] * 10 - round(camera["t"] * 10)) < 1e-9
    expect(page.locator(".clip-event-camera .clip-num")).to_have_value(str(camera["t"]))

    # Clicking an event brings its row up, ready to edit.
    page.click(".clip-mark-camera")
    expect(page.locator(".clip-event-camera .clip-num")).to_be_focused()
    page.click("[data-save]")
    page.wait_for_url(tidepool_server.url + href)
    expect(page.locator(".clip-events")).to_contain_text("camera")
    expect(page.locator(".clip-events")).to_contain_text("make it snow")
    expect(page.locator(".clip-events")).to_contain_text("walk forward for")
    expect(page.locator("[data-clip-video]")).to_be_visible(timeout=180_000)
    page.click("a:has-text('Edit timeline')")
    saved = json.loads(page.locator("[data-json]").text_content() or "{}")["duration_s"]
    assert saved == recorded

    # Typing keys into a recorded wander replaces its exact movement with those keys.
    page.fill(".clip-event-input .clip-keys", "s shift")
    page.press(".clip-event-input .clip-keys", "Tab")
    event = next(
        e
        for e in json.loads(page.locator("[data-json]").text_content() or "{}")["events"]
        if e["type"] == "input"
    )
    assert event["keys"] == ["s", "shift"] and "move" not in event
    expect(page.locator(".clip-event-input .clip-recorded")).to_have_count(0)

    # On the world's page, the clip's card plays its short preview while pointed at.
    page.goto(tidepool_server.world_url())
    card = page.locator(".clip-card").first
    expect(card.locator("[data-card-preview]")).to_have_count(1)
    card.hover()
    expect(card).to_have_class(re.compile(r"\bcard-previewing\b"))
    assert not card.locator("[data-card-preview]").evaluate("video => video.paused")
    page.mouse.move(0, 0)
    expect(card).not_to_have_class(re.compile(r"\bcard-previewing\b"))
