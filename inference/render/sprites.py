"""Procedural entity sprites: every ENTITY_KINDS name is composed from simple shapes.

Sprites are side views facing right, RGBA float32 [T, T*aspect, 4], cached by
(kind, colours, pose, frame). Coordinates below are in a unit box: x in [0, 1] left to
right, y in [0, 1] bottom to top.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

Rgb = tuple[int, int, int]

# kind -> (width m, height m, default colour)
KIND_SIZE: dict[str, tuple[float, float, Rgb]] = {
    "person": (0.8, 1.75, (60, 90, 160)),
    "cat": (0.6, 0.4, (205, 105, 40)),
    "dog": (0.9, 0.7, (150, 100, 55)),
    "horse": (2.2, 1.9, (110, 70, 40)),
    "bird": (0.35, 0.25, (70, 80, 100)),
    "car": (4.2, 1.5, (200, 40, 40)),
    "cow": (2.0, 1.5, (235, 235, 230)),
    "sheep": (1.2, 0.9, (240, 238, 228)),
    "deer": (1.6, 1.6, (150, 95, 55)),
    "fox": (0.9, 0.5, (215, 110, 35)),
    "rabbit": (0.4, 0.45, (150, 140, 130)),
    "bear": (2.0, 1.5, (95, 60, 35)),
    "dragon": (6.0, 4.0, (60, 150, 70)),
    "robot": (0.9, 1.9, (170, 175, 185)),
    "butterfly": (0.3, 0.25, (240, 150, 40)),
    "balloon": (4.0, 6.0, (220, 60, 60)),
    "boat": (4.0, 4.0, (235, 235, 230)),
    "bicycle": (1.7, 1.0, (50, 90, 200)),
}
RES = 48  # texture rows


class _Canvas:
    def __init__(self, aspect: float) -> None:
        self.h = RES
        self.w = max(8, int(round(RES * aspect)))
        self.img = np.zeros((self.h, self.w, 4), dtype=np.float32)
        ys, xs = np.mgrid[0 : self.h, 0 : self.w].astype(np.float32)
        self.x = (xs + 0.5) / self.w
        self.y = 1.0 - (ys + 0.5) / self.h

    def paint(self, mask: np.ndarray, c: Rgb, shade: float = 1.0) -> None:
        col = np.array([c[0], c[1], c[2]], dtype=np.float32) / 255.0 * shade
        self.img[mask, :3] = np.clip(col, 0, 1)
        self.img[mask, 3] = 1.0

    def ell(self, cx: float, cy: float, rx: float, ry: float, c: Rgb, shade: float = 1.0):
        m = ((self.x - cx) / rx) ** 2 + ((self.y - cy) / ry) ** 2 <= 1.0
        self.paint(m, c, shade)

    def rect(self, x0: float, y0: float, x1: float, y1: float, c: Rgb, shade: float = 1.0):
        m = (self.x >= x0) & (self.x <= x1) & (self.y >= y0) & (self.y <= y1)
        self.paint(m, c, shade)

    def tri(self, a, b, c_, col: Rgb, shade: float = 1.0) -> None:
        def side(p, q):
            return (self.x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (self.y - q[1])

        d1, d2, d3 = side(a, b), side(b, c_), side(c_, a)
        neg = (d1 < 0) | (d2 < 0) | (d3 < 0)
        pos = (d1 > 0) | (d2 > 0) | (d3 > 0)
        self.paint(~(neg & pos), col, shade)

    def ring(self, cx: float, cy: float, r: float, t: float, c: Rgb, aspect: float) -> None:
        d = np.sqrt(((self.x - cx) * aspect) ** 2 + (self.y - cy) ** 2)
        self.paint(np.abs(d - r) < t, c)


def _legs(cv: _Canvas, xs: list[float], top: float, w: float, c: Rgb, frame: int, swing=0.04):
    for i, x in enumerate(xs):
        off = swing if (i + frame) % 2 else -swing
        cv.rect(x - w / 2 + off * (frame % 2), 0.0, x + w / 2 + off * (frame % 2), top, c, 0.8)


def _quadruped(cv: _Canvas, c: Rgb, frame: int, neck: float = 0.0, leg=0.45, head_r=0.16):
    _legs(cv, [0.22, 0.32, 0.68, 0.78], leg, 0.08, c, frame)
    cv.ell(0.5, leg + 0.18, 0.34, 0.2, c)
    cv.rect(0.74, leg + 0.15, 0.84, leg + 0.2 + neck, c)
    cv.ell(0.86, leg + 0.25 + neck, head_r, head_r * 0.8, c)
    cv.ell(0.92, leg + 0.28 + neck, 0.02, 0.03, (20, 20, 20))


def draw(kind: str, colour: Rgb, hair: Rgb | None, pose: str, frame: int, attrs=()) -> np.ndarray:
    wm, hm, _ = KIND_SIZE[kind]
    cv = _Canvas(wm / hm)
    a = dict(attrs)
    dark = (30, 30, 34)
    skin = (232, 190, 160)
    if kind == "person":
        female = a.get("gender") == "female"
        hair = hair or ((232, 205, 130) if a.get("hair") == "blonde" else (70, 45, 30))
        if a.get("age") == "elder":
            hair = (200, 200, 205)
        if female:
            cv.rect(0.28, 0.62, 0.72, 0.93, hair)
        _legs(cv, [0.4, 0.6], 0.45, 0.14, dark if not female else skin, frame, 0.06)
        if female:
            cv.tri((0.18, 0.28), (0.82, 0.28), (0.5, 0.8), colour)
            cv.rect(0.3, 0.5, 0.7, 0.78, colour, 1.1)
        else:
            cv.rect(0.25, 0.42, 0.75, 0.8, colour)
        cv.rect(0.12, 0.45, 0.24, 0.76, colour, 0.85)
        cv.rect(0.76, 0.45, 0.88, 0.76, colour, 0.85)
        cv.rect(0.42, 0.78, 0.58, 0.84, skin)
        cv.ell(0.5, 0.89, 0.22, 0.08, skin)
        cv.ell(0.5, 0.94, 0.24, 0.05, hair)
        if female:
            cv.rect(0.24, 0.66, 0.31, 0.93, hair)
            cv.rect(0.69, 0.66, 0.76, 0.93, hair)
        if a.get("mood") == "stylish":
            cv.rect(0.34, 0.88, 0.66, 0.9, dark)
    elif kind == "cat":
        _legs(cv, [0.25, 0.35, 0.62, 0.72], 0.35, 0.07, colour, frame)
        cv.ell(0.48, 0.45, 0.3, 0.17, colour)
        cv.rect(0.08, 0.45, 0.16, 0.95, colour, 0.9)
        cv.ell(0.8, 0.62, 0.17, 0.2, colour)
        cv.tri((0.68, 0.72), (0.76, 0.98), (0.82, 0.76), colour)
        cv.tri((0.8, 0.76), (0.9, 0.98), (0.94, 0.72), colour)
        cv.ell(0.87, 0.64, 0.025, 0.04, (40, 160, 60))
    elif kind == "dog":
        _legs(cv, [0.22, 0.32, 0.64, 0.74], 0.4, 0.08, colour, frame)
        cv.ell(0.48, 0.52, 0.32, 0.18, colour)
        cv.tri((0.12, 0.55), (0.02, 0.85), (0.18, 0.6), colour)
        cv.ell(0.8, 0.72, 0.15, 0.17, colour)
        cv.rect(0.85, 0.62, 0.99, 0.72, colour)
        cv.ell(0.74, 0.7, 0.05, 0.13, colour, 0.6)
        cv.ell(0.98, 0.7, 0.02, 0.03, dark)
    elif kind == "horse":
        _quadruped(cv, colour, frame, neck=0.2, leg=0.5, head_r=0.12)
        cv.rect(0.72, 0.7, 0.76, 0.95, dark)
        cv.tri((0.16, 0.72), (0.05, 0.3), (0.2, 0.65), dark)
    elif kind == "cow":
        _quadruped(cv, colour, frame, neck=0.05, leg=0.4)
        cv.ell(0.4, 0.62, 0.1, 0.08, dark)
        cv.ell(0.6, 0.55, 0.08, 0.07, dark)
        cv.tri((0.82, 0.8), (0.86, 0.95), (0.88, 0.8), (235, 225, 200))
    elif kind == "sheep":
        _legs(cv, [0.28, 0.38, 0.62, 0.72], 0.35, 0.07, dark, frame)
        for cx, cy in [(0.3, 0.55), (0.45, 0.62), (0.6, 0.55), (0.45, 0.48), (0.68, 0.62)]:
            cv.ell(cx, cy, 0.18, 0.2, colour)
        cv.ell(0.86, 0.6, 0.1, 0.13, dark)
    elif kind == "deer":
        _quadruped(cv, colour, frame, neck=0.18, leg=0.5, head_r=0.1)
        cv.rect(0.84, 0.85, 0.86, 1.0, (90, 60, 30))
        cv.rect(0.8, 0.94, 0.92, 0.96, (90, 60, 30))
        cv.ell(0.18, 0.72, 0.05, 0.05, (240, 235, 225))
    elif kind == "fox":
        _legs(cv, [0.3, 0.38, 0.6, 0.68], 0.35, 0.06, dark, frame)
        cv.ell(0.48, 0.48, 0.26, 0.16, colour)
        cv.ell(0.14, 0.45, 0.14, 0.1, colour)
        cv.ell(0.04, 0.44, 0.05, 0.07, (240, 240, 235))
        cv.ell(0.78, 0.6, 0.12, 0.14, colour)
        cv.tri((0.84, 0.55), (0.99, 0.52), (0.84, 0.65), colour)
        cv.tri((0.72, 0.7), (0.76, 0.92), (0.8, 0.72), colour)
        cv.ell(0.5, 0.4, 0.16, 0.06, (240, 240, 235))
    elif kind == "rabbit":
        cv.ell(0.42, 0.3, 0.3, 0.26, colour)
        cv.ell(0.72, 0.5, 0.18, 0.17, colour)
        cv.ell(0.66, 0.82, 0.06, 0.18, colour)
        cv.ell(0.76, 0.84, 0.06, 0.16, colour, 0.9)
        cv.ell(0.12, 0.35, 0.08, 0.08, (245, 245, 240))
        cv.ell(0.8, 0.52, 0.03, 0.04, dark)
    elif kind == "bear":
        _legs(cv, [0.24, 0.34, 0.64, 0.74], 0.35, 0.12, colour, frame, 0.03)
        cv.ell(0.48, 0.55, 0.38, 0.28, colour)
        cv.ell(0.82, 0.68, 0.16, 0.17, colour)
        cv.ell(0.78, 0.85, 0.05, 0.06, colour, 0.8)
        cv.ell(0.95, 0.64, 0.04, 0.05, dark)
    elif kind == "dragon":
        flap = 0.2 if frame % 2 else 0.0
        cv.tri((0.3, 0.55), (0.55, 0.55), (0.25 + flap, 1.0 - flap), colour, 0.75)
        _legs(cv, [0.35, 0.55], 0.3, 0.07, colour, frame)
        cv.ell(0.45, 0.42, 0.25, 0.14, colour)
        cv.tri((0.25, 0.45), (0.0, 0.3), (0.25, 0.35), colour)
        cv.rect(0.64, 0.45, 0.72, 0.72, colour)
        cv.ell(0.76, 0.74, 0.1, 0.07, colour)
        cv.tri((0.72, 0.78), (0.7, 0.9), (0.76, 0.8), (230, 220, 180))
        cv.ell(0.8, 0.76, 0.015, 0.02, (250, 200, 40))
    elif kind == "robot":
        _legs(cv, [0.36, 0.64], 0.4, 0.14, colour, frame, 0.04)
        cv.rect(0.2, 0.4, 0.8, 0.75, colour)
        cv.rect(0.3, 0.78, 0.7, 0.95, colour, 1.1)
        cv.rect(0.38, 0.84, 0.46, 0.89, (60, 220, 255))
        cv.rect(0.54, 0.84, 0.62, 0.89, (60, 220, 255))
        cv.rect(0.48, 0.95, 0.52, 1.0, dark)
        cv.rect(0.4, 0.5, 0.6, 0.6, (240, 90, 60))
        cv.rect(0.08, 0.45, 0.18, 0.72, colour, 0.8)
        cv.rect(0.82, 0.45, 0.92, 0.72, colour, 0.8)
    elif kind == "bird":
        flap = frame % 2
        cv.ell(0.45, 0.45, 0.3, 0.2, colour)
        cv.ell(0.75, 0.6, 0.14, 0.16, colour)
        cv.tri((0.86, 0.62), (1.0, 0.56), (0.86, 0.54), (240, 170, 40))
        cv.tri((0.3, 0.5), (0.6, 0.5), (0.4, 1.0 if flap else 0.1), colour, 0.7)
    elif kind == "butterfly":
        up = 1.0 if frame % 2 else 0.55
        cv.ell(0.3, 0.5 + 0.2 * up, 0.28, 0.3 * up, colour)
        cv.ell(0.7, 0.5 + 0.2 * up, 0.28, 0.3 * up, colour, 0.85)
        cv.rect(0.46, 0.2, 0.54, 0.8, dark)
    elif kind == "balloon":
        cv.rect(0.4, 0.0, 0.6, 0.1, (130, 90, 50))
        cv.rect(0.41, 0.1, 0.42, 0.3, dark)
        cv.rect(0.58, 0.1, 0.59, 0.3, dark)
        cv.ell(0.5, 0.62, 0.45, 0.36, colour)
        cv.tri((0.2, 0.45), (0.8, 0.45), (0.5, 0.28), colour)
        for i in range(3):
            cv.rect(0.28 + 0.18 * i, 0.3, 0.34 + 0.18 * i, 0.96, (245, 220, 90))
    elif kind == "boat":
        cv.tri((0.0, 0.25), (1.0, 0.25), (0.85, 0.0), (120, 75, 45))
        cv.rect(0.15, 0.0, 0.85, 0.25, (120, 75, 45))
        cv.rect(0.48, 0.25, 0.52, 1.0, (90, 60, 35))
        cv.tri((0.52, 0.3), (0.52, 0.98), (0.92, 0.3), colour)
        cv.tri((0.48, 0.35), (0.48, 0.85), (0.15, 0.35), colour, 0.9)
    elif kind == "bicycle":
        asp = wm / hm
        cv.ring(0.22, 0.25, 0.23, 0.035, dark, asp)
        cv.ring(0.78, 0.25, 0.23, 0.035, dark, asp)
        cv.tri((0.22, 0.25), (0.5, 0.25), (0.4, 0.6), colour)
        cv.tri((0.4, 0.6), (0.7, 0.62), (0.5, 0.25), colour)
        cv.rect(0.66, 0.25, 0.7, 0.75, colour)
        cv.rect(0.35, 0.62, 0.47, 0.66, dark)
    elif kind == "car":
        cv.rect(0.02, 0.15, 0.98, 0.5, colour)
        cv.tri((0.2, 0.5), (0.3, 0.85), (0.3, 0.5), colour)
        cv.rect(0.3, 0.5, 0.7, 0.85, colour)
        cv.tri((0.7, 0.5), (0.7, 0.85), (0.82, 0.5), colour)
        cv.rect(0.33, 0.55, 0.48, 0.8, (150, 190, 220))
        cv.rect(0.52, 0.55, 0.67, 0.8, (150, 190, 220))
        cv.ell(0.22, 0.15, 0.08, 0.15, dark)
        cv.ell(0.78, 0.15, 0.08, 0.15, dark)
        cv.rect(0.94, 0.32, 0.98, 0.42, (255, 240, 180))
    if pose == "sit":
        cv.img = _squash(cv.img, 0.65)
    elif pose == "sleep":
        cv.img = _squash(cv.img, 0.4)
    return cv.img


def _squash(img: np.ndarray, k: float) -> np.ndarray:
    h = img.shape[0]
    keep = max(1, int(h * k))
    rows = (np.arange(keep) * (h / keep)).astype(np.int64)
    out = np.zeros_like(img)
    out[h - keep :] = img[rows]
    return out


@lru_cache(maxsize=512)
def sprite(kind: str, colour: Rgb, hair: Rgb | None, pose: str, frame: int, attrs=()):
    """Cached RGBA texture as a torch tensor [RES, w, 4] on CPU."""
    import torch

    return torch.from_numpy(draw(kind, colour, hair, pose, frame, attrs))
