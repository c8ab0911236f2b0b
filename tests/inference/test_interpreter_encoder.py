import pytest
import torch

from inference.interpreter.encoder import MiniLMEncoder

# The first six dimensions of sentence-transformers' embedding of "a cute cat" with the
# same bundled all-MiniLM-L6-v2 weights (normalised), recorded once.
REFERENCE_A_CUTE_CAT = (0.0099314, 0.0368050, -0.0195219, 0.0389453, -0.0788116, -0.0091072)


@pytest.fixture(scope="module")
def encoder(interpreter) -> MiniLMEncoder:
    return interpreter._get_matcher().encoder


def test_it_embeds_like_sentence_transformers(encoder):
    embedding = encoder.encode(["a cute cat"])[0]
    assert torch.allclose(embedding[:6], torch.tensor(REFERENCE_A_CUTE_CAT), atol=1e-5)


def test_embeddings_are_unit_length_and_independent_of_batch_order(encoder):
    alone = encoder.encode(["kitty"])
    batched = encoder.encode(["a much longer sentence about the weather today", "kitty"])
    assert torch.allclose(batched.norm(dim=1), torch.ones(2), atol=1e-5)
    assert torch.allclose(alone[0], batched[1], atol=1e-5)


def test_synonyms_are_closer_than_unrelated_words(encoder):
    kitty, cat, car = encoder.encode(["kitty", "cat", "car"])
    assert float(kitty @ cat) > float(kitty @ car)


def test_it_loads_the_model_and_lexicon_quickly(interpreter):
    # Generous bound: the lead's target is about 1 s on an idle CPU; shared CI CPUs are slower.
    assert interpreter.load_seconds is not None
    assert interpreter.load_seconds < 10


def test_importing_the_interpreter_does_not_import_torch():
    import subprocess
    import sys
    from pathlib import Path

    code = "import sys, inference.interpreter; print('torch' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    assert output.strip() == "False"
