"""Heightfield ("voxel space") column renderer, batched over sessions.

For each screen column one ray marches S samples at geometrically spaced forward
depths; each sample's surface height projects to a screen row, a running minimum
front-to-back gives the occlusion horizon, and each pixel row finds the first sample
covering it. The result is per-pixel sample attributes (colour, depth, height, ...).
"""

from __future__ import annotations

import math

import torch

from inference.render.params import dev_tensor
from inference.render.view import View
from inference.worldgen import (
    BUILDING,
    CELL,
    CH_AUX,
    CH_B,
    CH_H,
    CH_KIND,
    CH_R,
    LAVA,
    TREE,
    TRUNK,
    WATER,
    TileCache,
)

# per-sample attribute channels gathered to pixels
A_R, A_G, A_B, A_Z, A_H, A_KIND, A_U, A_AUX, A_FOG = range(9)
NA = 9


class TerrainPass:
    def __init__(
        self,
        width: int,
        height: int,
        device: torch.device,
        samples: int = 200,
        fov_deg: float = 75.0,
        z_near: float = 0.6,
        z_far: float = 165.0,
    ) -> None:
        self.w, self.h, self.device = width, height, device
        self.s = samples
        self.focal = (width / 2) / math.tan(math.radians(fov_deg) / 2)
        self.z_far = z_far
        k = torch.arange(samples, dtype=torch.float32, device=device)
        self.zk = z_near * (z_far / z_near) ** (k / (samples - 1))  # [S]
        u = torch.arange(width, dtype=torch.float32, device=device)
        self.dxc = (u + 0.5 - width / 2) / self.focal  # [W]
        self.rows = torch.arange(height, dtype=torch.float32, device=device) + 0.5  # [H]
        self.kidx = torch.arange(samples, device=device).view(1, 1, samples)

    def horizon(self, pitch_deg: float) -> float:
        return self.h / 2 + math.tan(math.radians(max(-60.0, min(60.0, pitch_deg)))) * self.focal

    @torch.inference_mode()
    def run(self, views: list[View], cache: TileCache) -> torch.Tensor:
        """-> per-pixel attributes [B, H, W, NA]; sky pixels have A_KIND == -1."""
        dev, W, H, S = self.device, self.w, self.h, self.s
        B = len(views)
        samples = []
        for v in views:
            win, ox, oz = cache.window(v.seed, v.biome, v.x, v.z, dev)  # [N*N, C]
            n = int(math.isqrt(win.shape[0]))
            sy, cy = math.sin(math.radians(v.yaw)), math.cos(math.radians(v.yaw))
            dir_x = sy + self.dxc * cy  # [W]
            dir_z = cy - self.dxc * sy  # [W]
            wx = v.x + dir_x[:, None] * self.zk[None, :]  # [W, S]
            wz = v.z + dir_z[:, None] * self.zk[None, :]  # [W, S]
            ix = (torch.floor(wx / CELL) - ox).clamp_(0, n - 1)
            iz = (torch.floor(wz / CELL) - oz).clamp_(0, n - 1)
            idx = (iz * n + ix).to(torch.int64).reshape(-1)  # [W*S]
            cell = win.index_select(0, idx).reshape(W, S, -1)  # [W, S, C]
            samples.append((cell, wx + wz))
        cells = torch.stack([c for c, _ in samples])  # [B, W, S, C]
        ucoord = torch.stack([u for _, u in samples])  # [B, W, S]
        hgt = cells[..., CH_H]  # [B, W, S]
        kind = cells[..., CH_KIND]
        eye = dev_tensor([v.y for v in views], dev).view(B, 1, 1)
        hor = dev_tensor([self.horizon(v.pitch) for v in views], dev).view(B, 1, 1)
        rows = hor - (hgt - eye) * self.focal / self.zk  # [B, W, S]
        top = torch.cummin(rows, dim=2).values  # [B, W, S] non-increasing
        # first sample covering each pixel row: scatter each sample's top row, then a
        # running min down the rows (exact and deterministic)
        start = torch.ceil(top - 0.5).clamp_(0, H).to(torch.int64)  # [B, W, S]
        first = torch.full((B, W, H + 1), S, dtype=torch.int64, device=dev)
        first.scatter_reduce_(2, start, self.kidx.expand(B, W, S), "amin")
        first = torch.cummin(first[..., :H], dim=2).values  # [B, W, H], S means sky
        # per-sample shading (cheap: B*W*S)
        look_light = dev_tensor([v.look.light for v in views], dev).view(B, 1, 1, 3)
        dens = dev_tensor([v.look.fog_density for v in views], dev).view(B, 1, 1)
        snow = dev_tensor([v.look.snow_cover for v in views], dev).view(B, 1, 1, 1)
        wet = dev_tensor([v.look.wet for v in views], dev).view(B, 1, 1, 1)
        rgb = cells[..., CH_R : CH_B + 1]  # [B, W, S, 3]
        is_water = (kind == WATER).unsqueeze(-1)
        is_emit = (kind == LAVA).unsqueeze(-1)
        flat = ((kind != BUILDING) & (kind != TREE) & (kind != TRUNK)).unsqueeze(-1)
        rgb = torch.where(
            flat & ~is_water & ~is_emit, torch.lerp(rgb, torch.ones_like(rgb), snow * 0.8), rgb
        )
        rgb = torch.where(flat & ~is_water, rgb * (1.0 - 0.3 * wet), rgb)
        lit = torch.where(is_emit, rgb * 1.1, rgb * look_light)
        zk = self.zk.view(1, 1, S)
        fog = 1.0 - torch.exp(-dens * zk)  # [B, W, S]
        fade = ((zk - self.z_far * 0.72) / (self.z_far * 0.28)).clamp(0, 1)
        fog = torch.maximum(fog, fade * fade)
        attr = torch.empty(B, W, S + 1, NA, device=dev)  # [B, W, S+1, NA], last = sky
        attr[:, :, :S, 0:3] = lit
        attr[:, :, :S, A_Z] = zk
        attr[:, :, :S, A_H] = hgt
        attr[:, :, :S, A_KIND] = kind
        attr[:, :, :S, A_U] = ucoord
        attr[:, :, :S, A_AUX] = cells[..., CH_AUX]
        attr[:, :, :S, A_FOG] = fog
        attr[:, :, S] = 0.0
        attr[:, :, S, A_Z] = self.z_far * 4
        attr[:, :, S, A_FOG] = 1.0
        attr[:, :, S, A_KIND] = -1.0
        counts = torch.bincount(kind.reshape(-1).to(torch.int64).clamp(0, 15), minlength=16)
        self.kinds_present = {i for i, c in enumerate(counts.tolist()) if c}
        base = (torch.arange(B * W, device=dev) * (S + 1)).view(B, 1, W)
        pix = first.transpose(1, 2) + base  # [B, H, W] flat sample index
        px = attr.reshape(B * W * (S + 1), NA).index_select(0, pix.reshape(-1))
        return px.view(B, H, W, NA)  # channels-last per-pixel attributes
