"""Winograd F(2x2, 3x3) and F(4x4, 3x3) for 3x3 stride-1 convolutions.

Each 2x2 output tile comes from a 4x4 input tile: ``V = Bt d B`` per channel and tile, 16
batched GEMMs ``M[e] = U[e] @ V[e]`` with the pre-transformed weights ``U = G g Gt``
(``[16, K, C]``, packed once), then ``Y = At M A``. Large images use 4x4 output tiles
(``winograd_f43``: 36 GEMMs over 4x fewer tiles). Used where it beats im2col (see
``prefer_winograd``, measured on AVX2).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from pyvino_cpu._packing import packed
from pyvino_cpu._parallel import GEMM_TILES_PER_THREAD, MIN_PARALLEL_WORK
from pyvino_cpu.kernels import Arrays, Kernel, Run
from pyvino_cpu.kernels._epilogue import SimpleEpilogue, epilogue_args, finish_row
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels._jit import kernel, precompile
from pyvino_cpu.kernels._workspace import Workspace, aligned_zeros, split_with_workspace
from pyvino_cpu.kernels.winograd_f43 import (
    input_transform_f43,
    output_transform_f43,
    transform_filters,
    transform_weights_f43,
)

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

ROWS_PER_THREAD = 8
# F(4x4, 3x3) from this many 4x4 tiles on (28x28 outputs: 49): measured 1.25-1.35x faster than
# F(2x2, 3x3) at 56x56x64 and 28x28x128; at 14x14 (16 tiles, 30% of them padding) slower.
MIN_F43_TILES = 36
# ... and channels: its rounding error is about 2.5x F(2x2, 3x3)'s, and UNet's chains of
# 32-channel layers took the output past rtol 1e-4 of the reference; the gain is smaller there.
MIN_F43_CHANNELS = 64

_G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]], np.float64)


def transform_weights(w: np.ndarray) -> np.ndarray:
    """``[K, C, 3, 3]`` -> ``U[16, K, C]`` with ``U[4a + b] = (G w Gt)[a, b]``."""
    return transform_filters(_G, w)


@kernel()
def input_transform(x, v, ph, pw, tw, ty_lo, ty_hi, c_lo, c_hi, work):  # noqa: ANN001, ANN201
    """v[4a + b, c, t] = (Bt d B)[a, b] for the 4x4 tile d of channel c at tile t (zero padded).

    Vectorized along a row of tiles: the four input rows of a tile row are combined first
    (Bt d), split into even and odd columns, then each gives four planes (. B). ``work`` is
    ``input_workspace(2, tw)``: the padded rows (their zero columns are never written), the
    combined rows, even and odd columns.
    """
    channels, height, width = x.shape
    span = 2 * tw + 2
    lo, hi = min(pw, span), min(span, pw + width)  # row columns inside the image
    rows, t = work[0:4], work[4:8]
    even, odd = work[8, : tw + 1], work[9, : tw + 1]
    for c in range(c_lo, c_hi):
        for ty in range(ty_lo, ty_hi):
            for a in range(4):
                iy = 2 * ty - ph + a
                if 0 <= iy < height and hi > lo:
                    rows[a, lo:hi] = x[c, iy, lo - pw : hi - pw]
                else:
                    rows[a, :] = 0.0
            r0, r1, r2, r3 = rows[0], rows[1], rows[2], rows[3]
            t0, t1, t2, t3 = t[0], t[1], t[2], t[3]
            for k in range(span):
                t0[k] = r0[k] - r2[k]
                t1[k] = r1[k] + r2[k]
                t2[k] = r2[k] - r1[k]
                t3[k] = r1[k] - r3[k]
            base = ty * tw
            for a in range(4):
                ta = t[a]
                for q in range(tw + 1):
                    even[q] = ta[2 * q]
                    odd[q] = ta[2 * q + 1]
                d0 = v[4 * a, c, base : base + tw]
                d1 = v[4 * a + 1, c, base : base + tw]
                d2 = v[4 * a + 2, c, base : base + tw]
                d3 = v[4 * a + 3, c, base : base + tw]
                for q in range(tw):
                    d0[q] = even[q] - even[q + 1]
                    d1[q] = odd[q] + even[q + 1]
                    d2[q] = even[q + 1] - odd[q]
                    d3[q] = odd[q] - odd[q + 1]


@kernel()
def output_transform(
    m,
    out,
    tw,
    bias,
    res,
    has_res,
    lo,
    hi,  # noqa: ANN001, ANN201
    ty_lo,
    ty_hi,
    k_lo,
    k_hi,
    work,
):
    """out[k, 2ty + i, 2tx + j] = act((At M A)[i, j] + ...) for M = m[:, k, t] as 4x4.

    ``work`` is ``output_workspace(2, tw)``: rows ``4i + b`` hold (At M)[i, b], rows 8 and 9
    the output rows (all written before they are read)."""
    channels, height, width = out.shape
    for k in range(k_lo, k_hi):
        for ty in range(ty_lo, ty_hi):
            base = ty * tw
            for b in range(4):  # At M, vectorized over the tiles of the row
                m0 = m[b, k, base : base + tw]
                m1 = m[4 + b, k, base : base + tw]
                m2 = m[8 + b, k, base : base + tw]
                m3 = m[12 + b, k, base : base + tw]
                s0, s1 = work[b], work[4 + b]
                for q in range(tw):
                    s0[q] = m0[q] + m1[q] + m2[q]
                    s1[q] = m1[q] - m2[q] - m3[q]
            for i in range(2):
                oy = 2 * ty + i
                if oy >= height:
                    continue
                a0, a1, a2, a3 = work[4 * i], work[4 * i + 1], work[4 * i + 2], work[4 * i + 3]
                y0, y1 = work[8], work[9]
                for q in range(tw):
                    y0[q] = a0[q] + a1[q] + a2[q]
                    y1[q] = a1[q] - a2[q] - a3[q]
                row = out[k, oy]
                for q in range(width // 2):
                    row[2 * q] = y0[q]
                    row[2 * q + 1] = y1[q]
                if width % 2:
                    row[width - 1] = y0[width // 2]
                finish_row(row, bias[k], res[k % res.shape[0], oy % res.shape[1]], has_res, lo, hi)


def input_workspace(tile: int, tw: int) -> np.ndarray:
    """The input transform's rows for ``tw`` tiles of F(tile x tile, 3x3), zeroed once: the
    padded input rows and their combinations (``tile + 2`` each), and for F(2x2) the even
    and odd columns."""
    rows = 2 * (tile + 2) + (2 if tile == 2 else 0)
    return aligned_zeros((rows, tile * tw + 2))


def output_workspace(tile: int, tw: int) -> np.ndarray:
    """The output transform's rows for ``tw`` tiles: ``tile * (tile + 2)`` rows of At M, then
    ``tile`` output rows."""
    return aligned_zeros((tile * (tile + 2) + tile, tw))


def prefer_winograd(g: Window2D) -> bool:
    """3x3, stride 1, no dilation, and enough channels that the GEMMs dominate the transforms."""
    if (g.kh, g.kw, g.sh, g.sw, g.dh, g.dw) != (3, 3, 1, 1, 1, 1):
        return False
    tiles = ((g.ho + 1) // 2) * ((g.wo + 1) // 2)
    return g.c >= 32 and g.k >= 32 and tiles >= 16


def output_tile(g: Window2D) -> int:
    """4 (F(4x4, 3x3)) for images with enough 4x4 tiles, else 2 (F(2x2, 3x3))."""
    large = ((g.ho + 3) // 4) * ((g.wo + 3) // 4) >= MIN_F43_TILES
    return 4 if large and min(g.c, g.k) >= MIN_F43_CHANNELS else 2


class Winograd(Kernel):
    """3x3 stride-1 convolution as Winograd F(2x2, 3x3) or F(4x4, 3x3) (``tile`` 2 or 4)."""

    exec_type = "winograd"
    accepts_epilogue = True

    def __init__(self, geom: Window2D, weights: np.ndarray, tile: int | None = None) -> None:
        self.g = geom
        self.epilogue = SimpleEpilogue.none(geom.k)
        self.tile = tile or output_tile(geom)
        if self.tile == 4:
            self.u = packed(weights, "winograd_f43", transform_weights_f43)
            self.transforms = (input_transform_f43, output_transform_f43)
        else:
            self.u = packed(weights, "winograd", transform_weights)  # shared by specialisations
            self.transforms = (input_transform, output_transform)
        self.th = (geom.ho + self.tile - 1) // self.tile
        self.tw = (geom.wo + self.tile - 1) // self.tile

    def scratch(self) -> list[tuple[tuple[int, ...], np.dtype]]:
        t, f32, e = self.th * self.tw, np.dtype(np.float32), self.u.shape[0]
        return [((e, self.g.c, t), f32), ((e, self.g.k, t), f32)]

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        g, u, th, tw = self.g, self.u, self.th, self.tw
        to_v, from_m = self.transforms
        x, out, res = g.images(inputs, outputs, self.epilogue.residual)
        v, m = scratch
        tails = [
            epilogue_args(self.epilogue, res[i] if res is not None else None) for i in range(g.n)
        ]
        tile = self.tile

        def transform_rows() -> Workspace:  # a tile's (input, output) transform buffers
            return input_workspace(tile, tw), output_workspace(tile, tw)

        rows_in, rows_out = transform_rows()
        precompile(to_v, x[0], v, g.ph, g.pw, tw, 0, 0, 0, 0, rows_in)
        precompile(from_m, m, out[0], tw, *tails[0], 0, 0, 0, 0, rows_out)
        matmul = np.matmul
        c, k = g.c, g.k

        def rows(n: int, ty0: int, ty1: int, work: Workspace) -> None:  # transform, GEMM, back
            to_v(x[n], v, g.ph, g.pw, tw, ty0, ty1, 0, c, work[0])
            t0, t1 = ty0 * tw, ty1 * tw
            matmul(u, v[:, :, t0:t1], out=m[:, :, t0:t1])
            from_m(m, out[n], tw, *tails[n], ty0, ty1, 0, k, work[1])

        work = 2.0 * u.shape[0] * k * c * th * tw  # GEMM flops per image
        runs: list[Run] = []
        for n in range(g.n):
            if (
                pool.threads > 1
                and th * self.tile < 2 * ROWS_PER_THREAD * pool.threads
                and work >= MIN_PARALLEL_WORK
            ):
                # few tile rows: transform channel ranges, then GEMM and output by channels
                def inputs_(c0: int, c1: int, ws: Workspace, n: int = n) -> None:
                    to_v(x[n], v, g.ph, g.pw, tw, 0, th, c0, c1, ws[0])

                def outputs_(k0: int, k1: int, ws: Workspace, n: int = n) -> None:
                    matmul(u[:, k0:k1], v, out=m[:, k0:k1])
                    from_m(m, out[n], tw, *tails[n], 0, th, k0, k1, ws[1])

                runs += [
                    split_with_workspace(pool, c, inputs_, transform_rows, 8, 2, work / 8),
                    split_with_workspace(
                        pool, k, outputs_, transform_rows, 16, GEMM_TILES_PER_THREAD, work
                    ),
                ]
            else:
                body = functools.partial(rows, n)
                tiles = GEMM_TILES_PER_THREAD
                runs.append(split_with_workspace(pool, th, body, transform_rows, 2, tiles, work))
        if len(runs) == 1:
            return runs[0]

        def run_all() -> None:  # one V/M scratch: the images one after another
            for run in runs:
                run()

        return run_all
