"""Counter-based hashing: every random number is a pure function of (seed, counters).

Nothing keeps hidden generator state, so a snapshot only needs the seed, the tick and
the explicit counters in the state to reproduce every draw bit-exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the sound's process hashes with numpy alone and never loads torch
    import torch

_M32 = 0xFFFFFFFF


def hash_u32(*parts: int) -> int:
    """Mix integers into one 32-bit hash (pure Python, exact everywhere)."""
    h = 0x9E3779B9
    for p in parts:
        h = (h ^ (int(p) & _M32)) & _M32
        h = (h * 0x85EBCA6B) & _M32
        h ^= h >> 13
        h = (h * 0xC2B2AE35) & _M32
        h ^= h >> 16
    return h


def hash01(*parts: int) -> float:
    """A uniform float in [0, 1) from integers."""
    return hash_u32(*parts) / 4294967296.0


def thash(x: torch.Tensor, z: torch.Tensor, seed: int, salt: int = 0) -> torch.Tensor:
    """Lattice hash of integer tensors -> float32 in [0, 1). Works on CPU and CUDA, exactly."""
    return thash_mixed(x, z, seed_mix(seed, salt))


def seed_mix(seed: int, salt: int = 0) -> int:
    """The (seed, salt) mix that thash adds, as a signed int32."""
    s = hash_u32(seed, salt)
    return s - (1 << 32) if s >= 1 << 31 else s


def thash_mixed(x: torch.Tensor, z: torch.Tensor, s: int | torch.Tensor) -> torch.Tensor:
    """thash with the mix `s` given: an int, or an int32 tensor that broadcasts (one per
    session). Wrapping int32 arithmetic with masked (logical) right shifts: the low 32 bits
    equal the uint32 reference hash, at half the memory traffic of int64."""
    import torch

    h = x.to(torch.int32) * 374761393 + z.to(torch.int32) * 668265263 + s
    h = (h ^ ((h >> 13) & 0x7FFFF)) * 1274126177
    h = (h ^ ((h >> 16) & 0xFFFF)) * 0x45D9F3B
    h = h ^ ((h >> 15) & 0x1FFFF)
    return (h & 0xFFFFFF).to(torch.float32) * (1.0 / 16777216.0)


def nhash(idx: np.ndarray, seed: int, salt: int = 0) -> np.ndarray:
    """Hash of an int64 numpy array -> float64 in [-1, 1). Used for audio noise."""
    return nhash_mixed(idx, np.int64(hash_u32(seed, salt)))


def nhash_mixed(idx: np.ndarray, s: np.ndarray | np.int64) -> np.ndarray:
    """nhash with the (seed, salt) mix `s` given (a scalar, or per row [B, 1])."""
    h = (idx.astype(np.int64) * 2654435761 + s) & _M32
    h = ((h ^ (h >> 15)) * 0x2C1B3C6D) & _M32
    h = ((h ^ (h >> 12)) * 0x297A2D39) & _M32
    h = h ^ (h >> 15)
    return (h & 0xFFFFFF).astype(np.float64) * (2.0 / 16777216.0) - 1.0
