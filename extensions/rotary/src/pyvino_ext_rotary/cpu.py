"""CPU kernel (``implementation(node, *inputs) -> tuple``): one fused pass over ``x``.

With numba installed (``pip install pyvino-ext-rotary[numba]``) the rotation is a parallel
loop compiled on first use (``cache=True``) that reads each element once and writes the output
once; without it, a numpy version that needs a few temporaries. numba is imported only when a
model actually runs this kernel, so loading the extension stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from pyvino import KernelSpec, Op, op_kernel

from pyvino_ext_rotary.ops import RotaryEmbedding1

_ROTATE: list[tuple[str, Callable[..., None]]] = []  # filled on first use


def _rotate_numpy(
    x: np.ndarray, cos: np.ndarray, sin: np.ndarray, rd: int, out: np.ndarray
) -> None:
    half = rd // 2
    x1, x2 = x[..., :half], x[..., half:rd]
    out[..., :half] = x1 * cos[..., :half] - x2 * sin[..., :half]
    out[..., half:rd] = x2 * cos[..., half:rd] + x1 * sin[..., half:rd]
    out[..., rd:] = x[..., rd:]


def _build_numba() -> Callable[..., None] | None:
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(parallel=True, cache=True, fastmath=False)
    def rotate(x: Any, cos: Any, sin: Any, rd: int, out: Any) -> None:  # pragma: no cover
        b_n, h_n, s_n, d_n = x.shape
        half = rd // 2
        for row in numba.prange(b_n * h_n * s_n):
            b = row // (h_n * s_n)
            h = (row // s_n) % h_n
            s = row % s_n
            for j in range(half):
                x1, x2 = x[b, h, s, j], x[b, h, s, j + half]
                out[b, h, s, j] = x1 * cos[b, h, s, j] - x2 * sin[b, h, s, j]
                out[b, h, s, j + half] = x2 * cos[b, h, s, j + half] + x1 * sin[b, h, s, j + half]
            for j in range(rd, d_n):
                out[b, h, s, j] = x[b, h, s, j]

    return rotate


def rotate_function() -> tuple[str, Callable[..., None]]:
    """("numba" | "numpy", the rotation loop); numba compiles once per process."""
    if not _ROTATE:
        fn = _build_numba()
        _ROTATE.append(("numba", fn) if fn is not None else ("numpy", _rotate_numpy))
    return _ROTATE[0]


def rotary_embedding(node: Op, x: np.ndarray, *rest: np.ndarray) -> tuple[np.ndarray, ...]:
    assert isinstance(node, RotaryEmbedding1)
    rd = node.rotary_dim()
    dtype = np.float64 if x.dtype == np.float64 else np.float32
    cos, sin = node.tables(*rest)
    shape = x.shape[:-1] + (rd,)
    cos = np.broadcast_to(cos.astype(dtype, copy=False), shape)
    sin = np.broadcast_to(sin.astype(dtype, copy=False), shape)
    xc = x.astype(dtype, copy=False)
    out = np.empty(x.shape, dtype)
    rotate_function()[1](xc, cos, sin, rd, out)
    return (out.astype(x.dtype, copy=False),)


KERNELS: list[KernelSpec] = [op_kernel("CPU", RotaryEmbedding1, rotary_embedding)]
