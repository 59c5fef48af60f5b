"""Winograd F(4x4, 3x3) transforms: 4x4 output tiles from 6x6 input tiles (Lavin & Gray).

Four times fewer multiplications than a direct 3x3 convolution (F(2x2, 3x3): 2.25x), and the
transformed tensors hold 36 values per 16 outputs instead of 16 per 4, so the GEMMs and the
memory they stream both shrink about 1.8x on large images. Same layouts as F(2x2, 3x3):
``V[36, C, tiles]``, ``U[36, K, C]``, ``M[36, K, tiles]``, tiles in row-major order.
Interpolation points 0, +-1, +-2: the transforms' largest coefficient is 8 (errors about
1e-6 relative to the output's scale in float32).
"""

from __future__ import annotations

import numpy as np

from pyvino_cpu.kernels._epilogue import finish_row
from pyvino_cpu.kernels._jit import kernel

_G = np.array(
    [
        [1 / 4, 0, 0],
        [-1 / 6, -1 / 6, -1 / 6],
        [-1 / 6, 1 / 6, -1 / 6],
        [1 / 24, 1 / 12, 1 / 6],
        [1 / 24, -1 / 12, 1 / 6],
        [0, 0, 1],
    ],
    np.float64,
)


def transform_filters(g: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``[K, C, 3, 3]`` -> ``U[a*a, K, C]`` with ``U[a*i + j] = (g w gt)[i, j]`` for the
    ``[a, 3]`` filter transform ``g`` of a Winograd F(m, 3) (a = m + 2), computed in f64."""
    u = np.einsum("ai,kcij,bj->abkc", g, w.astype(np.float64), g)
    return np.ascontiguousarray(u.reshape(-1, w.shape[0], w.shape[1]), dtype=np.float32)


def transform_weights_f43(w: np.ndarray) -> np.ndarray:
    """``[K, C, 3, 3]`` -> ``U[36, K, C]`` with ``U[6a + b] = (G w Gt)[a, b]``."""
    return transform_filters(_G, w)


@kernel()
def input_transform_f43(x, v, ph, pw, tw, ty_lo, ty_hi, c_lo, c_hi, work):  # noqa: ANN001, ANN201
    """v[6a + b, c, t] = (Bt d Bt')[a, b] for the 6x6 tile d of channel c at tile t (zero padded).

    Vectorized along a row of tiles: the six input rows of a tile row are combined first
    (Bt d, six rows of the row's width), then each gives six planes (. B) over its tiles.
    ``work`` is ``winograd.input_workspace(4, tw)``: the padded rows (their zero columns are
    never written) and their combinations.
    """
    channels, height, width = x.shape
    span = 4 * tw + 2
    lo, hi = min(pw, span), min(span, pw + width)  # row columns inside the image
    rows, t = work[0:6], work[6:12]
    for c in range(c_lo, c_hi):
        for ty in range(ty_lo, ty_hi):
            for a in range(6):
                iy = 4 * ty - ph + a
                if 0 <= iy < height and hi > lo:
                    rows[a, lo:hi] = x[c, iy, lo - pw : hi - pw]
                else:
                    rows[a, :] = 0.0
            r0, r1, r2, r3, r4, r5 = rows[0], rows[1], rows[2], rows[3], rows[4], rows[5]
            t0, t1, t2, t3, t4, t5 = t[0], t[1], t[2], t[3], t[4], t[5]
            for k in range(span):
                t0[k] = 4.0 * r0[k] - 5.0 * r2[k] + r4[k]
                t1[k] = r3[k] + r4[k] - 4.0 * (r1[k] + r2[k])
                t2[k] = 4.0 * (r1[k] - r2[k]) - r3[k] + r4[k]
                t3[k] = 2.0 * (r3[k] - r1[k]) - r2[k] + r4[k]
                t4[k] = 2.0 * (r1[k] - r3[k]) - r2[k] + r4[k]
                t5[k] = 4.0 * r1[k] - 5.0 * r3[k] + r5[k]
            base = ty * tw
            for a in range(6):
                ta = t[a]
                d0 = v[6 * a, c, base : base + tw]
                d1 = v[6 * a + 1, c, base : base + tw]
                d2 = v[6 * a + 2, c, base : base + tw]
                d3 = v[6 * a + 3, c, base : base + tw]
                d4 = v[6 * a + 4, c, base : base + tw]
                d5 = v[6 * a + 5, c, base : base + tw]
                for q in range(tw):
                    e0, e1, e2 = ta[4 * q], ta[4 * q + 1], ta[4 * q + 2]
                    e3, e4, e5 = ta[4 * q + 3], ta[4 * q + 4], ta[4 * q + 5]
                    d0[q] = 4.0 * e0 - 5.0 * e2 + e4
                    d1[q] = e3 + e4 - 4.0 * (e1 + e2)
                    d2[q] = 4.0 * (e1 - e2) - e3 + e4
                    d3[q] = 2.0 * (e3 - e1) - e2 + e4
                    d4[q] = 2.0 * (e1 - e3) - e2 + e4
                    d5[q] = 4.0 * e1 - 5.0 * e3 + e5


@kernel()
def output_transform_f43(  # noqa: ANN201
    m,  # noqa: ANN001
    out,  # noqa: ANN001
    tw,  # noqa: ANN001
    bias,  # noqa: ANN001
    res,  # noqa: ANN001
    has_res,  # noqa: ANN001
    lo,  # noqa: ANN001
    hi,  # noqa: ANN001
    ty_lo,  # noqa: ANN001
    ty_hi,  # noqa: ANN001
    k_lo,  # noqa: ANN001
    k_hi,  # noqa: ANN001
    work,  # noqa: ANN001
):
    """out[k, 4ty + i, 4tx + j] = act((At M A)[i, j] + ...) for M = m[:, k, t] as 6x6.

    ``work`` is ``winograd.output_workspace(4, tw)``: rows ``6i + b`` hold (At M)[i, b],
    rows 24-27 the output rows (all written before they are read)."""
    channels, height, width = out.shape
    y = work[24:28]
    full = width // 4
    for k in range(k_lo, k_hi):
        for ty in range(ty_lo, ty_hi):
            base = ty * tw
            for b in range(6):  # At M, vectorized over the tiles of the row
                m0 = m[b, k, base : base + tw]
                m1 = m[6 + b, k, base : base + tw]
                m2 = m[12 + b, k, base : base + tw]
                m3 = m[18 + b, k, base : base + tw]
                m4 = m[24 + b, k, base : base + tw]
                m5 = m[30 + b, k, base : base + tw]
                s0, s1, s2, s3 = work[b], work[6 + b], work[12 + b], work[18 + b]
                for q in range(tw):
                    p12, n12 = m1[q] + m2[q], m1[q] - m2[q]
                    p34, n34 = m3[q] + m4[q], m3[q] - m4[q]
                    s0[q] = m0[q] + p12 + p34
                    s1[q] = n12 + 2.0 * n34
                    s2[q] = p12 + 4.0 * p34
                    s3[q] = n12 + 8.0 * n34 + m5[q]
            for i in range(4):
                oy = 4 * ty + i
                if oy >= height:
                    continue
                a = work[6 * i : 6 * i + 6]
                a0, a1, a2, a3, a4, a5 = a[0], a[1], a[2], a[3], a[4], a[5]
                y0, y1, y2, y3 = y[0], y[1], y[2], y[3]
                for q in range(tw):
                    p12, n12 = a1[q] + a2[q], a1[q] - a2[q]
                    p34, n34 = a3[q] + a4[q], a3[q] - a4[q]
                    y0[q] = a0[q] + p12 + p34
                    y1[q] = n12 + 2.0 * n34
                    y2[q] = p12 + 4.0 * p34
                    y3[q] = n12 + 8.0 * n34 + a5[q]
                row = out[k, oy]
                for q in range(full):
                    row[4 * q] = y0[q]
                    row[4 * q + 1] = y1[q]
                    row[4 * q + 2] = y2[q]
                    row[4 * q + 3] = y3[q]
                for j in range(width - 4 * full):  # a partial last tile
                    row[4 * full + j] = y[j, full]
                finish_row(row, bias[k], res[k % res.shape[0], oy % res.shape[1]], has_res, lo, hi)
