"""Style post-pass: float images [b, H, W, 3] in 0..1 -> uint8 frames.

A style is an optional blur (pooling and bilinear resampling, always eager) and a
pointwise finish that grades the image and quantises it to bytes. The finishes are pure
pointwise functions, so a compiled renderer fuses each into a single pass over the
pixels with the same bits as eager (no torch.lerp or matmul: see compiled.mix).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from inference.render.compiled import MaybeCompiled, mix
from inference.render.params import dev_tensor
from inference.render.scroll import Scroller
from inference.rng import thash

# rows: input channel, columns: output channel
SEPIA = ((0.393, 0.349, 0.272), (0.769, 0.686, 0.534), (0.189, 0.168, 0.131))


def _bytes(x: torch.Tensor) -> torch.Tensor:
    """-> uint8, channels-last and contiguous (what the JPEG encoder takes)."""
    return (x * 255.0 + 0.5).clamp(0.0, 255.0).to(torch.uint8).contiguous()


def _luma(x: torch.Tensor) -> torch.Tensor:
    """[b, H, W, 3] -> [b, H, W, 1]"""
    return x[..., 0:1] * 0.299 + x[..., 1:2] * 0.587 + x[..., 2:3] * 0.114


def finish_plain(x: torch.Tensor) -> torch.Tensor:
    return _bytes(x)


def finish_realistic(x: torch.Tensor) -> torch.Tensor:
    return _bytes(x * 1.05 / (1.0 + 0.05 * x))


def finish_painterly(x: torch.Tensor, soft: torch.Tensor, warm: torch.Tensor) -> torch.Tensor:
    x = mix(x, soft, 0.45)
    x = mix(_luma(x), x, 1.3) * warm
    return _bytes(torch.floor(x * 14.0 + 0.5) / 14.0 * 0.5 + x * 0.5)


def finish_film80s(
    x: torch.Tensor,
    glow: torch.Tensor,
    grain: torch.Tensor,
    vignette: torch.Tensor,
    glow_tint: torch.Tensor,
    grade: torch.Tensor,
) -> torch.Tensor:
    x = (x + glow * glow_tint) * grade + 0.06
    return _bytes((x + grain) * vignette)


def finish_noir(x: torch.Tensor, grain: torch.Tensor, vignette: torch.Tensor) -> torch.Tensor:
    lum = ((_luma(x) - 0.45) * 1.8 + 0.45).clamp(0, 1)
    return _bytes(((lum + grain) * vignette).expand(x.shape))


def finish_watercolor(x: torch.Tensor, soft: torch.Tensor, paper: torch.Tensor) -> torch.Tensor:
    x = mix(x, soft, 0.6)
    x = x + (1.0 - x) * 0.22 + paper * 0.08
    return _bytes(mix(_luma(x), x, 0.85))


def cyberpunk_grade(x: torch.Tensor, shadows: torch.Tensor, highs: torch.Tensor) -> torch.Tensor:
    lum = _luma(x)
    return x * 0.6 + lum * mix(shadows, highs, lum.clamp(0, 1)) * 0.6


def finish_cyberpunk(x: torch.Tensor, glow: torch.Tensor, vignette: torch.Tensor) -> torch.Tensor:
    return _bytes((x + glow * 1.2) * vignette)


def finish_sepia(
    x: torch.Tensor, grain: torch.Tensor, vignette: torch.Tensor, sepia: torch.Tensor
) -> torch.Tensor:
    toned = x[..., 0:1] * sepia[0] + x[..., 1:2] * sepia[1] + x[..., 2:3] * sepia[2]
    return _bytes((toned + grain) * vignette)


FUNCTIONS = (
    finish_plain,
    finish_realistic,
    finish_painterly,
    finish_film80s,
    finish_noir,
    finish_watercolor,
    cyberpunk_grade,
    finish_cyberpunk,
    finish_sepia,
)


class PostPass:
    def __init__(
        self, width: int, height: int, device: torch.device, compiled: bool = False
    ) -> None:
        self.W, self.H, self.device = width, height, device
        self.ys = torch.arange(height, device=device)
        ys = torch.arange(height, device=device).view(-1, 1).float()
        xs = torch.arange(width, device=device).view(1, -1).float()
        r2 = ((xs / width - 0.5) ** 2 + (ys / height - 0.5) ** 2) * 2.2
        self.vignette = (1.0 - r2 * 0.55).clamp(0.4, 1.0).unsqueeze(-1)  # [H, W, 1]
        gn = thash(xs.long(), ys.long(), 77, 5)  # [H, W]
        self.grain = (gn - 0.5).unsqueeze(-1).contiguous()  # [H, W, 1]
        self.grain_rows = Scroller(self.grain[..., 0])
        paper = thash((xs // 3).long(), (ys // 3).long(), 78, 6) * 0.5 + 0.5 * gn
        self.paper = (paper - 0.5).unsqueeze(-1)
        self.sepia = torch.tensor(SEPIA, device=device)
        self.warm_paint = torch.tensor([1.06, 1.02, 0.92], device=device)
        self.film_glow = torch.tensor([0.9, 0.5, 0.3], device=device)
        self.film_grade = torch.tensor([1.08, 0.98, 0.82], device=device) * 0.9
        self.cy_shadows = torch.tensor([0.1, 0.9, 1.0], device=device)
        self.cy_highs = torch.tensor([1.0, 0.35, 0.9], device=device)
        self.fn = {f.__name__: MaybeCompiled(f, compiled) for f in FUNCTIONS}

    def _grain(self, ticks: list[int], amount: float) -> torch.Tensor:
        """Each session's film grain, the pattern rolled by its tick -> [b, H, W, 1]."""
        H, W = self.H, self.W
        shifts = [(t * 7919) % (H * W) for t in ticks]
        by = dev_tensor([[s // W, s % W] for s in shifts], self.device, torch.int64)  # [b, 2]
        rows = torch.remainder(self.ys.view(1, H) - by[:, :1], H)  # [b, H]
        return self.grain_rows.rows(rows, by[:, 1]).unsqueeze(-1) * amount

    def _blur(self, x: torch.Tensor, k: int) -> torch.Tensor:
        c = x.permute(0, 3, 1, 2)
        # contiguous before upsampling: bilinear on the channels-last view is twice as slow
        small = F.avg_pool2d(c, k).contiguous()  # [b, 3, H/k, W/k]
        up = F.interpolate(small, size=(self.H, self.W), mode="bilinear", align_corners=False)
        return up.permute(0, 2, 3, 1)

    @torch.inference_mode()
    def run(self, img: torch.Tensor, style: str, ticks: list[int]) -> torch.Tensor:
        """float [b, H, W, 3] -> uint8 [b, H, W, 3] in the style; ticks: each image's."""
        fn, x = self.fn, img
        if style == "realistic":
            return fn["finish_realistic"](x)
        if style == "painterly":
            return fn["finish_painterly"](x, self._blur(x, 4), self.warm_paint)
        if style == "film80s":
            glow = self._blur(x.clamp(0.65, 1.0).sub_(0.65), 8)
            grain = self._grain(ticks, 0.09)
            return fn["finish_film80s"](
                x, glow, grain, self.vignette, self.film_glow, self.film_grade
            )
        if style == "noir":
            return fn["finish_noir"](x, self._grain(ticks, 0.06), self.vignette)
        if style == "pixel":
            small = F.avg_pool2d(x.permute(0, 3, 1, 2), 4)
            small = torch.floor(small * 6.0 + 0.5) / 6.0
            x = F.interpolate(small, size=(self.H, self.W), mode="nearest").permute(0, 2, 3, 1)
            return fn["finish_plain"](x)
        if style == "watercolor":
            return fn["finish_watercolor"](x, self._blur(x, 6), self.paper)
        if style == "cyberpunk":
            x = fn["cyberpunk_grade"](x, self.cy_shadows, self.cy_highs)
            glow = self._blur(x.clamp(0.6, 1.0) - 0.6, 8)
            return fn["finish_cyberpunk"](x, glow, self.vignette)
        if style == "sepia":
            return fn["finish_sepia"](x, self._grain(ticks, 0.04), self.vignette, self.sepia)
        return fn["finish_plain"](x)
