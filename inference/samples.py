"""Write sample frames for the demo prompts: python -m inference.samples [--out DIR]."""

from __future__ import annotations

import argparse
import os

import torch
from PIL import Image

from inference.model import WorldModel
from inference.spec import PlayerInput, WorldSpec

DEMOS: list[tuple[str, WorldSpec, list[str]]] = [
    (
        "paris80s",
        WorldSpec("the streets of Paris in the 1980s", "a stylish blonde female model", seed=3),
        [],
    ),
    ("ghibli", WorldSpec("a Studio Ghibli-like countryside with rolling green hills", seed=4), []),
    ("forest", WorldSpec("a misty pine forest at dawn", seed=5), ["a deer appears"]),
    ("desert", WorldSpec("a desert with dunes at sunset", seed=6), ["a horse appears"]),
    ("snow", WorldSpec("snowy mountains while it is snowing", seed=7), []),
    ("coast", WorldSpec("a tropical beach by the ocean", seed=8), ["a boat appears"]),
    ("night_city", WorldSpec("a neon city at night in the rain", seed=9), []),
    ("volcanic", WorldSpec("a volcanic landscape with rivers of lava", seed=10), []),
    (
        "storm",
        WorldSpec("a meadow in a storm", seed=11),
        ["a girl appears", "a cute cat runs to the girl"],
    ),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/samples")
    ap.add_argument("--only", default="")
    ap.add_argument("--resolution", default="480p")
    args = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    model = WorldModel(resolution=args.resolution)
    for name, spec, cmds in DEMOS:
        if args.only and name not in args.only.split(","):
            continue
        state = model.create(spec)
        for c in cmds:
            state, res = model.direct(state, c)
            print(name, c, "->", res.status, res.message)
        out = None
        for _ in range(400 if name == "storm" else 45):
            out = model.step([state], [PlayerInput(move_y=0.0)])[0]
            if name != "storm" and state.tick >= 45:
                break
            if name == "storm" and any(e["type"] == "lightning" for e in out.events):
                break
        assert out is not None
        path = os.path.join(args.out, f"{name}.png")
        Image.fromarray(out.frame.numpy()).save(path)
        sc = state.scene
        print(path, sc.biome, sc.time_of_day, sc.weather, sc.style, len(state.entities))


if __name__ == "__main__":
    main()
