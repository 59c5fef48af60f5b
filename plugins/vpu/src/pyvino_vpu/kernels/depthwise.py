"""Depthwise 2D convolution (GroupConvolution with one input channel per group), numba.

numba is imported and the kernel compiled (or loaded from numba's cache) on the first call,
never when a model is bound: a cache hit or an import must not pay numba's start-up.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import cache

import numpy as np
from pyvino import Op

from pyvino_vpu.kernels.conv import explicit_pads

_state: dict[str, Callable[..., None] | None] = {}


def _build() -> Callable[..., None] | None:
    try:
        import numba
    except ImportError:  # without numba, GroupConvolution runs its reference evaluate
        return None

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def kernel(
        x: np.ndarray,
        w: np.ndarray,
        sh: int,
        sw: int,
        dh: int,
        dw: int,
        top: int,
        left: int,
        out: np.ndarray,
    ) -> None:  # pragma: no cover - compiled
        n, c, ho, wo = out.shape
        height, width = x.shape[2], x.shape[3]
        kh, kw = w.shape[1], w.shape[2]
        for b in range(n):
            for ch in range(c):
                plane, result = x[b, ch], out[b, ch]
                for ki in range(kh):
                    for kj in range(kw):
                        weight = w[ch, ki, kj]
                        shift = kj * dw - left  # input column of output column 0
                        lo = max(0, (-shift + sw - 1) // sw)  # first column inside the input
                        hi = min(wo, (width - 1 - shift) // sw + 1)
                        if hi <= lo:
                            continue
                        for i in range(ho):
                            row = i * sh + ki * dh - top
                            if row < 0 or row >= height:
                                continue  # zero padding contributes nothing
                            dst = result[i, lo:hi]
                            src = plane[row, lo * sw + shift :]
                            if sw == 1:  # contiguous from index 0: vectorised
                                for j in range(hi - lo):
                                    dst[j] += src[j] * weight
                            else:
                                for j in range(hi - lo):
                                    dst[j] += src[j * sw] * weight

    return kernel


def _kernel() -> Callable[..., None] | None:
    if "kernel" not in _state:
        _state["kernel"] = _build()
    return _state["kernel"]


@cache
def numba_installed() -> bool:
    """True if numba can be imported (found without importing it)."""
    return importlib.util.find_spec("numba") is not None


def supports_depthwise(node: Op) -> bool:
    w = node.inputs[1].partial_shape.to_shape()
    a = node.attrs
    return (
        len(w) == 5
        and w[1] == 1
        and w[2] == 1
        and numba_installed()
        and min(a["pads_begin"], default=0) >= 0
        and min(a["pads_end"], default=0) >= 0
    )


def depthwise2d(node: Op, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray]:
    """GroupConvolution-1 with weights [C, 1, 1, kh, kw] on [N, C, H, W] float32 data."""
    kernel = _kernel()
    if kernel is None:  # numba was found but does not import: the reference gives the result
        return node.evaluate(x, w)
    out_shape = node.get_output_partial_shape(0).to_shape()
    a = node.attrs
    begin, _ = explicit_pads(node, x.shape[2:], w.shape[3:], out_shape[2:])
    weights = np.ascontiguousarray(w.reshape(w.shape[0], w.shape[3], w.shape[4]), dtype=np.float32)
    out = np.zeros(out_shape, np.float32)
    kernel(
        np.ascontiguousarray(x, dtype=np.float32),
        weights,
        a["strides"][0],
        a["strides"][1],
        a["dilations"][0],
        a["dilations"][1],
        begin[0],
        begin[1],
        out,
    )
    return (out,)
