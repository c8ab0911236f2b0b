"""Closed-class words the grammar reads directly: determiners, numbers, prepositions, command verbs.

These never go through the encoder; their meaning is structural, not semantic.
"""

from __future__ import annotations

DEFINITE = "definite"
INDEFINITE = "indefinite"
NUMBER = "number"
PLAYER = "player"
PREPOSITION = "preposition"
ADD = "add"
REMOVE = "remove"
CHANGE = "change"
GROW = "grow"
SHRINK = "shrink"
STOP = "stop"
CAMERA_NOUN = "camera_noun"
CONJUNCTION = "conjunction"
FILLER = "filler"

MAX_COUNT = 20  # the most entities one command may spawn

NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a pair of": 2,
    "a couple": 2, "a few": 3, "several": 4, "many": 5, "lots of": 5, "a lot of": 5,
    "a bunch of": 5, "a group of": 4, "a flock of": 5, "a herd of": 5, "a pack of": 4,
}  # fmt: skip
# Plural nouns with no number ("birds", "some dogs") spawn this many.
DEFAULT_PLURAL_COUNT = 3

PREPOSITIONS: dict[str, str] = {
    "to": "to",
    "towards": "to",
    "toward": "to",
    "up to": "to",
    "over to": "to",
    "into": "to",
    "at": "to",
    "after": "after",
    "from": "from",
    "away from": "from",
    "away": "from",
    "around": "around",
    "round": "around",
    "on": "on",
    "of": "on",
    "near": "to",
    "with": "with",
    "in": "in",
}

FUNCTION_WORDS: dict[str, str] = {
    **{word: DEFINITE for word in (
            "the", "this", "that", "these", "those", "my", "your", "our", "her", "his", "their",
        )},
    **{word: INDEFINITE for word in ("a", "an", "another", "some", "new")},
    **{word: NUMBER for word in NUMBER_WORDS},
    **{word: PREPOSITION for word in PREPOSITIONS},
    **{
        word: PLAYER
        for word in ("me", "us", "myself", "here", "player", "the player", "the camera")
    },
    **{
        word: ADD
        for word in (
            "add", "adds", "spawn", "create", "summon", "bring", "bring in", "put", "place",
            "there is", "there are", "theres", "show", "show me", "give me", "i want",
            "let there be", "introduce",
        )
    },
    **{
        word: REMOVE
        for word in (
            "remove", "delete", "despawn", "erase", "get rid of", "take away", "banish",
            "hide", "clear away",
        )
    },
    **{
        word: CHANGE
        for word in (
            "make", "makes", "turn", "turns", "paint", "color", "colour", "recolor", "get",
            "gets", "become", "becomes", "is", "are", "be", "now is", "change", "changes",
            "set",
        )
    },
    **{word: GROW for word in ("grow", "grows", "growing", "enlarge")},
    **{word: SHRINK for word in ("shrink", "shrinks", "shrinking")},
    **{word: STOP for word in ("stop", "stops", "no more", "no", "end", "without", "cease")},
    **{word: CAMERA_NOUN for word in ("camera", "cam", "view", "shot", "angle")},
    **{word: CONJUNCTION for word in ("and", "then", "and then", "also", "plus", ",")},
    **{
        word: FILLER
        for word in (
            "please", "now", "can", "could", "would", "you", "i", "want", "lets", "let", "it",
            "its", "just", "look", "looks", "like", "kindly", "hey", "ok", "okay", "so",
            "very", "really", "quickly", "slowly", "again", "there", "sky", "skies", "weather",
            "lighting", "light", "style", "scene", "world", "everything", "mode", "filter",
            "effect", "more", "a bit", "bit", "much", "little bit", "start", "starts",
            "begin", "begins", "switch", "switch to", "back", "back to", "all", "time",
            "for", "by", "over", "let it", "out", "off", "up", "down", "over",
            "will", "should", "who", "which", "while", "suddenly",
            "slowly", "happily", "along", "about", "straight", "fast",
        )
    },
}  # fmt: skip
