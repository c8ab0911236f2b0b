"""Procedural, infinite terrain: a pure function of (seed, biome, world cell).

The world is cut into TILE x TILE cells of CELL metres. A tile is generated on demand
and cached; the same place always gives the same tile, so coming back finds the same
world. Each cell holds the channels below (layout [TILE, TILE, C], float32).
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import torch

from inference.rng import hash_u32, thash
from inference.slot_pool import SlotPool

TILE = 64
CELL = 1.0  # metres per cell
CH_H, CH_R, CH_G, CH_B, CH_KIND, CH_AUX, CH_GROUND = range(7)
NCH = 7

GROUND, WATER, BUILDING, TREE, LAVA, ROAD, TRUNK = range(7)
BLOCKING = (BUILDING, TREE, TRUNK, WATER, LAVA)
WATER_LEVEL = 0.0
CITY_BLOCK = 48.0
ROAD_W = 12.0


def _lattice(ix: torch.Tensor, iz: torch.Tensor, seed: int, salt: int) -> torch.Tensor:
    """thash(ix, iz) for integer grids covering a small range: hash the coarse lattice once
    and gather (identical values, far fewer hash evaluations)."""
    x0, z0 = int(ix.min()), int(iz.min())
    nx, nz = int(ix.max()) - x0 + 1, int(iz.max()) - z0 + 1
    if nx * nz * 4 > ix.numel():
        return thash(ix, iz, seed, salt)
    gz, gx = torch.meshgrid(
        torch.arange(z0, z0 + nz, dtype=torch.int64),
        torch.arange(x0, x0 + nx, dtype=torch.int64),
        indexing="ij",
    )
    lat = thash(gx, gz, seed, salt).reshape(-1)  # [nz * nx]
    return torch.take(lat, (iz - z0) * nx + (ix - x0))


def _noise(x: torch.Tensor, z: torch.Tensor, scale: float, seed: int, salt: int) -> torch.Tensor:
    """Smooth value noise in [0, 1). x, z: [...] metres."""
    gx, gz = x / scale, z / scale
    ix, iz = torch.floor(gx), torch.floor(gz)
    fx, fz = gx - ix, gz - iz
    fx = fx * fx * (3 - 2 * fx)
    fz = fz * fz * (3 - 2 * fz)
    ixl, izl = ix.to(torch.int64), iz.to(torch.int64)
    a = _lattice(ixl, izl, seed, salt)
    b = _lattice(ixl + 1, izl, seed, salt)
    c = _lattice(ixl, izl + 1, seed, salt)
    d = _lattice(ixl + 1, izl + 1, seed, salt)
    return torch.lerp(torch.lerp(a, b, fx), torch.lerp(c, d, fx), fz)


def _fbm(x: torch.Tensor, z: torch.Tensor, scale: float, seed: int, salt: int, octaves: int = 4):
    total = torch.zeros_like(x)
    amp, norm = 1.0, 0.0
    for o in range(octaves):
        total += amp * _noise(x, z, scale / (2**o), seed, salt + o * 17)
        norm += amp
        amp *= 0.5
    return total / norm


def _ridged(x: torch.Tensor, z: torch.Tensor, scale: float, seed: int, salt: int, octaves=4):
    total = torch.zeros_like(x)
    amp, norm = 1.0, 0.0
    for o in range(octaves):
        n = 1.0 - (2.0 * _noise(x, z, scale / (2**o), seed, salt + o * 31) - 1.0).abs()
        total += amp * n * n
        norm += amp
        amp *= 0.5
    return total / norm


def _rgb(shape: tuple[int, ...], c: tuple[float, float, float]) -> list[torch.Tensor]:
    return [torch.full(shape, v, dtype=torch.float32) for v in c]


def _mix(dst: list[torch.Tensor], mask: torch.Tensor, c, amount: torch.Tensor | float = 1.0):
    """Blend colour c into dst where mask (bool or weight) is set."""
    w = mask.to(torch.float32) * amount
    for i in range(3):
        dst[i] = torch.lerp(dst[i], torch.full_like(dst[i], c[i]), w)


def _scatter_objects(x, z, seed, salt, spacing, prob, density=None):
    """Jittered-grid placement. Returns distance to the object centre, the object's hash
    and a presence mask, all [...]"""
    gx, gz = torch.floor(x / spacing), torch.floor(z / spacing)
    best = torch.full_like(x, 1e9)
    best_h = torch.zeros_like(x)
    present = torch.zeros_like(x, dtype=torch.bool)
    for ox in (-1, 0, 1):
        for oz in (-1, 0, 1):
            cx, cz = (gx + ox).to(torch.int64), (gz + oz).to(torch.int64)
            jx = _lattice(cx, cz, seed, salt)
            jz = _lattice(cx, cz, seed, salt + 1)
            pr = _lattice(cx, cz, seed, salt + 2)
            px = (cx.to(torch.float32) + 0.2 + 0.6 * jx) * spacing
            pz = (cz.to(torch.float32) + 0.2 + 0.6 * jz) * spacing
            d = torch.sqrt((x - px) ** 2 + (z - pz) ** 2)
            p = prob if density is None else prob * density
            ok = pr < p
            closer = ok & (d < best)
            best = torch.where(closer, d, best)
            best_h = torch.where(closer, _lattice(cx, cz, seed, salt + 3), best_h)
            present |= ok & closer
    return best, best_h, present


def _ground(biome: str, x: torch.Tensor, z: torch.Tensor, seed: int) -> torch.Tensor:
    if biome == "meadow":
        return 7.0 * _fbm(x, z, 120.0, seed, 1, 3) + 1.5 * _noise(x, z, 23.0, seed, 9) - 1.0
    if biome == "forest":
        return 10.0 * _fbm(x, z, 130.0, seed, 1, 3)
    if biome == "desert":
        dunes = _ridged(x * 0.6 + z * 0.2, z * 1.2, 90.0, seed, 2, 3)
        mesa = ((_noise(x, z, 260.0, seed, 5) - 0.68) * 12).clamp(0, 1)
        return 9.0 * dunes + 26.0 * mesa
    if biome == "snow_mountains":
        big = _ridged(x, z, 300.0, seed, 3, 4)
        return 95.0 * big * big + 10.0 * _fbm(x, z, 60.0, seed, 7, 3) - 8.0
    if biome == "coast":
        d = x + 40.0 * (_noise(z, x * 0.1, 220.0, seed, 4) - 0.5)
        return 6.0 - d * 0.09 + 3.0 * _fbm(x, z, 70.0, seed, 6, 3)
    if biome in ("city", "night_city"):
        return torch.zeros_like(x)
    if biome == "volcanic":
        r = _ridged(x, z, 170.0, seed, 8, 4)
        vx, vz = torch.floor(x / 520.0), torch.floor(z / 520.0)
        cx = (vx + 0.3 + 0.4 * thash(vx.long(), vz.long(), seed, 40)) * 520.0
        cz = (vz + 0.3 + 0.4 * thash(vx.long(), vz.long(), seed, 41)) * 520.0
        d = torch.sqrt((x - cx) ** 2 + (z - cz) ** 2)
        k = (1.0 - d / 230.0).clamp(min=0)
        cone = 110.0 * k * torch.sqrt(k)
        crater = 30.0 * (1.0 - d / 35.0).clamp(min=0)
        return 9.0 * r + cone - crater
    raise ValueError(f"unknown biome {biome!r}")


def volcano_centre(seed: int, x: float, z: float) -> tuple[float, float]:
    """World position of the volcano nearest to (x, z) in the volcanic biome."""
    s = hash_u32(seed, len("volcanic"), sum(map(ord, "volcanic")))
    best = (0.0, 0.0, 1e18)
    for ox in (-1, 0, 1):
        for oz in (-1, 0, 1):
            vx = torch.tensor([math.floor(x / 520.0) + ox])
            vz = torch.tensor([math.floor(z / 520.0) + oz])
            cx = float((vx + 0.3 + 0.4 * thash(vx, vz, s, 40)) * 520.0)
            cz = float((vz + 0.3 + 0.4 * thash(vx, vz, s, 41)) * 520.0)
            d = (cx - x) ** 2 + (cz - z) ** 2
            if d < best[2]:
                best = (cx, cz, d)
    return best[0], best[1]


def generate_tile(seed: int, biome: str, tx: int, tz: int) -> torch.Tensor:
    """Tile (tx, tz) of the world -> [TILE, TILE, NCH] float32 on CPU."""
    return generate_block(seed, biome, tx, tz, 1, 1)


def generate_block(seed: int, biome: str, tx: int, tz: int, ntx: int, ntz: int) -> torch.Tensor:
    """Tiles [tx, tx+ntx) x [tz, tz+ntz) in one vectorised pass -> [ntz*TILE, ntx*TILE, NCH]."""
    s = hash_u32(seed, len(biome), sum(map(ord, biome)))
    arx = torch.arange(ntx * TILE + 1, dtype=torch.float32)
    arz = torch.arange(ntz * TILE + 1, dtype=torch.float32)
    zz, xx = torch.meshgrid(arz + tz * TILE, arx + tx * TILE, indexing="ij")
    xg, zg = (xx + 0.5) * CELL, (zz + 0.5) * CELL
    hg = _ground(biome, xg, zg, s)  # [n, n]
    gx = hg[:-1, 1:] - hg[:-1, :-1]
    gz = hg[1:, :-1] - hg[:-1, :-1]
    x, z, h = xg[:-1, :-1], zg[:-1, :-1], hg[:-1, :-1]
    shape = tuple(h.shape)
    slope = torch.sqrt(gx * gx + gz * gz) / CELL
    # Baked light from the upper left-front: brighter on slopes facing it.
    light = (1.0 + 0.9 * (-0.6 * gx - 0.45 * gz) / CELL).clamp(0.45, 1.35)
    kind = torch.full(shape, float(GROUND))
    aux = thash(x.long(), z.long(), s, 99)
    top = h.clone()
    ground = h.clone()
    var = _fbm(x, z, 40.0, s, 50, 2)
    fine = thash(x.long(), z.long(), s, 77)
    trees: tuple | None = None  # (spacing, prob, radius, height, conifer share, salt, colour)

    if biome == "meadow":
        col = _rgb(shape, (0.34, 0.58, 0.22))
        _mix(col, var > 0.5, (0.58, 0.66, 0.28), (var - 0.5) * 2.0)
        path = (_noise(x, z, 160.0, s, 60) - 0.5).abs() < 0.012
        _mix(col, path, (0.62, 0.52, 0.36))
        flowers = (fine < 0.035) & ~path
        fl = thash(x.long(), z.long(), s, 78)
        for i, c in enumerate([(0.95, 0.95, 0.9), (0.95, 0.85, 0.25), (0.92, 0.5, 0.7)]):
            _mix(col, flowers & (fl * 3 >= i) & (fl * 3 < i + 1), c)
        trees = (16.0, 0.22, 3.2, 7.0, 0.0, 100, (0.2, 0.45, 0.16))
    elif biome == "forest":
        col = _rgb(shape, (0.2, 0.33, 0.14))
        _mix(col, var > 0.55, (0.35, 0.28, 0.16), (var - 0.55) * 2.0)
        trees = (9.0, 0.6, 2.4, 13.0, 0.7, 110, (0.13, 0.32, 0.14))
    elif biome == "desert":
        col = _rgb(shape, (0.87, 0.72, 0.47))
        ph = torch.remainder((x * 0.7 + z * 0.25) * 0.2 + var * 1.0, 1.0)
        ripple = (2.0 * ph - 1.0).abs()
        _mix(col, ripple > 0.0, (0.78, 0.6, 0.37), ripple * 0.35)
        _mix(col, h > 12.0, (0.72, 0.38, 0.22), ((h - 12.0) / 4.0).clamp(0, 1))
        trees = (22.0, 0.12, 0.7, 3.2, 0.0, 120, (0.3, 0.5, 0.25))
    elif biome == "snow_mountains":
        col = _rgb(shape, (0.45, 0.45, 0.47))
        snow = ((h - 18.0 + 12.0 * var) / 10.0).clamp(0, 1) * (1.2 - slope).clamp(0, 1)
        _mix(col, h < 18.0, (0.3, 0.35, 0.28), ((18.0 - h) / 8.0).clamp(0, 1))
        _mix(col, snow > 0, (0.94, 0.96, 1.0), snow)
        _mix(col, slope < 0.25, (0.92, 0.94, 0.98), 0.7)
        trees = (7.0, 0.45, 2.2, 10.0, 1.0, 130, (0.1, 0.24, 0.16))
    elif biome == "coast":
        col = _rgb(shape, (0.35, 0.56, 0.25))
        _mix(col, h < 2.2, (0.9, 0.82, 0.6), ((2.2 - h) / 0.8).clamp(0, 1))
        trees = (14.0, 0.18, 2.6, 8.0, 0.0, 140, (0.22, 0.5, 0.2))
    elif biome in ("city", "night_city"):
        col = _rgb(shape, (0.55, 0.54, 0.52))
        night = biome == "night_city"
        bx, bz = torch.remainder(x, CITY_BLOCK), torch.remainder(z, CITY_BLOCK)
        half = ROAD_W / 2
        road = (bx < half) | (bx >= CITY_BLOCK - half) | (bz < half) | (bz >= CITY_BLOCK - half)
        rx = torch.minimum(bx, CITY_BLOCK - bx)  # distance to the road centre line in x
        rz = torch.minimum(bz, CITY_BLOCK - bz)
        walk = ~road & ((rx < half + 2.5) | (rz < half + 2.5))
        asphalt = (0.16, 0.16, 0.18) if night else (0.3, 0.3, 0.32)
        _mix(col, road, asphalt)
        dash = (
            (torch.remainder(x + z, 6.0) < 3.0)
            & ((rx < 0.18) | (rz < 0.18))
            & ~((rx < half) & (rz < half))
        )
        _mix(col, dash & road, (0.9, 0.85, 0.6))
        cross = road & (rx < half) & (rz < half) & (torch.remainder(x + z, 1.6) < 0.8)
        _mix(col, cross & ((rx > half - 3) | (rz > half - 3)), (0.85, 0.85, 0.85))
        _mix(col, walk, (0.6, 0.57, 0.52) if not night else (0.3, 0.3, 0.33))
        kind = torch.where(road, torch.full_like(kind, ROAD), kind)
        top = top + walk.float() * 0.15
        lot = ~road & ~walk
        lx, lz = torch.floor(x / 16.0), torch.floor(z / 16.0)
        bh = _lattice(lx.long(), lz.long(), s, 200)
        height = (14.0 + 14.0 * bh) if not night else (18.0 + 45.0 * bh * bh)
        top = torch.where(lot, height, top)
        kind = torch.where(lot, torch.full_like(kind, BUILDING), kind)
        aux = torch.where(lot, bh, aux)
        facades = (
            [(0.86, 0.8, 0.68), (0.8, 0.72, 0.6), (0.9, 0.86, 0.76), (0.72, 0.62, 0.52)]
            if not night
            else [(0.2, 0.2, 0.26), (0.26, 0.22, 0.3), (0.16, 0.18, 0.22), (0.3, 0.28, 0.3)]
        )
        pick = _lattice(lx.long(), lz.long(), s, 201)
        for i, c in enumerate(facades):
            _mix(col, lot & (pick * 4 >= i) & (pick * 4 < i + 1), c)
        # street trees on the pavement
        if not night:
            d, th, pres = _scatter_objects(x, z, s, 210, 12.0, 0.5)
            street = pres & (d < 2.0) & walk
            ground_here = top.clone()
            top = torch.where(street, ground_here + 4.0 + 2.0 * (1 - (d / 2.0) ** 2), top)
            kind = torch.where(street, torch.full_like(kind, TREE), kind)
            _mix(col, street, (0.25, 0.45, 0.2))
        light = torch.ones_like(light)
    elif biome == "volcanic":
        col = _rgb(shape, (0.24, 0.21, 0.2))
        _mix(col, var > 0.45, (0.42, 0.3, 0.25), (var - 0.45) * 1.6)
        _mix(col, h > 45.0, (0.35, 0.33, 0.33), ((h - 45.0) / 20.0).clamp(0, 1))
        lava_field = _ridged(x, z, 150.0, s, 300, 2)
        lava = (lava_field > 0.82) & (h < 40.0)
        vx, vz = torch.floor(x / 520.0), torch.floor(z / 520.0)
        cx = (vx + 0.3 + 0.4 * thash(vx.long(), vz.long(), s, 40)) * 520.0
        cz = (vz + 0.3 + 0.4 * thash(vx.long(), vz.long(), s, 41)) * 520.0
        dv = torch.sqrt((x - cx) ** 2 + (z - cz) ** 2)
        streak = torch.remainder((x - cx) * 0.031 + (z - cz) * 0.017 + var * 3.0, 1.0) < 0.06
        lava |= (dv < 26.0) | (streak & (dv < 170.0) & (dv > 30.0))
        glow = _noise(x, z, 6.0, s, 301)
        _mix(col, lava, (1.0, 0.42, 0.08))
        _mix(col, lava & (glow > 0.6), (1.0, 0.78, 0.25))
        kind = torch.where(lava, torch.full_like(kind, LAVA), kind)
        top = torch.where(lava, top - 0.6, top)
        ground = torch.where(lava, ground - 0.6, ground)
    else:
        raise ValueError(f"unknown biome {biome!r}")

    if True:
        water = h < WATER_LEVEL
        depth = (WATER_LEVEL - h).clamp(0, 8) / 8.0
        wcol = [0.1 + 0.1 * (1 - depth), 0.35 + 0.2 * (1 - depth), 0.5 + 0.1 * (1 - depth)]
        for i in range(3):
            col[i] = torch.where(water, wcol[i], col[i])
        top = torch.where(water, torch.full_like(top, WATER_LEVEL), top)
        ground = torch.where(water, torch.full_like(ground, WATER_LEVEL), ground)
        kind = torch.where(water, torch.full_like(kind, WATER), kind)
        light = torch.where(water, torch.ones_like(light), light)

    col = [c * light for c in col]
    if trees is not None:
        spacing, prob, radius, theight, conifer, salt, tcol = trees
        dens = (_noise(x, z, 90.0, s, salt + 9) * 1.6).clamp(0, 1)
        d, th, pres = _scatter_objects(x, z, s, salt, spacing, prob, dens)
        r = radius * (0.75 + 0.5 * th)
        tall = theight * (0.7 + 0.6 * th)
        inside = pres & (d < r) & (kind == GROUND) & (h > WATER_LEVEL + 0.3)
        t = (d / r).clamp(0, 1)
        cone = th < conifer
        shape_h = torch.where(cone, 1.0 - t, torch.sqrt((1.0 - t * t).clamp(min=0)))
        top = torch.where(inside, h + tall * torch.where(cone, shape_h, 0.45 + 0.55 * shape_h), top)
        kind = torch.where(inside, torch.full_like(kind, TREE), kind)
        kind = torch.where(inside & (d < 0.7), torch.full_like(kind, TRUNK), kind)
        shade = 0.8 + 0.4 * thash(x.long(), z.long(), s, salt + 5)
        tc = [torch.full(shape, c) * shade * (0.85 + 0.3 * th) for c in tcol]
        if biome == "snow_mountains":
            _mix(tc, t < 0.3, (0.9, 0.93, 0.97), 0.8)
        for i in range(3):
            col[i] = torch.where(inside, tc[i], col[i])
        aux = torch.where(inside, th, aux)
    out = torch.stack([top, col[0], col[1], col[2], kind, aux, ground], dim=-1)
    return out.contiguous()  # [ntz*TILE, ntx*TILE, NCH]


class TileCache:
    """LRU cache of generated tiles and assembled view windows (not part of the state)."""

    def __init__(
        self, max_tiles: int = 4096, window_tiles: int = 6, max_windows: int = 160
    ) -> None:
        self.max_windows = max_windows
        self.max_tiles = max_tiles
        self.nt = window_tiles
        self._tiles: OrderedDict[tuple[int, str, int, int], torch.Tensor] = OrderedDict()
        # the same tiles as numpy arrays (shared memory): cell() reads one cell at a time,
        # which is ten times quicker in numpy than indexing a tensor
        self._arrays: dict[tuple[int, str, int, int], np.ndarray] = {}
        self._pools: dict[str, SlotPool] = {}  # device -> the windows drawn there

    def clear(self) -> None:
        """Forget every tile and window: the next look regenerates them from the seed."""
        self._tiles.clear()
        self._arrays.clear()
        self._pools.clear()

    def tile(self, seed: int, biome: str, tx: int, tz: int) -> torch.Tensor:
        key = (seed, biome, tx, tz)
        t = self._tiles.get(key)
        if t is None:
            t = generate_tile(seed, biome, tx, tz)
            self._put(key, t)
        else:
            self._tiles.move_to_end(key)
        return t

    def _put(self, key: tuple[int, str, int, int], t: torch.Tensor) -> None:
        self._tiles[key] = t
        self._arrays[key] = t.numpy()
        if len(self._tiles) > self.max_tiles:
            old, _ = self._tiles.popitem(last=False)
            del self._arrays[old]

    def windows(
        self, places: list[tuple[int, str, float, float]], device: torch.device
    ) -> tuple[torch.Tensor, list[int], list[tuple[int, int]]]:
        """The cells around each (seed, biome, x, z), all in one pool on the device ->
        (pool [slots, N*N, NCH], each place's slot, each window's origin cell (ox, oz))."""
        pool = self._pools.get(str(device))
        if pool is None:
            pool = self._pools[str(device)] = SlotPool(torch.device(device), self.max_windows)
        half = self.nt // 2
        keys, origins = [], []
        for seed, biome, x, z in places:
            # centred on the nearest tile corner: at least (nt/2 - 1/2) tiles of view each way
            ctx = math.floor(x / (TILE * CELL) + 0.5)
            ctz = math.floor(z / (TILE * CELL) + 0.5)
            keys.append((seed, biome, ctx, ctz))
            origins.append(((ctx - half) * TILE, (ctz - half) * TILE))
        slots = pool.slots(keys, lambda key: self._assemble(*key))
        return pool.pool, slots, origins

    def _assemble(self, seed: int, biome: str, ctx: int, ctz: int) -> torch.Tensor:
        """The window of nt x nt tiles whose centre is tile corner (ctx, ctz) -> [N*N, NCH]."""
        half = self.nt // 2
        tx0, tz0 = ctx - half, ctz - half
        missing = [
            (i, j)
            for j in range(tz0, tz0 + self.nt)
            for i in range(tx0, tx0 + self.nt)
            if (seed, biome, i, j) not in self._tiles
        ]
        if missing:
            ax0, ax1 = min(m[0] for m in missing), max(m[0] for m in missing) + 1
            az0, az1 = min(m[1] for m in missing), max(m[1] for m in missing) + 1
            block = generate_block(seed, biome, ax0, az0, ax1 - ax0, az1 - az0)
            for j in range(az0, az1):
                for i in range(ax0, ax1):
                    t = block[
                        (j - az0) * TILE : (j - az0 + 1) * TILE,
                        (i - ax0) * TILE : (i - ax0 + 1) * TILE,
                    ]
                    self._put((seed, biome, i, j), t.contiguous())
        rows = []
        for j in range(ctz - half, ctz + half):
            rows.append(
                torch.cat([self.tile(seed, biome, i, j) for i in range(ctx - half, ctx + half)], 1)
            )
        return torch.cat(rows, 0).reshape(-1, NCH)  # [N*N, NCH]

    def cell(self, seed: int, biome: str, x: float, z: float) -> tuple[float, int, float]:
        """(top height, kind, walkable ground height) of the cell at world (x, z)."""
        ix, iz = math.floor(x / CELL), math.floor(z / CELL)
        key = (seed, biome, ix // TILE, iz // TILE)
        a = self._arrays.get(key)
        if a is None:
            self.tile(*key)
            a = self._arrays[key]
        else:
            self._tiles.move_to_end(key)
        v = a[iz % TILE, ix % TILE]
        return float(v[CH_H]), int(v[CH_KIND]), float(v[CH_GROUND])
