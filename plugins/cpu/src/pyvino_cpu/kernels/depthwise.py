"""Grouped and depthwise convolution as direct numba kernels, parallel over output channels.

Weights ``[G, K/G, C/G, kh, kw]`` are packed once as ``[K, C/G, kh, kw]``. Depthwise 3x3 (the
MobileNet case) computes each output row from three rows of a zero-padded copy of the channel
with all nine taps in registers; other shapes accumulate tap by tap into the output row.
Inner loops index slices with a ``range`` counter from 0, which is what lets LLVM vectorize
them (numba cannot prove other indices non-negative and keeps scalar code).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyvino_cpu.kernels import Kernel, Run
from pyvino_cpu.kernels._epilogue import SimpleEpilogue, epilogue_args, finish_row
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels._jit import as_f32, kernel, precompile

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool


@kernel()
def grouped_conv(
    x,
    w,
    out,
    groups,
    sh,
    sw,
    dh,
    dw,
    ph,
    pw,  # noqa: ANN001, ANN201
    bias,
    res,
    has_res,
    lo_,
    hi_,
    k_lo,
    k_hi,
):
    """out[k] = act(sum over the group's channels and taps of w[k, c, i, j] * shifted x[c])."""
    channels, height, width = x.shape
    outs, cg, kh, kw = w.shape
    _, ho, wo = out.shape
    kg = outs // groups
    for k in range(k_lo, k_hi):
        c0 = (k // kg) * cg
        for oy in range(ho):
            row = out[k, oy]
            row[:] = 0.0
            for c in range(cg):
                for i in range(kh):
                    iy = oy * sh - ph + i * dh
                    if iy < 0 or iy >= height:
                        continue
                    src = x[c0 + c, iy]
                    for j in range(kw):
                        wv = w[k, c, i, j]
                        off = j * dw - pw
                        lo = min(wo, -(off // sw)) if off < 0 else 0
                        hi = min(wo, (width - 1 - off) // sw + 1)
                        d = row[lo:]
                        s = src[lo * sw + off :]
                        if sw == 1:
                            for q in range(hi - lo):
                                d[q] += wv * s[q]
                        else:
                            for q in range(hi - lo):
                                d[q] += wv * s[q * sw]
            finish_row(row, bias[k], res[k % res.shape[0], oy % res.shape[1]], has_res, lo_, hi_)


@kernel()
def depthwise3x3(
    x,
    w,
    out,
    sh,
    sw,
    ph,
    pw,
    bias,
    res,
    has_res,
    lo_,
    hi_,  # noqa: ANN001, ANN201, C901
    k_lo,
    k_hi,
):
    """out[k] = act(3x3 window of x[k] + bias[k] [+ res[k]]) for output channels [k_lo, k_hi).

    An output row reads three input rows (a zero row above or below the image). Columns whose
    window is inside the image are one branch-free vectorized loop; the one or two border
    columns are done separately. Stride 2 first splits the three rows into even and odd
    columns in one buffer. The loops index few base arrays at fixed offsets: with more
    distinct arrays LLVM gives up vectorizing (too many runtime alias checks).
    """
    _, height, width = x.shape
    _, ho, wo = out.shape
    lo = min(wo, (pw + sw - 1) // sw)  # columns whose whole window is inside the image
    hi = max(lo, min(wo, (width - 3 + pw) // sw + 1))
    zero = np.zeros(width, np.float32)
    seg = (width + 1) // 2 + 2  # stride 2: [even r0 | odd r0 | even r1 | odd r1 | even r2 | odd r2]
    split = np.zeros(6 * seg, np.float32)
    # offsets of tap j (columns 2q - pw + j, q from lo) in its even or odd segment
    o0 = (pw % 2) * seg + lo + (-pw) // 2
    o1 = ((pw + 1) % 2) * seg + lo + (1 - pw) // 2
    o2 = (pw % 2) * seg + lo + (2 - pw) // 2
    for k in range(k_lo, k_hi):
        w00, w01, w02 = w[k, 0, 0, 0], w[k, 0, 0, 1], w[k, 0, 0, 2]
        w10, w11, w12 = w[k, 0, 1, 0], w[k, 0, 1, 1], w[k, 0, 1, 2]
        w20, w21, w22 = w[k, 0, 2, 0], w[k, 0, 2, 1], w[k, 0, 2, 2]
        b = bias[k]
        for oy in range(ho):
            iy = oy * sh - ph
            r0 = x[k, iy] if 0 <= iy < height else zero
            r1 = x[k, iy + 1] if 0 <= iy + 1 < height else zero
            r2 = x[k, iy + 2] if 0 <= iy + 2 < height else zero
            row = out[k, oy]
            d = row[lo:]
            n = hi - lo
            if sw == 1:
                a = lo - pw
                s0, s1, s2 = r0[a:], r1[a:], r2[a:]
                for q in range(n):
                    v = (
                        w00 * s0[q]
                        + w01 * s0[q + 1]
                        + w02 * s0[q + 2]
                        + w10 * s1[q]
                        + w11 * s1[q + 1]
                        + w12 * s1[q + 2]
                        + w20 * s2[q]
                        + w21 * s2[q + 1]
                        + w22 * s2[q + 2]
                    )
                    d[q] = v + b
            else:
                for i, r in enumerate((r0, r1, r2)):
                    ev, od = split[2 * i * seg :], split[(2 * i + 1) * seg :]
                    for t in range(width // 2):
                        ev[t] = r[2 * t]
                        od[t] = r[2 * t + 1]
                    if width % 2:
                        ev[width // 2] = r[width - 1]
                a0, a1, a2 = split[o0:], split[o1:], split[o2:]
                b0, b1, b2 = split[o0 + 2 * seg :], split[o1 + 2 * seg :], split[o2 + 2 * seg :]
                e0, e1, e2 = split[o0 + 4 * seg :], split[o1 + 4 * seg :], split[o2 + 4 * seg :]
                for q in range(n):
                    v = (
                        w00 * a0[q]
                        + w01 * a1[q]
                        + w02 * a2[q]
                        + w10 * b0[q]
                        + w11 * b1[q]
                        + w12 * b2[q]
                        + w20 * e0[q]
                        + w21 * e1[q]
                        + w22 * e2[q]
                    )
                    d[q] = v + b
            if has_res:  # separate loops: an aliasing read in the loop above stops vectorizing
                rr = res[k, oy, lo:]
                for q in range(n):
                    d[q] = min(max(d[q] + rr[q], lo_), hi_)
            else:
                for q in range(n):
                    d[q] = min(max(d[q], lo_), hi_)
            for side in range(2):  # border columns: [0, lo) and [hi, wo)
                for ox in range(0 if side == 0 else hi, lo if side == 0 else wo):
                    acc = b
                    for j in range(3):
                        ix = ox * sw - pw + j
                        if 0 <= ix < width:
                            acc += (
                                w[k, 0, 0, j] * r0[ix]
                                + w[k, 0, 1, j] * r1[ix]
                                + w[k, 0, 2, j] * r2[ix]
                            )
                    if has_res:
                        acc += res[k, oy, ox]
                    row[ox] = min(max(acc, lo_), hi_)


class GroupedConv(Kernel):
    """GroupConvolution (depthwise when each group has one input channel)."""

    accepts_epilogue = True

    def __init__(
        self,
        geom: Window2D,
        weights: np.ndarray,
        groups: int,
        epilogue: SimpleEpilogue | None = None,
    ) -> None:
        self.g = geom
        self.epilogue = epilogue or SimpleEpilogue.none(geom.k)
        self.groups = groups
        self.w = as_f32(weights.reshape(geom.k, geom.c // groups, geom.kh, geom.kw))
        depthwise = geom.c == groups
        self.exec_type = "numba_depthwise" if depthwise else "numba_grouped"
        self.fast3x3 = (
            depthwise
            and geom.k == geom.c
            and geom.sh == geom.sw in (1, 2)
            and (geom.kh, geom.kw, geom.dh, geom.dw) == (3, 3, 1, 1)
        )

    def bind(
        self,
        inputs: list[np.ndarray],
        outputs: list[np.ndarray],
        scratch: list[np.ndarray],
        pool: TaskPool,
    ) -> Run:
        g, w, groups = self.g, self.w, self.groups
        x = inputs[0].reshape(g.n, g.c, g.h, g.w)
        out = outputs[0].reshape(g.n, g.k, g.ho, g.wo)
        res = inputs[1].reshape(out.shape) if self.epilogue.residual else None
        if self.fast3x3:
            fn, args = depthwise3x3, (g.sh, g.sw, g.ph, g.pw)
        else:
            fn, args = grouped_conv, (groups, g.sh, g.sw, g.dh, g.dw, g.ph, g.pw)
        per_image = [
            args + epilogue_args(self.epilogue, res[i] if res is not None else None)
            for i in range(g.n)
        ]
        precompile(fn, x[0], w, out[0], *per_image[0], 0, 0)
        k = g.k

        def body(lo: int, hi: int) -> None:  # the flattened (image, output channel) range
            while lo < hi:
                n, k0 = divmod(lo, k)
                k1 = min(k, k0 + hi - lo)
                fn(x[n], w, out[n], *per_image[n], k0, k1)
                lo += k1 - k0

        work = 2 * w[0].size * g.n * k * g.ho * g.wo
        return pool.split(g.n * k, body, work=work)
