"""A clip's sound track, made in a process of its own from the scout's hearings."""

from __future__ import annotations

import numpy as np
import pytest

from tests.worlds.clips.conftest import STORM_SCRIPT, STORM_SEED
from worlds.clips.replay import replay
from worlds.clips.script import compile_script
from worlds.clips.soundtrack import Soundtrack, write_track


def decoded_sound(path) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)


@pytest.fixture
def storm_hearings():
    """Every tick's hearing of the storm script, and the chunks stepping made of them."""
    from inference.spec import WorldSpec
    from worlds.engine import world_model

    model = world_model("64x36", purpose="clips-scout")
    start = model.create(WorldSpec("a green meadow with a few trees", seed=STORM_SEED))
    heard, chunks = [], []

    def keep(k, out):
        heard.append(model.hearing(out.state))
        chunks.append(out.audio)

    replay(model, start, compile_script(STORM_SCRIPT), on_step=keep, render=False)
    return heard, chunks


def test_the_track_made_in_its_own_process_is_the_one_made_here(tmp_path, storm_hearings):
    heard, _ = storm_hearings
    track = Soundtrack(tmp_path / "audio.mp4", tmp_path / "soundtrack.log")
    for hearing in heard:
        track.hear(hearing)
    track.end()
    track.finish(timeout_s=60)

    assert track.process.returncode == 0
    assert write_track(tmp_path / "here.mp4", [heard[:7], heard[7:]]) == len(heard)
    there, here = decoded_sound(tmp_path / "audio.mp4"), decoded_sound(tmp_path / "here.mp4")
    assert np.array_equal(there, here)
    assert there.shape[0] == 2 and there.shape[1] >= len(heard) * 1600
    assert np.abs(there).max() > 0.1  # the thunder is in it


def test_the_track_holds_the_chunks_stepping_makes(tmp_path, storm_hearings):
    from worlds.clips.encoding import Mp4Writer

    heard, chunks = storm_hearings
    write_track(tmp_path / "heard.mp4", [heard])
    stepped = Mp4Writer(tmp_path / "stepped.mp4", 0, 0, video=False)
    for chunk in chunks:
        stepped.add(None, chunk)
    stepped.close()

    assert np.array_equal(
        decoded_sound(tmp_path / "heard.mp4"), decoded_sound(tmp_path / "stepped.mp4")
    )


def test_it_says_why_a_track_could_not_be_made(tmp_path, storm_hearings):
    heard, _ = storm_hearings
    track = Soundtrack(tmp_path / "missing" / "audio.mp4", tmp_path / "soundtrack.log")
    for hearing in heard:
        track.hear(hearing)

    with pytest.raises(RuntimeError, match="sound could not be made: .*No such file"):
        track.finish(timeout_s=60)
    assert track.process.returncode != 0


def test_an_aborted_track_stops_its_process(tmp_path, storm_hearings):
    heard, _ = storm_hearings
    track = Soundtrack(tmp_path / "audio.mp4", tmp_path / "soundtrack.log")
    track.hear(heard[0])

    track.abort()

    assert track.process.returncode is not None
    assert not track.feeder.is_alive()
    with pytest.raises(RuntimeError, match="last tick"):
        track.hear(heard[1])


def test_it_says_when_the_sound_cannot_start(tmp_path):
    with pytest.raises(RuntimeError, match="sound could not be started"):
        Soundtrack(tmp_path / "audio.mp4", tmp_path / "missing" / "soundtrack.log")
