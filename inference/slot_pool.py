"""Same-shaped tensors kept in one device tensor, so a batch reads all of its own at once.

The terrain keeps each session's view window of cells here (about 4 MB each), and the sky
each seed's cloud texture: the renderer then reads every session's with one gather instead
of one per session. The pool grows by doubling up to its capacity; past that, the least
recently used entry gives up its slot, never one that the same batch asked for.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

import torch


class SlotPool:
    def __init__(self, device: torch.device, capacity: int) -> None:
        self.device, self.capacity = device, capacity
        self.pool = torch.zeros(0, device=device)  # [slots, *entry shape]
        self._slots: OrderedDict[Hashable, int] = OrderedDict()  # key -> slot, oldest first
        self._free: list[int] = []

    def slots(self, keys: list[Hashable], make: Callable[[Hashable], torch.Tensor]) -> list[int]:
        """The slot of each key's entry; make(key) builds a missing one (every entry has the
        same shape). Entries asked for in the same call never evict one another."""
        taken: set[int] = set()
        for key in keys:
            slot = self._slots.get(key)
            if slot is None:
                entry = make(key)
                slot = self._free_slot(entry, taken)
                self.pool[slot].copy_(entry)
                self._slots[key] = slot
            else:
                self._slots.move_to_end(key)
            taken.add(slot)
        return [self._slots[key] for key in keys]

    def _free_slot(self, entry: torch.Tensor, taken: set[int]) -> int:
        if not self._free:
            size = self.size
            if size < self.capacity:
                self._grow(entry, min(self.capacity, max(1, 2 * size)))
            elif len(taken) >= size:  # every slot holds an entry of this batch
                self._grow(entry, size + 1)
            else:
                oldest = next(k for k, s in self._slots.items() if s not in taken)
                self._free.append(self._slots.pop(oldest))
        return self._free.pop()

    @property
    def size(self) -> int:
        return self.pool.shape[0]

    def _grow(self, entry: torch.Tensor, size: int) -> None:
        old = self.size
        pool = torch.empty((size, *entry.shape), dtype=entry.dtype, device=self.device)
        if old:
            pool[:old].copy_(self.pool)
        self.pool = pool
        self._free.extend(range(size - 1, old - 1, -1))  # the lowest slot is used first
