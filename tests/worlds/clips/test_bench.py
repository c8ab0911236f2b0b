"""The clip benchmark prints its figures: speed, encoding share, size, A/V offset."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.parametrize("segments", [1, 4], ids=["one-pass", "segments"])
def test_bench_clips_reports_each_render_and_the_av_offset(tmp_path, segments):
    out = StringIO()

    call_command(
        "bench_clips", "--seconds", "2", "--resolution", "128x72", "--renders", "2",
        "--segments", str(segments), "--keep", str(tmp_path), stdout=out,
    )  # fmt: skip

    lines = out.getvalue().splitlines()
    figures = json.loads(lines[-1])
    assert figures["resolution"] == "128x72" and figures["frames"] == 60
    assert figures["segments"] == segments
    assert len(figures["speed_x_realtime_each"]) == 2
    assert figures["speed_x_realtime"] == figures["speed_x_realtime_each"][-1] > 0
    assert 0 < figures["encode_share"] <= 1
    assert figures["av_offset_ms_worst"] is not None and figures["av_offset_ms_worst"] <= 1000 / 30
    assert (tmp_path / "clip.mp4").stat().st_size == figures["file_bytes"]
    assert any(line.startswith("each render") for line in lines)
    assert any(line.startswith("A/V offset") for line in lines)
