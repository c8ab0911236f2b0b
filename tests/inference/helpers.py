"""Small builders shared by the inference tests."""

from __future__ import annotations

from inference.intents import EntityIntent, EntityRef, SceneIntent
from inference.setup import build_state
from inference.spec import WorldSpec
from inference.state import WorldState

GIRL = EntityRef(kind="person", attributes=(("age", "child"), ("gender", "female")), label="girl")


def make_state(
    model,
    biome: str = "meadow",
    weather: str = "clear",
    seed: int = 1,
    entities: tuple[EntityIntent, ...] = (),
    time_of_day: str = "noon",
    style: str = "realistic",
) -> WorldState:
    intent = SceneIntent(
        biome=biome, time_of_day=time_of_day, weather=weather, style=style, entities=entities
    )
    return build_state(WorldSpec(prompt=f"a {biome}", seed=seed, style=style), intent, model.cache)


def girl_intent() -> EntityIntent:
    return EntityIntent(
        kind="person", attributes=(("age", "child"), ("gender", "female")), label="girl"
    )
