"""The clip encoder's pieces: frames read in place, and libx264 threads per segment."""

from __future__ import annotations

import numpy as np

from worlds.clips import encoding
from worlds.clips.encoding import segment_threads, video_frame


def _yuv(frame: np.ndarray) -> np.ndarray:
    return video_frame(frame, 0).reformat(format="yuv420p").to_ndarray()


def test_a_frame_reads_its_array_in_place_and_converts_like_a_copy():
    rng = np.random.default_rng(7)
    wide = rng.integers(0, 256, size=(72, 160, 3), dtype=np.uint8)
    frame = np.ascontiguousarray(wide[:, :128])
    cropped = wide[:, :128]  # not contiguous: copied first
    assert not cropped.flags.c_contiguous

    picture = video_frame(frame, 5)

    assert picture.pts == 5
    assert np.array_equal(picture.to_ndarray(), frame)
    assert np.array_equal(_yuv(frame), _yuv(cropped))
    frame[:] = 0  # the picture shares the array's memory
    assert not picture.to_ndarray().any()


def test_segment_encoders_take_one_thread_each_when_segments_fill_the_cores(monkeypatch):
    monkeypatch.setattr(encoding.os, "cpu_count", lambda: 2)
    assert segment_threads(16) == 1
    monkeypatch.setattr(encoding.os, "cpu_count", lambda: 64)
    assert segment_threads(16) == 4
    monkeypatch.setattr(encoding.os, "cpu_count", lambda: None)
    assert segment_threads(16) == 1
