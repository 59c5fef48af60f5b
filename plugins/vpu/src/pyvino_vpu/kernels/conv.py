"""Convolution kernels of the emulated SHAVE cores: 2D convolution as one BLAS GEMM.

1x1 kernels multiply the weights ``[Cout, Cin]`` by the (strided) input directly; larger
kernels gather sliding windows into columns ``[Cin*kh*kw, Ho*Wo]`` first (im2col). Inputs and
weights hold fp16 values; the products accumulate in float32.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import as_strided
from pyvino import Op


def explicit_pads(node: Op, in_hw: Sequence[int], kernel: Sequence[int],
                  out_hw: Sequence[int]) -> tuple[list[int], list[int]]:
    """(pads_begin, pads_end) after resolving ``auto_pad`` for the node's static shapes."""
    a = node.attrs
    mode = a.get("auto_pad", "explicit")
    if mode in ("explicit", "notset", ""):
        return list(a["pads_begin"]), list(a["pads_end"])
    if mode == "valid":
        return [0, 0], [0, 0]
    begin, end = [], []
    for size, k, out, s, d in zip(in_hw, kernel, out_hw, a["strides"], a["dilations"]):
        total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
        small, large = total // 2, total - total // 2
        begin.append(small if mode == "same_upper" else large)
        end.append(large if mode == "same_upper" else small)
    return begin, end


def pad_input(x: np.ndarray, begin: Sequence[int], end: Sequence[int],
              value: float = 0.0) -> np.ndarray:
    if not any(begin) and not any(end):
        return x
    widths = ((0, 0), (0, 0), (begin[0], end[0]), (begin[1], end[1]))
    return np.pad(x, widths, constant_values=value)


def windows(xp: np.ndarray, kernel: Sequence[int], strides: Sequence[int],
            dilations: Sequence[int], out_hw: Sequence[int]) -> np.ndarray:
    """A read-only view ``[N, C, kh, kw, Ho, Wo]`` of every window of ``xp`` (no copy)."""
    n, c = xp.shape[:2]
    sn, sc, sh, sw = xp.strides
    shape = (n, c, kernel[0], kernel[1], out_hw[0], out_hw[1])
    strides = (sn, sc, sh * dilations[0], sw * dilations[1], sh * strides[0], sw * strides[1])
    return as_strided(xp, shape, strides, writeable=False)


def conv2d(node: Op, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray]:
    """Convolution-1 on [N, C, H, W] float32 data with [Cout, Cin, kh, kw] weights."""
    out_shape = node.get_output_partial_shape(0).to_shape()
    n, cout, ho, wo = out_shape
    kernel = w.shape[2:]
    begin, end = explicit_pads(node, x.shape[2:], kernel, (ho, wo))
    xp = pad_input(x, begin, end)
    a = node.attrs
    if kernel == (1, 1):
        cols = xp[:, :, : (ho - 1) * a["strides"][0] + 1 : a["strides"][0],
                  : (wo - 1) * a["strides"][1] + 1 : a["strides"][1]]
        cols = cols.reshape(n, xp.shape[1], ho * wo)
    else:
        cols = windows(xp, kernel, a["strides"], a["dilations"], (ho, wo))
        cols = cols.reshape(n, -1, ho * wo)
    out = np.matmul(w.reshape(cout, -1), cols)
    return (out.reshape(out_shape),)


def supports_conv2d(node: Op) -> bool:
    """Plain 2D convolutions with non-negative pads (anything else uses ``evaluate``)."""
    a = node.attrs
    return (node.get_output_partial_shape(0).rank.get_length() == 4
            and min(a["pads_begin"], default=0) >= 0 and min(a["pads_end"], default=0) >= 0)
