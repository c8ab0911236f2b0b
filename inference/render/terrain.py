"""Heightfield ("voxel space") column renderer, batched over sessions.

For each screen column one ray marches S samples at geometrically spaced forward
depths; each sample's surface height projects to a screen row, a running minimum
front-to-back gives the occlusion horizon, and each pixel row finds the first sample
covering it. The result is per-pixel sample attributes (colour, depth, height, ...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from inference.render.compiled import MaybeCompiled, mix
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

# per-sample attributes gathered to pixels, planar [NA, B, H, W]; A_R..A_B is the colour
A_Z, A_H, A_KIND, A_U, A_AUX, A_R, A_G, A_B = range(8)
NA = 8


@dataclass(frozen=True)
class Effects:
    """Which per-sample effects a batch needs; anything False is skipped (exactly)."""

    snow: bool = True
    wet: bool = True
    lava: bool = True


EVERY_EFFECT = Effects()


def shade_samples(
    cells: torch.Tensor,  # [B, W, S, C] the world cells under each ray sample
    ucoord: torch.Tensor,  # [B, W, S] texture coordinate along the surface
    light: torch.Tensor,  # [B, 1, 1, 3] scene light
    snow: torch.Tensor,  # [B, 1, 1] snow cover
    wet: torch.Tensor,  # [B, 1, 1] wetness
    zk: torch.Tensor,  # [1, 1, S] sample depths
    sky_sample: torch.Tensor,  # [NA, 1, 1, 1] the attributes of the sky
    effects: Effects = EVERY_EFFECT,
) -> torch.Tensor:
    """-> every sample's attributes, planar [NA, B, W, S+1]; the last sample is the sky.

    A pure function, so a compiled renderer fuses it into one pass over the samples."""
    B, W, S, _ = cells.shape
    kind = cells[..., CH_KIND]
    chan = [cells[..., c] for c in (CH_R, CH_R + 1, CH_B)]  # 3 x [B, W, S]
    if effects.snow or effects.wet:
        flat = (kind != BUILDING) & (kind != TREE) & (kind != TRUNK) & (kind != WATER)
        if effects.snow:
            settles = flat & (kind != LAVA)
            chan = [torch.where(settles, mix(ch, 1.0, snow * 0.8), ch) for ch in chan]
        if effects.wet:
            chan = [torch.where(flat, ch * (1.0 - 0.3 * wet), ch) for ch in chan]
    if effects.lava:
        glows = kind == LAVA
        chan = [torch.where(glows, ch * 1.1, ch * light[..., c]) for c, ch in enumerate(chan)]
    else:
        chan = [ch * light[..., c] for c, ch in enumerate(chan)]
    planes = torch.stack(
        [zk.expand(B, W, S), cells[..., CH_H], kind, ucoord, cells[..., CH_AUX], *chan]
    )  # [NA, B, W, S]
    return torch.cat([planes, sky_sample.expand(NA, B, W, 1)], dim=3)


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
        compiled: bool = False,
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
        self.sky_sample = torch.zeros(NA, 1, 1, 1, device=device)  # what a sky pixel reads
        self.sky_sample[A_Z] = z_far * 4
        self.sky_sample[A_KIND] = -1.0
        self._shade = MaybeCompiled(shade_samples, compiled)
        self.kinds_present: set[int] = set(range(16))  # counted by eager runs, for skipping

    def horizon(self, pitch_deg: float) -> float:
        return self.h / 2 + math.tan(math.radians(max(-60.0, min(60.0, pitch_deg)))) * self.focal

    @torch.inference_mode()
    def run(self, views: list[View], cache: TileCache) -> tuple[torch.Tensor, torch.Tensor]:
        """-> per-pixel colour [B, H, W, 3] (a view of the colour planes) and attributes
        [NA, B, H, W]; sky pixels have A_KIND == -1."""
        dev, W, H, S = self.device, self.w, self.h, self.s
        B = len(views)
        places = [(v.seed, v.biome, v.x, v.z) for v in views]
        pool, slots, origins = cache.windows(places, dev)  # pool [slots, N*N, C]
        n, C = int(math.isqrt(pool.shape[1])), pool.shape[2]
        # ray sample positions for all sessions at once
        yaw = [math.radians(v.yaw) for v in views]
        sy = dev_tensor([math.sin(a) for a in yaw], dev).view(B, 1)
        cy = dev_tensor([math.cos(a) for a in yaw], dev).view(B, 1)
        dir_x = sy + self.dxc * cy  # [B, W]
        dir_z = cy - self.dxc * sy  # [B, W]
        zk = self.zk.view(1, 1, S)
        wx = dev_tensor([v.x for v in views], dev).view(B, 1, 1) + dir_x.unsqueeze(2) * zk
        wz = dev_tensor([v.z for v in views], dev).view(B, 1, 1) + dir_z.unsqueeze(2) * zk
        org = dev_tensor(origins, dev).view(B, 2, 1, 1)
        ix = (torch.floor(wx / CELL) - org[:, 0]).clamp_(0, n - 1)  # [B, W, S]
        iz = (torch.floor(wz / CELL) - org[:, 1]).clamp_(0, n - 1)
        idx = (iz * n + ix).to(torch.int64).view(B, W * S)
        idx += (dev_tensor(slots, dev, torch.int64) * (n * n)).view(B, 1)  # the pool's rows
        ucoord = wx + wz  # [B, W, S]
        cells = pool.view(-1, C).index_select(0, idx.view(-1)).view(B, W, S, C)
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
        if self._shade.is_compiled or dev.type != "cpu":
            # compiled, every effect is one kernel; on an accelerator, counting the kinds
            # would wait for the queue to drain
            effects = EVERY_EFFECT
        else:  # skipping an effect no session has is exact
            counts = torch.bincount(kind.reshape(-1).to(torch.int64).clamp(0, 15), minlength=16)
            self.kinds_present = {i for i, c in enumerate(counts.tolist()) if c}
            effects = Effects(
                snow=any(v.look.snow_cover != 0 for v in views),
                wet=any(v.look.wet != 0 for v in views),
                lava=LAVA in self.kinds_present,
            )
        attr = self._shade(
            cells,
            ucoord,
            dev_tensor([v.look.light for v in views], dev).view(B, 1, 1, 3),
            dev_tensor([v.look.snow_cover for v in views], dev).view(B, 1, 1),
            dev_tensor([v.look.wet for v in views], dev).view(B, 1, 1),
            self.zk.view(1, 1, S),
            self.sky_sample,
            effects=effects,
        )  # [NA, B, W, S+1]
        base = (torch.arange(B * W, device=dev) * (S + 1)).view(B, 1, W)
        pix = (first.transpose(1, 2) + base).reshape(-1)  # [B*H*W] flat sample index
        px = attr.view(NA, B * W * (S + 1)).index_select(1, pix).view(NA, B, H, W)
        rgb = px[A_R : A_B + 1].permute(1, 2, 3, 0)  # [B, H, W, 3], planar underneath
        return rgb, px
