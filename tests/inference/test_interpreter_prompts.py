import pytest

from inference.intents import EntityIntent, SceneIntent

PROMPTS = [
    (
        "a Studio Ghibli style countryside with rolling hills",
        {"biome": "meadow", "style": "painterly"},
    ),
    ("a neon-lit cyberpunk street at night", {"biome": "night_city", "time_of_day": "night"}),
    ("a volcano erupting", {"biome": "volcanic"}),
    ("snowy mountain peaks", {"biome": "snow_mountains"}),
    ("a quiet beach at sunset", {"biome": "coast", "time_of_day": "sunset"}),
    ("a dense pine forest in the fog", {"biome": "forest", "weather": "fog"}),
    ("a desert with dunes", {"biome": "desert"}),
    ("a misty jungle at dusk", {"biome": "forest", "weather": "fog", "time_of_day": "sunset"}),
    ("a lighthouse on a cliff with waves crashing below", {"biome": "coast"}),
    ("an old wooden pier at dawn", {"biome": "coast", "time_of_day": "dawn"}),
    ("a glacier under the northern lights", {"biome": "snow_mountains"}),
    ("a red rock canyon at noon", {"biome": "desert", "time_of_day": "noon"}),
    ("the girl waves to the cat", {"biome": "meadow"}),
]  # fmt: skip


@pytest.mark.parametrize(("prompt", "expected"), PROMPTS, ids=[prompt for prompt, _ in PROMPTS])
def test_it_reads_the_world_prompt(interpreter, prompt, expected):
    scene = interpreter.parse_prompt(prompt)
    assert isinstance(scene, SceneIntent)
    for field, value in expected.items():
        assert getattr(scene, field) == value, (field, scene)


def test_paris_in_the_1980s_with_a_stylish_blonde_model(interpreter):
    scene = interpreter.parse_prompt(
        "the streets of Paris in the 1980s", character="A stylish blonde female model"
    )
    assert (scene.biome, scene.era, scene.style) == ("city", "1980s", "film80s")
    assert scene.entities[0] == EntityIntent(
        kind="person",
        attributes=(
            ("age", "adult"),
            ("gender", "female"),
            ("hair", "blonde"),
            ("mood", "stylish"),
        ),
        label="model",
    )
    assert ("era:1980s", "1980s", 1.0) in scene.matched
    assert "paris" in scene.props


def test_nothing_recognised_gives_the_defaults(interpreter):
    scene = interpreter.parse_prompt("")
    assert (scene.biome, scene.time_of_day, scene.weather, scene.style) == (
        "meadow",
        "noon",
        "clear",
        "realistic",
    )
    assert scene.entities == ()


def test_an_explicit_style_wins_unless_auto(interpreter):
    assert (
        interpreter.parse_prompt("the streets of Paris in the 1980s", style="noir").style == "noir"
    )
    assert (
        interpreter.parse_prompt("a Studio Ghibli countryside", style="auto").style == "painterly"
    )


def test_people_and_animals_in_the_prompt_become_entities(interpreter):
    scene = interpreter.parse_prompt("a girl and her dog in a field of flowers")
    kinds = [entity.kind for entity in scene.entities]
    assert kinds == ["person", "dog"]


def test_a_character_without_a_known_noun_is_a_person(interpreter):
    scene = interpreter.parse_prompt("a meadow", character="a cheerful wanderer")
    assert scene.entities[0].kind == "person"


def test_matches_are_reported_with_their_similarity(interpreter):
    scene = interpreter.parse_prompt("a misty jungle")
    concepts = {concept for concept, _, _ in scene.matched}
    assert {"weather:fog", "biome:forest"} <= concepts
    assert all(0.0 < similarity <= 1.0 for _, _, similarity in scene.matched)
