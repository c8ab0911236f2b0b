"""RGB frames to the encoder's YUV 4:2:0, on the device that drew them.

libx264 takes planar YUV 4:2:0. Converting 720p RGB on the CPU (swscale) costs each
segment encoder about a sixth of its time; on a GPU it costs a fraction of a millisecond
for a whole batch and halves the bytes copied back to the host.
"""

from __future__ import annotations

import torch


def yuv420_fits(width: int, height: int) -> bool:
    """Whether FFmpeg's yuv420p layout packs into one [H * 3 / 2, W] array: each chroma
    plane (H/2 x W/2) must fill whole rows of W."""
    return width % 2 == 0 and height % 4 == 0


@torch.inference_mode()
def rgb_to_yuv420(frames: torch.Tensor) -> torch.Tensor:
    """[B, H, W, 3] uint8 RGB -> [B, H * 3 / 2, W] uint8: the Y plane, then U and V at half
    width and height, as FFmpeg's yuv420p lays them out. BT.601 limited range in swscale's
    integer arithmetic; chroma is the mean of each 2x2 block."""
    B, H, W, _ = frames.shape
    if not yuv420_fits(W, H):
        raise ValueError(f"{W}x{H} does not pack into yuv420p rows.")
    r, g, b = frames.to(torch.int32).unbind(-1)  # [B, H, W] each
    y = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16  # [B, H, W]

    def block_sum(plane: torch.Tensor) -> torch.Tensor:
        return plane.view(B, H // 2, 2, W // 2, 2).sum(dim=(2, 4))  # [B, H/2, W/2]

    rs, gs, bs = block_sum(r), block_sum(g), block_sum(b)  # four pixels each: scale >> 10
    u = ((-38 * rs - 74 * gs + 112 * bs + 512) >> 10) + 128
    v = ((112 * rs - 94 * gs - 18 * bs + 512) >> 10) + 128
    planes = torch.cat([y.flatten(1), u.flatten(1), v.flatten(1)], dim=1)  # [B, H*W*3/2]
    return planes.to(torch.uint8).view(B, H * 3 // 2, W)
