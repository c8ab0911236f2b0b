"""The clip page, embed, oEmbed, social cards, status polling, download, the editor,
remixing at a moment, and privacy: a clip of a private world is a 404 to others."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tests.factories import SnapshotFactory
from tests.worlds.clips.conftest import STORM_SCRIPT, make_clip
from worlds.clips.models import Clip
from worlds.clips.tasks import clip_render
from worlds.models import SnapshotKind, World

pytestmark = pytest.mark.django_db
# The clips' own oEmbed endpoint; the site-wide /oembed hands clip links to the same code.
OEMBED = "/oembed"


@pytest.fixture
def ready_clip(world):
    clip = make_clip(world, title="Thunder over the meadow")
    assert clip_render.apply(args=[clip.pk]).get() == "ready"
    clip.refresh_from_db()
    return clip


def meta(html: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return match.group(1) if match else None


def test_the_clip_page_plays_the_video_and_offers_share_embed_and_download(ready_clip):
    response = Client().get(f"/c/{ready_clip.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'src="{ready_clip.file.url}"' in html and "<video" in html
    assert f"http://testserver/c/{ready_clip.slug}/" in html  # share link
    assert f"http://testserver/c/{ready_clip.slug}/embed/" in html  # embed code
    assert f"/c/{ready_clip.slug}/download/" in html
    assert 'name="t"' in html  # remix at this moment


def test_the_clip_page_describes_recorded_wandering_in_words(world):
    script = {
        "version": 1,
        "duration_s": 3.0,
        "events": [
            {"t": 0.0, "type": "command", "text": "make it rain"},
            {"t": 0.5, "type": "input", "move": [0.0, 1.0], "look": [0.4, 0.0],
             "jump": False, "run": False, "duration": 1.5},  # as recorded from live play
        ],
    }  # fmt: skip
    clip = make_clip(world, script=script)
    html = Client().get(f"/c/{clip.slug}/").content.decode()
    assert "walk forward, turn right for 1.5 s" in html
    assert "type + duration" not in html  # not the event's field names


def test_the_home_page_shows_the_newest_finished_clips_of_public_worlds(
    world, private_world, ready_clip
):
    make_clip(private_world, title="Secret storm", status=Clip.Status.READY)
    make_clip(world, title="Still rendering", status=Clip.Status.RENDERING)
    html = Client().get("/").content.decode()
    assert "Newest clips" in html
    assert f'href="/c/{ready_clip.slug}/"' in html and "Thunder over the meadow" in html
    assert "Secret storm" not in html
    assert "Still rendering" not in html


def test_a_clip_hidden_by_moderators_leaves_the_home_page(ready_clip):
    from moderation.models import HiddenItem

    HiddenItem.objects.create(kind="clip", object_id=ready_clip.slug)
    assert "Thunder over the meadow" not in Client().get("/").content.decode()


def test_the_clip_page_carries_open_graph_and_twitter_player_cards(ready_clip):
    html = Client().get(f"/c/{ready_clip.slug}/").content.decode()
    assert meta(html, "og:type") == "video.other"
    assert meta(html, "og:title") == "Thunder over the meadow"
    assert meta(html, "og:video").endswith(".mp4")
    assert meta(html, "og:video:type") == "video/mp4"
    assert meta(html, "og:image").endswith(".jpg")
    assert meta(html, "twitter:card") == "player"
    assert meta(html, "twitter:player") == f"http://testserver/c/{ready_clip.slug}/embed/"
    assert meta(html, "twitter:player:width") == "640"
    assert meta(html, "twitter:player:stream").endswith(".mp4")
    assert 'type="application/json+oembed"' in html


def test_only_the_embed_may_be_framed_by_other_sites(ready_clip):
    page = Client().get(f"/c/{ready_clip.slug}/")
    embed = Client().get(f"/c/{ready_clip.slug}/embed/")
    assert page["X-Frame-Options"] == "DENY"
    assert embed.status_code == 200 and "X-Frame-Options" not in embed
    assert b"<video" in embed.content


def test_oembed_describes_the_clip_as_a_video_with_an_iframe(ready_clip):
    url = f"http://testserver/c/{ready_clip.slug}/"
    data = Client().get(OEMBED, {"url": url, "format": "json"}).json()
    assert data["version"] == "1.0" and data["type"] == "video"
    assert data["provider_name"] == "Tidepool"
    assert data["title"] == "Thunder over the meadow"
    assert data["author_name"] == "alice"
    assert f'src="http://testserver/c/{ready_clip.slug}/embed/"' in data["html"]
    assert data["html"].startswith("<iframe") and (data["width"], data["height"]) == (640, 360)
    assert data["thumbnail_url"].endswith(".jpg")
    small = Client().get(OEMBED, {"url": url, "maxwidth": 320}).json()
    assert (small["width"], small["height"]) == (320, 180)
    assert Client().get(OEMBED, {"url": url, "format": "xml"}).status_code == 501
    assert Client().get(OEMBED, {"url": "http://testserver/w/x/"}).status_code == 404
    embed_link = Client().get(OEMBED, {"url": url + "embed/"}).json()
    assert embed_link["title"] == "Thunder over the meadow"


def test_a_clip_of_a_private_world_is_a_404_to_others_everywhere(
    private_world, creator_client, stranger_client
):
    clip = make_clip(private_world)
    assert clip_render.apply(args=[clip.pk]).get() == "ready"
    url = f"http://testserver/c/{clip.slug}/"
    paths = [
        f"/c/{clip.slug}/", f"/c/{clip.slug}/embed/", f"/c/{clip.slug}/status.json",
        f"/c/{clip.slug}/download/", OEMBED + "?format=json&url=" + url,
    ]  # fmt: skip
    stranger = stranger_client
    for path in paths:
        assert Client().get(path).status_code == 404, path
        assert stranger.get(path).status_code == 404, path
        assert creator_client.get(path).status_code in (200, 302), path
    assert stranger.post(f"/c/{clip.slug}/remix/", {"t": "1"}).status_code == 404
    assert stranger.post(f"/c/{clip.slug}/retry/").status_code == 404


def test_the_page_polls_a_small_status_endpoint_while_rendering(world):
    clip = make_clip(world, status=Clip.Status.RENDERING, progress=42.0, eta_s=12)
    page = Client().get(f"/c/{clip.slug}/").content.decode()
    assert f'data-status-url="/c/{clip.slug}/status.json"' in page and "42" in page
    status = Client().get(f"/c/{clip.slug}/status.json").json()
    assert status == {
        "slug": clip.slug, "status": "rendering", "progress": 42.0, "eta_s": 12.0, "error": "",
        "duration_s": 2.0, "url": f"http://testserver/c/{clip.slug}/", "video_url": None,
        "thumbnail_url": None, "preview_url": None,
    }  # fmt: skip


def test_download_redirects_to_the_video_file(ready_clip):
    response = Client().get(f"/c/{ready_clip.slug}/download/")
    assert response.status_code == 302 and response["Location"] == ready_clip.file.url


def test_remixing_at_a_moment_starts_a_new_world_from_that_tick(ready_clip, stranger_client):
    from worlds.clips.replay import replay
    from worlds.clips.script import compile_script
    from worlds.engine import world_model

    response = stranger_client.post(f"/c/{ready_clip.slug}/remix/", {"t": "1.5"})
    assert response.status_code == 302
    remix = World.objects.get(owner__username="mallory")
    assert response["Location"] == remix.get_absolute_url()
    assert remix.parent == ready_clip.world
    snapshot = remix.snapshots.get()
    assert snapshot.tick == 45
    assert remix.parent_snapshot.label.endswith("at 1.5 s")
    assert remix.parent_snapshot.kind == SnapshotKind.REMIX_POINT

    model = world_model("64x36", purpose="clips-replay")
    expected = replay(model, model.restore(ready_clip.start_snapshot.state),
                      compile_script(ready_clip.script), stop=45)  # fmt: skip
    assert snapshot.state == model.snapshot(expected)


def test_remixing_at_a_moment_outside_the_clip_is_refused(ready_clip, stranger_client):
    response = stranger_client.post(f"/c/{ready_clip.slug}/remix/", {"t": "99"}, follow=True)
    assert b"between 0 and 2 seconds" in response.content
    assert not World.objects.filter(owner__username="mallory").exists()


def test_the_timeline_editor_creates_and_edits_clips(world, creator_client, stranger_client):
    page = creator_client.get(f"/w/{world.slug}/clips/new/")
    assert page.status_code == 200 and b"clip-editor-config" in page.content
    created = creator_client.post(
        f"/w/{world.slug}/clips/new/",
        data=json.dumps({"title": "From the editor", "script": STORM_SCRIPT}),
        content_type="application/json",
    )
    assert created.status_code == 201
    clip = Clip.objects.get(slug=created.json()["slug"])
    assert clip.title == "From the editor" and clip.start_snapshot == world.snapshots.first()

    edit = creator_client.get(f"/c/{clip.slug}/edit/")
    assert edit.status_code == 200
    assert stranger_client.get(f"/c/{clip.slug}/edit/").status_code == 403
    changed = creator_client.post(
        f"/c/{clip.slug}/edit/",
        data=json.dumps({"script": {**STORM_SCRIPT, "duration_s": 3}}),
        content_type="application/json",
    )
    assert changed.status_code == 200
    clip.refresh_from_db()
    assert clip.duration_s == 3 and clip.status == Clip.Status.QUEUED


def test_the_editor_offers_saved_moments_then_where_recorded_clips_start(
    world, creator, creator_client
):
    saved = SnapshotFactory(world=world, label="by the pier", tick=40)
    recorded_start = SnapshotFactory(
        world=world, label="Clip start", tick=90, kind=SnapshotKind.CLIP_START
    )
    recorded = make_clip(world, title="Thunder at the pier")
    recorded.start_snapshot = recorded_start
    recorded.save()
    page = creator_client.get(f"/w/{world.slug}/clips/new/").content.decode()
    saved_group = page.index('<optgroup label="Saved moments">')
    starts_group = page.index('<optgroup label="Where recorded clips start">')
    assert saved_group < page.index(f'value="{saved.slug}"') < starts_group
    assert f'value="{recorded_start.slug}">Start of “Thunder at the pier” · tick 90 · ' in page


def test_editing_a_clip_shows_where_it_starts_however_old(world, creator_client):
    clip = make_clip(world)
    for tick in range(60):  # newer snapshots push its start off any list
        SnapshotFactory(world=world, tick=tick + 1, label=f"later {tick}")
    page = creator_client.get(f"/c/{clip.slug}/edit/").content.decode()
    assert f'<option value="{clip.start_snapshot.slug}">' in page
    assert "later 0" not in page


def test_the_editor_reports_bad_scripts_clearly_and_saves_nothing(world, creator_client):
    too_long = creator_client.post(
        f"/w/{world.slug}/clips/new/",
        data=json.dumps({"script": {"version": 1, "duration_s": 200, "events": []}}),
        content_type="application/json",
    )
    assert too_long.status_code == 400
    assert "at most 180 s" in too_long.json()["error"]
    assert not Clip.objects.exists()


def test_creating_a_clip_of_an_unknown_world_is_a_clear_error(creator):
    from django.core.exceptions import ValidationError

    from worlds.clips.services import clip_create

    with pytest.raises(ValidationError) as caught:
        clip_create(world="no-such-world", user=creator, script=STORM_SCRIPT)
    assert "Unknown world 'no-such-world'" in str(caught.value)


def test_a_world_lists_finished_clips_to_viewers_and_its_makers_own_clips_in_any_state(
    world, private_world, creator, stranger
):
    from worlds.clips.selectors import clip_list_for_world

    ready = make_clip(world, status=Clip.Status.READY)
    rendering = make_clip(world, status=Clip.Status.RENDERING)
    assert list(clip_list_for_world(world=world, viewer=stranger)) == [ready]
    assert set(clip_list_for_world(world=world, viewer=creator)) == {ready, rendering}
    make_clip(private_world, status=Clip.Status.READY)
    assert list(clip_list_for_world(world=private_world, viewer=stranger)) == []


def test_the_clip_page_offers_a_report_link(ready_clip):
    page = Client().get(f"/c/{ready_clip.slug}/").content.decode()
    assert f"/moderation/report/clip/{ready_clip.slug}/" in page


def test_the_clips_maker_is_not_offered_a_report_link(world, creator_client):
    clip = make_clip(world)
    page = creator_client.get(f"/c/{clip.slug}/").content.decode()
    assert "Edit timeline" in page
    assert f"/moderation/report/clip/{clip.slug}/" not in page


def test_a_worlds_page_links_to_all_its_clips_when_it_shows_only_some(world, client):
    clips = [make_clip(world, title=f"Take {n}", status=Clip.Status.READY) for n in range(8)]
    page = client.get(f"/w/{world.slug}/").content.decode()
    assert f"/w/{world.slug}/clips/" in page
    assert clips[-1].get_absolute_url() in page and clips[0].get_absolute_url() not in page

    listed = client.get(f"/w/{world.slug}/clips/").content.decode()
    assert all(clip.get_absolute_url() in listed for clip in clips)
    assert listed.index("Take 7") < listed.index("Take 0")  # newest first


def test_a_worlds_page_with_few_clips_needs_no_link_to_more(world, client):
    make_clip(world, status=Clip.Status.READY)
    assert f'/w/{world.slug}/clips/"' not in client.get(f"/w/{world.slug}/").content.decode()


def test_the_clips_of_a_private_world_are_not_listed_to_others(private_world, stranger_client):
    make_clip(private_world, status=Clip.Status.READY)
    assert stranger_client.get(f"/w/{private_world.slug}/clips/").status_code == 404


def test_the_clips_page_pages_through_many_clips(world, client):
    for n in range(26):
        make_clip(world, title=f"Take {n}", status=Clip.Status.READY)
    first = client.get(f"/w/{world.slug}/clips/").content.decode()
    assert "Page 1 of 2" in first and "Take 25" in first and "Take 1<" not in first
    second = client.get(f"/w/{world.slug}/clips/?page=2").content.decode()
    assert "Take 1<" in second and "Take 0<" in second
