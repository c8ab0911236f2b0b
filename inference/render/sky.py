"""Sky at quarter resolution: gradient, sun or moon, stars, drifting clouds."""

from __future__ import annotations

import math

import torch

from inference.render.compiled import mix
from inference.render.params import dev_tensor
from inference.render.view import View
from inference.rng import thash
from inference.slot_pool import SlotPool

CLOUD_TEXELS = 256 * 256
MAX_CLOUD_TEXTURES = 128  # 32 MB of float32; past this the oldest make way


class SkyPass:
    def __init__(self, width: int, height: int, focal: float, device: torch.device, down: int = 4):
        self.W, self.H = width, height
        self.w, self.h = max(8, width // down), max(8, height // down)
        self.focal, self.device = focal, device
        sx, sy = width / self.w, height / self.h
        self.cx = (torch.arange(self.w, device=device, dtype=torch.float32) + 0.5) * sx  # [w]
        self.cy = (torch.arange(self.h, device=device, dtype=torch.float32) + 0.5) * sy  # [h]
        self.dxc = (self.cx - width / 2) / focal  # [w]
        self.cy_full = torch.arange(height, device=device, dtype=torch.float32) + 0.5  # [H]
        # seeds' cloud textures in one buffer, so a batch indexes it in place
        self.clouds = SlotPool(device, MAX_CLOUD_TEXTURES)  # [seeds, 256 * 256]
        self.x0, self.x1, self.fx = self._axis(width, self.w, device)
        # rows are resampled per pixel in compose, where they fuse with the fog
        self.y0, self.y1, fy = self._axis(height, self.h, device)
        self.fy = fy.view(1, -1, 1)  # [1, H, 1]
        self.fx = self.fx.view(1, 1, 1, -1)  # [1, 1, 1, W]

    @staticmethod
    def _axis(big: int, small: int, device: torch.device):
        pos = (torch.arange(big, device=device, dtype=torch.float32) + 0.5) * small / big - 0.5
        pos = pos.clamp(0, small - 1)
        i0 = torch.floor(pos).long()
        i1 = (i0 + 1).clamp(max=small - 1)
        return i0, i1, pos - i0.float()

    def _cloud_tex(self, seed: int) -> torch.Tensor:
        """Tileable cloud density for this seed -> [256 * 256]."""
        n = 256
        ar = torch.arange(n, device=self.device)
        zz, xx = torch.meshgrid(ar, ar, indexing="ij")
        acc = torch.zeros(n, n, device=self.device)
        amp, norm = 1.0, 0.0
        for o, cells in enumerate((8, 16, 32, 64)):
            step = n // cells
            gx, gz = xx / step, zz / step
            ix, iz = torch.floor(gx), torch.floor(gz)
            fx, fz = gx - ix, gz - iz
            fx, fz = fx * fx * (3 - 2 * fx), fz * fz * (3 - 2 * fz)
            i0, j0 = ix.long() % cells, iz.long() % cells
            i1, j1 = (i0 + 1) % cells, (j0 + 1) % cells
            a, b = thash(i0, j0, seed, 900 + o), thash(i1, j0, seed, 900 + o)
            c, d = thash(i0, j1, seed, 900 + o), thash(i1, j1, seed, 900 + o)
            acc += amp * torch.lerp(torch.lerp(a, b, fx), torch.lerp(c, d, fx), fz)
            norm += amp
            amp *= 0.55
        return (acc / norm).view(-1)

    @torch.inference_mode()
    def run(self, views: list[View], horizons: list[float]) -> torch.Tensor:
        """-> (sky colour at full width and 1/4 height, planar [3, B, h, W]; cloudless
        gradient [B, H, 1, 3])."""
        dev, B = self.device, len(views)

        def col(vals: list, n: int = 1) -> torch.Tensor:
            return dev_tensor(vals, dev).view(B, 1, 1, n)

        hor = col(horizons)  # [B, 1, 1, 1]
        t = (hor - self.cy.view(1, -1, 1, 1)) / self.focal  # [B, h, 1, 1] tan(elevation)
        g = (t / 0.55).clamp(0, 1).sqrt()
        zen = col([v.look.zenith for v in views], 3)
        hz = col([v.look.horizon for v in views], 3)
        sky = (hz + (zen - hz) * g).expand(B, self.h, self.w, 3)  # [B, h, w, 3]
        # sun or moon: position per session, drawn for all at once
        su, sv, disc_r, glow_k, glow_a, disc_a = [], [], [], [], [], []
        for v, h in zip(views, horizons, strict=True):
            lk = v.look
            rel = (lk.sun_az - v.yaw + 180.0) % 360.0 - 180.0
            vis = abs(rel) < 80
            su.append(self.W / 2 + self.focal * math.tan(math.radians(rel)) if vis else -1e4)
            sv.append(h - self.focal * math.tan(math.radians(lk.sun_el)))
            night = lk.night
            disc_r.append(0.035 if night else 0.045)
            glow_k.append(18.0 if night else 5.0)
            glow_a.append(0.15 if night else 0.45)
            disc_a.append(0.9 if night else 1.5)
        dx = self.cx.view(1, 1, -1, 1) - col(su)
        dy = self.cy.view(1, -1, 1, 1) - col(sv)
        d = torch.sqrt(dx * dx + dy * dy) / self.focal  # [B, h, w, 1]
        disc = (d < col(disc_r)).float() * col(disc_a) + torch.exp(-d * col(glow_k)) * col(glow_a)
        sky = sky + disc * col([v.look.sun_colour for v in views], 3)
        up = t.clamp(min=1e-3)  # [B, h, 1, 1]
        stars_on = [v.look.night and v.weather in ("clear", "snow") for v in views]
        if any(stars_on):
            yaw = col([v.yaw for v in views])
            ang = yaw + torch.rad2deg(torch.atan(self.dxc)).view(1, 1, -1, 1)  # [B, 1, w, 1]
            el = torch.rad2deg(torch.atan(up))
            star = thash(torch.floor(ang * 1.5).long(), torch.floor(el * 1.5).long(), 17, 7)
            star = ((star > 0.985) & (t > 0.03)).float() * 0.8 * col([float(s) for s in stars_on])
            sky = sky + star
        cover = [v.look.clouds for v in views]
        if any(c > 0 for c in cover):
            slots = self.clouds.slots([v.seed for v in views], self._cloud_tex)
            sy = col([math.sin(math.radians(v.yaw)) for v in views])
            cy = col([math.cos(math.radians(v.yaw)) for v in views])
            dist = 300.0 / up  # [B, h, 1, 1] metres to the cloud layer
            dxc = self.dxc.view(1, 1, -1, 1)
            px = col([v.x * 0.2 + v.tick * 0.25 for v in views]) + dist * (sy + dxc * cy)
            pz = col([v.z * 0.2 for v in views]) + dist * (cy - dxc * sy)
            ix = torch.remainder(torch.floor(px / 8.0), 256).long()
            iz = torch.remainder(torch.floor(pz / 8.0), 256).long()
            base = (dev_tensor(slots, dev, torch.int64) * CLOUD_TEXELS).view(B, 1, 1, 1)
            dens = (
                self.clouds.pool.view(-1)
                .index_select(0, (base + iz * 256 + ix).reshape(-1))
                .view(B, self.h, self.w, 1)
            )
            cov = ((dens - (1.0 - col(cover)) * 0.8 - 0.15) / 0.2).clamp(0, 1)
            cov = cov * (t / 0.08).clamp(0, 1) * 0.9 * (col(cover) > 0).float()
            cc = col([v.look.cloud_colour for v in views], 3)
            sky = torch.lerp(sky, cc * (1.0 - 0.35 * dens), cov)
        # linear upsampling of the columns here, on the small image; rows in compose
        sky = sky.permute(3, 0, 1, 2).contiguous()  # [3, B, h, w]
        sky = mix(sky.index_select(3, self.x0), sky.index_select(3, self.x1), self.fx)
        tf = (hor - self.cy_full.view(1, -1, 1, 1)) / self.focal  # [B, H, 1, 1]
        grad = hz + (zen - hz) * (tf / 0.55).clamp(0, 1).sqrt()  # [B, H, 1, 3]
        return sky, grad
