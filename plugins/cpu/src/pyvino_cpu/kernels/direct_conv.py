"""Direct stride-1 convolution for few output channels on large images (UNet, YOLO stems).

im2col copies ``C*kh*kw`` shifted images (28 MB for UNet's 48->16 layer at 128x128) and then
runs a GEMM with few rows; Winograd needs many channels to pay for its transforms. Here a
block of output rows is computed at once: the block's input rows are copied into a zero-padded
buffer whose rows have the output pitch plus the window, so output pixel ``t`` (flat over the
block) reads input ``t + i*dh*pitch + j*dw`` for tap ``(i, j)``. Four output channels are
accumulated together, one kernel row (three taps) at a time: each loaded input value feeds 12
multiply-adds and the loop over the block's pixels vectorises (12 weights stay in registers).
The block (about ``ROW_SPAN`` pixels: four accumulator rows in L1) is split among the threads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

from pyvino_cpu._packing import packed
from pyvino_cpu.kernels import Arrays, Kernel, Run
from pyvino_cpu.kernels._epilogue import SimpleEpilogue, epilogue_args
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels._jit import kernel, precompile
from pyvino_cpu.kernels._workspace import Workspace, aligned_zeros, split_with_workspace

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

# Output pixels per row block (padded pitch included): four f32 accumulator rows of this
# length take 20 KB, inside the 32-64 KB L1. Measured on the UNet/YOLO layers: blocks of 8 rows
# at 130 pitch and 4 rows at 322 beat blocks twice as large by 5-10%.
ROW_SPAN = 1280
CHANNELS_PER_PASS = 4  # output channels accumulated together (see the module docstring)
TILES_PER_THREAD = 2  # row blocks are independent: a late thread leaves its tile to others


def pack_weights(w: np.ndarray) -> np.ndarray:
    """``[K, C, kh, kw]`` zero-padded to a multiple of ``CHANNELS_PER_PASS`` output channels."""
    k = w.shape[0]
    k4 = -(-k // CHANNELS_PER_PASS) * CHANNELS_PER_PASS
    out = np.zeros((k4, *w.shape[1:]), np.float32)
    out[:k] = w
    return out


@kernel()
def fill_block(x, xp, ph, pw, iy0, rows, pitch):  # noqa: ANN001, ANN201
    """xp[c, r*pitch + q] = x[c, iy0 - ph + r, q - pw] for ``rows`` rows, zero outside x."""
    channels, height, width = x.shape
    lo, hi = min(pw, pitch), min(pitch, pw + width)  # padded columns that hold image columns
    for c in range(channels):
        for r in range(rows):
            iy = iy0 - ph + r
            dst = xp[c, r * pitch : (r + 1) * pitch]
            if 0 <= iy < height and hi > lo:
                dst[:lo] = 0.0
                dst[lo:hi] = x[c, iy, lo - pw : hi - pw]
                dst[hi:] = 0.0
            else:
                dst[:] = 0.0


@numba.njit(inline="always")
def three_taps(acc, xr, w, k, c, i, j, dw, n):  # noqa: ANN001, ANN201
    """acc[m, t] += sum over taps j..j+2 of w[k+m, c, i, tap] * xr[t + tap*dw], m < 4."""
    a0, a1, a2, a3 = acc[0], acc[1], acc[2], acc[3]
    u0, u1, u2 = w[k, c, i, j], w[k, c, i, j + 1], w[k, c, i, j + 2]
    v0, v1, v2 = w[k + 1, c, i, j], w[k + 1, c, i, j + 1], w[k + 1, c, i, j + 2]
    s0, s1, s2 = w[k + 2, c, i, j], w[k + 2, c, i, j + 1], w[k + 2, c, i, j + 2]
    z0, z1, z2 = w[k + 3, c, i, j], w[k + 3, c, i, j + 1], w[k + 3, c, i, j + 2]
    x0, x1, x2 = xr[j * dw :], xr[(j + 1) * dw :], xr[(j + 2) * dw :]
    for t in range(n):
        e0, e1, e2 = x0[t], x1[t], x2[t]
        a0[t] += u0 * e0 + u1 * e1 + u2 * e2
        a1[t] += v0 * e0 + v1 * e1 + v2 * e2
        a2[t] += s0 * e0 + s1 * e1 + s2 * e2
        a3[t] += z0 * e0 + z1 * e1 + z2 * e2


@numba.njit(inline="always")
def one_tap(acc, xr, w, k, c, i, j, dw, n):  # noqa: ANN001, ANN201
    """acc[m, t] += w[k+m, c, i, j] * xr[t + j*dw], m < 4 (the taps left over by threes)."""
    a0, a1, a2, a3 = acc[0], acc[1], acc[2], acc[3]
    u, v, s, z = w[k, c, i, j], w[k + 1, c, i, j], w[k + 2, c, i, j], w[k + 3, c, i, j]
    x0 = xr[j * dw :]
    for t in range(n):
        e = x0[t]
        a0[t] += u * e
        a1[t] += v * e
        a2[t] += s * e
        a3[t] += z * e


@kernel()
def store_rows(acc, out, k, oy0, rows, pitch, bias, res, has_res, lo, hi):  # noqa: ANN001, ANN201
    """out[k+m, oy0+r, :] = clamp(acc[m, r*pitch:] + bias [+ res], lo, hi) for real channels."""
    channels, _, width = out.shape
    for m in range(min(CHANNELS_PER_PASS, channels - k)):
        b = bias[k + m]
        for r in range(rows):
            src, dst = acc[m, r * pitch : r * pitch + width], out[k + m, oy0 + r]
            if has_res:
                rr = res[k + m, oy0 + r]
                for q in range(width):
                    dst[q] = min(max(src[q] + b + rr[q], lo), hi)
            else:
                for q in range(width):
                    dst[q] = min(max(src[q] + b, lo), hi)


@kernel()
def direct_conv_rows(  # noqa: PLR0913
    x, w, out, dh, dw, ph, pw, block, bias, res, has_res, lo, hi, oy_lo, oy_hi, xp, acc
):  # noqa: ANN001, ANN201
    """out[:, oy_lo:oy_hi] of the stride-1 convolution of x [C, H, W] by w [K4, C, kh, kw]
    (K4 a multiple of 4 >= out's K), ``block`` output rows at a time, fused epilogue.

    ``xp`` and ``acc`` are the working buffers of ``row_buffers`` (any content: every value
    read is written first)."""
    channels = x.shape[0]
    k4, _, kh, kw = w.shape
    width = out.shape[2]
    pitch = width + (kw - 1) * dw
    threes = kw // 3 * 3
    for oy0 in range(oy_lo, oy_hi, block):
        rows = min(block, oy_hi - oy0)
        fill_block(x, xp, ph, pw, oy0, rows + (kh - 1) * dh, pitch)
        n = (rows - 1) * pitch + width  # the last row's padding columns are not needed
        for k in range(0, k4, CHANNELS_PER_PASS):
            acc[:, :n] = 0.0
            for c in range(channels):
                for i in range(kh):
                    xr = xp[c, i * dh * pitch :]
                    for j in range(0, threes, 3):
                        three_taps(acc, xr, w, k, c, i, j, dw, n)
                    for j in range(threes, kw):
                        one_tap(acc, xr, w, k, c, i, j, dw, n)
            store_rows(acc, out, k, oy0, rows, pitch, bias, res, has_res, lo, hi)


# Largest output channel count that takes this kernel: with 64 channels a GEMM's 64 rows keep
# BLAS efficient (16->64 at 128x128: im2col 4.3 ms, direct 4.7 ms, 1 thread), with up to 48
# direct convolution won every layer measured (below).
MAX_DIRECT_CHANNELS = 48
# Smallest output image: at 8x8 the three kernels tie (20 us), from 16x16 direct wins.
MIN_DIRECT_PIXELS = 256


def prefer_direct(g: Window2D) -> bool:
    """3x3, stride 1, no dilation, few output channels and an image of 16x16 or more. The
    caller asks ``prefer_winograd`` first.

    Measured with one thread (ms, im2col GEMM / Winograd F(2x2) / direct, AVX2 EPYC, load 1):
    48->16 at 128x128 6.8/4.1/3.9, 16->16 at 128 2.2/1.6/1.4, 3->16 at 128 0.40/-/0.29,
    16->32 at 64 0.80/0.75/0.67, 3->16 at 320 2.3/-/2.1, 16->32 at 160 3.8/3.6/3.7 (a tie),
    24->48 at 64 2.3/2.2/1.4, 16->16 at 32 0.11/0.14/0.08. Where Winograd applies (32 or more
    channels on both sides) it won: 32->32 at 64 1.6/1.0/1.2, 64->32 at 64 2.9/1.7/2.5.
    """
    if (g.kh, g.kw, g.sh, g.sw, g.dh, g.dw) != (3, 3, 1, 1, 1, 1) or g.ph < 0 or g.pw < 0:
        return False
    return g.k <= MAX_DIRECT_CHANNELS and g.ho * g.wo >= MIN_DIRECT_PIXELS


def row_buffers(g: Window2D, block: int) -> tuple[np.ndarray, np.ndarray]:
    """``direct_conv_rows``'s working buffers for ``block`` output rows: the block's padded
    input rows ``xp`` [C, rows * pitch + window reach] (up to ~250 KB) and the accumulators
    ``acc`` [4, block * pitch]."""
    pitch = g.wo + (g.kw - 1) * g.dw
    span_rows = block + (g.kh - 1) * g.dh
    xp = aligned_zeros((g.c, span_rows * pitch + (g.kw - 1) * g.dw))
    return xp, aligned_zeros((CHANNELS_PER_PASS, block * pitch))


def block_rows(g: Window2D) -> int:
    """Output rows per block: about ``ROW_SPAN`` pixels of padded pitch."""
    pitch = g.wo + (g.kw - 1) * g.dw
    return max(1, min(g.ho, ROW_SPAN // pitch))


class DirectConv(Kernel):
    """Stride-1 convolution [N, C, H, W] x [K, C, kh, kw] by row blocks (no im2col buffer)."""

    exec_type = "direct_conv"
    accepts_epilogue = True

    def __init__(self, geom: Window2D, weights: np.ndarray) -> None:
        if (geom.sh, geom.sw) != (1, 1) or geom.ph < 0 or geom.pw < 0:
            msg = f"DirectConv needs stride 1 and non-negative padding, got {geom}"
            raise ValueError(msg)
        self.g = geom
        self.epilogue = SimpleEpilogue.none(geom.k)
        self.w = packed(weights, "direct_conv", pack_weights)
        self.block = block_rows(geom)

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        g, w, block = self.g, self.w, self.block
        x, out, res = g.images(inputs, outputs, self.epilogue.residual)
        tails = [
            epilogue_args(self.epilogue, res[i] if res is not None else None) for i in range(g.n)
        ]
        geometry = (g.dh, g.dw, g.ph, g.pw, block)
        buffers = row_buffers(g, block)
        precompile(direct_conv_rows, x[0], w, out[0], *geometry, *tails[0], 0, 0, *buffers)

        def rows(lo: int, hi: int, buffers: Workspace) -> None:  # of the (image, row) range
            while lo < hi:
                n, oy0 = divmod(lo, g.ho)
                oy1 = min(g.ho, oy0 + hi - lo)
                direct_conv_rows(x[n], w, out[n], *geometry, *tails[n], oy0, oy1, *buffers)
                lo += oy1 - oy0

        def tile_buffers() -> Workspace:
            return row_buffers(g, block)

        work = 2.0 * w.shape[0] * g.c * g.kh * g.kw * g.ho * g.wo * g.n
        total = g.n * g.ho
        return split_with_workspace(pool, total, rows, tile_buffers, block, TILES_PER_THREAD, work)
