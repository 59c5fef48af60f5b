"""MaxPool and AvgPool (1D/2D) as numba kernels, parallel over the N*C planes.

Windows are clipped to the image: max ignores padding; avg divides by the number of window
elements inside the data, or by the full kernel size when ``exclude-pad`` is false and the op
has any padding (OpenVINO's reference rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyvino_cpu.kernels import Arrays, Kernel, Run
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels._jit import kernel, precompile

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

# Work per window element in GEMM flops (the unit of MIN_PARALLEL_WORK): these scalar loops
# run far below GEMM speed (ResNet's 3x3/2 stem MaxPool: 1.3 ms for 1.8e6 window elements, the
# time of about 1e8 GEMM flops); counting 2 per element kept that pool serial.
WORK_PER_WINDOW_ELEMENT = 32.0


@kernel()
def pool2d(
    x,
    out,
    kh,
    kw,
    sh,
    sw,
    dh,
    dw,
    ph,
    pw,
    is_max,
    full_divisor,  # noqa: ANN001, ANN201
    p_lo,
    p_hi,
):
    """x [P, H, W] -> out [P, Ho, Wo] for planes [p_lo, p_hi); ``full_divisor`` > 0 overrides
    the average's count. Each output row first reduces its window's input rows into one row
    (vectorized), then reduces across the window's columns."""
    _, height, width = x.shape
    _, ho, wo = out.shape
    acc = np.empty(width, np.float32)
    for p in range(p_lo, p_hi):
        for oy in range(ho):
            rows = 0
            init = -np.inf if is_max else 0.0
            for q in range(width):
                acc[q] = init
            for i in range(kh):
                iy = oy * sh - ph + i * dh
                if iy < 0 or iy >= height:
                    continue
                rows += 1
                src = x[p, iy]
                if is_max:
                    for q in range(width):
                        acc[q] = max(acc[q], src[q])
                else:
                    for q in range(width):
                        acc[q] += src[q]
            dst = out[p, oy]
            for ox in range(wo):
                v = init
                cols = 0
                for j in range(kw):
                    ix = ox * sw - pw + j * dw
                    if 0 <= ix < width:
                        v = max(v, acc[ix]) if is_max else v + acc[ix]
                        cols += 1
                if is_max:
                    dst[ox] = v
                elif full_divisor > 0:
                    dst[ox] = v / full_divisor
                else:
                    dst[ox] = v / (rows * cols) if rows * cols > 0 else 0.0


class Pool(Kernel):
    """MaxPool-1/8/14 (values only) and AvgPool-1/14."""

    def __init__(self, geom: Window2D, is_max: bool, exclude_pad: bool) -> None:
        self.g = geom
        self.is_max = is_max
        self.full = 0 if is_max or exclude_pad or not geom.any_padding else geom.kh * geom.kw
        self.exec_type = "numba_max_pool" if is_max else "numba_avg_pool"

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        g = self.g
        x = inputs[0].reshape(g.n * g.c, g.h, g.w)
        out = outputs[0].reshape(g.n * g.k, g.ho, g.wo)
        args = (g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.ph, g.pw, self.is_max, self.full)
        precompile(pool2d, x, out, *args, 0, 0)
        work = WORK_PER_WINDOW_ELEMENT * g.kh * g.kw * g.n * g.c * g.ho * g.wo
        return pool.split(g.n * g.c, lambda lo, hi: pool2d(x, out, *args, lo, hi), work=work)
