"""The moderation verdict on what a user typed or uploaded.

`moderation_check` is the single gate every prompt, character, title, description and
director command passes; `moderation_check_image` checks uploads for nudity. Both are
offline: rules, alt-profanity-check's shipped classifier, and MiniLM similarity to
exemplars (see moderation/checks/).

The signals check each other. A flag-tier rule word ("nude", "murder", "weed") counts only
when the MiniLM probe reads the sentence the same way, and so does a block-tier one in a text
that reads as one of the benign exemplars (a vigil after a shooting).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError

from moderation.checks import CATEGORIES

Verdict = Literal["allow", "flag", "block"]

BLOCK_AT = 0.85
FLAG_AT = 0.5
MAX_CHECK_CHARS = 100_000
CHUNK_WORDS = 60  # MiniLM reads 128 tokens; long texts are checked in pieces
MAX_CHUNKS = 24  # beyond ~700 words the rules and classifier still read everything
SEVERITY = {
    "sexual/minors": 100,
    "violence/graphic": 80,
    "self-harm": 80,
    "hate": 70,
    "illicit": 60,
    "sexual": 50,
    "harassment": 40,
}
CATEGORY_NAMES = {
    "sexual": "sexual content",
    "sexual/minors": "sexual content involving minors",
    "violence/graphic": "graphic violence",
    "hate": "hate",
    "harassment": "harassment",
    "self-harm": "self-harm",
    "illicit": "illegal activity",
}
SECOND_PERSON = re.compile(r"\b(?:you|u|ur|your|youre|yourself|ya)\b")


@dataclass(frozen=True)
class ModerationResult:
    verdict: Verdict
    categories: dict[str, float] = field(default_factory=dict)  # the categories that count
    reason: str = ""
    scores: dict[str, float] = field(default_factory=dict)  # every category, 0..1
    parts: tuple[str, ...] = ()  # the words of the text that tripped the check
    signals: tuple[str, ...] = ()  # which checks fired ("rules", "classifier", "embeddings")
    context: str = ""
    elapsed_ms: float = 0.0

    @property
    def allowed(self) -> bool:
        return self.verdict != "block"

    @property
    def top_category(self) -> str:
        if not self.categories:
            return ""
        return max(self.categories, key=lambda c: (self.categories[c], SEVERITY.get(c, 0)))

    @property
    def severity(self) -> int:
        return max((SEVERITY.get(c, 30) for c in self.categories), default=0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "categories": self.categories,
            "reason": self.reason,
            "parts": list(self.parts),
            "signals": list(self.signals),
        }


ALLOW = ModerationResult(verdict="allow")


def moderation_check(*, text: str, context: str) -> ModerationResult:
    """Check `text` typed in `context` ("prompt", "character", "title", "description",
    "command", "script", "report"...). Never raises for odd text; raises TypeError when
    given something that is not text."""
    started = time.perf_counter()
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise TypeError(f"moderation_check needs text, not {type(text).__name__}.")
    if not text.strip():
        return ModerationResult(verdict="allow", context=context)
    if len(text) > MAX_CHECK_CHARS:
        return _with_time(
            ModerationResult(
                verdict="block",
                reason=f"too long to check (over {MAX_CHECK_CHARS} characters)",
                context=context,
            ),
            started,
        )
    scores, parts, signals = _score(text)
    result = _decide(scores, parts, signals, context)
    return _with_time(result, started)


def _score(text: str) -> tuple[dict[str, float], list[str], list[str]]:
    from moderation.checks.classifier import profanity
    from moderation.checks.embeddings import BENIGN_LEAD, corroborates
    from moderation.checks.normalise import normalise
    from moderation.checks.rules import benign_remainder, rule_scores

    norm = normalise(text)
    remainder = benign_remainder(norm)
    embedded, probe, lead = _embedding_scores(remainder) if remainder else ({}, {}, 0.0)
    rules, hits = rule_scores(norm)
    # A flag-tier word counts only where the sentence means it ("nude" in a museum does not),
    # and so does a block-tier word in a text that reads as one of the benign exemplars.
    rules = {
        c: s
        for c, s in rules.items()
        if (s >= BLOCK_AT and lead < BENIGN_LEAD)
        or embedded.get(c, 0.0) >= FLAG_AT
        or corroborates(c, probe)
    }
    hits = [hit for hit in hits if hit.category in rules]
    signals: list[str] = ["rules"] if rules else []
    scores = {c: rules.get(c, 0.0) for c in CATEGORIES}

    offensive = profanity(remainder) if remainder else 0.0
    targeted = bool(SECOND_PERSON.search(norm.words))
    if offensive >= 0.9:
        signals.append("classifier")
        harassment = 0.9 if (targeted and offensive >= 0.97) else 0.55
        scores["harassment"] = max(scores["harassment"], harassment)

    if embedded:
        signals.append("embeddings")
    for category, score in embedded.items():
        boosted = score
        if offensive >= 0.8 and (
            category in ("hate", "sexual") or (category == "harassment" and targeted)
        ):
            boosted = min(1.0, score + 0.2)
        if rules.get(category, 0.0) >= FLAG_AT and score >= FLAG_AT:
            boosted = max(boosted, 0.9)  # two independent signals agree
        scores[category] = max(scores[category], boosted)

    parts = _offending_parts(text, [hit.matched for hit in hits])
    return scores, parts, signals


def _embedding_scores(text: str) -> tuple[dict[str, float], dict[str, float], float]:
    """(category scores, the probe's probabilities, the lead of benign exemplars), the
    scores and probabilities highest over the chunks, the lead lowest (and none when the
    chunks stop short of the end: the rules alone read the rest)."""
    from moderation.checks.embeddings import benign_lead, embedding_scores, probe_scores

    words = text.split()
    if len(words) <= CHUNK_WORDS:
        return embedding_scores(text), probe_scores(text), benign_lead(text)
    best: dict[str, float] = {}
    probe: dict[str, float] = {}
    lead = float("inf")
    step = CHUNK_WORDS // 2
    for start in range(0, min(len(words) - step, MAX_CHUNKS * step), step):
        chunk = " ".join(words[start : start + CHUNK_WORDS])
        for category, score in embedding_scores(chunk).items():
            best[category] = max(best.get(category, 0.0), score)
        for label, p in probe_scores(chunk).items():
            probe[label] = max(probe.get(label, 0.0), p)
        lead = min(lead, benign_lead(chunk))
    if start + CHUNK_WORDS < len(words):
        lead = -1.0
    return best, probe, lead


def _decide(
    scores: dict[str, float], parts: list[str], signals: list[str], context: str
) -> ModerationResult:
    counted = {c: round(s, 3) for c, s in scores.items() if s >= FLAG_AT}
    top = max(counted.values(), default=0.0)
    if not counted:
        verdict: Verdict = "allow"
    elif top >= BLOCK_AT or counted.get("sexual/minors", 0.0) >= FLAG_AT:
        verdict = "block"
    else:
        verdict = "flag"
    reason = ""
    if counted:
        names = ", ".join(CATEGORY_NAMES[c] for c in sorted(counted, key=counted.get, reverse=True))
        reason = names
    return ModerationResult(
        verdict=verdict,
        categories=counted,
        reason=reason,
        scores={c: round(s, 3) for c, s in scores.items()},
        parts=tuple(parts),
        signals=tuple(signals),
        context=context,
    )


def _offending_parts(text: str, matched: list[str]) -> list[str]:
    """Map what the rules matched (normalised words) back to words of the original."""
    if not matched:
        return []
    from moderation.checks.normalise import normalise

    wanted = {word for m in matched for word in m.split()}
    tokens = re.findall(r"\S+", text)
    parts: list[str] = []
    run: list[str] = []
    for token in tokens:
        norm = normalise(token)
        if norm.squeezed and any(w in wanted for w in norm.squeezed.split()):
            run.append(token)
        elif run:
            parts.append(" ".join(run))
            run = []
    if run:
        parts.append(" ".join(run))
    if not parts:  # spaced-out letters and the like: the matches are the best we have
        parts = list(dict.fromkeys(matched))
    return parts[:5]


def _with_time(result: ModerationResult, started: float) -> ModerationResult:
    return replace(result, elapsed_ms=round((time.perf_counter() - started) * 1000, 2))


def moderation_warm() -> None:
    """Load the classifier and MiniLM exemplars now (about 2 s on a small CPU once the
    exemplars' embeddings are cached under VAR_DIR, 15 s the first time) rather
    than on the first command. Safe to call from a background thread."""
    from moderation.checks.classifier import load
    from moderation.checks.embeddings import warm

    load()
    warm()


def moderation_message(result: ModerationResult, *, what: str = "command") -> str:
    """What to tell the user: which part was blocked, and in which category."""
    if result.verdict == "allow":
        return ""
    category = CATEGORY_NAMES.get(result.top_category, "our rules")
    part = f" “{result.parts[0]}”" if result.parts else ""
    if result.verdict == "block":
        return f"Blocked: this {what}{' has' if part else ''}{part} ({category})."
    return f"Flagged for review: this {what}{' has' if part else ''}{part} ({category})."


def moderation_check_image(*, data: bytes) -> ModerationResult:
    """Check uploaded image bytes for explicit nudity with NudeNet's bundled model."""
    from moderation.checks.image import UnreadableImage, nudity_score

    started = time.perf_counter()
    try:
        score, findings = nudity_score(data)
    except UnreadableImage as error:
        return _with_time(
            ModerationResult(verdict="block", reason=str(error), context="image"), started
        )
    block_at = getattr(settings, "MODERATION_IMAGE_BLOCK_AT", 0.6)
    flag_at = getattr(settings, "MODERATION_IMAGE_FLAG_AT", 0.4)
    if score >= block_at:
        verdict: Verdict = "block"
    elif score >= flag_at:
        verdict = "flag"
    else:
        verdict = "allow"
    categories = {"sexual": round(score, 3)} if verdict != "allow" else {}
    labels = tuple(sorted({f.label.lower().replace("_", " ") for f in findings}))
    return _with_time(
        ModerationResult(
            verdict=verdict,
            categories=categories,
            reason="nudity" + (f" ({', '.join(labels)})" if labels else "") if categories else "",
            scores={"sexual": round(score, 3)},
            parts=labels,
            signals=("image",),
            context="image",
        ),
        started,
    )


def moderation_check_script(*, script: Any) -> ModerationResult:
    """Check every command in a clip script (a list of timed entries or {"commands":
    [...]}, each with "text"). The worst verdict wins; the parts name the commands."""
    entries = (
        script.get("commands", script.get("events", [])) if isinstance(script, dict) else script
    )
    if not isinstance(entries, list):
        raise ValidationError({"script": ["A clip script must be a list of timed commands."]})
    worst = ModerationResult(verdict="allow", context="script")
    order = {"allow": 0, "flag": 1, "block": 2}
    for entry in entries:
        text = entry.get("text", "") if isinstance(entry, dict) else entry
        if not isinstance(text, str) or not text.strip():
            continue
        result = moderation_check(text=text, context="script")
        if order[result.verdict] > order[worst.verdict] or (
            result.verdict == worst.verdict and result.severity > worst.severity
        ):
            worst = replace(result, parts=(text[:120],))
    return worst
