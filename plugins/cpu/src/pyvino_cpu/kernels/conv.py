"""Convolution through BLAS GEMM: 1x1 directly, KxK via im2col (also strided 1x1).

Weights are pre-packed once as ``[K, C*kh*kw]``; the activation is the right-hand operand
``[C*kh*kw, Ho*Wo]`` so the GEMM writes NCHW output directly into its preallocated buffer.
The output pixels are cut into column tiles (one per thread: each GEMM call re-packs the
weights, so tiles stay big); a tile's im2col, GEMM and fused epilogue run back to back.
Small outputs (ResNet's 14x14, 7x7) copy im2col first, split among the threads, then split
the GEMM by output channels. The im2col copies themselves are in ``_im2col``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from pyvino_cpu._parallel import GEMM_TILES_PER_THREAD, MIN_PARALLEL_WORK
from pyvino_cpu.kernels import Arrays, Kernel, Run
from pyvino_cpu.kernels._epilogue import SimpleEpilogue, bind_block
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels._im2col import Im2col, im2col
from pyvino_cpu.kernels._jit import as_f32

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

__all__ = ["ConvGemm", "im2col"]  # im2col lives in _im2col; kept importable from here

Block = Callable[[int, int, int, int], None]
# Narrowest column tile (output pixels) per thread: 1x1 GEMMs read the input in place and
# split by output channels below this; im2col convolutions keep pixel tiles down to 64 (stride
# 2 layers of ResNet at 28x28 and 14x14 outputs: the GEMM on half the pixels costs what it
# costs on half the channels, and the tile's im2col runs in parallel with the other tile's).
POINTWISE_GRAIN = 256
# Why a 1x1 tile is one BLAS call followed by the epilogue (measured on 2-core AMD EPYC,
# AVX2, 1 thread, median/min us, load 1.0-1.3): for MobileNetV2's 16->96 at 112x112 the GEMM
# alone takes 787/705 and GEMM + bias/ReLU6 802/755; 32->16 at 112x112 with residual 267/242
# vs 272/248. The second pass over the (L3-resident) output costs 2-6%, so fusing it buys
# little. Rejected: BLAS on 1024-4096 pixel sub-tiles with the epilogue after each (970, 904,
# 818 for 16->96: each call re-packs), and numba kernels storing the finished output once
# (1557-1964 for 16->96, 447-647 for 32->16: numba does not register-block the small GEMM).
IM2COL_GRAIN = 64
# An im2col copy in GEMM flops (the unit of MIN_PARALLEL_WORK): measured about 1 ns per
# value for stride 2 (ResNet-18: 0.47 ms for 64x9 rows of 784 pixels), 40 GEMM flops' time.
COPY_WORK = 40.0


class ConvGemm(Kernel):
    """Convolution [N, C, H, W] x [K, C, kh, kw] as GEMMs on column tiles of the output."""

    accepts_epilogue = True

    def __init__(self, geom: Window2D, weights: np.ndarray) -> None:
        self.g = geom
        self.epilogue = SimpleEpilogue.none(geom.k)
        self.w2 = as_f32(weights.reshape(geom.k, -1))
        self.pointwise = geom.is_pointwise
        self.exec_type = "gemm_1x1" if self.pointwise else "im2col_gemm"
        self.tile_cols = geom.ho * geom.wo  # an epilogue sees the output as [N*K, Ho*Wo]

    def scratch(self) -> list[tuple[tuple[int, ...], np.dtype]]:
        if self.pointwise:
            return []
        g = self.g
        return [((g.c * g.kh * g.kw, g.ho * g.wo), np.dtype(np.float32))]

    def bind(
        self,
        inputs: Arrays,
        outputs: Arrays,
        scratch: Arrays,
        pool: TaskPool,
        epilogue: Block | None = None,
    ) -> Run:
        g, w2, k = self.g, self.w2, self.g.k
        pixels = g.ho * g.wo
        x = inputs[0].reshape(g.n, g.c, g.h * g.w)
        out = outputs[0].reshape(g.n, k, pixels)
        matmul = np.matmul
        depth = w2.shape[1]
        if epilogue is None and not self.epilogue.is_identity:
            res = inputs[1] if self.epilogue.residual else None
            epilogue = bind_block(self.epilogue, outputs[0], res, g.n * k, pixels)
        # GEMM calls re-pack the weights: few big tiles, just enough to share the work. With
        # im2col, pixel tiles are taken down to narrower ones: a tile's im2col and GEMM then run
        # back to back on one thread, where splitting the GEMM by output channels first needs
        # the whole (serial or separately parallel) im2col.
        grain = POINTWISE_GRAIN if self.pointwise else IM2COL_GRAIN
        work = 2.0 * k * depth * pixels * g.n
        windows = None
        if self.pointwise:

            def tile(n: int, p0: int, p1: int) -> None:
                matmul(w2, x[n, :, p0:p1], out=out[n, :, p0:p1])
        else:
            col = scratch[0]
            windows = Im2col(g, inputs[0].reshape(g.n, g.c, g.h, g.w), col)

            def tile(n: int, p0: int, p1: int) -> None:
                windows.copy(n, p0, p1)
                matmul(w2, col[:, p0:p1], out=out[n, :, p0:p1])

        def body(lo: int, hi: int) -> None:  # tiles of the flattened (image, pixel) range
            while lo < hi:
                n, p0 = divmod(lo, pixels)
                p1 = min(pixels, p0 + hi - lo)
                tile(n, p0, p1)
                if epilogue is not None:
                    epilogue(n * k, (n + 1) * k, p0, p1)
                lo += p1 - p0

        if pool.threads > 1 and pixels < 2 * grain * pool.threads and work >= MIN_PARALLEL_WORK:
            return self._bind_rows(x, out, windows, scratch, pool, epilogue, work)
        if self.pointwise:
            return pool.split(g.n * pixels, body, grain, GEMM_TILES_PER_THREAD, work)
        runs = [  # one col buffer: the images one after another
            windows.after_prepare(
                n,
                pool.split(
                    pixels,
                    lambda a, b, n=n: body(n * pixels + a, n * pixels + b),
                    grain,
                    GEMM_TILES_PER_THREAD,
                    work / g.n,
                ),
            )
            for n in range(g.n)
        ]
        return _sequence(runs) if g.n > 1 else runs[0]

    def _bind_rows(
        self,
        x: np.ndarray,
        out: np.ndarray,
        windows: Im2col | None,
        scratch: list[np.ndarray],
        pool: TaskPool,
        epilogue: Block | None,
        work: float,
    ) -> Run:
        """Small images: im2col (``windows``, shared by the threads), then the GEMM split by
        output channels."""
        g, w2, k = self.g, self.w2, self.g.k
        pixels = g.ho * g.wo
        if windows is None:
            cols = [x[n] for n in range(g.n)]
            prepare = [lambda: None] * g.n
        else:
            col = scratch[0]
            cols = [col] * g.n
            copies = COPY_WORK * col.shape[0] * pixels
            prepare = [windows.whole_image(pool, n, 64, copies) for n in range(g.n)]
        matmul = np.matmul
        runs: list[Run] = []
        for n in range(g.n):

            def rows(k0: int, k1: int, n: int = n) -> None:
                matmul(w2[k0:k1], cols[n], out=out[n, k0:k1])
                if epilogue is not None:
                    epilogue(n * k + k0, n * k + k1, 0, pixels)

            runs += [prepare[n], pool.split(k, rows, 16, GEMM_TILES_PER_THREAD, work / g.n)]
        return _sequence(runs)


def _sequence(runs: list[Run]) -> Run:
    def run() -> None:
        for step in runs:
            step()

    return run
