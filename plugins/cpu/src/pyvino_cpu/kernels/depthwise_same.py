"""Depthwise 3x3, stride 1, padding 1 ("same": MobileNet's stride-1 blocks), read in place.

``depthwise3x3`` copies every channel into a zero-padded plane and copies its result rows out
again; both copies cost as much as the nine taps. With "same" padding the input and output
have one pitch, so output pixel ``q = oy*W + ox`` reads ``x[q + (i-1)*W + (j-1)]``: rows
1..H-2 are one flat, branch-free loop over the channel straight into the output, with the
epilogue fused. Its values at columns 0 and W-1 read across a row end and are redone (the
first and last rows too, each with its two input rows).
"""

from __future__ import annotations

import numba

from pyvino_cpu.kernels._jit import kernel


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


@kernel()
def depthwise3x3_same(x, w, out, bias, res, has_res, lo_, hi_, k_lo, k_hi):  # noqa: ANN001, ANN201
    """out[k] = act(3x3 "same" window of x[k] + bias[k] [+ res[k]]) for channels [k_lo, k_hi).

    Needs C-contiguous ``x``/``out``/``res`` of one spatial shape with H, W >= 3.
    """
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
