"""Notices in the header: how many are unread, until the user opens them."""

from __future__ import annotations

from moderation.notifications import notify


def test_the_header_counts_unread_notices_until_they_are_opened(creator, creator_client):
    notify(user=creator, text="Your clip “Storm” is ready.", link="/c/abc/")
    notify(user=creator, text="Your clip “Rain” is ready.", link="/c/def/")
    assert 'aria-label="2 unread">2</span>' in creator_client.get("/").content.decode()

    page = creator_client.get("/moderation/notifications/").content.decode()
    assert "Your clip “Storm” is ready." in page and 'href="/c/abc/"' in page
    assert page.count('class="panel unread"') == 2  # still marked as new while shown
    assert "unread</span>" not in page

    assert "unread</span>" not in creator_client.get("/").content.decode()


def test_visitors_see_no_notice_count(db, client):
    assert "unread</span>" not in client.get("/").content.decode()
