"""The clip encoder's pieces: frames read in place, libx264 threads per segment, and the
settings clips are encoded with."""

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


def test_clips_encode_with_veryfast_rate_control_and_a_quick_motion_search(tmp_path):
    from worlds.clips.encoding import Mp4Writer

    writer = Mp4Writer(tmp_path / "clip.mp4", 64, 36, audio=False)
    frames = np.random.default_rng(1).integers(0, 256, size=(3, 36, 64, 3), dtype=np.uint8)
    for frame in frames:
        writer.add(frame)
    writer.close()

    settings = (tmp_path / "clip.mp4").read_bytes()  # libx264 writes its settings in the stream
    assert b" me=dia " in settings and b" subme=1 " in settings
    assert b" mbtree=1 " in settings and b" rc_lookahead=10 " in settings
    assert b" crf=22.0 " in settings
