"""A registry of world-model backends that serve through the WorldModel interface."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_FACTORIES: dict[str, Callable[..., Any]] = {}


def register_backend(name: str, factory: Callable[..., Any]) -> None:
    """Register `factory(**kw) -> WorldModel-like` under `name` (replacing any earlier one)."""
    if not name or not isinstance(name, str):
        raise ValueError("A backend needs a non-empty name.")
    _FACTORIES[name] = factory


def available_backends() -> list[str]:
    return sorted(_FACTORIES)


def get_backend(name: str = "neuro_symbolic", **kw: Any) -> Any:
    if name not in _FACTORIES:
        raise KeyError(f"Unknown backend {name!r}; registered: {', '.join(available_backends())}.")
    return _FACTORIES[name](**kw)


def _neuro_symbolic(**kw: Any) -> Any:
    from inference.model import WorldModel

    return WorldModel(**kw)


register_backend("neuro_symbolic", _neuro_symbolic)
