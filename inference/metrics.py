"""Image metrics implemented in torch (no extra dependencies)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _gauss(size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    x = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    g = torch.exp(-(x * x) / (2 * sigma * sigma))
    g = g / g.sum()
    return (g[:, None] * g[None, :]).view(1, 1, size, size)


@torch.inference_mode()
def ssim(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean SSIM of two uint8 or float [H, W, 3] images, on luma, 11x11 Gaussian window."""

    def luma(x: torch.Tensor) -> torch.Tensor:
        x = x.to(torch.float64)
        if x.max() > 1.5:
            x = x / 255.0
        y = 0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]
        return y.view(1, 1, *y.shape)

    x, y = luma(a.cpu()), luma(b.cpu())
    w = _gauss()
    c1, c2 = 0.01**2, 0.03**2
    mx, my = F.conv2d(x, w), F.conv2d(y, w)
    sxx = F.conv2d(x * x, w) - mx * mx
    syy = F.conv2d(y * y, w) - my * my
    sxy = F.conv2d(x * y, w) - mx * my
    s = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return float(s.mean())
