"""The batched renderer: terrain + surface detail + sky + sprites + weather + style."""

from __future__ import annotations

import math

import torch

from inference.render.params import dev_tensor
from inference.render.post import PostPass
from inference.render.sky import SkyPass
from inference.render.sprites import KIND_SIZE, sprite
from inference.render.terrain import (
    A_AUX,
    A_FOG,
    A_H,
    A_KIND,
    A_U,
    A_Z,
    TerrainPass,
)
from inference.render.view import View
from inference.render.weather import WeatherPass
from inference.rng import thash
from inference.worldgen import BUILDING, TREE, TRUNK, WATER, TileCache

PRESETS: dict[str, tuple[int, int]] = {"480p": (854, 480), "720p": (1280, 720)}
NEON = torch.tensor(
    [[1.0, 0.2, 0.7], [0.2, 0.9, 1.0], [1.0, 0.85, 0.2], [0.6, 0.3, 1.0], [0.3, 1.0, 0.5]]
)


def resolve(resolution: str | tuple[int, int]) -> tuple[int, int]:
    if isinstance(resolution, str):
        if resolution not in PRESETS:
            raise ValueError(f"Unknown resolution {resolution!r}; use 480p, 720p or (w, h).")
        return PRESETS[resolution]
    w, h = int(resolution[0]), int(resolution[1])
    if not (16 <= w <= 4096 and 16 <= h <= 4096):
        raise ValueError("Resolution must be between 16 and 4096 pixels on each side.")
    return w, h


class Renderer:
    """Renders at an internal resolution (output x scale) and upsamples the uint8 result
    to the output size by pixel repetition; scale 1.0 renders at full resolution."""

    def __init__(
        self, width: int, height: int, device: torch.device, cache: TileCache, scale: float = 1.0
    ) -> None:
        self.out_w, self.out_h = width, height
        width = max(16, int(round(width * scale)))
        height = max(16, int(round(height * scale)))
        self.W, self.H, self.device, self.cache = width, height, device, cache
        self.up_rows = (torch.arange(self.out_h, device=device) * height // self.out_h).long()
        self.up_cols = (torch.arange(self.out_w, device=device) * width // self.out_w).long()
        samples = int(min(220, max(48, height * 0.42)))
        self.terrain = TerrainPass(width, height, device, samples=samples)
        self.f = self.terrain.focal
        self.sky = SkyPass(width, height, self.f, device)
        self.weather = WeatherPass(width, height, device)
        self.post = PostPass(width, height, device)
        self.rows = (torch.arange(height, device=device, dtype=torch.float32) + 0.5).view(1, -1, 1)
        self.neon = NEON.to(device)
        self._tex: dict[tuple, torch.Tensor] = {}  # sprite textures on the device

    @torch.inference_mode()
    def render(self, views: list[View]) -> torch.Tensor:
        """B views -> uint8 frames [B, H, W, 3] on the renderer's device."""
        B, dev = len(views), self.device
        rgb, px = self.terrain.run(views, self.cache)  # [B, H, W, 3], [NA, B, H, W]
        hors = [self.terrain.horizon(v.pitch) for v in views]
        sky, grad = self.sky.run(views, hors)  # [B, H, W, 3], [B, H, 1, 3]
        z, kind = px[A_Z], px[A_KIND]
        eye = dev_tensor([v.y for v in views], dev).view(B, 1, 1)
        hor = dev_tensor(hors, dev).view(B, 1, 1)
        y_pix = eye + (hor - self.rows) * z / self.f  # [B, H, W] world height of the pixel
        below = px[A_H] - y_pix
        rgb = self._surfaces(views, px, rgb, kind, y_pix, below)
        # fog towards the cloudless sky gradient, reaching the full sky (clouds, sun) at fog 1
        fog = px[A_FOG].unsqueeze(-1)  # [B, H, W, 1]
        f2 = fog * fog
        f2.mul_(f2)  # fog^4
        far = torch.lerp(grad, sky, f2, out=sky)  # sky is ours: blend in place
        img = torch.lerp(rgb, far, fog)
        for b, v in enumerate(views):
            if v.sprites:
                self._sprites(img[b], z[b], v, hors[b])
        # weather overlay, per session (masks are cheap row gathers)
        for b, v in enumerate(views):
            m, k = self.weather.mask(v.weather, v.tick)
            if m is not None:
                wc = 0.8 if not v.look.night else 0.45
                img[b] += (wc - img[b]) * (m * k).unsqueeze(-1)
            if v.flash > 0:
                img[b] = img[b] * (1.0 + 1.6 * v.flash) + 0.25 * v.flash
        # style pass, one call per distinct (style, tick) group
        groups: dict[tuple[str, int], list[int]] = {}
        for b, v in enumerate(views):
            groups.setdefault((v.style, v.tick), []).append(b)
        if len(groups) == 1:
            (style, tick), _ = next(iter(groups.items()))
            img = self.post.run(img, style, tick)
        else:
            res = torch.empty_like(img)
            for (style, tick), idx in groups.items():
                ii = torch.tensor(idx, device=dev)
                res.index_copy_(0, ii, self.post.run(img.index_select(0, ii), style, tick))
            img = res
        img = img.mul(255.0).add_(0.5).clamp_(0, 255).to(torch.uint8)  # [B, h, w, 3]
        return self._upsample(img)  # [B, H, W, 3]

    def _upsample(self, img: torch.Tensor) -> torch.Tensor:
        """Pixel repetition to the output size; whole factors as one broadcast copy."""
        if (self.out_w, self.out_h) == (self.W, self.H):
            return img
        B, h, w, _ = img.shape
        if self.out_h % h == 0:
            # columns by gather, then whole rows repeated as one broadcast copy
            ky, ow = self.out_h // h, self.out_w
            if self.out_w == 2 * w:
                wide = torch.empty(B, h, w, 2, 3, dtype=img.dtype, device=img.device)
                wide[:, :, :, 0] = img
                wide[:, :, :, 1] = img
            else:
                wide = img.index_select(2, self.up_cols)
            big = wide.view(B, h, 1, ow * 3).expand(B, h, ky, ow * 3)
            return big.reshape(B, self.out_h, ow, 3)
        return img.index_select(1, self.up_rows).index_select(2, self.up_cols)

    def _surfaces(self, views, px, rgb, kind, y_pix, below) -> torch.Tensor:
        kinds_present = self.terrain.kinds_present
        B = len(views)
        if BUILDING in kinds_present:
            wall = (kind == BUILDING) & (below > 0.3)  # [B, H, W]
            u = px[A_U]
            fy = y_pix / 3.2
            fy_i = torch.floor(fy)
            wy = fy - fy_i
            uu = u / 2.8
            uu_i = torch.floor(uu)
            wu = uu - uu_i
            win = wall & (wy > 0.3)
            win &= wy < 0.82
            win &= wu > 0.22
            win &= wu < 0.78
            win &= y_pix > 3.0
            win &= below > 0.9
            rgb = rgb * torch.where(wall, 0.72, 1.0).unsqueeze(-1)
            light = dev_tensor([v.look.light for v in views], self.device).view(B, 1, 1, 3)
            glass = dev_tensor([0.3, 0.38, 0.48], self.device) * light
            glass = glass * (0.8 + 0.4 * px[A_AUX].unsqueeze(-1))
            nights = [v.look.night for v in views]
            if any(nights):  # lit windows (the hash is skipped when no session is at night)
                night = dev_tensor(nights, self.device).view(B, 1, 1) > 0.5
                lit = self._window_hash(views, uu_i, fy_i) < 0.55
                lit &= night
                warm = dev_tensor([1.0, 0.8, 0.45], self.device)
                glass = torch.where(lit.unsqueeze(-1), warm, glass)
            rgb = torch.where(win.unsqueeze(-1), glass, rgb)
            if any(v.look.neon for v in views):
                night = dev_tensor(nights, self.device).view(B, 1, 1) > 0.5
                band = wall & night & (y_pix > 3.3) & (y_pix < 3.9)
                band &= thash(torch.floor(u / 7.0).long(), (px[A_AUX] * 97).long(), 5, 12) < 0.3
                ni = (px[A_AUX] * 977).long() % self.neon.shape[0]
                rgb = torch.where(band.unsqueeze(-1), self.neon[ni] * 1.3, rgb)
        if TREE in kinds_present or TRUNK in kinds_present:
            tree = ((kind == TREE) | (kind == TRUNK)) & (below > 0.0)
            rel = (below / 9.0).clamp(0, 1)
            u = px[A_U]
            leaf = thash(torch.floor(u * 2.5), torch.floor(y_pix * 2.5), 9, 14)  # [B, H, W]
            shade = 1.0 - 0.55 * rel + 0.35 * (leaf - 0.5)
            rgb = rgb * torch.where(tree, shade, 1.0).unsqueeze(-1)
        if WATER in kinds_present:
            water = kind == WATER
            u = px[A_U]
            zi = (px[A_Z] * 2).to(torch.int32) + (views[0].tick // 3)
            sp = thash((u * 3).to(torch.int32), zi, 3, 13)
            spark = water & (sp > 0.985) & (px[A_Z] < 120)
            rgb = torch.where(spark.unsqueeze(-1), rgb * 1.6 + 0.2, rgb)
        return rgb

    @staticmethod
    def _window_hash(views: list[View], uu_i: torch.Tensor, fy_i: torch.Tensor) -> torch.Tensor:
        """Per-window random [B, H, W] from each session's own seed (floored coordinates)."""
        seeds = [v.seed for v in views]
        if all(sd == seeds[0] for sd in seeds):
            return thash(uu_i, fy_i, seeds[0], 11)
        return torch.stack([thash(uu_i[b], fy_i[b], sd, 11) for b, sd in enumerate(seeds)])

    def _sprites(self, img: torch.Tensor, depth: torch.Tensor, v: View, hor: float) -> None:
        """Draw billboards into img [H, W, 3] in place, depth-tested against depth [H, W]."""
        sy, cy = math.sin(math.radians(v.yaw)), math.cos(math.radians(v.yaw))
        order = []
        for s in v.sprites:
            dx, dz = s.x - v.x, s.z - v.z
            zc = dx * sy + dz * cy
            if zc < 0.4 or zc > self.terrain.z_far:
                continue
            order.append((zc, dx * cy - dz * sy, s))
        order.sort(key=lambda t: -t[0])
        light = fog_c = None
        for zc, xc, s in order:
            wm, hm, _ = KIND_SIZE[s.kind]
            ph = hm * s.size * self.f / zc
            pw = wm * s.size * self.f / zc
            if ph < 2:
                continue
            cxp = self.W / 2 + xc * self.f / zc
            feet = hor - (s.y - v.y) * self.f / zc
            x0, x1 = int(math.floor(cxp - pw / 2)), int(math.ceil(cxp + pw / 2))
            y0, y1 = int(math.floor(feet - ph)), int(math.ceil(feet))
            cx0, cx1 = max(0, x0), min(self.W, x1)
            cy0, cy1 = max(0, y0), min(self.H, y1)
            if cx0 >= cx1 or cy0 >= cy1:
                continue
            key = (s.kind, s.colour, s.hair, s.pose, s.frame, s.attrs)
            tex = self._tex.get(key)
            if tex is None:
                tex = sprite(*key).to(img.device)
                self._tex[key] = tex
                if len(self._tex) > 512:
                    self._tex.pop(next(iter(self._tex)))
            th, tw = tex.shape[0], tex.shape[1]
            dev = img.device
            ry = torch.arange(cy0, cy1, device=dev, dtype=torch.float32)
            rx = torch.arange(cx0, cx1, device=dev, dtype=torch.float32)
            ry = ((ry + 0.5 - y0) * (th / max(1, y1 - y0))).long().clamp(0, th - 1)
            rx = ((rx + 0.5 - x0) * (tw / max(1, x1 - x0))).long().clamp(0, tw - 1)
            hd = math.radians(s.heading)
            facing = math.sin(hd) * cy - math.cos(hd) * sy
            if facing < 0:
                rx = tw - 1 - rx
            patch = tex.index_select(0, ry).index_select(1, rx)  # [h, w, 4]
            reg = img[cy0:cy1, cx0:cx1]
            vis = (depth[cy0:cy1, cx0:cx1] > zc).float() * patch[..., 3]  # [h, w]
            if light is None:  # uploaded once per view, not per sprite
                light = dev_tensor(v.look.light, img.device).clamp(0.35, 1.3)
                fog_c = dev_tensor(v.look.fog_colour, img.device)
            lit = patch[..., :3] * light
            fog = min(1.0, 1.0 - math.exp(-v.look.fog_density * zc))
            col = lit * (1 - fog) + fog_c * fog
            reg.copy_(torch.lerp(reg, col, vis.unsqueeze(-1)))
