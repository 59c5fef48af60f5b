"""Depthwise 3x3 convolution for small output images (MobileNet's 7x7 stage), channels last.

With 49 outputs per channel, the per-channel kernel in ``depthwise.py`` spends most of its
time on per-channel and per-row overheads (rows shorter than two vectors). Here a block of
channels is transposed to ``[pixel, channel]`` in a scratch buffer that stays in L1, and the
nine taps are vector loops over the block's channels; the result is transposed back while
the epilogue is applied. On a 2-core AVX2 host: 960x7x7 stride 1 in 73-101 us instead of 158,
576x14x14 stride 2 in 98-122 us instead of 179.
"""

from __future__ import annotations

import numpy as np

from pyvino_cpu.kernels._jit import kernel
from pyvino_cpu.kernels._workspace import aligned_zeros

# Output pixels per channel up to which GroupedConv picks this kernel (7x7 = 49, 8x8 = 64);
# from 14x14 outputs on the per-channel kernel was faster (384x14x14: 128 vs 173 us).
SMALL_OUTPUT_PIXELS = 64
# Channels transposed at a time: 64 x 14x14 inputs are 50 KB, about what L1 and L2 keep close.
CHANNEL_BLOCK = 64


def pack_taps(weights: np.ndarray) -> np.ndarray:
    """[K, 1, 3, 3] depthwise weights as a contiguous tap-major [9, K] float32 matrix."""
    channels = weights.shape[0]
    return np.ascontiguousarray(weights.reshape(channels, 9).T, dtype=np.float32)


def small_workspace(in_pixels: int, out_pixels: int) -> tuple[np.ndarray, np.ndarray]:
    """``depthwise3x3_small``'s channels-last blocks of the input and the output."""
    return aligned_zeros((in_pixels, CHANNEL_BLOCK)), aligned_zeros((out_pixels, CHANNEL_BLOCK))


@kernel()
def _transpose_block(x, xt, c0, m):  # noqa: ANN001, ANN201
    """xt[iy*W + ix, c] = x[c0 + c, iy, ix] for the block's ``m`` channels."""
    _, height, width = x.shape
    for c in range(m):
        for iy in range(height):
            src = x[c0 + c, iy]
            for ix in range(width):
                xt[iy * width + ix, c] = src[ix]


@kernel()
def _taps_block(xt, taps, bias, yt, s, ph, pw, height, width, wo, c0, m):  # noqa: ANN001, ANN201
    """yt[oy*wo + ox, c] = bias + sum of the taps inside the image, for the block's channels."""
    ho = yt.shape[0] // wo
    b = bias[c0:]
    for oy in range(ho):
        for ox in range(wo):
            acc = yt[oy * wo + ox]
            for c in range(m):
                acc[c] = b[c]
            for i in range(3):
                iy = oy * s - ph + i
                if iy < 0 or iy >= height:
                    continue
                for j in range(3):
                    ix = ox * s - pw + j
                    if ix < 0 or ix >= width:
                        continue
                    src = xt[iy * width + ix]
                    wv = taps[i * 3 + j, c0:]
                    for c in range(m):
                        acc[c] += wv[c] * src[c]


@kernel()
def depthwise3x3_small(x, taps, out, s, ph, pw, bias, res, has_res, lo_, hi_, k_lo, k_hi, xt, yt):  # noqa: ANN001, ANN201
    """out[k] = act(3x3 window of x[k] + bias[k] [+ res[k]]) for channels [k_lo, k_hi).

    ``taps`` is ``pack_taps(weights)``, ``xt`` and ``yt`` are ``small_workspace`` (any
    content: the block's columns are written before they are read); the other arguments are
    those of ``depthwise3x3``.
    """
    _, height, width = x.shape
    _, ho, wo = out.shape
    for c0 in range(k_lo, k_hi, CHANNEL_BLOCK):
        m = min(CHANNEL_BLOCK, k_hi - c0)
        _transpose_block(x, xt, c0, m)
        _taps_block(xt, taps, bias, yt, s, ph, pw, height, width, wo, c0, m)
        for c in range(m):
            for oy in range(ho):
                row = out[c0 + c, oy]
                if has_res:
                    rr = res[c0 + c, oy]
                    for ox in range(wo):
                        row[ox] = min(max(yt[oy * wo + ox, c] + rr[ox], lo_), hi_)
                else:
                    for ox in range(wo):
                        row[ox] = min(max(yt[oy * wo + ox, c], lo_), hi_)
