"""A table of actions (as the interpreter emits them) -> the state edits they must make.

Intents are constructed directly so the table does not depend on the interpreter's
wording; test_cat_and_girl checks the real interpreter end to end when it is importable.
"""

from __future__ import annotations

import pytest

from inference.intents import (
    Behave,
    Camera,
    Change,
    EntityIntent,
    EntityRef,
    Remove,
    SetScene,
    Spawn,
)
from inference.setup import MAX_ENTITIES
from inference.state import PLAYER_ID
from tests.inference.helpers import GIRL, girl_intent, make_state

DOG = EntityRef(kind="dog", label="dog")


def _state(model):
    state = make_state(model, entities=(girl_intent(),))
    state, res = model._apply(state, [Spawn(EntityIntent("dog", (("colour", "brown"),), "dog"))])
    assert res.status == "applied"
    return state


TABLE = [
    ([SetScene(weather="rain")], lambda s: s.scene.weather == "rain"),
    (
        [SetScene(weather="storm", time_of_day="night")],
        lambda s: (s.scene.weather, s.scene.time_of_day) == ("storm", "night"),
    ),
    ([SetScene(time_of_day="dawn")], lambda s: s.scene.time_of_day == "dawn"),
    (
        [SetScene(lighting="golden", style="film80s")],
        lambda s: (s.scene.lighting, s.scene.style) == ("golden", "film80s"),
    ),
    ([SetScene(weather="fog")], lambda s: s.scene.weather == "fog"),
    (
        [Spawn(EntityIntent("horse", (("colour", "white"), ("size", "big")), "horse"))],
        lambda s: (
            s.entities[-1].kind == "horse"
            and s.entities[-1].size == 1.5
            and s.entities[-1].attrs["colour"] == "white"
        ),
    ),
    (
        [Spawn(EntityIntent("bird", count=3))],
        lambda s: (
            sum(e.kind == "bird" for e in s.entities) == 3
            and all(e.behaviour == "fly" for e in s.entities if e.kind == "bird")
        ),
    ),
    (
        [Spawn(EntityIntent("dog", behaviour="follow", target=EntityRef(is_player=True)))],
        lambda s: s.entities[-1].behaviour == "follow" and s.entities[-1].target == PLAYER_ID,
    ),
    (
        [Behave(DOG, "flee", GIRL)],
        lambda s: s.entities[1].behaviour == "flee" and s.entities[1].target == s.entities[0].id,
    ),
    ([Behave(DOG, "circle", GIRL)], lambda s: s.entities[1].behaviour == "circle"),
    ([Behave(DOG, "sit")], lambda s: s.entities[1].behaviour == "sit"),
    ([Behave(GIRL, "dance")], lambda s: s.entities[0].behaviour == "dance"),
    ([Behave(DOG, "go_to")], lambda s: s.entities[1].target == PLAYER_ID),
    (
        [Camera("close_up", GIRL)],
        lambda s: s.camera.mode == "close_up" and s.camera.subject == s.entities[0].id,
    ),
    ([Camera("aerial")], lambda s: s.camera.mode == "aerial"),
    ([Camera("orbit", DOG)], lambda s: s.camera.mode == "orbit"),
    ([Remove(DOG)], lambda s: [e.kind for e in s.entities] == ["person"]),
    ([Change(DOG, (("colour", "black"),))], lambda s: s.entities[1].attrs["colour"] == "black"),
    ([Change(GIRL, (("size", "giant"),))], lambda s: s.entities[0].size == pytest.approx(1.8)),
]


@pytest.mark.parametrize(("actions", "check"), TABLE)
def test_each_command_makes_its_state_edit(model, actions, check):
    state = _state(model)
    new, res = model._apply(state, actions)
    assert res.status == "applied", res.message
    assert res.changes and res.message
    assert check(new)
    # the logged actions replay to the same edit
    replay, res2 = model.apply(state, res.actions)
    assert res2.status == "applied" and model.snapshot(replay) == model.snapshot(new)


@pytest.mark.parametrize(
    ("actions", "reason"),
    [
        ([Behave(EntityRef(kind="dragon"), "fly")], "no dragon"),
        (
            [Spawn(EntityIntent("cat", behaviour="run_to", target=EntityRef(kind="horse")))],
            "no horse",
        ),
        ([Spawn(EntityIntent("unicorn"))], "Unknown entity kind"),
        ([SetScene(weather="hail")], "Unknown weather"),
        ([Spawn(EntityIntent("sheep", count=MAX_ENTITIES + 1))], "Too many entities"),
        ([Remove(EntityRef(is_player=True))], "cannot remove yourself"),
    ],
)
def test_impossible_commands_are_rejected_and_change_nothing(model, actions, reason):
    state = _state(model)
    before = model.snapshot(state)
    new, res = model._apply(state, actions)
    assert res.status == "rejected" and reason in res.message
    assert new is state and model.snapshot(state) == before


def test_every_entity_kind_can_be_spawned_and_simulated(model):
    from inference.spec import PlayerInput
    from inference.vocabulary import BEHAVIOURS, ENTITY_KINDS

    state = _state(model)
    for i, kind in enumerate(ENTITY_KINDS):
        beh = BEHAVIOURS[i % len(BEHAVIOURS)]
        state, res = model._apply(state, [Spawn(EntityIntent(kind, behaviour=beh))])
        assert res.status == "applied", res.message
    for _ in range(5):
        frame, audio, state = model.step([state], [PlayerInput(move_y=1)])[0]
    assert {e.kind for e in state.entities} >= set(ENTITY_KINDS)
    assert frame.shape == (72, 128, 3)


def test_the_entity_cap_holds(model):
    state = _state(model)
    state, res = model._apply(state, [Spawn(EntityIntent("sheep", count=MAX_ENTITIES - 2))])
    assert res.status == "applied" and len(state.entities) == MAX_ENTITIES
    _, res = model._apply(state, [Spawn(EntityIntent("cow"))])
    assert res.status == "rejected"
