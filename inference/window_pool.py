"""View windows of world cells kept in one device tensor, so a batch gathers them at once.

A session's window is the block of cells around it (about 4 MB). Keeping every window in
one pool [slots, cells, channels] lets the renderer read the cells under all its
sessions' rays with a single gather, instead of one per session. The pool grows by
doubling up to its capacity; past that, the least recently used window gives up its slot.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

import torch


class WindowPool:
    def __init__(self, device: torch.device, capacity: int) -> None:
        self.device, self.capacity = device, capacity
        self.pool = torch.zeros(0, device=device)  # [slots, cells, channels] once in use
        self._slots: OrderedDict[Hashable, int] = OrderedDict()  # key -> slot, oldest first
        self._free: list[int] = []

    def slots(self, keys: list[Hashable], make: Callable[[Hashable], torch.Tensor]) -> list[int]:
        """The slot of each key's window; make(key) -> [cells, channels] builds a missing
        one. Windows asked for in the same call never evict one another."""
        taken: set[int] = set()
        for key in keys:
            slot = self._slots.get(key)
            if slot is None:
                window = make(key)
                slot = self._free_slot(window, taken)
                self.pool[slot].copy_(window)
                self._slots[key] = slot
            else:
                self._slots.move_to_end(key)
            taken.add(slot)
        return [self._slots[key] for key in keys]

    def _free_slot(self, window: torch.Tensor, taken: set[int]) -> int:
        if not self._free:
            size = self.size
            if size < self.capacity:
                self._grow(window, min(self.capacity, max(1, 2 * size)))
            elif len(taken) >= size:  # every slot holds a window of this batch
                self._grow(window, size + 1)
            else:
                oldest = next(k for k, s in self._slots.items() if s not in taken)
                self._free.append(self._slots.pop(oldest))
        return self._free.pop()

    @property
    def size(self) -> int:
        return self.pool.shape[0] if self.pool.dim() == 3 else 0

    def _grow(self, window: torch.Tensor, size: int) -> None:
        old = self.size
        pool = torch.empty((size, *window.shape), dtype=window.dtype, device=self.device)
        if old:
            pool[:old].copy_(self.pool)
        self.pool = pool
        self._free.extend(range(size - 1, old - 1, -1))  # the lowest slot is used first
