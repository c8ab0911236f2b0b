"""The offline replay matches live play, and the encoded MP4 is right: H.264 + AAC,
faststart, 720p at 30 fps, and sound in sync with picture."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import av
import numpy as np
import pytest

from tests.worlds.clips.conftest import STORM_SCRIPT, STORM_SEED
from worlds.clips.render import render_clip
from worlds.clips.replay import replay
from worlds.clips.script import FPS, compile_script
from worlds.clips.sync import av_offsets, decode_mp4


def model_and_start(resolution="128x72"):
    from inference.spec import WorldSpec
    from worlds.engine import world_model

    model = world_model(resolution, purpose="clips")
    return model, model.create(WorldSpec("a green meadow with a few trees", seed=STORM_SEED))


def decoded_frames(path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.stack(
            [f.to_ndarray(format="rgb24").astype(np.int16) for f in container.decode(video=0)]
        )


def top_level_boxes(path) -> list[str]:
    boxes, data = [], Path(path).read_bytes()
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        boxes.append(kind.decode("latin-1"))
        if size < 8:
            break
        offset += size
    return boxes


def test_replay_applies_commands_then_steps_exactly_like_the_live_loop():
    """worlds/live/worker.py `_tick`: the commands due at tick T, then a step with the
    input for tick T. The clip replay gives the same frames, sound and state."""
    from inference.spec import PlayerInput

    model, start = model_and_start()
    start_dict = model.snapshot(start)
    script = {
        "version": 1,
        "duration_s": 1,
        "events": [
            {"t": 0, "type": "command", "text": "a storm with lightning"},
            {"t": 0.2, "type": "input", "keys": ["w"], "look": [1.5, 0], "duration": 0.3},
            {"t": 0.6, "type": "camera", "text": "aerial view"},
        ],
    }

    live = model.restore(start_dict)
    live_frames = []
    for tick in range(30):
        if tick == 0:
            live, _ = model.direct(live, "a storm with lightning")
        if tick == 18:
            live, _ = model.direct(live, "aerial view")
        held = 6 <= tick < 15
        player_input = PlayerInput.from_keys(
            ["w"] if held else [], look=(1.5, 0) if held else (0, 0)
        )
        frame, audio, live = model.step([live], [player_input])[0]
        live_frames.append(hashlib.sha256(frame.numpy().tobytes() + audio.tobytes()).hexdigest())

    replayed_frames = []
    end = replay(
        model,
        model.restore(start_dict),
        compile_script(script),
        on_step=lambda k, out: replayed_frames.append(
            hashlib.sha256(out[0].numpy().tobytes() + out[1].tobytes()).hexdigest()
        ),
    )
    assert replayed_frames == live_frames
    assert model.snapshot(end) == model.snapshot(live)


def test_the_mp4_is_h264_and_aac_with_the_index_first(tmp_path):
    model, start = model_and_start()
    result = render_clip(model, start, compile_script(STORM_SCRIPT), tmp_path)
    with av.open(str(result.video_path)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264"
        assert audio.codec_context.name == "aac"
        assert audio.codec_context.sample_rate == 48_000
        assert audio.codec_context.channels == 2
        assert video.average_rate == FPS
        assert sum(1 for _ in container.decode(video=0)) == 60
    boxes = top_level_boxes(result.video_path)
    assert boxes.index("moov") < boxes.index("mdat"), boxes  # faststart
    assert result.thumbnail[:2] == b"\xff\xd8"
    with av.open(str(result.preview_path)) as preview:
        assert (preview.streams.video[0].width, preview.streams.video[0].height) == (320, 180)
        assert not preview.streams.audio


def test_a_lightning_flash_and_its_thunder_are_within_one_frame_in_the_encoded_file(tmp_path):
    """The engine delays thunder on purpose, by distance / 343 m/s (dynamics.step_weather).
    Measured from the decoded MP4: thunder onset - (flash + that delay) within 33 ms."""
    model, start = model_and_start()
    result = render_clip(model, start, compile_script(STORM_SCRIPT), tmp_path)
    assert result.lightning, "the storm should strike within the first ticks"
    strike = result.lightning[0]
    assert strike["delay_ticks"] == round(strike["distance_m"] / 343.0 * FPS)

    decoded = decode_mp4(result.video_path)
    brightness = decoded["brightness"]
    flash = int(np.argmax(np.diff(brightness))) + 1
    assert flash == strike["frame"]
    assert brightness[flash] > brightness[flash - 1] + 20  # a real flash, not noise

    offsets = av_offsets(result.video_path, result.lightning)
    assert offsets, "the thunder onset should be found in the audio"
    assert abs(offsets[0]["offset_ms"]) <= 1000 / FPS, offsets


@pytest.mark.slow
def test_a_720p_clip_is_1280_by_720_at_30_fps(tmp_path):
    model, start = model_and_start("720p")
    script = {"version": 1, "duration_s": 0.2, "events": []}
    result = render_clip(model, start, compile_script(script), tmp_path)
    with av.open(str(result.video_path)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (1280, 720)
        assert stream.average_rate == 30
        assert container.streams.audio[0].codec_context.name == "aac"


@pytest.mark.parametrize("encoder_delay_s", [0.0, 0.02], ids=["quick", "slow-encoders"])
def test_segments_rendered_side_by_side_give_the_same_frames_and_stay_in_sync(
    tmp_path, monkeypatch, encoder_delay_s
):
    """The GPU path: a scout pass finds each segment's start state, segments step in one
    batch and encode separately, then join. Same frames and sound as one pass, also when
    the encoders fall behind and frames wait in their host slots."""
    import time

    from worlds.clips.encoding import SegmentEncoder
    from worlds.engine import world_model

    encode = SegmentEncoder.encode

    def slow_encode(self, item):
        time.sleep(encoder_delay_s)
        encode(self, item)

    monkeypatch.setattr(SegmentEncoder, "encode", slow_encode)

    model, start = model_and_start()
    scout = world_model("64x36", purpose="clips-scout")
    start_dict = model.snapshot(start)
    timeline = compile_script(STORM_SCRIPT)
    one, many = {}, {}

    def keep(store):
        return lambda k, frame, chunk: store.__setitem__(
            k, hashlib.sha256(frame.tobytes() + chunk.tobytes()).hexdigest()
        )

    (tmp_path / "one").mkdir()
    (tmp_path / "many").mkdir()
    render_clip(model, model.restore(start_dict), timeline, tmp_path / "one", frame_hook=keep(one))
    result = render_clip(
        model, model.restore(start_dict), timeline, tmp_path / "many",
        segments=4, scout=scout, frame_hook=keep(many),
    )  # fmt: skip
    assert many == one and len(many) == 60
    # The segments' frames, converted to YUV on the drawing device and passed through
    # reused host slots, show what the single pass's frames show, each in its place.
    pictures_once = decoded_frames(tmp_path / "one" / "clip.mp4")
    pictures_in_segments = decoded_frames(result.video_path)
    assert len(pictures_in_segments) == 60
    same = np.abs(pictures_in_segments - pictures_once).mean(axis=(1, 2, 3))
    previous = np.abs(pictures_in_segments[1:] - pictures_once[:-1]).mean(axis=(1, 2, 3))
    assert same.max() < 5, same  # compression apart, the same pictures
    assert (same[1:] < previous).all(), (same, previous)  # none shows its neighbour
    offsets = av_offsets(result.video_path, result.lightning)
    assert offsets and abs(offsets[0]["offset_ms"]) <= 1000 / FPS
    assert list(result.keyframes) == ["0"]
    # The sound track, encoded from the scout's pass while the frames rendered, is the one
    # a single pass writes, to the sample.
    heard_once, heard_in_segments = (
        decode_mp4(tmp_path / "one" / "clip.mp4"),
        decode_mp4(result.video_path),
    )
    assert heard_in_segments["audio_start"] == heard_once["audio_start"]
    assert np.array_equal(heard_in_segments["audio"], heard_once["audio"])
    with av.open(str(result.preview_path)) as preview:
        assert sum(1 for _ in preview.decode(video=0)) == 60


def test_the_gil_hands_off_quicker_only_while_renders_draw():
    import sys

    from worlds.clips.segments import quick_gil_handoff

    before = sys.getswitchinterval()
    with quick_gil_handoff(0.0002):
        assert sys.getswitchinterval() == pytest.approx(0.0002, abs=1e-5)
        with quick_gil_handoff(0.0002):  # a second render, on another thread
            pass
        assert sys.getswitchinterval() == pytest.approx(0.0002, abs=1e-5)  # the first still draws
    assert sys.getswitchinterval() == before


def test_a_segmented_clip_gets_its_thumbnail_from_the_third_of_the_way_frame(tmp_path):
    import simplejpeg

    from worlds.engine import world_model

    model, start = model_and_start()
    scout = world_model("64x36", purpose="clips-scout")
    timeline = compile_script(STORM_SCRIPT)

    result = render_clip(model, start, timeline, tmp_path, segments=4, scout=scout)

    height, width, _, _ = simplejpeg.decode_jpeg_header(result.thumbnail)
    assert (width, height) == (128, 72)
    thumbnail = simplejpeg.decode_jpeg(result.thumbnail).astype(np.int16)
    third = decoded_frames(result.video_path)[timeline.frames // 3]
    assert np.abs(thumbnail - third).mean() < 6
