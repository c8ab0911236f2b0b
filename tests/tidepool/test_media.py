"""The local media folder answers byte ranges, so browsers can seek in clips."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.test import RequestFactory
from django.urls import resolve

from tidepool.media import serve_media

DATA = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def media(tmp_path: Path) -> str:
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / "a.mp4").write_bytes(DATA)
    return str(tmp_path)


def get(media: str, range_header: str | None = None, path: str = "clips/a.mp4"):
    headers = {"Range": range_header} if range_header else {}
    request = RequestFactory().get(f"/media/{path}", headers=headers)
    return serve_media(request, path, document_root=media)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_serves_the_whole_file_and_says_it_takes_ranges(media):
    response = get(media)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes" and response["Content-Type"] == "video/mp4"
    assert body(response) == DATA


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=100-199", 100, 199),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-40", 10200, 10239),
        ("bytes=10200-99999", 10200, 10239),
    ],
)
def test_it_answers_a_byte_range_with_exactly_those_bytes(media, header, start, end):
    response = get(media, header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert body(response) == DATA[start : end + 1]


def test_it_refuses_a_range_past_the_end(media):
    response = get(media, "bytes=20000-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(DATA)}"


def test_it_sends_the_whole_file_for_ranges_it_does_not_serve(media):
    response = get(media, "bytes=0-9,20-29")
    assert response.status_code == 200 and body(response) == DATA


def test_it_keeps_requests_inside_the_media_folder(media):
    with pytest.raises(SuspiciousFileOperation):  # Django answers it with 400
        get(media, "bytes=0-9", path="../../etc/passwd")


def test_it_says_a_missing_file_is_not_there(media):
    with pytest.raises(Http404):
        get(media, "bytes=0-9", path="clips/gone.mp4")


def test_the_media_url_is_served_with_ranges():
    assert resolve("/media/clips/a.mp4").func is serve_media
