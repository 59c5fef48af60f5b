"""Softmax and mean-variance normalization (MVN, LayerNorm) as numba kernels.

Softmax works on ``[outer, n, inner]`` (the axis in the middle); normalization on rows
``[rows, n]`` over the trailing axes, with an optional fused scale and shift (LayerNorm's
gamma and beta, broadcast along the row).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from pyvino_cpu.kernels import Arrays, Kernel, Run
from pyvino_cpu.kernels._jit import as_f32, kernel, precompile
from pyvino_cpu.kernels._math import exp32

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool


@kernel()
def softmax_rows(x, out, r_lo, r_hi):  # noqa: ANN001, ANN201
    """Softmax of rows [r_lo, r_hi) of ``x [rows, n]`` (the axis is the last one)."""
    n = x.shape[1]
    for r in range(r_lo, r_hi):
        src, dst = x[r], out[r]
        m = src[0]
        for j in range(n):
            m = max(m, src[j])
        s = np.float32(0.0)
        for j in range(n):
            e = exp32(src[j] - m)
            dst[j] = e
            s += e
        inv = np.float32(1.0) / s
        for j in range(n):
            dst[j] *= inv


@kernel()
def softmax(x, out, o_lo, o_hi):  # noqa: ANN001, ANN201
    """Softmax of ``x [outer, n, inner]`` along the middle axis (vectorized along ``inner``)
    for outer indices [o_lo, o_hi)."""
    _, n, inner = x.shape
    for o in range(o_lo, o_hi):
        m = x[o, 0].copy()
        for j in range(1, n):
            row = x[o, j]
            for i in range(inner):
                m[i] = max(m[i], row[i])
        s = np.zeros(inner, np.float32)
        for j in range(n):
            row, dst = x[o, j], out[o, j]
            for i in range(inner):
                e = exp32(row[i] - m[i])
                dst[i] = e
                s[i] += e
        for j in range(n):
            dst = out[o, j]
            for i in range(inner):
                dst[i] /= s[i]


@kernel()
def normalize_rows(
    x,
    out,
    gamma,
    beta,
    eps,
    inside,
    scale_var,
    affine,  # noqa: ANN001, ANN201
    r_lo,
    r_hi,
):
    """(x - mean) [/ sqrt(var + eps) or / (sqrt(var) + eps)] [* gamma + beta] per row."""
    n = x.shape[1]
    for r in range(r_lo, r_hi):
        mean = 0.0
        for j in range(n):
            mean += x[r, j]
        mean /= n
        inv = 1.0
        if scale_var:
            var = 0.0
            for j in range(n):
                d = x[r, j] - mean
                var += d * d
            var /= n
            inv = 1.0 / math.sqrt(var + eps) if inside else 1.0 / (math.sqrt(var) + eps)
        if affine:
            for j in range(n):
                out[r, j] = (x[r, j] - mean) * inv * gamma[j] + beta[j]
        else:
            for j in range(n):
                out[r, j] = (x[r, j] - mean) * inv


class Softmax(Kernel):
    """Softmax-1/8 on f32 along any axis."""

    exec_type = "numba_softmax"

    def __init__(self, shape: tuple[int, ...], axis: int) -> None:
        outer = int(np.prod(shape[:axis], dtype=np.int64))
        inner = int(np.prod(shape[axis + 1 :], dtype=np.int64))
        self.view = (outer, shape[axis], inner)

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        view = self.view if self.view[2] > 1 else self.view[:2]
        fn = softmax if len(view) == 3 else softmax_rows
        x, out = inputs[0].reshape(view), outputs[0].reshape(view)
        precompile(fn, x, out, 0, 0)
        work = 20 * x.size
        return pool.split(view[0], lambda lo, hi: fn(x, out, lo, hi), work=work)


class Normalize(Kernel):
    """MVN over trailing axes, or a fused LayerNorm (MVN * gamma + beta)."""

    def __init__(
        self,
        shape: tuple[int, ...],
        axes: int,
        eps: float,
        inside: bool,
        scale_var: bool,
        gamma: np.ndarray | None = None,
        beta: np.ndarray | None = None,
        exec_type: str = "numba_mvn",
    ) -> None:
        n = int(np.prod(shape[len(shape) - axes :], dtype=np.int64))
        self.view = (int(np.prod(shape, dtype=np.int64)) // max(n, 1), n)
        self.affine = gamma is not None
        ones = np.ones(n, np.float32)
        self.gamma = as_f32(np.broadcast_to(gamma, (n,))) if gamma is not None else ones
        self.beta = as_f32(np.broadcast_to(beta, (n,))) if beta is not None else ones * 0
        self.eps, self.inside, self.scale_var = float(eps), bool(inside), bool(scale_var)
        self.exec_type = exec_type

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        x, out = inputs[0].reshape(self.view), outputs[0].reshape(self.view)
        args = (self.gamma, self.beta, self.eps, self.inside, self.scale_var, self.affine)
        precompile(normalize_rows, x, out, *args, 0, 0)
        body = lambda lo, hi: normalize_rows(x, out, *args, lo, hi)  # noqa: E731
        return pool.split(self.view[0], body, work=10 * x.size)
