"""Text clean-up before parsing: Unicode folding, look-alike letters, emoji and punctuation."""

from __future__ import annotations

import re
import unicodedata

MAX_COMMAND_CHARS = 500

# Cyrillic and Greek letters that render like Latin ones ("саt" with a Cyrillic с and а).
LOOK_ALIKES: dict[str, str] = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ј": "j", "ԁ": "d", "һ": "h", "ӏ": "l", "ѕ": "s", "ԛ": "q", "ԝ": "w", "ɡ": "g",
    "α": "a", "ο": "o", "ν": "v", "τ": "t", "ι": "i", "κ": "k", "ρ": "p", "υ": "u",
}  # fmt: skip
_LOOK_ALIKE_TABLE = str.maketrans(LOOK_ALIKES)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Sentence breaks that separate clauses; "and" and "then" are handled as words.
CLAUSE_BREAK = ","


def normalise(text: str) -> str:
    """Lower-case ASCII-ish text: accents dropped, look-alikes mapped, emoji removed."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LOOK_ALIKE_TABLE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("’", "'").replace("-", " ")
    text = re.sub(r"[.;!?:]", ",", text)
    return text


def words(text: str) -> list[str]:
    """The words of normalised text, with "," kept as a clause break; everything else dropped."""
    tokens: list[str] = []
    for piece in re.split(r"(,)", text):
        if piece == CLAUSE_BREAK:
            tokens.append(CLAUSE_BREAK)
            continue
        for word in _WORD.findall(piece):
            tokens.append(word.replace("'s", "s").replace("'", ""))
    return tokens
