import torch

from moderation.checks.embeddings import exemplar_vectors


class CountingEncoder:
    identity = "counting:1"
    dimension = 4

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: list[str]) -> torch.Tensor:
        self.calls += 1
        return torch.nn.functional.normalize(torch.rand(len(texts), self.dimension), dim=-1)


def test_exemplar_embeddings_are_encoded_once_and_read_back(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    encoder = CountingEncoder()
    first = exemplar_vectors(encoder, ["a knight", "a dragon"])
    again = exemplar_vectors(encoder, ["a knight", "a dragon"])
    assert encoder.calls == 1
    assert torch.equal(first, again)


def test_changed_exemplars_are_encoded_again(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    encoder = CountingEncoder()
    exemplar_vectors(encoder, ["a knight", "a dragon"])
    changed = exemplar_vectors(encoder, ["a knight", "a dragon", "a castle"])
    assert encoder.calls == 2
    assert changed.shape == (3, 4)


def test_a_damaged_cache_file_is_encoded_again(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    encoder = CountingEncoder()
    exemplar_vectors(encoder, ["a knight"])
    for cached in (tmp_path / "cache").iterdir():
        cached.write_bytes(b"not a tensor")
    assert exemplar_vectors(encoder, ["a knight"]).shape == (1, 4)
    assert encoder.calls == 2


def test_an_unwritable_cache_only_costs_the_encoding(settings, tmp_path):
    (tmp_path / "cache").write_text("a file where the folder would go")
    settings.VAR_DIR = tmp_path
    encoder = CountingEncoder()
    assert exemplar_vectors(encoder, ["a knight"]).shape == (1, 4)


def test_the_nearest_exemplars_vote_by_similarity():
    from moderation.checks.embeddings import ExemplarIndex, _vote

    idx = ExemplarIndex(
        encoder=None,
        categories=["hate", "self-harm"],
        harmful=torch.zeros(3, 4),
        harmful_category=torch.tensor([0, 1, 1]),
        benign=torch.zeros(3, 4),
        probe=None,
    )
    # similarities to hate, self-harm, self-harm, then three benign exemplars
    votes = _vote(idx, torch.tensor([0.1, 0.9, 0.8, 0.7, 0.2, -0.5]))
    assert set(votes) == {"self-harm", "benign", "hate"}  # the five nearest, not the sixth
    assert abs(votes["self-harm"] - 1.7 / 2.7) < 1e-6
    assert abs(votes["benign"] - 0.9 / 2.7) < 1e-6
    assert abs(sum(votes.values()) - 1.0) < 1e-6
