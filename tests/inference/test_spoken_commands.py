"""Director commands as people type them, through the real MiniLM interpreter and the
engine: each must make its state edit. Synonyms included."""

from __future__ import annotations

import pytest

from tests.inference.helpers import girl_intent, make_state


def newest(state):
    return state.entities[-1]


SPOKEN = [
    ("make it rain", lambda s: s.scene.weather == "rain"),
    ("a downpour", lambda s: s.scene.weather == "rain"),
    ("let it snow", lambda s: s.scene.weather == "snow"),
    ("a blizzard", lambda s: s.scene.weather == "snow"),
    ("thick mist", lambda s: s.scene.weather == "fog"),
    ("a thunderstorm", lambda s: s.scene.weather == "storm"),
    ("clear skies", lambda s: s.scene.weather == "clear"),
    ("make it night", lambda s: s.scene.time_of_day == "night"),
    ("sunrise", lambda s: s.scene.time_of_day == "dawn"),
    ("dusk", lambda s: s.scene.time_of_day == "sunset"),
    ("make it look like an 80s film", lambda s: s.scene.style == "film80s"),
    ("pixel art", lambda s: s.scene.style == "pixel"),
    ("add a kitty", lambda s: newest(s).kind == "cat"),
    ("a puppy appears", lambda s: newest(s).kind == "dog"),
    ("a pony", lambda s: newest(s).kind == "horse"),
    (
        "a big red dog",
        lambda s: (
            newest(s).kind == "dog"
            and newest(s).attrs.get("colour") == "red"
            and newest(s).size > 1.0
        ),
    ),
    ("three birds", lambda s: sum(e.kind == "bird" for e in s.entities) == 3),
    ("the girl dances", lambda s: s.entities[0].behaviour == "dance"),
    ("the girl sits", lambda s: s.entities[0].behaviour == "sit"),
    ("aerial view", lambda s: s.camera.mode == "aerial"),
    ("close-up on the girl", lambda s: s.camera.mode == "close_up"),
    ("orbit around the girl", lambda s: s.camera.mode == "orbit"),
    ("back to first person", lambda s: s.camera.mode == "first_person"),
    ("remove the girl", lambda s: not any(e.kind == "person" for e in s.entities)),
]


@pytest.mark.parametrize(("text", "edited"), SPOKEN, ids=[text for text, _ in SPOKEN])
def test_a_spoken_command_makes_its_edit(model, text, edited):
    state = make_state(model, entities=(girl_intent(),))
    if text == "back to first person":
        state, _ = model.direct(state, "aerial view")
    state, result = model.direct(state, text)
    assert result.status == "applied", result.message
    assert edited(state), result.changes


def test_nonsense_is_not_understood_and_offers_nearest_commands(model):
    state = make_state(model)
    unchanged, result = model.direct(state, "qwzx blorf")
    assert result.status == "not_understood"
    assert result.suggestions
    assert unchanged is state
