from inference.intents import Understood
from inference.interpreter import count_director_actions
from inference.interpreter.counting import sample_director_commands


def test_the_grammar_expresses_at_least_ten_thousand_director_actions():
    assert count_director_actions() >= 10_000


def test_generated_commands_parse_to_their_intended_actions(interpreter):
    samples = sample_director_commands(200, seed=2026)
    correct = 0
    for text, expected in samples:
        result = interpreter.parse_command(text)
        if isinstance(result, Understood) and result.actions == (expected,):
            correct += 1
    assert correct / len(samples) >= 0.95


def test_the_samples_are_reproducible():
    assert sample_director_commands(20, seed=1) == sample_director_commands(20, seed=1)
