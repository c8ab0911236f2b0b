"""A linear classifier over MiniLM embeddings, trained on the exemplars when the index loads.

Nearest-exemplar similarity only recognises phrasings close to one written example; a
multinomial logistic regression over the same 384-d embeddings learns which directions
of meaning separate each category from benign text, so paraphrases nobody wrote down
still land on the right side. Training is full-batch L-BFGS from zeros on ~1,500 rows:
deterministic and about a tenth of a second on the CPU.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

BENIGN = "benign"
# Benign text's share of the training weight; the harmful categories split the rest
# evenly, however many exemplars each has. Equal shares for all eight labels would read
# every text as 7-to-1 harmful before it is seen, and flag look-alikes.
BENIGN_SHARE = 0.3
L2 = 3e-4  # ridge on the weights: keeps probabilities calibrated without underfitting
STEPS = 200


@dataclass(frozen=True)
class LinearProbe:
    labels: tuple[str, ...]  # harmful categories, then "benign"
    weight: torch.Tensor  # [K, 384]
    bias: torch.Tensor  # [K]

    def probabilities(self, vectors: torch.Tensor) -> torch.Tensor:
        """[N, 384] unit vectors -> [N, K] class probabilities."""
        return torch.softmax(vectors @ self.weight.T + self.bias, dim=-1)

    def scores(self, vector: torch.Tensor) -> dict[str, float]:
        """One [384] vector -> probability per label."""
        p = self.probabilities(vector.view(1, -1))[0].tolist()
        return dict(zip(self.labels, p, strict=True))


def train_probe(vectors: torch.Tensor, labels: list[str]) -> LinearProbe:
    """vectors [N, 384], one label per row (a category or "benign"). Classes are weighted
    by BENIGN_SHARE, not by how many exemplars each has."""
    names = tuple(sorted({label for label in labels if label != BENIGN})) + (BENIGN,)
    position = {name: i for i, name in enumerate(names)}
    target = torch.tensor([position[label] for label in labels])  # [N]
    counts = torch.bincount(target, minlength=len(names)).clamp(min=1).float()  # [K]
    share = torch.full((len(names),), (1 - BENIGN_SHARE) / (len(names) - 1))
    share[-1] = BENIGN_SHARE
    class_weight = share * counts.sum() / counts  # [K]
    x = vectors.detach().float().clone()  # a plain tensor, even from inference mode
    weight = torch.zeros(len(names), x.shape[1], requires_grad=True)
    bias = torch.zeros(len(names), requires_grad=True)
    optimiser = torch.optim.LBFGS(
        [weight, bias], lr=1.0, max_iter=STEPS, history_size=20, line_search_fn="strong_wolfe"
    )
    loss_fn = torch.nn.CrossEntropyLoss(weight=class_weight)

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = loss_fn(x @ weight.T + bias, target) + L2 * weight.pow(2).sum()
        loss.backward()
        return loss

    with torch.enable_grad():
        optimiser.step(closure)
    return LinearProbe(names, weight.detach().clone(), bias.detach().clone())
