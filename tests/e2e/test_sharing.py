"""Two sharing journeys in a real browser: publish a link that a stranger plays, and
remix from a snapshot, then follow the lineage."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Log in')")
    expect(page.locator(".topnav")).to_contain_text("Log out")


def test_a_published_link_plays_for_an_anonymous_visitor(
    browser: Browser, tidepool_server, artifacts: Path
) -> None:
    creator = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    log_in(creator, tidepool_server.url, "e2e-creator", "e2e-pass-12345")
    creator.goto(tidepool_server.world_url())
    creator.select_option("#id_visibility", "unlisted")
    creator.click("button:has-text('Save and publish')")
    expect(creator.locator(".messages")).to_contain_text("unlisted")
    link = creator.input_value("#share-link")
    assert link.endswith(f"/w/{tidepool_server.slug}/")
    creator.screenshot(path=str(artifacts / "sharing-published.png"), full_page=True)

    visitor = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    visitor.set_default_timeout(60_000)
    visitor.goto(link)
    expect(visitor.locator("h1")).to_contain_text("Lighthouse at dusk")
    visitor.click("[data-action=play]")
    visitor.wait_for_url("**/play/**")
    visitor.wait_for_function("window.tidepoolPlayer && window.tidepoolPlayer.framesDrawn > 3")
    visitor.screenshot(path=str(artifacts / "sharing-anonymous-play.png"))
    assert visitor.evaluate("window.tidepoolPlayer.role") == "player"


def test_a_signed_in_user_remixes_a_snapshot_and_sees_the_lineage(
    browser: Browser, tidepool_server, artifacts: Path
) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    page.goto(f"{tidepool_server.url}/accounts/signup/")
    page.fill("#id_username", "remixer")
    page.fill("#id_email", "remixer@example.com")
    page.fill("#id_password1", "tide pools at dawn")
    page.fill("#id_password2", "tide pools at dawn")
    page.click("button:has-text('Sign up')")
    expect(page.locator(".topnav")).to_contain_text("remixer")

    page.goto(tidepool_server.world_url())
    page.locator(".snapshot").first.locator("button:has-text('Remix from here')").click()
    expect(page.locator(".attribution")).to_have_text("Remix of Lighthouse at dusk by e2e-creator")
    expect(page.locator(".messages")).to_contain_text("This copy is yours")
    page.click("a:has-text('lineage')")
    tree = page.locator(".tree")
    expect(tree).to_contain_text("Lighthouse at dusk")
    expect(tree.locator(".tree-current")).to_contain_text("Lighthouse at dusk (remix)")
    page.screenshot(path=str(artifacts / "sharing-lineage.png"), full_page=True)
