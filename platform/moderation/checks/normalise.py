"""Fold the tricks people use to slip words past a filter into plain lowercase words.

- Unicode: NFKC (fullwidth, ligatures, circled letters), accents stripped, and Cyrillic
  and Greek look-alikes mapped to the Latin letters they imitate; zero-width and other
  invisible characters removed.
- Leetspeak: digits and symbols inside words that also hold letters ("k1ll", "s3x",
  "$uicide"); a number on its own ("3 cats") stays a number.
- Spacing: runs of single letters ("k i l l", "k.i.l.l", "k-i-l-l") are joined.
- Repeats: `squeeze` collapses runs of one letter ("kiiill" -> "kil"); rules match the
  squeezed text against squeezed patterns, so "kill", "kil" and "kiiiill" all match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters from other scripts that look like Latin ones (a subset of Unicode's confusables
# that covers what renders identically in common fonts).
CONFUSABLES = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "һ": "h",
    "ӏ": "l",
    "ь": "b",
    "г": "r",
    "п": "n",
    "и": "u",
    "л": "n",
    "д": "d",
    "з": "3",
    "ч": "4",
    "ы": "bl",
    # Greek
    "α": "a",
    "β": "b",
    "γ": "y",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "ς": "s",
    "σ": "o",
    "μ": "u",
    "λ": "a",
    "θ": "o",
    # Latin extensions and symbols that survive NFKC
    "ı": "i",
    "ȷ": "j",
    "ɡ": "g",
    "ɑ": "a",
    "ɩ": "i",
    "ʟ": "l",
    "ᴀ": "a",
    "ʙ": "b",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ɢ": "g",
    "ʜ": "h",
    "ɪ": "i",
    "ᴊ": "j",
    "ᴋ": "k",
    "ᴍ": "m",
    "ɴ": "n",
    "ᴏ": "o",
    "ᴘ": "p",
    "ʀ": "r",
    "ꜱ": "s",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ʏ": "y",
    "ᴢ": "z",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
}
LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "l",
    "+": "t",
    "€": "e",
    "£": "l",
    "¢": "c",
    "(": "c",
    "<": "c",
    "%": "x",
    "*": "",
}
INVISIBLE = dict.fromkeys(
    map(
        ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u034f\u180e"
    ),
    None,
)
# A "word" for leetspeak purposes: letters mixed with digits/symbols that stand for letters.
LEET_WORD = re.compile(r"[a-z0-9@$!|+€£¢(<%*]+")
# Single letters separated by one space or by punctuation; two or more spaces end a word.
SINGLES = re.compile(r"\b(?:[a-z](?: |[._\-*/\\,·•~] ?)){2,}[a-z]\b")
# Spaced-out letters with leetspeak among them ("p 0 r n"): single characters in a run.
SPACED_LEET = re.compile(
    r"(?<!\S)(?:[a-z0-9@$!|+€£¢(<%](?: |[._\-/\\,·•~] ?)){2,}[a-z0-9@$!|+€£¢(<%](?!\S)"
)
NON_WORD = re.compile(r"[^a-z0-9]+")
REPEATS = re.compile(r"([a-z])\1+")


@dataclass(frozen=True)
class Normalised:
    original: str
    plain: str  # look-alikes folded, lowercase, single spaces: for the models
    words: str  # plus leetspeak and joined spacing, punctuation dropped: for rules
    squeezed: str  # `words` with repeated letters collapsed

    def variants(self) -> tuple[str, ...]:
        return (self.words, self.squeezed)


def fold_unicode(text: str) -> str:
    text = text.translate(INVISIBLE)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(CONFUSABLES.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _deleet_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if not any(ch.isalpha() for ch in word):
        return word  # a number stays a number
    if word.isalpha():
        return word
    return "".join(LEET.get(ch, ch) for ch in word)


def _deleet_spaced(match: re.Match[str]) -> str:
    run = match.group(0)
    if sum(ch.isalpha() for ch in run) < 3:
        return run  # "5 p m" or "a 3 d" are not a word spelt out
    return "".join(LEET.get(ch, ch) if not ch.isspace() else ch for ch in run)


def _join_singles(match: re.Match[str]) -> str:
    return re.sub(r"[^a-z]", "", match.group(0))


def squeeze(text: str) -> str:
    return REPEATS.sub(r"\1", text)


@lru_cache(maxsize=4096)
def normalise(text: str) -> Normalised:
    folded = fold_unicode(text or "")
    plain = " ".join(folded.split())
    words = re.sub(r"[\t\r\n\f\v]", "  ", folded)
    words = LEET_WORD.sub(_deleet_word, words)
    words = SPACED_LEET.sub(_deleet_spaced, words)
    words = SINGLES.sub(_join_singles, words)
    words = " ".join(NON_WORD.sub(" ", words).split())
    return Normalised(original=text, plain=plain, words=words, squeezed=squeeze(words))
