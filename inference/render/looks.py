"""Scene look: sky, light, fog and sun parameters from time of day, weather and lighting."""

from __future__ import annotations

from dataclasses import dataclass

from inference.state import Scene

Rgb = tuple[float, float, float]

_TIME: dict[str, dict[str, object]] = {
    "dawn": dict(
        zen=(0.32, 0.42, 0.68),
        hor=(1.0, 0.72, 0.55),
        light=(0.95, 0.8, 0.68),
        sun=(1.0, 0.78, 0.5),
        el=7.0,
        az=80.0,
    ),
    "noon": dict(
        zen=(0.22, 0.46, 0.86),
        hor=(0.68, 0.82, 0.96),
        light=(1.0, 1.0, 0.96),
        sun=(1.0, 0.98, 0.9),
        el=28.0,
        az=20.0,
    ),
    "sunset": dict(
        zen=(0.28, 0.26, 0.5),
        hor=(1.0, 0.55, 0.3),
        light=(1.0, 0.68, 0.48),
        sun=(1.0, 0.6, 0.3),
        el=5.0,
        az=-20.0,
    ),
    "night": dict(
        zen=(0.01, 0.015, 0.05),
        hor=(0.05, 0.08, 0.16),
        light=(0.2, 0.25, 0.4),
        sun=(0.9, 0.92, 1.0),
        el=30.0,
        az=-30.0,
    ),
}


def _mul(a: Rgb, b: Rgb, k: float = 1.0) -> Rgb:
    return (a[0] * b[0] * k, a[1] * b[1] * k, a[2] * b[2] * k)


def _lerp(a: Rgb, b: Rgb, t: float) -> Rgb:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


@dataclass(frozen=True)
class Look:
    zenith: Rgb
    horizon: Rgb
    light: Rgb  # multiplies surface colours
    sun_colour: Rgb
    sun_el: float  # degrees
    sun_az: float  # degrees, same convention as yaw
    night: bool
    fog_colour: Rgb
    fog_density: float  # per metre
    clouds: float  # coverage 0..1
    cloud_colour: Rgb
    neon: bool
    snow_cover: float  # whitening of the ground 0..1
    wet: float  # 0..1, darker ground and stronger reflections


def scene_look(scene: Scene) -> Look:
    t = _TIME.get(scene.time_of_day, _TIME["noon"])
    zen, hor, light = t["zen"], t["hor"], t["light"]
    night = scene.time_of_day == "night" or scene.biome == "night_city"
    if scene.biome == "night_city" and scene.time_of_day != "night":
        zen, hor = _lerp(zen, _TIME["night"]["zen"], 0.75), _lerp(hor, (0.25, 0.12, 0.3), 0.7)
        light = _lerp(light, _TIME["night"]["light"], 0.7)
    fog_d, clouds, snow, wet = 0.004, 0.35, 0.0, 0.0
    w = scene.weather
    if w in ("rain", "storm"):
        grey = (0.42, 0.45, 0.5) if w == "rain" else (0.2, 0.22, 0.27)
        k = 0.7 if not night else 0.3
        zen, hor = _lerp(zen, grey, k), _lerp(hor, _mul(grey, (1.2, 1.2, 1.2)), k)
        light = _mul(light, (0.72, 0.75, 0.8) if w == "rain" else (0.5, 0.53, 0.6))
        fog_d, clouds, wet = (0.012 if w == "rain" else 0.016), 0.95, 1.0
    elif w == "snow":
        zen, hor = _lerp(zen, (0.7, 0.72, 0.78), 0.6), _lerp(hor, (0.88, 0.9, 0.94), 0.6)
        fog_d, clouds, snow = 0.012, 0.85, 0.55
    elif w == "fog":
        zen, hor = _lerp(zen, (0.72, 0.74, 0.76), 0.7), _lerp(hor, (0.8, 0.81, 0.82), 0.8)
        fog_d, clouds = 0.045, 0.6
    if scene.biome == "snow_mountains":
        fog_d *= 0.6
    if scene.biome == "volcanic":
        hor = _lerp(hor, (0.75, 0.38, 0.22), 0.6)
        zen = _lerp(zen, (0.25, 0.16, 0.16), 0.65)
        light = _mul(light, (1.1, 0.92, 0.85))
        clouds, fog_d = 0.7, fog_d * 0.6
    lg = scene.lighting
    if lg == "bright":
        light = _mul(light, (1.2, 1.2, 1.2))
    elif lg == "dim":
        light = _mul(light, (0.62, 0.62, 0.66))
    elif lg == "golden":
        light = _mul(light, (1.15, 0.96, 0.7))
        hor = _lerp(hor, (1.0, 0.75, 0.4), 0.4)
    elif lg == "moody":
        light = _mul(light, (0.7, 0.76, 0.9))
        zen = _lerp(zen, (0.2, 0.24, 0.32), 0.4)
    elif lg == "neon":
        light = _mul(light, (0.95, 0.75, 1.05))
        hor = _lerp(hor, (0.6, 0.2, 0.6), 0.4)
    if scene.palette:
        pal = scene.palette
        avg = tuple(sum(c[i] for c in pal) / (255.0 * len(pal)) for i in range(3))
        brightest = max(pal, key=sum)
        light = _lerp(light, _mul(light, (avg[0] * 2, avg[1] * 2, avg[2] * 2)), 0.35)
        hor = _lerp(hor, tuple(v / 255.0 for v in brightest), 0.3)
        light = _mul(light, (1.0, 1.0, 1.0), 0.8 + 0.4 * scene.mood)
    fog_c = _lerp(hor, zen, 0.15) if w != "fog" else _mul(hor, light)
    cloud_c = _lerp(_mul(t["sun"], light, 1.1), hor, 0.35) if not night else (0.1, 0.11, 0.16)
    if scene.biome == "volcanic":
        cloud_c = (0.3, 0.26, 0.25)  # ash
    if w == "storm":
        cloud_c = (0.18, 0.19, 0.22)
    elif w == "rain":
        cloud_c = _mul(cloud_c, (0.62, 0.64, 0.68))
    return Look(
        zenith=zen,
        horizon=hor,
        light=light,
        sun_colour=t["sun"],
        sun_el=float(t["el"]),
        sun_az=float(t["az"]),
        night=night,
        fog_colour=fog_c,
        fog_density=fog_d,
        clouds=clouds,
        cloud_colour=cloud_c,
        neon=scene.biome == "night_city" or (night and scene.biome == "city") or lg == "neon",
        snow_cover=snow,
        wet=wet,
    )
