"""Grouped and depthwise convolution as direct numba kernels, parallel over output channels.

Weights ``[G, K/G, C/G, kh, kw]`` are packed once as ``[K, C/G, kh, kw]``. Depthwise 3x3 (the
MobileNet case) copies each channel into the zero-padded phase planes of its stride and runs
all nine taps as one flat loop over the channel; other shapes accumulate tap by tap into the
output row. Outputs of at most 8x8 pixels (MobileNet's last stage) go channels-last instead
(``depthwise_small.py``), stride 1 with "same" padding reads in place
(``depthwise_same.py``) and stride 2 halving an even image de-interleaves each channel once
(``depthwise_stride2.py``). Inner loops index slices with a ``range`` counter from 0, which is
what lets LLVM vectorize them (numba cannot prove other indices non-negative: scalar code).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from pyvino_cpu.kernels import Arrays, Kernel, Run
from pyvino_cpu.kernels._epilogue import SimpleEpilogue, epilogue_args, finish_row
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels._jit import as_f32, kernel, precompile
from pyvino_cpu.kernels._workspace import Workspace, aligned_zeros, split_with_workspace
from pyvino_cpu.kernels.depthwise_same import depthwise3x3_same, same_workspace, window3x3
from pyvino_cpu.kernels.depthwise_small import (
    SMALL_OUTPUT_PIXELS,
    depthwise3x3_small,
    pack_taps,
    small_workspace,
)
from pyvino_cpu.kernels.depthwise_stride2 import (
    depthwise3x3_stride2,
    fits_stride2,
    stride2_workspace,
)

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
def fill_planes(src, planes, s, ph, pw):  # noqa: ANN001, ANN201
    """planes[a*s + b, r, t] = src[r*s + a - ph, t*s + b - pw] inside the image (s is 1 or 2).

    The stride's row and column phases of the zero-padded channel: plane ``(a, b)`` holds the
    padded rows ``a, a + s, ...`` and columns ``b, b + s, ...``. Only the inside is written; the
    zero border of ``planes`` is the same for every channel.
    """
    height, width = src.shape
    _, rows, pitch = planes.shape
    for a in range(s):
        for b in range(s):
            plane = planes[a * s + b]
            t_lo = max(0, -((b - pw) // s))  # first column t with t*s + b - pw >= 0
            t_hi = min(pitch, (width - 1 + pw - b) // s + 1)
            r_lo = max(0, -((a - ph) // s))
            r_hi = min(rows, (height - 1 + ph - a) // s + 1)
            for r in range(r_lo, r_hi):
                dst = plane[r, t_lo:]
                row = src[r * s + a - ph, t_lo * s + b - pw :]
                if s == 1:
                    for t in range(t_hi - t_lo):
                        dst[t] = row[t]
                else:  # a literal stride: LLVM vectorizes it with shuffles
                    for t in range(t_hi - t_lo):
                        dst[t] = row[2 * t]


@kernel()
def depthwise3x3(x, w, out, s, ph, pw, bias, res, has_res, lo_, hi_, k_lo, k_hi, planes, y):  # noqa: ANN001, ANN201
    """out[k] = act(3x3 window of x[k] + bias[k] [+ res[k]]) for output channels [k_lo, k_hi).

    The channel is copied into the zero-padded phase planes of the stride (one plane for
    stride 1, four for stride 2, see ``fill_planes``), each ``pitch = wo + 2 // s`` wide. Then
    every tap is the plane at a fixed flat offset, so the whole channel is one branch-free
    loop over ``(ho - 1) * pitch + wo`` positions (long enough to vectorize even for 7x7
    images; the ``pitch - wo`` positions between rows are computed and dropped). The rows are
    then stored with the epilogue. The loops index one base array at fixed offsets: with more
    distinct arrays LLVM gives up vectorizing (too many runtime alias checks). ``planes`` and
    ``y`` are ``planes_workspace`` (the planes' zero border is never written).
    """
    _, ho, wo = out.shape
    pitch = wo + 2 // s
    rows = ho + 2 // s
    flat = planes.reshape(-1)
    size = rows * pitch
    n = (ho - 1) * pitch + wo
    for k in range(k_lo, k_hi):
        fill_planes(x[k], planes, s, ph, pw)
        w00, w01, w02 = w[k, 0, 0, 0], w[k, 0, 0, 1], w[k, 0, 0, 2]
        w10, w11, w12 = w[k, 0, 1, 0], w[k, 0, 1, 1], w[k, 0, 1, 2]
        w20, w21, w22 = w[k, 0, 2, 0], w[k, 0, 2, 1], w[k, 0, 2, 2]
        b = bias[k]
        if s == 1:  # window rows 0, 1, 2 are the plane shifted by 0, 1, 2 pitches
            r0, r1, r2 = flat, flat[pitch:], flat[2 * pitch :]
            taps = (w00, w01, w02, w10, w11, w12, w20, w21, w22)
            for q in range(n):
                y[q] = window3x3(r0, r1, r2, q, taps) + b
        else:  # planes even/even, even/odd, odd/even, odd/odd (row/column phase)
            ee, eo, oe, oo = flat, flat[size:], flat[2 * size :], flat[3 * size :]
            ee2, eo2 = flat[pitch:], flat[size + pitch :]  # padded row 2*oy + 2
            for q in range(n):
                y[q] = (
                    w00 * ee[q]
                    + w01 * eo[q]
                    + w02 * ee[q + 1]
                    + w10 * oe[q]
                    + w11 * oo[q]
                    + w12 * oe[q + 1]
                    + w20 * ee2[q]
                    + w21 * eo2[q]
                    + w22 * ee2[q + 1]
                    + b
                )
        for oy in range(ho):
            row, val = out[k, oy], y[oy * pitch :]
            if has_res:
                rr = res[k, oy]
                for q in range(wo):
                    row[q] = min(max(val[q] + rr[q], lo_), hi_)
            else:
                for q in range(wo):
                    row[q] = min(max(val[q], lo_), hi_)


def planes_workspace(s: int, ho: int, wo: int) -> tuple[np.ndarray, np.ndarray]:
    """``depthwise3x3``'s buffers: the zero-bordered phase planes of stride ``s`` (zeroed
    here once) and the flat output rows ``y`` at the planes' pitch."""
    pitch, rows = wo + 2 // s, ho + 2 // s
    return aligned_zeros((s * s, rows, pitch)), aligned_zeros(ho * pitch)


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
        self.small = self.fast3x3 and geom.ho * geom.wo <= SMALL_OUTPUT_PIXELS
        self.same = (
            self.fast3x3
            and not self.small
            and (geom.sh, geom.ph, geom.pw) == (1, 1, 1)
            and (geom.ho, geom.wo) == (geom.h, geom.w)
            and min(geom.h, geom.w) >= 3
        )
        self.stride2 = (
            self.fast3x3
            and not self.small
            and geom.sh == 2
            and fits_stride2(geom.h, geom.w, geom.ho, geom.wo, geom.ph, geom.pw)
        )
        self.taps = pack_taps(self.w) if self.small else None

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        g, w, groups = self.g, self.w, self.groups
        x, out, res = g.images(inputs, outputs, self.epilogue.residual)
        contiguous = all(a is None or a.flags.c_contiguous for a in (x, out, res))
        if self.small:
            fn, args, w = depthwise3x3_small, (g.sh, g.ph, g.pw), self.taps
            workspace = functools.partial(small_workspace, g.h * g.w, g.ho * g.wo)
        elif self.same and contiguous:  # it reshapes channels to flat rows
            fn, args = depthwise3x3_same, ()
            workspace = functools.partial(same_workspace, g.h, g.w)
        elif self.stride2 and contiguous:  # it reshapes channels to flat rows too
            fn, args = depthwise3x3_stride2, (g.ph, g.pw)
            workspace = functools.partial(stride2_workspace, g.h, g.w)
        elif self.fast3x3:
            fn, args = depthwise3x3, (g.sh, g.ph, g.pw)
            workspace = functools.partial(planes_workspace, g.sh, g.ho, g.wo)
        else:
            fn, args = grouped_conv, (groups, g.sh, g.sw, g.dh, g.dw, g.ph, g.pw)
            workspace = tuple
        per_image = [
            args + epilogue_args(self.epilogue, res[i] if res is not None else None)
            for i in range(g.n)
        ]
        precompile(fn, x[0], w, out[0], *per_image[0], 0, 0, *workspace())
        k = g.k

        def body(lo: int, hi: int, buffers: Workspace) -> None:  # the (image, channel) range
            while lo < hi:
                n, k0 = divmod(lo, k)
                k1 = min(k, k0 + hi - lo)
                fn(x[n], w, out[n], *per_image[n], k0, k1, *buffers)
                lo += k1 - k0

        # in GEMM flops (the unit of MIN_PARALLEL_WORK): these loops run far below GEMM speed,
        # about a nanosecond (60 GEMM flops) per output and 250 ns per channel
        outputs = g.n * k * g.ho * g.wo
        work = (2 * self.w[0].size + 60) * outputs + 15000 * g.n * k
        return split_with_workspace(pool, g.n * k, body, workspace, work=work)
