"""Moderation services.

`moderation_check` is the single gate every prompt, title and director command passes.
Until the classifier lands it allows everything, with the signature it will keep.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["allow", "flag", "block"]


@dataclass(frozen=True)
class ModerationResult:
    verdict: Verdict
    categories: dict[str, float] = field(default_factory=dict)
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.verdict != "block"

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "categories": self.categories, "reason": self.reason}


def moderation_check(*, text: str, context: str) -> ModerationResult:
    """Check `text` typed in `context` ("prompt", "character", "title", "command", ...)."""
    return ModerationResult(verdict="allow")
