"""Clip files on a real S3 API: moto's standalone server, started by the test, with
django-storages' S3Storage pointed at it."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from storages.backends.s3 import S3Storage

from tests.processes import free_port, wait_until
from tests.worlds.clips.conftest import make_clip
from worlds.clips.models import Clip
from worlds.clips.tasks import clip_render

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
BUCKET = "tidepool-clips-test"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def s3_server():
    moto = Path(sys.executable).with_name("moto_server")
    if not moto.exists():
        pytest.skip("moto[server] is not installed in this environment.")
    port = free_port()
    process = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: port_open(port), 30, "the moto S3 server")
        yield process, f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def s3(settings, s3_server):
    process, endpoint = s3_server
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "querystring_auth": True,
                "file_overwrite": False,
                "client_config": Config(
                    connect_timeout=1, read_timeout=5, retries={"max_attempts": 1}
                ),
            },
        },
    }
    return client, process


def keys_in(client, prefix: str) -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_a_rendered_clip_is_stored_in_s3_and_served_by_presigned_urls(world, s3):
    client, _ = s3
    clip = make_clip(world)
    assert clip_render.apply(args=[clip.pk]).get() == "ready"
    clip.refresh_from_db()
    assert keys_in(client, f"clips/{clip.slug}/") == sorted(
        [clip.file.name, clip.thumbnail.name, clip.preview.name]
    )
    stored = client.get_object(Bucket=BUCKET, Key=clip.file.name)["Body"].read()
    assert len(stored) == clip.size_bytes

    url = clip.file.url
    assert "X-Amz-Signature=" in url or "Signature=" in url  # presigned
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == stored
    with urllib.request.urlopen(clip.thumbnail.url, timeout=10) as response:
        assert response.read()[:2] == b"\xff\xd8"


def test_download_hands_out_a_presigned_url_that_saves_the_file(world, s3, client):
    clip = make_clip(world)
    assert clip_render.apply(args=[clip.pk]).get() == "ready"
    location = client.get(f"/c/{clip.slug}/download/")["Location"]
    with urllib.request.urlopen(location, timeout=10) as response:
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.read()[4:8] == b"ftyp"


def test_an_upload_failing_partway_leaves_no_record_and_no_orphan(world, s3, monkeypatch):
    """The video is uploaded, then the thumbnail upload breaks: the clip is failed, its
    row points at no file, and the video already uploaded is removed again."""
    client, _ = s3
    real = S3Storage._save

    def breaks_after_the_video(self, name, content):
        if name.endswith(".jpg"):
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "SlowDown", "Message": "Reduce your rate"}},
                              "PutObject")  # fmt: skip
        return real(self, name, content)

    monkeypatch.setattr(S3Storage, "_save", breaks_after_the_video)
    clip = make_clip(world)
    assert clip_render.apply(args=[clip.pk]).get() == "failed"
    clip.refresh_from_db()
    assert clip.status == Clip.Status.FAILED and "SlowDown" in clip.error
    assert not clip.file and not clip.thumbnail and not clip.preview
    assert keys_in(client, f"clips/{clip.slug}/") == []


def test_the_s3_server_dying_mid_upload_fails_the_clip_with_no_dangling_record(
    world, s3, monkeypatch
):
    _, process = s3
    real = S3Storage._save

    def server_dies(self, name, content):
        if name.endswith("-preview.mp4") and process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        return real(self, name, content)

    monkeypatch.setattr(S3Storage, "_save", server_dies)
    clip = make_clip(world)
    assert clip_render.apply(args=[clip.pk]).get() == "failed"
    clip.refresh_from_db()
    assert clip.status == Clip.Status.FAILED
    assert "Storage is unavailable" in clip.error
    assert clip.file.name == "" and clip.thumbnail.name == "" and clip.preview.name == ""
