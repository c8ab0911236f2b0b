"""Rain and snow as precomputed screen-space particle textures scrolled by the tick, and
the lightning flash: one overlay pass for the whole batch."""

from __future__ import annotations

import torch

from inference.render.params import dev_tensor
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
        # rain's and snow's rows, each twice side by side: any W consecutive texels from
        # the start of a first copy are that row rolled to the right
        twice = torch.cat([self.rain, self.snow]).repeat(1, 2).view(-1)  # [4H * 2W]
        self.windows = twice.unfold(0, width, 1)  # [4H * 2W - W + 1, W], a view

    def veil(self, views: list[View]) -> tuple[torch.Tensor, torch.Tensor]:
        """Every session's particles scrolled by its tick -> (coverage [B, H, W], strength
        [B, 1, 1], zero where it is dry). Each row is a contiguous stretch of one texture
        row, so the whole batch is one row gather."""
        H, W = self.H, self.W
        starts, strength = [], []
        for v in views:
            snow = v.weather == "snow"
            offset = (v.tick * H // (150 if snow else 9)) % (2 * H)
            shift = (v.tick // 4) % W if snow else 0
            # texture row r starts at (r + texture * 2H) * 2W; a shift to the right starts
            # that many columns into the row's first copy
            strength.append(SNOW_STRENGTH if snow else RAIN_STRENGTH.get(v.weather, 0.0))
            starts.append((2 * H if snow else 0, offset, W - shift if shift else 0))
        first = torch.tensor(starts).to(self.device)  # [B, 3]
        rows = torch.remainder(self.rows.view(1, H) - first[:, 1:2], 2 * H) + first[:, :1]
        at = rows * (2 * W) + first[:, 2:]  # [B, H] where each output row starts
        cover = self.windows.index_select(0, at.view(-1)).view(len(views), H, W)
        return cover, dev_tensor(strength, self.device).view(-1, 1, 1)
