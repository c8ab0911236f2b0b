"""Rain and snow as precomputed screen-space particle textures scrolled by the tick, and
the lightning flash: one overlay pass for the whole batch."""

from __future__ import annotations

import torch

from inference.render.params import dev_tensor
from inference.render.scroll import Scroller
from inference.render.view import View
from inference.rng import thash

RAIN_STRENGTH = {"rain": 0.45, "storm": 0.6}
SNOW_STRENGTH = 0.9
WET = ("rain", "storm", "snow")  # the weathers drawn as particles


def overlay(
    img: torch.Tensor,  # [B, H, W, 3] the drawn scene
    veil: torch.Tensor,  # [B, H, W] particle coverage
    strength: torch.Tensor,  # [B, 1, 1] how strongly it shows (0: dry)
    tint: torch.Tensor,  # [B, 1, 1, 1] the particles' grey
    gain: torch.Tensor,  # [B, 1, 1, 1] the flash's brightening (1: none)
    lift: torch.Tensor,  # [B, 1, 1, 1] and its lift (0: none)
) -> torch.Tensor:
    """Rain or snow over the scene, then the lightning flash -> [B, H, W, 3]. Zero
    coverage and no flash leave a pixel exactly as it was. A pure function, so a compiled
    renderer does it in one pass."""
    img = img + (tint - img) * (veil * strength).unsqueeze(-1)
    return img * gain + lift


class WeatherPass:
    def __init__(self, width: int, height: int, device: torch.device, seed: int = 1234) -> None:
        self.W, self.H, self.device = width, height, device
        ys = torch.arange(2 * height, device=device).view(-1, 1)
        xs = torch.arange(width, device=device).view(1, -1)
        # rain: slanted streaks, period 2H rows
        streak = max(6, height // 18)
        col_off = (thash(xs, xs * 0 + 1, seed, 1) * 2 * height).long()  # [1, W]
        shifted = torch.remainder(ys + col_off + xs // 3, 2 * height)
        cell = shifted // streak
        on = thash(xs, cell, seed, 2) < 0.05
        frac = (shifted % streak).float() / streak
        self.rain = (on.float() * (0.35 + 0.4 * frac)).contiguous()  # [2H, W]
        # snow: round-ish flakes
        r = max(1, height // 240)
        cell_y, cell_x = ys // (3 * r), xs // (3 * r)
        flake = (thash(cell_x, cell_y, seed, 3) < 0.012).float()
        self.snow = flake.contiguous()  # [2H, W]
        self.rows = torch.arange(height, device=device)
        self.particles = Scroller(torch.cat([self.rain, self.snow]))  # [4H, W] rows

    def veil(self, views: list[View]) -> tuple[torch.Tensor, torch.Tensor]:
        """Every session's particles scrolled by its tick -> (coverage [B, H, W], strength
        [B, 1, 1], zero where it is dry)."""
        H, W = self.H, self.W
        texture, offset, shift, strength = [], [], [], []
        for v in views:
            snow = v.weather == "snow"
            texture.append(2 * H if snow else 0)  # rain's rows, then snow's
            offset.append((v.tick * H // (150 if snow else 9)) % (2 * H))
            shift.append((v.tick // 4) % W if snow else 0)
            strength.append(SNOW_STRENGTH if snow else RAIN_STRENGTH.get(v.weather, 0.0))
        per_view = dev_tensor([texture, offset, shift], self.device, torch.int64)  # [3, B]
        rows = torch.remainder(self.rows.view(1, H) - per_view[1].view(-1, 1), 2 * H)
        cover = self.particles.rows(rows + per_view[0].view(-1, 1), per_view[2])
        return cover, dev_tensor(strength, self.device).view(-1, 1, 1)
