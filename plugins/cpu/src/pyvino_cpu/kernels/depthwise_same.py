"""Depthwise 3x3, stride 1, padding 1 ("same": MobileNet's stride-1 blocks).

Input and output have one pitch, so output pixel ``q = oy*W + ox`` reads
``x[q + (i-1)*W + (j-1)]``. Two schemes, chosen by image size:

- Small images (at most ``MAX_SCRATCH_PIXELS``: 28x28, 14x14): each channel is copied into a
  scratch buffer with ``W + 1`` zeros before and after it (the padding rows), and the whole
  channel is one flat, branch-free loop over the output with the epilogue fused. The window
  columns that would read across a row end are dropped by column masks (a select), so no
  pixel is redone. On a 2-core AVX2 host, one thread, bias + ReLU6: 384x14x14 in 77 us instead of 112
  (in place, below), 192x28x28 in 81 instead of 106.
- Larger images (56x56, 112x112) read in place: rows 1..H-2 are one flat loop straight into
  the output; columns 0 and W-1 read across a row end and are redone, and so are the first and
  last rows, each from its two input rows. There the copy, not the fix-ups, would dominate
  (32x112x112: 180 us with the scratch buffer, 155 in place).
"""

from __future__ import annotations

import numba
import numpy as np

from pyvino_cpu.kernels._jit import kernel
from pyvino_cpu.kernels._workspace import aligned_zeros

# Up to here the scratch buffer, both column masks and the output channel (4 bytes a pixel
# each) fit a 32 KiB L1 cache together; measured: faster at 28x28, slower at 56x56.
MAX_SCRATCH_PIXELS = 2048


@numba.njit(inline="always")
def window3x3(r0, r1, r2, t, wk):  # noqa: ANN001, ANN201
    """The 3x3 taps at flat position ``t`` of three row views ``r0, r1, r2`` (each tap at
    offset 0, 1, 2 of its row), weights ``wk`` a 9-tuple in row-major order. Inlined into the
    callers' loops, which LLVM still vectorizes: one expression for every 3x3 kernel."""
    return (
        wk[0] * r0[t] + wk[1] * r0[t + 1] + wk[2] * r0[t + 2]
        + wk[3] * r1[t] + wk[4] * r1[t + 1] + wk[5] * r1[t + 2]
        + wk[6] * r2[t] + wk[7] * r2[t + 1] + wk[8] * r2[t + 2]
    )  # fmt: skip


@kernel()
def _interior(xf, wk, b, of, rf, has_res, lo, hi, width, n):  # noqa: ANN001, ANN201
    """of[W+1+t] = act(taps at x[t + i*W + j] + b [+ rf[W+1+t]]) for t in [0, n)."""
    r0, r1, r2 = xf, xf[width:], xf[2 * width :]
    o = of[width + 1 :]
    if has_res:  # two loops, so neither tests has_res per element
        rr = rf[width + 1 :]
        for t in range(n):
            o[t] = min(max(window3x3(r0, r1, r2, t, wk) + b + rr[t], lo), hi)
    else:
        for t in range(n):
            o[t] = min(max(window3x3(r0, r1, r2, t, wk) + b, lo), hi)


@kernel()
def _pixel(xk, wk, oy, ox):  # noqa: ANN001, ANN201
    """The taps of output (oy, ox) that fall inside the image (no bias)."""
    height, width = xk.shape
    acc = 0.0
    for i in range(3):
        iy = oy - 1 + i
        if 0 <= iy < height:
            for j in range(3):
                ix = ox - 1 + j
                if 0 <= ix < width:
                    acc += wk[3 * i + j] * xk[iy, ix]
    return acc


@kernel()
def _edge_columns(xk, wk, ok):  # noqa: ANN001, ANN201
    """ok[:, 0] and ok[:, W-1] = their taps inside the image (no bias)."""
    height, width = xk.shape
    w00, w01, w02, w10, w11, w12, w20, w21, w22 = (
        wk[0], wk[1], wk[2], wk[3], wk[4], wk[5], wk[6], wk[7], wk[8]
    )  # fmt: skip
    e = width - 1
    for oy in range(1, height - 1):
        a, c, d = xk[oy - 1], xk[oy], xk[oy + 1]
        ok[oy, 0] = w01 * a[0] + w02 * a[1] + w11 * c[0] + w12 * c[1] + w21 * d[0] + w22 * d[1]
        ok[oy, e] = w00 * a[e - 1] + w01 * a[e] + w10 * c[e - 1] + w11 * c[e] + w20 * d[e - 1]
        ok[oy, e] += w21 * d[e]
    for oy in (0, height - 1):
        for ox in (0, e):
            ok[oy, ox] = _pixel(xk, wk, oy, ox)


@kernel()
def _edge_row(xk, wk, top, bottom, row, oy):  # noqa: ANN001, ANN201
    """row[1:W-1] = the taps (no bias) of output row ``oy``, the first or the last, from its
    two input rows ``top`` and ``bottom`` (window rows 1, 2 for the first, 0, 1 for the last)."""
    width = xk.shape[1]
    a = 3 if oy == 0 else 0  # weight of the window row that reads ``top``
    u0, u1, u2 = wk[a], wk[a + 1], wk[a + 2]
    v0, v1, v2 = wk[a + 3], wk[a + 4], wk[a + 5]
    d = row[1:]
    for t in range(width - 2):
        d[t] = (
            u0 * top[t] + u1 * top[t + 1] + u2 * top[t + 2]
            + v0 * bottom[t] + v1 * bottom[t + 1] + v2 * bottom[t + 2]
        )  # fmt: skip


def same_workspace(height: int, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``depthwise3x3_same``'s buffers for an ``H x W`` image: through the scratch buffer (at
    most ``MAX_SCRATCH_PIXELS``), the channel buffer with its zero margins (zeroed here once)
    and the column masks; empty arrays for images read in place."""
    if height * width > MAX_SCRATCH_PIXELS:
        return np.zeros(0, np.float32), np.zeros(0, np.bool_), np.zeros(0, np.bool_)
    margin = width + 1  # the window's reach: one row and one column
    left, right = _column_masks(height, width)
    return aligned_zeros(height * width + 2 * margin), left, right


def _column_masks(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Per flat output pixel: False where window column 0 (``left``) or 2 (``right``) lies in
    the padding."""
    columns = np.tile(np.arange(width), height)
    return columns != 0, columns != width - 1


@kernel()
def _copy_channel(xf, buf, start):  # noqa: ANN001, ANN201
    """buf[start + t] = xf[t]: one channel into the scratch buffer, between its zero margins."""
    dst = buf[start:]
    for t in range(xf.shape[0]):
        dst[t] = xf[t]


@kernel()
def _masked_taps(buf, width, wk, b, of, rf, has_res, lo, hi, left, right):  # noqa: ANN001, ANN201
    """of[q] = act(taps at buf[q + i*W + j] + b [+ rf[q]]) for every output q, window column 0
    only where left[q] and column 2 only where right[q]: selected, not multiplied by 0, so an
    infinite pixel read across a row end can't make a NaN."""
    r0, r1, r2 = buf, buf[width:], buf[2 * width :]
    zero = np.float32(0.0)
    w0, w1, w2, w3, w4, w5, w6, w7, w8 = wk
    if has_res:  # two loops, so neither tests has_res per element
        for q in range(of.shape[0]):
            v = w1 * r0[q + 1] + w4 * r1[q + 1] + w7 * r2[q + 1]
            a = w0 * r0[q] + w3 * r1[q] + w6 * r2[q]
            c = w2 * r0[q + 2] + w5 * r1[q + 2] + w8 * r2[q + 2]
            v += (a if left[q] else zero) + (c if right[q] else zero)
            of[q] = min(max(v + b + rf[q], lo), hi)
    else:
        for q in range(of.shape[0]):
            v = w1 * r0[q + 1] + w4 * r1[q + 1] + w7 * r2[q + 1]
            a = w0 * r0[q] + w3 * r1[q] + w6 * r2[q]
            c = w2 * r0[q + 2] + w5 * r1[q + 2] + w8 * r2[q + 2]
            v += (a if left[q] else zero) + (c if right[q] else zero)
            of[q] = min(max(v + b, lo), hi)


@kernel()
def _scratch_channels(x, w, out, bias, res, has_res, lo_, hi_, k_lo, k_hi, buf, left, right):  # noqa: ANN001, ANN201
    """``depthwise3x3_same`` through a zero-margined copy of each channel and column masks."""
    width = x.shape[2]
    margin = width + 1  # the window's reach: one row and one column
    for k in range(k_lo, k_hi):
        wk = w[k].reshape(-1)
        taps = (wk[0], wk[1], wk[2], wk[3], wk[4], wk[5], wk[6], wk[7], wk[8])
        of = out[k].reshape(-1)
        rf = res[k].reshape(-1) if has_res else of
        _copy_channel(x[k].reshape(-1), buf, margin)
        _masked_taps(buf, width, taps, bias[k], of, rf, has_res, lo_, hi_, left, right)


@kernel()
def _in_place_channels(x, w, out, bias, res, has_res, lo_, hi_, k_lo, k_hi):  # noqa: ANN001, ANN201
    """``depthwise3x3_same`` reading ``x`` in place, the edge rows and columns redone."""
    _, height, width = x.shape
    n = (height - 2) * width - 2
    for k in range(k_lo, k_hi):
        xk, ok = x[k], out[k]
        wk = w[k].reshape(-1)
        b = bias[k]
        of = ok.reshape(-1)
        rf = res[k].reshape(-1) if has_res else of
        taps = (wk[0], wk[1], wk[2], wk[3], wk[4], wk[5], wk[6], wk[7], wk[8])
        _interior(xk.reshape(-1), taps, b, of, rf, has_res, lo_, hi_, width, n)
        _edge_row(xk, wk, xk[0], xk[1], ok[0], 0)
        _edge_row(xk, wk, xk[height - 2], xk[height - 1], ok[height - 1], height - 1)
        for oy in (0, height - 1):  # the edge rows' inner pixels lack bias and epilogue
            row = ok[oy]
            for ox in range(1, width - 1):
                v = row[ox] + b
                if has_res:
                    v += res[k, oy, ox]
                row[ox] = min(max(v, lo_), hi_)
        _edge_columns(xk, wk, ok)
        for oy in range(height):
            for ox in (0, width - 1):
                v = ok[oy, ox] + b
                if has_res:
                    v += res[k, oy, ox]
                ok[oy, ox] = min(max(v, lo_), hi_)


@kernel()
def depthwise3x3_same(x, w, out, bias, res, has_res, lo_, hi_, k_lo, k_hi, buf, left, right):  # noqa: ANN001, ANN201
    """out[k] = act(3x3 "same" window of x[k] + bias[k] [+ res[k]]) for channels [k_lo, k_hi).

    Needs C-contiguous ``x``/``out``/``res`` of one spatial shape with H, W >= 3; ``buf``,
    ``left`` and ``right`` are ``same_workspace(H, W)`` (the buffer's zero margins are never
    written, so they stay zero from one call to the next).
    """
    _, height, width = x.shape
    if height * width <= MAX_SCRATCH_PIXELS:
        _scratch_channels(x, w, out, bias, res, has_res, lo_, hi_, k_lo, k_hi, buf, left, right)
    else:
        _in_place_channels(x, w, out, bias, res, has_res, lo_, hi_, k_lo, k_hi)
