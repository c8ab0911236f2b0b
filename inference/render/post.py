"""Style post-pass on channels-last float images [b, H, W, 3] in 0..1."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from inference.rng import thash

_SEPIA = torch.tensor([[0.393, 0.349, 0.272], [0.769, 0.686, 0.534], [0.189, 0.168, 0.131]])
_LUMA = torch.tensor([0.299, 0.587, 0.114])


class PostPass:
    def __init__(self, width: int, height: int, device: torch.device) -> None:
        self.W, self.H, self.device = width, height, device
        ys = torch.arange(height, device=device).view(-1, 1).float()
        xs = torch.arange(width, device=device).view(1, -1).float()
        r2 = ((xs / width - 0.5) ** 2 + (ys / height - 0.5) ** 2) * 2.2
        self.vignette = (1.0 - r2 * 0.55).clamp(0.4, 1.0).unsqueeze(-1)  # [H, W, 1]
        gn = thash(xs.long(), ys.long(), 77, 5)  # [H, W]
        self.grain = (gn - 0.5).unsqueeze(-1).contiguous()  # [H, W, 1]
        paper = thash((xs // 3).long(), (ys // 3).long(), 78, 6) * 0.5 + 0.5 * gn
        self.paper = (paper - 0.5).unsqueeze(-1)
        self.sepia = _SEPIA.to(device)
        self.luma = _LUMA.to(device)
        self.warm_paint = torch.tensor([1.06, 1.02, 0.92], device=device)
        self.film_glow = torch.tensor([0.9, 0.5, 0.3], device=device)
        self.film_grade = torch.tensor([1.08, 0.98, 0.82], device=device)
        self.film_grade09 = self.film_grade * 0.9
        self.cy_shadows = torch.tensor([0.1, 0.9, 1.0], device=device)
        self.cy_highs = torch.tensor([1.0, 0.35, 0.9], device=device)

    def _grain(self, tick: int, amount: float) -> torch.Tensor:
        sh = (tick * 7919) % (self.H * self.W)
        return torch.roll(self.grain, shifts=(sh // self.W, sh % self.W), dims=(0, 1)) * amount

    def _blur(self, x: torch.Tensor, k: int) -> torch.Tensor:
        c = x.permute(0, 3, 1, 2)
        # contiguous before upsampling: bilinear on the channels-last view is twice as slow
        small = F.avg_pool2d(c, k).contiguous()  # [b, 3, H/k, W/k]
        up = F.interpolate(small, size=(self.H, self.W), mode="bilinear", align_corners=False)
        return up.permute(0, 2, 3, 1)

    @torch.inference_mode()
    def run(self, img: torch.Tensor, style: str, tick: int) -> torch.Tensor:
        x = img
        if style == "realistic":
            x = x * 1.05 / (1.0 + 0.05 * x)
        elif style == "painterly":
            soft = self._blur(x, 4)
            x = torch.lerp(x, soft, 0.45)
            lum = (x * self.luma).sum(-1, keepdim=True)
            x = torch.lerp(lum, x, 1.3) * self.warm_paint
            x = torch.floor(x * 14.0 + 0.5) / 14.0 * 0.5 + x * 0.5
        elif style == "film80s":
            glow = self._blur(x.clamp(0.65, 1.0).sub_(0.65), 8)
            x = torch.addcmul(x, glow, self.film_glow)
            x.mul_(self.film_grade09).add_(0.06)
            x.add_(self._grain(tick, 0.09)).mul_(self.vignette)
        elif style == "noir":
            lum = (x * self.luma).sum(-1, keepdim=True)
            lum = ((lum - 0.45) * 1.8 + 0.45).clamp(0, 1)
            x = ((lum + self._grain(tick, 0.06)) * self.vignette).expand(-1, -1, -1, 3)
        elif style == "pixel":
            c = x.permute(0, 3, 1, 2)
            small = F.avg_pool2d(c, 4)
            small = torch.floor(small * 6.0 + 0.5) / 6.0
            x = F.interpolate(small, size=(self.H, self.W), mode="nearest").permute(0, 2, 3, 1)
        elif style == "watercolor":
            soft = self._blur(x, 6)
            x = torch.lerp(x, soft, 0.6)
            x = torch.lerp(x, torch.ones_like(x), 0.22) + self.paper * 0.08
            lum = (x * self.luma).sum(-1, keepdim=True)
            x = torch.lerp(lum, x, 0.85)
        elif style == "cyberpunk":
            lum = (x * self.luma).sum(-1, keepdim=True)
            shadows, highs = self.cy_shadows, self.cy_highs
            x = x * 0.6 + lum * torch.lerp(shadows, highs, lum.clamp(0, 1)) * 0.6
            glow = self._blur(x.clamp(0.6, 1.0) - 0.6, 8)
            x = x.add_(glow, alpha=1.2).mul_(self.vignette)
        elif style == "sepia":
            x = x @ self.sepia
            x.add_(self._grain(tick, 0.04)).mul_(self.vignette)
        return x
