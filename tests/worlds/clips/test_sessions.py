"""Recording a clip from a live session's logs reproduces the session exactly."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from worlds.clips.replay import replay
from worlds.clips.script import compile_script
from worlds.clips.services import clip_create_from_session
from worlds.live import input_log
from worlds.models import Command, PlaySession

pytestmark = pytest.mark.django_db

START, END = 10, 70
COMMANDS = {3: "a storm with lightning", 20: "a cat appears", 30: "blorf the wibble",
            40: "aerial view", 75: "make it snow"}  # fmt: skip


def keys_at(tick: int) -> tuple[list[str], tuple[float, float]]:
    if 5 <= tick < 25:
        return ["w"], (0.7, 0.0)
    if 28 <= tick < 36:
        return ["a", "shift"], (0.0, -0.4)
    if tick == 50:
        return ["space"], (0.0, 0.0)
    return [], (0.0, 0.0)


def result_dict(result) -> dict:
    return {"status": result.status, "message": result.message, "changes": list(result.changes),
            "suggestions": list(result.suggestions), "actions": result.actions}  # fmt: skip


def play_live(world_state):
    """A session run the way worlds/live/worker.py `_tick` runs it, with its logs."""
    from inference.spec import PlayerInput
    from worlds.engine import world_model

    model = world_model("64x36", purpose="clips-replay")
    state = model.restore(world_state)
    recorder = input_log.InputRecorder()
    commands, frames, start_state = [], [], None
    for _ in range(80):
        tick = state.tick
        if tick == START:
            start_state = model.snapshot(state)
        if tick in COMMANDS:
            state, result = model.direct(state, COMMANDS[tick])
            commands.append((state.tick, COMMANDS[tick], result_dict(result)))
        keys, look = keys_at(tick)
        player_input = PlayerInput.from_keys(keys, look=look)
        recorder.record(state.tick, player_input)
        frame, audio, state = model.step([state], [player_input])[0]
        if START <= tick < END:
            frames.append(hashlib.sha256(frame.numpy().tobytes() + audio.tobytes()).hexdigest())
        if tick == END - 1:
            end_state = model.snapshot(state)
    return model, start_state, end_state, frames, commands, recorder.entries


@pytest.fixture
def recorded(world, creator, world_state):
    model, start_state, end_state, frames, commands, entries = play_live(world_state)
    session = PlaySession.objects.create(
        world=world, player=creator, input_log=input_log.encode(entries), status="ended"
    )
    for tick, text, result in commands:
        Command.objects.create(session=session, tick=tick, text=text, result=result)
    return model, session, start_state, end_state, frames


def test_a_clip_recorded_from_a_session_replays_it_frame_for_frame(recorded, creator):
    model, session, start_state, end_state, live_frames = recorded
    clip = clip_create_from_session(
        session=session, start_snapshot=start_state, end_tick=END, user=creator
    )
    assert clip.duration_s == 2.0 and clip.start_snapshot.tick == START
    script = clip.script
    commands = [e for e in script["events"] if e["type"] == "command"]
    # Only what changed the world, at its tick, with the logged actions to re-apply.
    assert [(round(e["t"] * 30), e["text"]) for e in commands] == [
        (10, "a cat appears"),
        (30, "aerial view"),
    ]
    assert all(e["actions"] for e in commands)
    inputs = [e for e in script["events"] if e["type"] == "input"]
    assert round(inputs[0]["t"] * 30) == 0  # "w" was already held when the clip starts
    assert round(inputs[0]["duration"] * 30) == 15

    frames = []
    end = replay(
        model,
        model.restore(clip.start_snapshot.state),
        compile_script(script),
        on_step=lambda k, out: frames.append(
            hashlib.sha256(out[0].numpy().tobytes() + out[1].tobytes()).hexdigest()
        ),
    )
    assert frames == live_frames
    assert model.snapshot(end) == end_state


def test_only_the_player_or_the_world_owner_can_record_a_session(recorded, stranger):
    _, session, start_state, _, _ = recorded
    with pytest.raises(Http404):
        clip_create_from_session(session=session, start_snapshot=start_state, end_tick=END,
                                 user=stranger)  # fmt: skip


def test_a_recording_must_end_after_it_starts_and_last_at_most_three_minutes(recorded, creator):
    _, session, start_state, _, _ = recorded
    with pytest.raises(ValidationError, match="must end after"):
        clip_create_from_session(session=session, start_snapshot=start_state, end_tick=START,
                                 user=creator)  # fmt: skip
    with pytest.raises(ValidationError, match="at most 180"):
        clip_create_from_session(session=session, start_snapshot=start_state,
                                 end_tick=START + 181 * 30, user=creator)  # fmt: skip
