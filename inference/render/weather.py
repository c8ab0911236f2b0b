"""Rain and snow as precomputed screen-space particle textures scrolled by the tick."""

from __future__ import annotations

import torch

from inference.rng import thash


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

    def mask(self, weather: str, tick: int) -> tuple[torch.Tensor | None, float]:
        """-> (intensity [H, W] or None, blend strength)."""
        if weather in ("rain", "storm"):
            off = (tick * self.H // 9) % (2 * self.H)
            idx = torch.remainder(self.rows - off, 2 * self.H)
            return self.rain.index_select(0, idx), (0.45 if weather == "rain" else 0.6)
        if weather == "snow":
            off = (tick * self.H // 150) % (2 * self.H)
            idx = torch.remainder(self.rows - off, 2 * self.H)
            m = self.snow.index_select(0, idx)
            shift = (tick // 4) % self.W
            return torch.roll(m, shifts=shift, dims=1), 0.9
        return None, 0.0
