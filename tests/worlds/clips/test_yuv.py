"""Frames converted to YUV 4:2:0 on the drawing device, as FFmpeg would, for the encoders."""

from __future__ import annotations

import av
import numpy as np
import pytest
import torch

from worlds.clips.encoding import video_frame
from worlds.clips.yuv import rgb_to_yuv420, yuv420_fits


def ffmpeg_yuv(rgb: np.ndarray) -> np.ndarray:
    return av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p").to_ndarray()


def test_luma_matches_ffmpegs_conversion():
    rgb = np.random.default_rng(3).integers(0, 256, size=(72, 128, 3), dtype=np.uint8)

    ours = rgb_to_yuv420(torch.from_numpy(rgb)[None])[0].numpy().astype(int)

    assert ours.shape == (108, 128)
    assert np.abs(ours[:72] - ffmpeg_yuv(rgb)[:72].astype(int)).max() <= 1


def test_flat_colours_match_ffmpegs_chroma():
    colours = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255], [240, 200, 40]], dtype=np.uint8)
    rgb = np.repeat(np.repeat(colours.reshape(2, 2, 3), 16, axis=0), 32, axis=1)  # 32x64

    ours = rgb_to_yuv420(torch.from_numpy(rgb)[None])[0].numpy().astype(int)
    theirs = ffmpeg_yuv(rgb).astype(int)

    u, v = (plane.reshape(16, 32) for plane in np.split(ours[32:], 2))
    their_u, their_v = (plane.reshape(16, 32) for plane in np.split(theirs[32:], 2))
    inside = (slice(2, 6), slice(2, 14))  # away from the colours' edges
    assert np.abs(u[inside] - their_u[inside]).max() <= 1
    assert np.abs(v[inside] - their_v[inside]).max() <= 1


def test_the_planes_encode_as_yuv420p_and_look_like_the_picture():
    rgb = np.zeros((72, 128, 3), dtype=np.uint8)
    rgb[:, :64] = (200, 60, 30)
    rgb[:, 64:] = (20, 120, 220)
    planes = rgb_to_yuv420(torch.from_numpy(rgb)[None])[0].numpy()

    picture = video_frame(planes, 3)

    assert picture.format.name == "yuv420p" and picture.pts == 3
    back = picture.reformat(format="rgb24").to_ndarray().astype(int)
    assert np.abs(back[8:-8, 8:56] - (200, 60, 30)).max() <= 4
    assert np.abs(back[8:-8, 72:-8] - (20, 120, 220)).max() <= 4


def test_it_rejects_sizes_that_do_not_pack_into_yuv420p_rows():
    assert yuv420_fits(1280, 720) and yuv420_fits(64, 36)
    assert not yuv420_fits(854, 482) and not yuv420_fits(63, 36)
    with pytest.raises(ValueError, match="does not pack"):
        rgb_to_yuv420(torch.zeros(1, 34, 64, 3, dtype=torch.uint8))
