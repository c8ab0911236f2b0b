"""The hand-written phrase lexicon: which words and phrases name which concept.

Two kinds of entry:
- exact forms (inflections included) that short-circuit matching with similarity 1.0;
- canonical phrases, a few per concept, whose MiniLM embeddings are compared with the
  input's n-grams so that synonyms nobody listed ("kitty", "blizzard") still resolve.

Every concept value is a name from `inference.vocabulary`, except verb lemmas (the
grammar turns a verb and its preposition into a behaviour) and the command words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from inference import vocabulary as v


@dataclass(frozen=True, order=True)
class Sense:
    """One meaning: a category ("entity", "colour", "weather"...) and a value in it."""

    category: str
    value: str


# Categories that describe a noun.
ADJECTIVE_CATEGORIES: frozenset[str] = frozenset({"colour", "size", "mood", "gender", "age"})
NOUN_CATEGORIES: frozenset[str] = frozenset({"entity", "role"})
SCENE_CATEGORIES: frozenset[str] = frozenset({"weather", "time", "lighting", "style", "scene"})

# kind -> (singular, plural) surface forms that count as exact hits.
ENTITY_NOUNS: dict[str, tuple[str, ...]] = {
    "person": ("person", "people", "persons", "human", "humans"),
    "cat": ("cat", "cats"),
    "dog": ("dog", "dogs"),
    "horse": ("horse", "horses"),
    "bird": ("bird", "birds"),
    "car": ("car", "cars"),
    "cow": ("cow", "cows"),
    "sheep": ("sheep",),
    "deer": ("deer",),
    "fox": ("fox", "foxes"),
    "rabbit": ("rabbit", "rabbits"),
    "bear": ("bear", "bears"),
    "dragon": ("dragon", "dragons"),
    "robot": ("robot", "robots"),
    "butterfly": ("butterfly", "butterflies"),
    "balloon": ("balloon", "balloons"),
    "boat": ("boat", "boats"),
    "bicycle": ("bicycle", "bicycles", "bike", "bikes"),
}

# Extra phrases only for the embedding side; none of the test synonyms appear here.
ENTITY_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "person": ("person", "a human being"),
    "cat": ("cat", "feline"),
    "dog": ("dog", "canine"),
    "horse": ("horse", "equine"),
    "bird": ("bird", "songbird"),
    "car": ("car", "motor vehicle"),
    "cow": ("cow", "cattle"),
    "sheep": ("sheep", "lamb"),
    "deer": ("deer", "reindeer"),
    "fox": ("fox", "red fox"),
    "rabbit": ("rabbit", "hare"),
    "bear": ("bear", "grizzly"),
    "dragon": ("dragon", "fire-breathing dragon"),
    "robot": ("robot", "android machine"),
    "butterfly": ("butterfly", "moth"),
    "balloon": ("balloon", "hot air balloon"),
    "boat": ("boat", "sailboat"),
    "bicycle": ("bicycle", "bike"),
}

ROLE_PLURALS: dict[str, str] = {
    "girls": "girl",
    "boys": "boy",
    "women": "woman",
    "men": "man",
    "children": "child",
    "kids": "child",
    "old men": "old man",
    "old women": "old woman",
    "models": "model",
}
ROLE_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "girl": ("girl", "little girl"),
    "boy": ("boy", "little boy"),
    "woman": ("woman", "lady"),
    "man": ("man", "gentleman"),
    "child": ("child", "kid"),
    "old man": ("old man", "grandfather"),
    "old woman": ("old woman", "grandmother"),
    "model": ("fashion model",),
}

COLOUR_WORDS: dict[str, str] = {name: name for name in v.COLOURS} | {
    "gray": "grey",
    "blond": "blonde",
    "violet": "purple",
    "gold": "golden",
    "redhead": "ginger",
}
SIZE_WORDS: dict[str, str] = {
    "tiny": "tiny",
    "small": "small",
    "little": "small",
    "smaller": "small",
    "normal": "normal",
    "big": "big",
    "bigger": "big",
    "large": "big",
    "larger": "big",
    "giant": "giant",
    "huge": "giant",
    "enormous": "giant",
    "tinier": "tiny",
}
MOOD_WORDS: dict[str, str] = {mood: mood for mood in v.MOODS} | {
    "calm": "neutral",
    "sad": "scared",
    "afraid": "scared",
    "tired": "sleepy",
}
MOOD_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "neutral": ("calm",),
    "cute": ("cute", "sweet"),
    "happy": ("happy", "cheerful"),
    "angry": ("angry", "mad"),
    "scared": ("scared", "fearful"),
    "sleepy": ("sleepy", "drowsy"),
    "stylish": ("stylish", "elegant"),
}
GENDER_WORDS: dict[str, str] = {"female": "female", "male": "male"}
AGE_WORDS: dict[str, str] = {"young": "child", "old": "elder", "elderly": "elder", "adult": "adult"}

WEATHER_WORDS: dict[str, str] = {
    "rain": "rain",
    "rains": "rain",
    "raining": "rain",
    "rainy": "rain",
    "snow": "snow",
    "snows": "snow",
    "snowing": "snow",
    "snowy": "snow",
    "snowfall": "snow",
    "fog": "fog",
    "foggy": "fog",
    "storm": "storm",
    "stormy": "storm",
    "lightning": "storm",
    "thunder": "storm",
    "clear": "clear",
    "sunny": "clear",
    "clear sky": "clear",
    "clear skies": "clear",
}
WEATHER_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "rain": ("rain", "heavy rain", "rainfall"),
    "snow": ("snow", "snowfall", "winter storm", "snow storm"),
    "fog": ("fog", "haze", "misty fog"),
    # No bare "storm": it pulls snowy words away from snow. "storm" itself is an exact hit.
    "storm": ("lightning storm", "thunder and lightning", "storm clouds"),
    "clear": ("clear sky", "sunny weather"),
}
TIME_WORDS: dict[str, str] = {
    "dawn": "dawn",
    "morning": "dawn",
    "noon": "noon",
    "midday": "noon",
    "day": "noon",
    "daytime": "noon",
    "sunset": "sunset",
    "evening": "sunset",
    "night": "night",
    "nighttime": "night",
    "tonight": "night",
}
TIME_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "dawn": ("dawn", "early morning", "morning sun", "rising sun"),
    "noon": ("noon", "midday sun"),
    "sunset": ("sunset", "evening"),
    "night": ("night", "late night"),
}
LIGHTING_WORDS: dict[str, str] = {
    "brighter": "bright",
    "bright": "bright",
    "lighter": "bright",
    "darker": "dim",
    "dark": "dim",
    "dim": "dim",
    "dimmer": "dim",
    "moody": "moody",
    "neon": "neon",
    "neon lit": "neon",
    "natural light": "natural",
    "natural lighting": "natural",
    # film-set talk: "kill the lights" is a lighting cue, not violence
    "kill the lights": "dim",
    "lights off": "dim",
    "lights out": "dim",
    "turn off the lights": "dim",
    "lights on": "bright",
    "turn on the lights": "bright",
    "turn the lights on": "bright",
}
LIGHTING_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "bright": ("bright light",),
    "dim": ("dim light",),
    "moody": ("moody light",),
    "neon": ("neon lights",),
    "golden": ("warm golden light",),
}
STYLE_WORDS: dict[str, str] = {
    "realistic": "realistic",
    "photorealistic": "realistic",
    "painterly": "painterly",
    "painting": "painterly",
    "studio ghibli": "painterly",
    "ghibli": "painterly",
    "anime": "painterly",
    "80s film": "film80s",
    "80s": "film80s",
    "eighties film": "film80s",
    "vhs": "film80s",
    "noir": "noir",
    "film noir": "noir",
    "black and white": "noir",
    "pixel": "pixel",
    "pixel art": "pixel",
    "pixelated": "pixel",
    "8 bit": "pixel",
    "watercolor": "watercolor",
    "watercolour": "watercolor",
    "cyberpunk": "cyberpunk",
    "sepia": "sepia",
}
STYLE_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "realistic": ("photorealistic",),
    "painterly": ("painting", "hand-painted animation"),
    "film80s": ("1980s film", "vintage film grain"),
    "noir": ("film noir", "black and white"),
    "pixel": ("pixel art", "retro video game"),
    "watercolor": ("watercolor painting",),
    "cyberpunk": ("cyberpunk",),
    "sepia": ("sepia", "old photograph"),
}
# "Golden hour" is both: the sun goes to sunset and the light turns golden.
SCENE_PHRASES: dict[str, dict[str, str]] = {
    "golden hour": {"time_of_day": "sunset", "lighting": "golden"},
    "magic hour": {"time_of_day": "sunset", "lighting": "golden"},
    "blue hour": {"time_of_day": "dawn", "lighting": "dim"},
}
CAMERA_WORDS: dict[str, str] = {
    "close up": "close_up",
    "closeup": "close_up",
    "zoom in": "close_up",
    "zoom in on": "close_up",
    "aerial": "aerial",
    "aerial view": "aerial",
    "aerial shot": "aerial",
    "birds eye view": "aerial",
    "overhead view": "aerial",
    "top down view": "aerial",
    "orbit": "orbit",
    "orbit around": "orbit",
    "first person": "first_person",
    "first person view": "first_person",
    "back to first person": "first_person",
    "my view": "first_person",
    "pov": "first_person",
}
CAMERA_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "close_up": ("close-up shot",),
    "aerial": ("aerial view", "drone shot"),
    "orbit": ("orbit the camera around",),
    "first_person": ("first person view",),
}

BIOME_WORDS: dict[str, str] = {
    "meadow": "meadow",
    "meadows": "meadow",
    "countryside": "meadow",
    "rolling hills": "meadow",
    "hills": "meadow",
    "fields": "meadow",
    "field": "meadow",
    "forest": "forest",
    "woods": "forest",
    "pine forest": "forest",
    "desert": "desert",
    "dunes": "desert",
    "sand dunes": "desert",
    "mountain peaks": "snow_mountains",
    "snowy mountains": "snow_mountains",
    "mountains": "snow_mountains",
    "beach": "coast",
    "coast": "coast",
    "ocean": "coast",
    "sea": "coast",
    "island": "coast",
    "lighthouse": "coast",
    "harbour": "coast",
    "harbor": "coast",
    "pier": "coast",
    "seaside": "coast",
    "shore": "coast",
    "shoreline": "coast",
    "lagoon": "coast",
    "jungle": "forest",
    "rainforest": "forest",
    "woodland": "forest",
    "farmland": "meadow",
    "prairie": "meadow",
    "savanna": "meadow",
    "canyon": "desert",
    "oasis": "desert",
    "glacier": "snow_mountains",
    "tundra": "snow_mountains",
    "alps": "snow_mountains",
    "downtown": "city",
    "metropolis": "city",
    "city": "city",
    "streets": "city",
    "street": "city",
    "town": "city",
    "volcano": "volcanic",
    "volcanic": "volcanic",
    "lava": "volcanic",
}
BIOME_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "meadow": ("green meadow", "rolling green hills", "grassland"),
    "forest": ("forest", "woodland trees"),
    "desert": ("sandy desert", "sand dunes"),
    "snow_mountains": ("snowy mountains", "mountain peaks"),
    "coast": ("beach", "seaside coast", "ocean"),
    "city": ("city streets", "town"),
    "night_city": ("neon city at night",),
    "volcanic": ("volcano", "lava"),
}
ERA_WORDS: dict[str, str] = {
    "1920s": "1920s",
    "twenties": "1920s",
    "1950s": "1950s",
    "fifties": "1950s",
    "1980s": "1980s",
    "eighties": "1980s",
    "80s": "1980s",
    "futuristic": "future",
    "future": "future",
    "medieval": "medieval",
}
ERA_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "1920s": ("the roaring twenties",),
    "1950s": ("the 1950s",),
    "1980s": ("the 1980s",),
    "future": ("the far future",),
    "medieval": ("the middle ages",),
}

# Verb lemmas; the grammar combines them with prepositions into behaviours.
VERB_LEMMAS: dict[str, tuple[str, ...]] = {
    "go": ("go", "walk", "come", "move", "head", "stroll", "travel", "wander over"),
    "run": ("run", "race", "dash", "rush", "hurry", "sprint", "charge", "gallop", "drive"),
    "follow": ("follow", "chase", "pursue", "trail", "track"),
    "flee": ("flee", "escape", "avoid", "run away"),
    "circle": ("circle", "circle around", "fly around"),
    "fly": ("fly", "soar", "glide", "fly off"),
    "sit": ("sit", "sit down", "rest"),
    "jump": ("jump", "hop", "leap", "bounce"),
    "dance": ("dance", "twirl"),
    "sleep": ("sleep", "nap", "doze"),
    "wander": ("wander", "roam", "explore", "wander around"),
}
IRREGULAR_VERB_FORMS: dict[str, tuple[str, ...]] = {
    "go": ("goes", "went", "going", "gone"),
    "run": ("ran", "running"),
    "come": ("came", "coming"),
    "fly": ("flies", "flew", "flying"),
    "sit": ("sat", "sitting"),
    "sleep": ("slept",),
    "flee": ("fled", "fleeing"),
}


def verb_forms(lemma: str) -> tuple[str, ...]:
    """The regular inflections of a (possibly multiword) verb phrase, plus irregular ones."""
    head, _, rest = lemma.partition(" ")
    tail = f" {rest}" if rest else ""
    if head.endswith(("s", "sh", "ch", "x")):
        third = head + "es"
    elif head.endswith("y") and head[-2] not in "aeiou":
        third = head[:-1] + "ies"
    else:
        third = head + "s"
    stem = head[:-1] if head.endswith("e") and not head.endswith("ee") else head
    forms = {head, third, stem + "ing", stem + "ed"} | set(IRREGULAR_VERB_FORMS.get(head, ()))
    return tuple(sorted(form + tail for form in forms))


@cache
def exact_lexicon() -> dict[str, Sense]:
    """Surface form -> sense for every form that needs no embedding."""
    table: dict[str, Sense] = {}

    def put(words: dict[str, str] | dict[str, tuple[str, ...]], category: str) -> None:
        for word, value in words.items():
            table[word] = Sense(category, value)  # type: ignore[arg-type]

    for kind, nouns in ENTITY_NOUNS.items():
        for noun in nouns:
            table[noun] = Sense("entity", kind)
    for role in v.PERSON_ROLES:
        table[role] = Sense("role", role)
    put(ROLE_PLURALS, "role")
    put(COLOUR_WORDS, "colour")
    put(SIZE_WORDS, "size")
    put(MOOD_WORDS, "mood")
    put(GENDER_WORDS, "gender")
    put(AGE_WORDS, "age")
    put(WEATHER_WORDS, "weather")
    put(TIME_WORDS, "time")
    put(LIGHTING_WORDS, "lighting")
    put(STYLE_WORDS, "style")
    put(CAMERA_WORDS, "camera")
    put(BIOME_WORDS, "biome")
    put(ERA_WORDS, "era")
    for phrase in SCENE_PHRASES:
        table[phrase] = Sense("scene", phrase)
    for lemma, verbs in VERB_LEMMAS.items():
        for verb in verbs:
            for form in verb_forms(verb):
                table.setdefault(form, Sense("verb", lemma))
    return table


@cache
def semantic_phrases() -> tuple[tuple[str, Sense], ...]:
    """(phrase, sense) pairs whose embeddings catch synonyms, in a stable order."""
    pairs: list[tuple[str, Sense]] = []

    def add(descriptions: dict[str, tuple[str, ...]], category: str) -> None:
        for value, phrases in descriptions.items():
            pairs.extend((phrase, Sense(category, value)) for phrase in phrases)

    add(ENTITY_DESCRIPTIONS, "entity")
    add(ROLE_DESCRIPTIONS, "role")
    add({colour: (colour,) for colour in v.COLOURS} | {"red": ("red", "scarlet")}, "colour")
    add({"tiny": ("tiny",), "small": ("small",), "big": ("big",), "giant": ("giant",)}, "size")
    add(MOOD_DESCRIPTIONS, "mood")
    add(WEATHER_DESCRIPTIONS, "weather")
    add(TIME_DESCRIPTIONS, "time")
    add(LIGHTING_DESCRIPTIONS, "lighting")
    add(STYLE_DESCRIPTIONS, "style")
    add(CAMERA_DESCRIPTIONS, "camera")
    add(BIOME_DESCRIPTIONS, "biome")
    add(ERA_DESCRIPTIONS, "era")
    add({lemma: verbs[:2] for lemma, verbs in VERB_LEMMAS.items()}, "verb")
    return tuple(pairs)


def longest_exact_phrase() -> int:
    return max(len(phrase.split()) for phrase in exact_lexicon())


def singular_noun(word: str) -> tuple[str, bool]:
    """(singular form, was plural) for an English noun, good enough for the lexicon's nouns."""
    if word in ROLE_PLURALS:
        return ROLE_PLURALS[word], True
    if word in ("people", "persons"):
        return "person", True
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y", True
    if word.endswith(("xes", "ches", "shes")):
        return word[:-2], True
    if word.endswith("s") and not word.endswith(("ss", "us")) and len(word) > 3:
        return word[:-1], True
    return word, False
