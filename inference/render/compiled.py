"""A pure tensor function, compiled with TorchInductor on first call or run eagerly.

The renderer's compiled functions are written so the compiled and eager versions give the
same bits (no fused multiply-adds: see `mix`), which is what lets a failed compile
fall back to eager drawing without breaking exact replay.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import torch

log = logging.getLogger(__name__)


class MaybeCompiled:
    def __init__(self, fn: Callable[..., torch.Tensor], compiled: bool) -> None:
        self.fn = fn
        self._compiled = torch.compile(fn, dynamic=None) if compiled else None

    @property
    def is_compiled(self) -> bool:
        return self._compiled is not None

    def __call__(self, *args: Any, **kwargs: Any) -> torch.Tensor:
        if self._compiled is None:
            return self.fn(*args, **kwargs)
        try:
            return self._compiled(*args, **kwargs)
        except Exception:  # no C++ compiler, an Inductor bug: eager draws the same
            log.warning("Compiling %s failed; drawing eagerly.", self.fn.__name__, exc_info=True)
            self._compiled = None
            return self.fn(*args, **kwargs)


def mix(a: torch.Tensor, b: torch.Tensor | float, w: torch.Tensor | float) -> torch.Tensor:
    """a + (b - a) * w, rounded after each op: ATen's CPU lerp fuses a multiply-add and
    Inductor's does not, so torch.lerp would differ between eager and compiled."""
    return a + (b - a) * w
