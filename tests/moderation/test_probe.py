import torch

from moderation.checks.probe import BENIGN, BENIGN_SHARE, train_probe


def _clusters() -> tuple[torch.Tensor, list[str]]:
    generator = torch.Generator().manual_seed(0)
    centres = torch.eye(3, 16)  # three well-separated directions
    vectors, labels = [], []
    for centre, label in zip(centres, ["self-harm", "hate", BENIGN], strict=True):
        points = centre + 0.2 * torch.randn(40, 16, generator=generator)
        vectors.append(torch.nn.functional.normalize(points, dim=-1))
        labels += [label] * 40
    return torch.cat(vectors), labels


def test_it_learns_categories_from_exemplars():
    vectors, labels = _clusters()
    probe = train_probe(vectors, labels)
    assert probe.labels == ("hate", "self-harm", BENIGN)
    unseen = torch.nn.functional.normalize(torch.eye(3, 16)[0] + 0.05, dim=-1)
    scores = probe.scores(unseen)
    assert max(scores, key=scores.get) == "self-harm"
    assert abs(sum(scores.values()) - 1.0) < 1e-5


def test_training_is_deterministic():
    vectors, labels = _clusters()
    first, second = train_probe(vectors, labels), train_probe(vectors, labels)
    assert torch.equal(first.weight, second.weight)
    assert torch.equal(first.bias, second.bias)


def test_it_trains_on_inference_mode_embeddings():
    vectors, labels = _clusters()
    with torch.inference_mode():
        frozen = vectors.clone()
    assert train_probe(frozen, labels).weight.shape == (3, 16)


def test_benign_text_carries_its_share_of_the_weight_however_few_its_exemplars():
    """Eight labels weighted equally would make every text 7-to-1 harmful before it is read;
    benign carries BENIGN_SHARE of the weight whatever the counts."""
    vectors = torch.full((90, 16), 0.25)  # one point: nothing tells the labels apart
    labels = ["self-harm"] * 30 + ["hate"] * 50 + [BENIGN] * 10
    probe = train_probe(vectors, labels)
    scores = probe.scores(vectors[0])
    assert abs(scores[BENIGN] - BENIGN_SHARE) < 0.01
    assert abs(scores["hate"] - scores["self-harm"]) < 0.01
