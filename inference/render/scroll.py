"""Screen-space textures scrolled by each session's own amount, for a whole batch at once.

Every output row is a stretch of one texture row, rolled sideways. Laying each texture row
twice side by side makes any roll of it W consecutive texels, so a batch of scrolled copies
is one gather of contiguous rows (a copy per row, not per pixel).
"""

from __future__ import annotations

import torch


class Scroller:
    def __init__(self, texture: torch.Tensor) -> None:
        """texture [R, W]."""
        self.W = texture.shape[1]
        twice = texture.repeat(1, 2).reshape(-1)  # [R * 2W]
        self.windows = twice.unfold(0, self.W, 1)  # a view: window i is twice[i : i + W]

    def rows(self, rows: torch.Tensor, shifts: torch.Tensor) -> torch.Tensor:
        """rows [b, H] of texture rows, shifts [b] (rolls to the right, in [0, W)) ->
        [b, H, W]: out[s, i, j] = texture[rows[s, i], (j - shifts[s]) % W]."""
        W = self.W
        start = rows * (2 * W) + torch.remainder(W - shifts, W).view(-1, 1)
        return self.windows.index_select(0, start.view(-1)).view(*rows.shape, W)
