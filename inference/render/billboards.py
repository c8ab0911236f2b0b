"""Entity billboards for a whole batch in one pass.

Every sprite of every session is placed on the CPU (a few floats each); then all their
pixels are drawn with a fixed number of tensor ops, however many sprites there are, so the
cost of a large batch is its pixels rather than a kernel launch per sprite.

Sprite alpha is 0 or 1, so painting far to near leaves at each pixel the nearest sprite
that covers it and is in front of the terrain; the batch keeps that rule exactly (the rows
of pixels go far to near, and each pixel takes its last visible row).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from inference.render.sprites import KIND_SIZE, sprite
from inference.render.view import View

TextureKey = tuple  # (kind, colour, hair, pose, frame, attrs), as sprites.sprite takes
MAX_TEXTURES = 512  # the atlas starts again past this many textures


@dataclass(frozen=True)
class Placed:
    """One sprite on one session's screen: its clipped rectangle and how to sample it."""

    b: int  # session
    zc: float  # camera-space depth
    x0: int  # unclipped rectangle
    x1: int
    y0: int
    y1: int
    cx0: int  # clipped to the screen
    cx1: int
    cy0: int
    cy1: int
    key: TextureKey
    mirrored: bool  # facing left: the texture faces right
    fog: float


def place(
    b: int, v: View, hor: float, width: int, height: int, focal: float, z_far: float
) -> list[Placed]:
    """Session b's visible sprites, far to near."""
    sy, cy = math.sin(math.radians(v.yaw)), math.cos(math.radians(v.yaw))
    order = []
    for s in v.sprites:
        dx, dz = s.x - v.x, s.z - v.z
        zc = dx * sy + dz * cy
        if zc < 0.4 or zc > z_far:
            continue
        order.append((zc, dx * cy - dz * sy, s))
    order.sort(key=lambda t: -t[0])
    placed = []
    for zc, xc, s in order:
        wm, hm, _ = KIND_SIZE[s.kind]
        ph = hm * s.size * focal / zc
        pw = wm * s.size * focal / zc
        if ph < 2:
            continue
        cxp = width / 2 + xc * focal / zc
        feet = hor - (s.y - v.y) * focal / zc
        x0, x1 = int(math.floor(cxp - pw / 2)), int(math.ceil(cxp + pw / 2))
        y0, y1 = int(math.floor(feet - ph)), int(math.ceil(feet))
        cx0, cx1 = max(0, x0), min(width, x1)
        cy0, cy1 = max(0, y0), min(height, y1)
        if cx0 >= cx1 or cy0 >= cy1:
            continue
        hd = math.radians(s.heading)
        mirrored = math.sin(hd) * cy - math.cos(hd) * sy < 0
        fog = min(1.0, 1.0 - math.exp(-v.look.fog_density * zc))
        key = (s.kind, s.colour, s.hair, s.pose, s.frame, s.attrs)
        placed.append(Placed(b, zc, x0, x1, y0, y1, cx0, cx1, cy0, cy1, key, mirrored, fog))
    return placed


class SpritePass:
    def __init__(
        self, width: int, height: int, focal: float, z_far: float, device: torch.device
    ) -> None:
        self.W, self.H, self.focal, self.z_far, self.device = width, height, focal, z_far, device
        self._atlas = torch.zeros(0, 4, device=device)  # every texture's texels, [T, 4] RGBA
        self._slots: dict[TextureKey, tuple[int, int, int]] = {}  # key -> (start, th, tw)
        # Selecting the winning rows takes nonzero(), which on an accelerator waits for the
        # queue to drain; there every row writes instead (the same pixels either way).
        self.select_winners = device.type == "cpu"

    def _slot(self, key: TextureKey) -> tuple[int, int, int]:
        slot = self._slots.get(key)
        if slot is None:
            if len(self._slots) >= MAX_TEXTURES:
                self._slots.clear()
                self._atlas = self._atlas[:0]
            tex = sprite(*key)  # [th, tw, 4] on the CPU
            slot = (self._atlas.shape[0], tex.shape[0], tex.shape[1])
            self._atlas = torch.cat([self._atlas, tex.reshape(-1, 4).to(self.device)])
            self._slots[key] = slot
        return slot

    @torch.inference_mode()
    def draw(
        self, img: torch.Tensor, depth: torch.Tensor, views: list[View], horizons: list[float]
    ) -> None:
        """Draw every session's sprites into img [B, H, W, 3] in place, depth-tested
        against depth [B, H, W]."""
        placed: list[Placed] = []
        for b, (v, hor) in enumerate(zip(views, horizons, strict=True)):
            if v.sprites:
                placed += place(b, v, hor, self.W, self.H, self.focal, self.z_far)
        if placed:
            self._paint(img, depth, views, placed)

    def _paint(
        self, img: torch.Tensor, depth: torch.Tensor, views: list[View], placed: list[Placed]
    ) -> None:
        dev, H, W = self.device, self.H, self.W
        ints, floats, total = [], [], 0
        for p in placed:
            start, th, tw = self._slot(p.key)
            cw = p.cx1 - p.cx0
            ch = p.cy1 - p.cy0
            ints.append((p.b, p.cx0, p.cy0, cw, p.x0, p.y0, start, th, tw, p.mirrored, ch))
            # the scale factors and the fog are rounded to float32 exactly as a Python
            # float multiplying a float32 tensor is
            sy, sx = th / max(1, p.y1 - p.y0), tw / max(1, p.x1 - p.x0)
            floats.append((p.zc, sy, sx, 1 - p.fog, p.fog))
            total += cw * ch
        # ints: session, clipped x0 and y0, clipped width, x0, y0, texture start, height
        # and width, mirrored, clipped height; floats: depth, the texture's
        # scale down and across, 1 - fog, fog
        it = torch.tensor(ints, dtype=torch.int64)
        ft = torch.tensor(floats, dtype=torch.float32)
        per_view = [(v.look.light, v.look.fog_colour) for v in views]
        looks = torch.tensor(per_view, dtype=torch.float32)  # [B, 2, 3]
        if dev.type != "cpu":
            it, ft, looks = (t.pin_memory().to(dev, non_blocking=True) for t in (it, ft, looks))
        light = looks[:, 0].clamp(0.35, 1.3)  # [B, 3]
        fog_colour = looks[:, 1]
        # one row per (sprite, pixel of its rectangle): P rows in all
        counts = it[:, 3] * it[:, 10]  # [n] rectangle areas
        owner = torch.repeat_interleave(
            torch.arange(len(placed), device=dev), counts, output_size=total
        )
        first = torch.cumsum(counts, 0) - counts  # [n] each sprite's first row
        local = torch.arange(total, device=dev) - first.index_select(0, owner)  # [P]
        pi = it.index_select(0, owner)  # [P, 11]
        pf = ft.index_select(0, owner)  # [P, 5]
        b, cx0, cy0, cw = pi[:, 0], pi[:, 1], pi[:, 2], pi[:, 3]
        x0, y0, start, th, tw = pi[:, 4], pi[:, 5], pi[:, 6], pi[:, 7], pi[:, 8]
        row = cy0 + torch.div(local, cw, rounding_mode="floor")  # [P] screen row
        col = cx0 + torch.remainder(local, cw)  # [P] screen column
        ry = ((row.float() + 0.5 - y0.float()) * pf[:, 1]).long()
        ry = torch.minimum(ry.clamp(min=0), th - 1)
        rx = ((col.float() + 0.5 - x0.float()) * pf[:, 2]).long()
        rx = torch.minimum(rx.clamp(min=0), tw - 1)
        rx = torch.where(pi[:, 9] == 1, tw - 1 - rx, rx)
        texel = self._atlas.index_select(0, start + ry * tw + rx)  # [P, 4]
        pixel = (b * H + row) * W + col  # [P] index into the batch's pixels
        visible = (depth.reshape(-1).index_select(0, pixel) > pf[:, 0]) & (texel[:, 3] > 0.5)
        # Rows come in drawing order, far to near, and a sprite covers a pixel at most
        # once: the last visible row at a pixel is the one that paints it.
        row_id = torch.arange(total, dtype=torch.int32, device=dev)  # [P]
        top = torch.full((depth.numel(),), -1, dtype=torch.int32, device=dev)  # [B*H*W]
        top.scatter_reduce_(0, pixel, torch.where(visible, row_id, -1), "amax")
        winner = top.index_select(0, pixel)  # [P] the row painting this row's pixel, or -1
        flat = img.view(-1, 3)  # [B*H*W, 3] whatever the layout
        if self.select_winners:  # only the winning rows: fewer colours to make and write
            src = (winner == row_id).nonzero().squeeze(1)
            target = pixel.index_select(0, src)
        else:
            # Every row writes its pixel's final value (the winner's colour, or the pixel as
            # it was), so rows sharing a pixel agree and the order of writes cannot matter.
            src, target = winner.clamp(min=0).long(), pixel
        b_src, pf_src = b.index_select(0, src), pf.index_select(0, src)
        lit = texel.index_select(0, src)[:, :3] * light.index_select(0, b_src)  # [p, 3]
        value = lit * pf_src[:, 3:4] + fog_colour.index_select(0, b_src) * pf_src[:, 4:5]
        if not self.select_winners:
            value = torch.where((winner >= 0).unsqueeze(1), value, flat.index_select(0, pixel))
        flat.index_put_((target,), value)
