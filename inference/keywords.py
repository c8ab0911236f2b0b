"""A tiny keyword interpreter for `python -m inference.bench` on machines that lack the
MiniLM weights (a GPU box that cannot install packages). The bench names it in its output.

It understands exact vocabulary words only; the product always uses inference.interpreter.
"""

from __future__ import annotations

import re

from inference.intents import (
    Camera,
    EntityIntent,
    EntityRef,
    NotUnderstood,
    ParseResult,
    SceneIntent,
    SetScene,
    Spawn,
    Understood,
)
from inference.vocabulary import (
    CAMERA_MOVES,
    COLOURS,
    ENTITY_KINDS,
    PERSON_ROLES,
    STYLES,
    TIMES_OF_DAY,
    WEATHERS,
)

_BIOME_WORDS = {
    "night_city": ("neon", "night city", "cyberpunk", "tokyo at night"),
    "city": ("city", "street", "streets", "paris", "town", "london", "new york"),
    "forest": ("forest", "woods", "jungle"),
    "desert": ("desert", "dune", "sahara"),
    "snow_mountains": ("snow", "mountain", "alps", "glacier"),
    "coast": ("beach", "coast", "ocean", "sea", "island"),
    "volcanic": ("volcano", "volcanic", "lava"),
    "meadow": ("meadow", "countryside", "field", "hill", "farm", "ghibli"),
}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9_']+", text.lower())


class KeywordInterpreter:
    def parse_prompt(self, prompt: str, character: str = "", style: str = "auto") -> SceneIntent:
        low = prompt.lower()
        biome = next((b for b, ws in _BIOME_WORDS.items() if any(w in low for w in ws)), "meadow")
        words = _words(prompt)
        tod = next(
            (t for t in TIMES_OF_DAY if t in words), "night" if biome == "night_city" else "noon"
        )
        weather = next((w for w in WEATHERS if w in words), "clear")
        st = style if style in STYLES else "realistic"
        if "ghibli" in low or "painterly" in low:
            st = "painterly"
        era = "1980s" if "80s" in low or "1980" in low else "present"
        ents: list[EntityIntent] = []
        for text in (prompt, character):
            ws = _words(text)
            attrs = tuple(
                ("colour" if c not in ("blonde",) else "hair", c) for c in COLOURS if c in ws
            )
            for role, a in PERSON_ROLES.items():
                if role in ws:
                    ents.append(EntityIntent("person", tuple(a.items()) + attrs, role))
                    break
            else:
                for k in ENTITY_KINDS:
                    if k in ws:
                        ents.append(EntityIntent(k, attrs, k))
                        break
        return SceneIntent(biome, tod, weather, st, era=era, entities=tuple(ents))

    def parse_command(self, text: str) -> ParseResult:
        ws = _words(text)
        actions = []
        sc = SetScene(
            weather=next((w for w in WEATHERS if w in ws), None)
            or ("rain" if "rain" in ws else None),
            time_of_day=next((t for t in TIMES_OF_DAY if t in ws), None),
            style=next((s for s in STYLES if s in ws), None),
        )
        if any(v is not None for v in (sc.weather, sc.time_of_day, sc.style)):
            actions.append(sc)
        kinds = [k for k in ENTITY_KINDS if k in ws or k + "s" in ws]
        if kinds:
            ref = None
            roles = [r for r in PERSON_ROLES if r in ws]
            if roles:
                ref = EntityRef("person", tuple(PERSON_ROLES[roles[0]].items()), roles[0])
            beh = "run_to" if "runs" in ws or "run" in ws else "idle"
            actions.append(
                Spawn(
                    EntityIntent(
                        kinds[0], label=kinds[0], behaviour=beh if ref else "idle", target=ref
                    )
                )
            )
        for m in CAMERA_MOVES:
            if m.replace("_", " ") in text.lower():
                actions.append(Camera(m))
        if not actions:
            return NotUnderstood("No known words found.", ("make it rain", "a cat appears"))
        return Understood(tuple(actions), 0.5)
