from inference.intents import NotUnderstood, Spawn, Understood


def test_an_empty_command_is_not_understood_with_a_clear_reason(interpreter):
    for text in ("", "   ", "\n\t"):
        result = interpreter.parse_command(text)
        assert isinstance(result, NotUnderstood)
        assert "empty" in result.reason


def test_a_very_long_command_is_refused_without_encoding_it(interpreter):
    result = interpreter.parse_command("make it rain " * 800)
    assert result == NotUnderstood("Commands are limited to 500 characters.")


def test_emoji_only_is_not_understood(interpreter):
    result = interpreter.parse_command("🐱🐶🌧️")
    assert isinstance(result, NotUnderstood)


def test_emoji_around_words_are_ignored(interpreter):
    result = interpreter.parse_command("make it rain 🌧️🌧️")
    assert isinstance(result, Understood)


def test_unicode_look_alikes_and_accents_are_folded(interpreter):
    cyrillic_cat = "add a с\u0430t"  # Cyrillic es and a
    assert interpreter.parse_command(cyrillic_cat).actions[0].entity.kind == "cat"
    assert interpreter.parse_command("ＭＡＫＥ ＩＴ ＲＡＩＮ").actions[0].weather == "rain"
    assert interpreter.parse_command("add a dóg").actions[0].entity.kind == "dog"
    assert interpreter.parse_command("add a do\u0301g").actions[0].entity.kind == "dog"


def test_nonsense_gets_three_readable_suggestions(interpreter):
    result = interpreter.parse_command("xyzzy blorp frobnicate")
    assert isinstance(result, NotUnderstood)
    assert len(result.suggestions) == 3
    assert all(isinstance(suggestion, str) and suggestion for suggestion in result.suggestions)


def test_a_bare_existing_entity_asks_what_it_should_do(interpreter):
    result = interpreter.parse_command("the dog")
    assert isinstance(result, NotUnderstood)
    assert "dog" in result.reason


def test_parsing_is_deterministic(interpreter):
    for text in ("a hound chases the kitty", "qwerty uiop", "a downpour at dusk"):
        results = {interpreter.parse_command(text) for _ in range(3)}
        assert len(results) == 1


def test_odd_control_characters_do_not_crash(interpreter):
    for text in ("\x00\x01add a dog", "add\u200b a\u00a0dog", "a dog\ufeff", "🐕" * 100):
        result = interpreter.parse_command(text)
        assert isinstance(result, Understood | NotUnderstood)
    assert isinstance(interpreter.parse_command("add\u00a0a\u00a0dog").actions[0], Spawn)


def test_a_huge_prompt_does_not_crash(interpreter):
    scene = interpreter.parse_prompt("a beach " * 5000 + "🌊" * 100)
    assert scene.biome == "coast"
