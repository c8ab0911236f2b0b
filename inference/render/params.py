"""Small per-frame parameter tensors, uploaded without stalling an accelerator's queue."""

from __future__ import annotations

import torch


def dev_tensor(
    values: object, device: torch.device, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """torch.tensor(values) on `device`; on CUDA via pinned memory and a non-blocking copy,
    so it does not wait for the kernels already queued (a plain copy from pageable memory
    waits for the whole queue: one stall per small tensor, dozens a frame)."""
    t = torch.tensor(values, dtype=dtype)
    if device.type == "cpu":
        return t
    return t.pin_memory().to(device, non_blocking=True)
