"""MatMul through single-threaded BLAS calls on row tiles (or batch tiles) of the output.

A constant right-hand side is packed once as a contiguous ``[K, N]`` matrix; when the left
side is contiguous its batch dims fold into the rows, so the op is one GEMM cut into row
tiles. Transposes are strided views, never copies. A fused epilogue (bias, GELU, ...) runs on
each tile right after its GEMM, while the tile is in cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from pyvino_cpu.kernels import Arrays, Kernel, Run
from pyvino_cpu.kernels._jit import as_f32

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

Block = Callable[[int, int, int, int], None]
TILE_BYTES = 1 << 18


def _fold(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """``a`` reshaped without copying, or None if that needs a copy."""
    try:
        return np.reshape(a, shape, copy=False)
    except ValueError:
        return None


class MatMul(Kernel):
    """MatMul-1 with inputs of rank >= 2."""

    exec_type = "gemm"

    def __init__(
        self,
        transpose_a: bool,
        transpose_b: bool,
        b_const: np.ndarray | None,
        out_shape: tuple[int, ...],
    ) -> None:
        self.ta = transpose_a
        self.tb = transpose_b
        self.b = None
        if b_const is not None:
            b = np.swapaxes(b_const, -1, -2) if transpose_b else b_const
            self.b = as_f32(b)
        self.tile_cols = out_shape[-1]  # an epilogue sees the output as [rows, N]

    def bind(
        self,
        inputs: Arrays,
        outputs: Arrays,
        scratch: Arrays,
        pool: TaskPool,
        epilogue: Block | None = None,
    ) -> Run:
        a, out = inputs[0], outputs[0]
        a = np.swapaxes(a, -1, -2) if self.ta else a
        if self.b is not None:
            b = self.b
        else:
            b = np.swapaxes(inputs[1], -1, -2) if self.tb else inputs[1]
        m, n = out.shape[-2], out.shape[-1]
        rows = out.size // n
        matmul = np.matmul
        a2 = _fold(a, (-1, a.shape[-1])) if b.ndim == 2 else None
        o2 = out.reshape(-1, n)
        if a2 is not None:  # one GEMM: tiles of rows
            grain = max(8, TILE_BYTES // (4 * max(a.shape[-1], n)))

            def body(r0: int, r1: int) -> None:
                matmul(a2[r0:r1], b, out=o2[r0:r1])
                if epilogue is not None:
                    epilogue(r0, r1, 0, n)

            return pool.split(rows, body, grain, work=2.0 * rows * n * a.shape[-1])
        batch = out.shape[:-2]
        a3 = _fold(np.broadcast_to(a, (*batch, *a.shape[-2:])), (-1, *a.shape[-2:]))
        b3 = _fold(np.broadcast_to(b, (*batch, *b.shape[-2:])), (-1, *b.shape[-2:]))
        o3 = out.reshape(-1, m, n)
        if a3 is None or b3 is None:  # batch dims that do not fold: one call

            def whole() -> None:
                matmul(a, b, out=out)
                if epilogue is not None:
                    epilogue(0, rows, 0, n)

            return whole

        def batches(i0: int, i1: int) -> None:
            matmul(a3[i0:i1], b3[i0:i1], out=o3[i0:i1])
            if epilogue is not None:
                epilogue(i0 * m, i1 * m, 0, n)

        return pool.split(o3.shape[0], batches, work=2.0 * rows * n * a.shape[-1])
