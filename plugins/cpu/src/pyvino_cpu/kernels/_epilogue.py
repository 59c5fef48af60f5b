"""Simple epilogues that kernels apply while storing their output: ``act(y + bias[k] + r)``.

``bias`` is per output channel, ``r`` an optional residual tensor of the output's shape, and
``act`` a clamp to ``[lo, hi]`` (Relu is ``[0, inf]``; none is ``[-inf, inf]``). Kernels that
write their output element by element (depthwise, Winograd) take it for free instead of a
second pass over memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pyvino_cpu.kernels._jit import kernel, precompile


@dataclass(frozen=True)
class SimpleEpilogue:
    bias: np.ndarray  # float32 [K] (zeros when the group has no bias)
    residual: bool  # the kernel reads one more input of the output's shape
    lo: float
    hi: float

    @classmethod
    def none(cls, channels: int) -> SimpleEpilogue:
        return cls(np.zeros(channels, np.float32), False, -np.inf, np.inf)

    @property
    def is_identity(self) -> bool:
        return (
            not self.residual and not self.bias.any() and self.lo == -np.inf and self.hi == np.inf
        )


@kernel()
def finish_row(row, bias, res, has_res, lo, hi):  # noqa: ANN001, ANN201
    """row = clamp(row + bias [+ res], lo, hi), in place (the row is still in L1)."""
    n = row.shape[0]
    if has_res:
        for q in range(n):
            row[q] = min(max(row[q] + bias + res[q], lo), hi)
    else:
        for q in range(n):
            row[q] = min(max(row[q] + bias, lo), hi)


@kernel()
def finish_block(out, bias, res, has_res, lo, hi, r0, r1, c0, c1):  # noqa: ANN001, ANN201
    """out[r, c0:c1] = clamp(out + bias[r % K] [+ res], lo, hi) for rows [r0, r1) of 2D out."""
    channels = bias.shape[0]
    for r in range(r0, r1):
        row, b = out[r, c0:c1], bias[r % channels]
        if has_res:
            rr = res[r, c0:c1]
            for q in range(c1 - c0):
                row[q] = min(max(row[q] + b + rr[q], lo), hi)
        else:
            for q in range(c1 - c0):
                row[q] = min(max(row[q] + b, lo), hi)


def bind_block(
    e: SimpleEpilogue, out: np.ndarray, residual: np.ndarray | None, rows: int, cols: int
) -> Callable[[int, int, int, int], None]:
    """``block(r0, r1, c0, c1)`` applying ``e`` to ``out`` viewed as [rows, cols]."""
    out2 = out.reshape(rows, cols)
    res2 = residual.reshape(rows, cols) if residual is not None else np.zeros((1, 1), np.float32)
    args = (e.bias, res2, e.residual, np.float32(e.lo), np.float32(e.hi))
    precompile(finish_block, out2, *args, 0, 0, 0, 0)
    return lambda r0, r1, c0, c1: finish_block(out2, *args, r0, r1, c0, c1)


def epilogue_args(e: SimpleEpilogue, residual: np.ndarray | None) -> tuple:
    """The trailing kernel arguments: bias, residual (a dummy when none), has_res, lo, hi."""
    res = residual if residual is not None else np.zeros((1, 1, 1), np.float32)
    return e.bias, res, e.residual, np.float32(e.lo), np.float32(e.hi)
