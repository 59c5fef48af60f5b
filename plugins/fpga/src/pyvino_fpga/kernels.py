"""The FPGA's kernel table: op type -> numpy kernel, plus limits on what a kernel accepts.

A kernel is ``kernel(node, *inputs) -> tuple of arrays`` (the signature extension kernels use
too). ``query_model`` claims a node only if its type is in ``KERNELS`` and ``ACCEPTS`` (when
the type has an entry) says yes, so nothing is claimed that the emulated bitstream cannot run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from pyvino import Op

Kernel = Callable[..., tuple[np.ndarray, ...]]


def _same_type(node: Op, value: np.ndarray, port: int = 0) -> np.ndarray:
    return np.asarray(value).astype(node.get_output_element_type(port).dtype, copy=False)


def _binary(fn: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Kernel:
    return lambda node, a, b: (_same_type(node, fn(a, b)),)


def _unary(fn: Callable[[np.ndarray], np.ndarray]) -> Kernel:
    return lambda node, x: (_same_type(node, fn(x)),)


def _static_output(node: Op, x: np.ndarray, *_: np.ndarray) -> tuple[np.ndarray, ...]:
    """Reshape, Squeeze, Unsqueeze: the output shape is known when compiling."""
    return (x.reshape(node.get_output_partial_shape(0).to_shape()),)


def matmul(node: Op, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
    if node.attrs["transpose_a"] and a.ndim > 1:
        a = np.swapaxes(a, -1, -2)
    if node.attrs["transpose_b"] and b.ndim > 1:
        b = np.swapaxes(b, -1, -2)
    return (_same_type(node, np.matmul(a, b)),)


def _windows(x: np.ndarray, node: Op, kernel: tuple[int, ...], fill: float) -> np.ndarray:
    """[N, C, OH, OW, KH, KW] windows of the explicitly padded input (strides, dilations)."""
    a = node.attrs
    begin, end = ((0, 0), (0, 0)) if a["auto_pad"] == "valid" else (a["pads_begin"], a["pads_end"])
    pads = [(0, 0), (0, 0)] + [(b, e) for b, e in zip(begin, end, strict=True)]
    padded = np.pad(x, pads, constant_values=fill)
    dil = a.get("dilations", (1, 1))
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dil, strict=True)]
    win = sliding_window_view(padded, span, axis=(2, 3))[..., :: dil[0], :: dil[1]]
    oh, ow = node.get_output_partial_shape(0).to_shape()[2:]
    return win[
        :, :, : oh * a["strides"][0] : a["strides"][0], : ow * a["strides"][1] : a["strides"][1]
    ]


def convolution(node: Op, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, ...]:
    win = _windows(x, node, w.shape[2:], 0.0)  # N, C, OH, OW, KH, KW
    out = np.einsum("nchwij,ocij->nohw", win, w, optimize=True)
    return (_same_type(node, out),)


def max_pool(node: Op, x: np.ndarray) -> tuple[np.ndarray, ...]:
    win = _windows(x, node, node.attrs["kernel"], -np.inf)
    values = _same_type(node, win.max(axis=(4, 5)))
    if node.get_output_size() == 1:
        return (values,)
    n, c, oh, ow, kh, kw = win.shape  # MaxPool-8: flat indices of the maxima (axis 0 layout)
    arg = win.reshape(n, c, oh, ow, kh * kw).argmax(axis=-1)
    a, (h, w) = node.attrs, x.shape[2:]
    dil = a.get("dilations", (1, 1))
    top, left = (0, 0) if a["auto_pad"] == "valid" else a["pads_begin"]
    row = np.arange(oh)[:, None] * a["strides"][0] - top + (arg // kw) * dil[0]
    col = np.arange(ow)[None, :] * a["strides"][1] - left + (arg % kw) * dil[1]
    planes = {0: np.arange(n)[:, None] * c + np.arange(c)[None, :], 1: np.arange(c)[None, :]}
    plane = planes.get(a["axis"] % 4, np.zeros((1, 1), np.int64))[..., None, None]
    return values, _same_type(node, plane * h * w + row * w + col, port=1)


def avg_pool(node: Op, x: np.ndarray) -> tuple[np.ndarray, ...]:
    win = _windows(x, node, node.attrs["kernel"], 0.0)
    if node.attrs["exclude-pad"]:
        ones = _windows(np.ones_like(x), node, node.attrs["kernel"], 0.0)
        return (_same_type(node, win.sum(axis=(4, 5)) / ones.sum(axis=(4, 5))),)
    return (_same_type(node, win.mean(axis=(4, 5))),)


def softmax(node: Op, x: np.ndarray) -> tuple[np.ndarray, ...]:
    z = np.exp(x - x.max(axis=node.attrs["axis"], keepdims=True))
    return (_same_type(node, z / z.sum(axis=node.attrs["axis"], keepdims=True)),)


KERNELS: dict[str, Kernel] = {
    "Add": _binary(np.add),
    "Subtract": _binary(np.subtract),
    "Multiply": _binary(np.multiply),
    "Divide": _binary(np.divide),
    "Maximum": _binary(np.maximum),
    "Minimum": _binary(np.minimum),
    "Relu": _unary(lambda x: np.maximum(x, 0)),
    "Sigmoid": _unary(lambda x: 1.0 / (1.0 + np.exp(-x))),
    "Tanh": _unary(np.tanh),
    "Exp": _unary(np.exp),
    "Clamp": lambda node, x: (_same_type(node, np.clip(x, node.attrs["min"], node.attrs["max"])),),
    "MatMul": matmul,
    "Convolution": convolution,
    "MaxPool": max_pool,
    "AvgPool": avg_pool,
    "Softmax": softmax,
    "Reshape": _static_output,
    "Squeeze": _static_output,
    "Unsqueeze": _static_output,
    "Transpose": lambda node, x, order: (np.transpose(x, order.astype(np.int64)),),
    "Concat": lambda node, *xs: (np.concatenate(xs, axis=node.attrs["axis"]),),
}


def _window_op(node: Op) -> bool:
    """2-D NCHW windows with explicit pads (or valid), floor rounding."""
    a = node.attrs
    return (
        len(node.input_shape(0)) == 4
        and a["auto_pad"] in ("explicit", "valid")
        and a.get("rounding_type", "floor") == "floor"
    )


ACCEPTS: dict[str, Callable[[Op], bool]] = {
    "Convolution": _window_op,
    "MaxPool": _window_op,
    "AvgPool": _window_op,
    "Divide": lambda node: (
        node.get_output_element_type(0).is_real and node.attrs["auto_broadcast"] == "numpy"
    ),
    "Softmax": lambda node: (
        -len(node.input_shape(0)) <= node.attrs["axis"] < len(node.input_shape(0))
    ),
    **{
        t: (lambda node: node.attrs["auto_broadcast"] == "numpy")
        for t in ("Add", "Subtract", "Multiply", "Maximum", "Minimum")
    },
}
