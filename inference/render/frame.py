"""The batched renderer: terrain + surface detail + sky + sprites + weather + style."""

from __future__ import annotations

import torch

from inference.render.billboards import SpritePass
from inference.render.compiled import MaybeCompiled
from inference.render.compose import ALL, GLASS, WARM_WINDOW, Present, compose, window_mix
from inference.render.params import dev_tensor
from inference.render.post import PostPass
from inference.render.sky import SkyPass
from inference.render.terrain import A_Z, TerrainPass
from inference.render.view import View
from inference.render.weather import WET, WeatherPass, overlay
from inference.worldgen import BUILDING, TREE, TRUNK, WATER, TileCache

PRESETS: dict[str, tuple[int, int]] = {"480p": (854, 480), "720p": (1280, 720)}


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
    to the output size by pixel repetition; scale 1.0 renders at full resolution.

    compiled: run the per-pixel stages (compose and the style finishes) through
    torch.compile, which pays on CPU. Each graph compiles on first use (WorldModel.
    warm_renderer does it up front; later processes reuse Inductor's disk cache). Frames
    are bit-identical either way."""

    def __init__(
        self,
        width: int,
        height: int,
        device: torch.device,
        cache: TileCache,
        scale: float = 1.0,
        compiled: bool = False,
    ) -> None:
        self.out_w, self.out_h = width, height
        width = max(16, int(round(width * scale)))
        height = max(16, int(round(height * scale)))
        self.W, self.H, self.device, self.cache = width, height, device, cache
        self.up_rows = (torch.arange(self.out_h, device=device) * height // self.out_h).long()
        self.up_cols = (torch.arange(self.out_w, device=device) * width // self.out_w).long()
        samples = int(min(220, max(48, height * 0.42)))
        self.terrain = TerrainPass(width, height, device, samples=samples, compiled=compiled)
        self.f = self.terrain.focal
        self.sky = SkyPass(width, height, self.f, device)
        self.weather = WeatherPass(width, height, device)
        self.sprites = SpritePass(width, height, self.f, self.terrain.z_far, device)
        self.post = PostPass(width, height, device, compiled=compiled)
        self.rows = (torch.arange(height, device=device, dtype=torch.float32) + 0.5).view(1, -1, 1)
        self.glass = torch.tensor(GLASS, device=device)
        self.warm = torch.tensor(WARM_WINDOW, device=device)
        self._compose = MaybeCompiled(compose, compiled)
        self._overlay = MaybeCompiled(overlay, compiled)

    @property
    def native_scale(self) -> int:
        """How many times larger the output is than the internal image, when that is a
        whole number on both axes (1 otherwise)."""
        k = self.out_w // self.W
        return k if (self.W * k, self.H * k) == (self.out_w, self.out_h) else 1

    @torch.inference_mode()
    def render(self, views: list[View], native: bool = False) -> torch.Tensor:
        """B views -> uint8 frames [B, H, W, 3] on the renderer's device, at the output
        size, or with native=True at the internal size (output / native_scale)."""
        B, dev = len(views), self.device
        rgb, px = self.terrain.run(views, self.cache)  # [B, H, W, 3], [NA, B, H, W]
        hors = [self.terrain.horizon(v.pitch) for v in views]
        sky, grad = self.sky.run(views, hors)  # [3, B, h, W], [B, H, 1, 3]
        args = dict(
            rgb=rgb,
            px=px,
            sky=sky,
            sky_y0=self.sky.y0,
            sky_y1=self.sky.y1,
            sky_fy=self.sky.fy,
            grad=grad,
            eye=dev_tensor([v.y for v in views], dev).view(B, 1, 1),
            hor=dev_tensor(hors, dev).view(B, 1, 1),
            light=dev_tensor([v.look.light for v in views], dev).view(B, 1, 1, 3),
            night=dev_tensor([v.look.night for v in views], dev).view(B, 1, 1) > 0.5,
            neon=dev_tensor([v.look.neon for v in views], dev).view(B, 1, 1) > 0.5,
            windows=self._ints([window_mix(v.seed) for v in views]),
            water_tick=self._ints([v.tick // 3 for v in views]),
            rows=self.rows,
            glass=self.glass,
            warm=self.warm,
            dens=dev_tensor([v.look.fog_density for v in views], dev).view(B, 1, 1),
            focal=self.f,
            z_far=self.terrain.z_far,
        )
        present = ALL if self._compose.is_compiled else self._present(views)
        img = self._compose(**args, present=present)  # [B, H, W, 3] float, planar underneath
        self.sprites.draw(img, px[A_Z], views, hors)
        if any(v.weather in WET for v in views) or any(v.flash > 0 for v in views):
            img = self._overlay(img, *self.weather.veil(views), *self._overlay_terms(views))
        # style pass to bytes, one call per style in the batch
        groups: dict[str, list[int]] = {}
        for b, v in enumerate(views):
            groups.setdefault(v.style, []).append(b)
        ticks = [v.tick for v in views]
        if len(groups) == 1:
            frames = self.post.run(img, views[0].style, ticks)
        else:
            frames = torch.empty(img.shape, dtype=torch.uint8, device=dev)
            for style, idx in groups.items():
                ii = dev_tensor(idx, dev, torch.int64)
                part = self.post.run(img.index_select(0, ii), style, [ticks[b] for b in idx])
                frames.index_copy_(0, ii, part)
        if native and self.native_scale > 1:
            return frames  # [B, h, w, 3] uint8
        return self._upsample(frames)  # [B, H, W, 3] uint8

    def _overlay_terms(self, views: list[View]) -> list[torch.Tensor]:
        """The overlay's per-session particle tint and flash gain and lift, each [B, 1, 1, 1]."""
        terms = [
            (0.45 if v.look.night else 0.8, 1.0 + 1.6 * v.flash, 0.25 * v.flash) for v in views
        ]
        return list(dev_tensor(terms, self.device).view(-1, 3, 1, 1, 1).unbind(1))

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

    def _present(self, views: list[View]) -> Present:
        kinds = self.terrain.kinds_present
        return Present(
            buildings=BUILDING in kinds,
            trees=TREE in kinds or TRUNK in kinds,
            water=WATER in kinds,
            night=any(v.look.night for v in views),
            neon=any(v.look.neon for v in views),
        )

    def _ints(self, values: list[int]) -> torch.Tensor:
        """[B, 1, 1] int32 on the device."""
        return dev_tensor(values, self.device, torch.int32).view(-1, 1, 1)
