import pytest

from inference.intents import (
    Behave,
    Camera,
    Change,
    EntityIntent,
    EntityRef,
    NotUnderstood,
    Remove,
    SetScene,
    Spawn,
    Understood,
)
from inference.interpreter.lexicon import exact_lexicon

GIRL = EntityRef(kind="person", attributes=(("age", "child"), ("gender", "female")), label="girl")
ME = EntityRef(is_player=True)
SOMEONE = EntityRef()


def ref(kind: str, label: str | None = None, **attributes: str) -> EntityRef:
    return EntityRef(kind=kind, attributes=tuple(sorted(attributes.items())), label=label or kind)


def spawn(kind: str, label: str | None = None, count: int = 1, behaviour: str = "idle",
          target: EntityRef | None = None, **attributes: str) -> Spawn:  # fmt: skip
    return Spawn(
        EntityIntent(
            kind=kind,
            attributes=tuple(sorted(attributes.items())),
            label=label or kind,
            count=count,
            behaviour=behaviour,
            target=target,
        )
    )


COMMANDS = [
    # weather
    ("make it rain", SetScene(weather="rain")),
    ("let it snow", SetScene(weather="snow")),
    ("a downpour", SetScene(weather="rain")),
    ("make it foggy", SetScene(weather="fog")),
    ("storm with lightning and thunder", SetScene(weather="storm")),
    ("clear skies", SetScene(weather="clear")),
    ("stop the rain", SetScene(weather="clear")),
    ("no more snow", SetScene(weather="clear")),
    # time of day; "golden hour" is both a time and a light
    ("make it night", SetScene(time_of_day="night")),
    ("make it dawn", SetScene(time_of_day="dawn")),
    ("golden hour", SetScene(time_of_day="sunset", lighting="golden")),
    # lighting and style
    ("make it look like an 80s film", SetScene(style="film80s")),
    ("noir", SetScene(style="noir")),
    ("black and white please", SetScene(style="noir")),
    ("pixel art", SetScene(style="pixel")),
    ("painterly", SetScene(style="painterly")),
    ("brighter", SetScene(lighting="bright")),
    ("make it darker", SetScene(lighting="dim")),
    ("kill the lights", SetScene(lighting="dim")),
    ("turn on the lights", SetScene(lighting="bright")),
    # spawning
    ("a big red dog", spawn("dog", colour="red", size="big")),
    ("three birds", spawn("bird", count=3)),
    ("3 birds", spawn("bird", count=3)),
    ("add a horse", spawn("horse")),
    ("add an old man", spawn("person", "old man", age="elder", gender="male")),
    ("a blonde woman", spawn("person", "woman", age="adult", gender="female", hair="blonde")),
    (
        "a cute cat runs to the girl",
        spawn("cat", behaviour="run_to", target=GIRL, mood="cute"),
    ),
    ("two dogs follow me", spawn("dog", count=2, behaviour="follow", target=ME)),
    # behaviours of existing entities
    ("the dog follows the girl", Behave(ref("dog"), "follow", GIRL)),
    ("the cat runs away from the dog", Behave(ref("cat"), "flee", ref("dog"))),
    ("the birds circle the horse", Behave(ref("bird"), "circle", ref("horse"))),
    ("the horse walks to the cow", Behave(ref("horse"), "go_to", ref("cow"))),
    ("the dog sits", Behave(ref("dog"), "sit")),
    ("the fox jumps", Behave(ref("fox"), "jump")),
    ("the bird flies", Behave(ref("bird"), "fly")),
    ("the girl dances", Behave(GIRL, "dance")),
    ("the cat sleeps", Behave(ref("cat"), "sleep")),
    ("the dog wanders", Behave(ref("dog"), "wander")),
    ("the cat runs away", Behave(ref("cat"), "flee", ME)),
    ("come to me", Behave(SOMEONE, "go_to", ME)),
    ("follow me", Behave(SOMEONE, "follow", ME)),
    ("the cat stops", Behave(ref("cat"), "idle")),
    # camera
    ("close-up on the cat", Camera("close_up", ref("cat"))),
    ("aerial view", Camera("aerial")),
    ("orbit around the horse", Camera("orbit", ref("horse"))),
    ("follow the dog", Camera("follow", ref("dog"))),
    ("camera follows the dog", Camera("follow", ref("dog"))),
    ("back to first person", Camera("first_person")),
    # removing and changing
    ("remove the car", Remove(ref("car"))),
    ("get rid of the dragon", Remove(ref("dragon"))),
    ("make the cat black", Change(ref("cat"), (("colour", "black"),))),
    ("the dog gets bigger", Change(ref("dog"), (("size", "big"),))),
    ("the robot grows", Change(ref("robot"), (("size", "big"),))),
    ("turn the girl's hair ginger", Change(GIRL, (("hair", "ginger"),))),
]

SYNONYMS = [
    ("add a kitty", spawn("cat", "kitty")),
    ("a puppy", spawn("dog", "puppy")),
    ("the hound sits", Behave(ref("dog", "hound"), "sit")),
    ("a pony", spawn("horse", "pony")),
    ("a stallion", spawn("horse", "stallion")),
    ("an automobile", spawn("car", "automobile")),
    ("a downpour", SetScene(weather="rain")),
    ("a blizzard", SetScene(weather="snow")),
    ("mist", SetScene(weather="fog")),
    ("thunderstorm", SetScene(weather="storm")),
    ("dusk", SetScene(time_of_day="sunset")),
    ("sunrise", SetScene(time_of_day="dawn")),
    ("make it midnight", SetScene(time_of_day="night")),
    (
        "a kitty follows the puppy",
        spawn("cat", "kitty", behaviour="follow", target=ref("dog", "puppy")),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), COMMANDS, ids=[text for text, _ in COMMANDS])
def test_it_understands_the_command_table(interpreter, text, expected):
    result = interpreter.parse_command(text)
    assert isinstance(result, Understood), result
    assert result.actions == (expected,)


@pytest.mark.parametrize(("text", "expected"), SYNONYMS, ids=[text for text, _ in SYNONYMS])
def test_it_understands_synonyms_through_minilm(interpreter, text, expected):
    result = interpreter.parse_command(text)
    assert isinstance(result, Understood), result
    assert result.actions == (expected,)
    assert result.confidence < 1.0  # matched by meaning, not by a list


def test_the_synonyms_are_not_simply_listed_in_the_lexicon():
    listed = exact_lexicon()
    for word in ("kitty", "puppy", "hound", "pony", "stallion", "automobile", "downpour",
                 "blizzard", "mist", "thunderstorm", "dusk", "sunrise", "midnight"):  # fmt: skip
        assert word not in listed


def test_it_understands_kitty_as_cat(interpreter):
    result = interpreter.parse_command("add a kitty")
    assert result.actions[0].entity.kind == "cat"


def test_a_cute_cat_runs_to_the_girl_spawns_a_cat_with_a_target(interpreter):
    assert interpreter.parse_command("a cute cat runs to the girl").actions == (
        Spawn(
            EntityIntent(
                kind="cat",
                attributes=(("mood", "cute"),),
                label="cat",
                behaviour="run_to",
                target=EntityRef(
                    kind="person",
                    attributes=(("age", "child"), ("gender", "female")),
                    label="girl",
                ),
            )
        ),
    )


def test_compound_commands_give_several_actions(interpreter):
    result = interpreter.parse_command("make it rain and add a dog")
    assert result.actions == (SetScene(weather="rain"), spawn("dog"))
    result = interpreter.parse_command("turn the car blue, then the dog sleeps")
    assert result.actions == (
        Change(ref("car"), (("colour", "blue"),)),
        Behave(ref("dog"), "sleep"),
    )


def test_scene_words_inside_an_entity_command_change_the_scene_too(interpreter):
    result = interpreter.parse_command("a dog runs to me in the rain")
    assert result.actions == (
        SetScene(weather="rain"),
        spawn("dog", behaviour="run_to", target=ME),
    )


def test_targets_must_be_entities_or_the_player(interpreter):
    result = interpreter.parse_command("birds circle the tower")
    assert isinstance(result, NotUnderstood)
    assert "tower" in result.reason
    assert len(result.suggestions) == 3


def test_counts_are_capped(interpreter):
    result = interpreter.parse_command("add 1000 birds")
    assert result.actions[0].entity.count == 20


def test_exact_commands_parse_fast_and_synonyms_within_budget(interpreter):
    import time

    interpreter.parse_command("a giant golden dragon circles the stallion")
    started = time.perf_counter()
    for _ in range(20):
        interpreter.parse_command("a giant golden dragon circles the stallion")
    per_command = (time.perf_counter() - started) / 20
    assert per_command < 0.03


def test_subjects_joined_by_and_share_the_verb(interpreter):
    result = interpreter.parse_command("the dog and the cat follow me")
    assert result.actions == (
        Behave(ref("dog"), "follow", ME),
        Behave(ref("cat"), "follow", ME),
    )
    result = interpreter.parse_command("add a dog and a cat")
    assert result.actions == (spawn("dog"), spawn("cat"))


def test_polite_and_chatty_wording_is_understood(interpreter):
    assert interpreter.parse_command("can you make it rain please").actions == (
        SetScene(weather="rain"),
    )
    assert interpreter.parse_command("please make the cat black").actions == (
        Change(ref("cat"), (("colour", "black"),)),
    )
    assert interpreter.parse_command("there are two horses").actions == (spawn("horse", count=2),)


def test_unknown_adjectives_before_a_known_noun_are_passed_over(interpreter):
    assert interpreter.parse_command("the fluffy dog sits").actions == (Behave(ref("dog"), "sit"),)


def test_parsing_from_several_threads_gives_the_same_results(interpreter):
    from concurrent.futures import ThreadPoolExecutor

    texts = ["a hound chases the kitty", "make it rain", "a pony at dusk", "xyzzy"] * 4
    expected = [interpreter.parse_command(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(interpreter.parse_command, texts)) == expected
