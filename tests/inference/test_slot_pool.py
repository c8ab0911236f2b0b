"""The slot pool keeps same-shaped entries in one tensor and reuses the oldest slot."""

from __future__ import annotations

import torch

from inference.slot_pool import SlotPool
from inference.worldgen import TileCache

CPU = torch.device("cpu")


def _window(key: int) -> torch.Tensor:
    return torch.full((4, 2), float(key))


def test_it_hands_back_the_same_slot_for_a_window_it_holds():
    pool = SlotPool(CPU, capacity=4)
    first = pool.slots([1, 2], _window)
    made = []
    again = pool.slots([2, 1], lambda key: made.append(key) or _window(key))
    assert again == first[::-1] and made == []
    assert [pool.pool[s][0, 0].item() for s in first] == [1.0, 2.0]


def test_it_reuses_the_least_recently_used_slot_when_full():
    pool = SlotPool(CPU, capacity=3)
    pool.slots([1, 2, 3], _window)
    pool.slots([1], _window)  # 2 is now the oldest
    (slot,) = pool.slots([4], _window)
    assert pool.size == 3
    assert pool.pool[slot][0, 0].item() == 4.0
    made = []
    pool.slots([1, 3, 4, 2], lambda key: made.append(key) or _window(key))
    assert made == [2]  # only the evicted window is made again


def test_windows_of_one_batch_never_evict_each_other():
    pool = SlotPool(CPU, capacity=2)
    slots = pool.slots([1, 2, 3], _window)  # more windows than the capacity at once
    assert len(set(slots)) == 3
    assert [pool.pool[s][0, 0].item() for s in slots] == [1.0, 2.0, 3.0]


def test_tile_cache_windows_hold_the_cells_around_each_place():
    cache = TileCache(window_tiles=2)
    pool, slots, origins = cache.windows(
        [(1, "meadow", 5.0, 5.0), (2, "desert", 300.0, -80.0)], CPU
    )
    for (seed, biome, _, _), slot, (ox, oz) in zip(
        [(1, "meadow", 5.0, 5.0), (2, "desert", 300.0, -80.0)], slots, origins, strict=True
    ):
        n = int(pool.shape[1] ** 0.5)
        window = pool[slot].view(n, n, -1)
        for dz, dx in ((0, 0), (n - 1, n - 1), (17, 40)):
            height, kind, _ = cache.cell(seed, biome, ox + dx + 0.5, oz + dz + 0.5)
            assert window[dz, dx, 0].item() == height
