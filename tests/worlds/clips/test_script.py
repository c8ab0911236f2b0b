from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.worlds.clips.conftest import STORM_SCRIPT
from worlds.clips.script import compile_script, describe_input, validate_script


def errors_of(script) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_script(script)
    return " ".join(caught.value.message_dict["script"])


def test_a_valid_script_is_cleaned_and_kept():
    clean = validate_script(STORM_SCRIPT)
    assert clean["version"] == 1
    assert clean["duration_s"] == 2
    assert [e["type"] for e in clean["events"]] == ["command", "input"]


def test_a_script_longer_than_three_minutes_is_refused():
    assert "at most 180 s" in errors_of({"version": 1, "duration_s": 181, "events": []})


def test_events_out_of_order_are_refused_with_their_positions():
    message = errors_of(
        {
            "version": 1,
            "duration_s": 10,
            "events": [
                {"t": 5, "type": "command", "text": "make it rain"},
                {"t": 2, "type": "command", "text": "a cat appears"},
            ],
        }
    )
    assert "out of order" in message and "event 2" in message


def test_an_unknown_event_type_is_named_in_the_error():
    message = errors_of({"version": 1, "duration_s": 10, "events": [{"t": 1, "type": "teleport"}]})
    assert "unknown type 'teleport'" in message


def test_every_problem_is_reported_at_once():
    message = errors_of(
        {
            "version": 1,
            "duration_s": 10,
            "events": [
                {"t": 1, "type": "command", "text": ""},
                {"t": 12, "type": "command", "text": "make it rain"},
                {"t": 2, "type": "input", "keys": ["q"], "duration": 1},
            ],
        }
    )
    assert "needs the text" in message
    assert "after the end of the clip" in message
    assert "unknown keys 'q'" in message


def test_overlapping_inputs_and_bad_numbers_are_refused():
    assert "overlap" in errors_of(
        {
            "version": 1,
            "duration_s": 10,
            "events": [
                {"t": 1, "type": "input", "keys": ["w"], "duration": 2},
                {"t": 2, "type": "input", "keys": ["a"], "duration": 1},
            ],
        }
    )
    assert "must be a number" in errors_of({"version": 1, "duration_s": "long", "events": []})
    assert "must be a JSON object" in " ".join(
        pytest.raises(ValidationError, validate_script, [1, 2]).value.messages
    )


def test_times_become_ticks_and_inputs_hold_for_their_duration():
    timeline = compile_script(
        {
            "version": 1,
            "duration_s": 2,
            "events": [
                {"t": 0.5, "type": "camera", "text": "aerial view"},
                {"t": 1, "type": "input", "keys": ["w", "shift"], "look": [2, 0], "duration": 0.1},
                {"t": 1.5, "type": "input", "move": [0.25, -0.5], "jump": True, "duration": 1 / 30},
            ],
        }
    )
    assert timeline.frames == 60
    assert [e["text"] for e in timeline.commands[15]] == ["aerial view"]
    assert sorted(timeline.inputs) == [30, 31, 32, 45]
    held = timeline.input_at(30)
    assert (held.move_y, held.run, held.look_dx) == (1.0, True, 2.0)
    exact = timeline.input_at(45)
    assert (exact.move_x, exact.move_y, exact.jump) == (0.25, -0.5, True)
    assert timeline.input_at(33).move_y == 0.0


@pytest.mark.parametrize(
    ("event", "words"),
    [
        ({"keys": ["w"], "look": [0, 0]}, "walk forward"),
        ({"keys": ["s", "a", "shift"], "look": [0, 0]}, "run back and left"),
        ({"keys": ["space"], "look": [0.5, 0]}, "jump, turn right"),
        (
            {"move": [0.0, 0.9], "look": [-1.2, 0.4], "jump": False, "run": True},
            "run forward, turn left, look up",
        ),  # fmt: skip
        ({"move": [0.1, 0.0], "look": [0.01, 0], "jump": False, "run": False}, "stand still"),
        ({"keys": [], "look": [0, -0.3]}, "look down"),
    ],
)
def test_an_input_event_is_described_in_words(event, words):
    assert describe_input({"t": 0.0, "type": "input", "duration": 1.0, **event}) == words
