"""Small numpy kernels that run a zoo model eagerly while it is being built.

A trained network's BatchNormalization statistics are the statistics of its activations. The
zoo has no data and no trained weights, so `GraphBuilder` pushes a seeded random calibration
batch through the layers as it adds them and gives each BatchNormalization the per-channel
mean and variance of the tensor it normalizes. These kernels only serve that purpose: NCHW,
float32, the attribute subset the zoo uses.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def _pad(x: np.ndarray, pad: int, fill: float) -> np.ndarray:
    if not pad:
        return x
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=fill)


def _taps(
    x: np.ndarray, k: int, stride: int, ho: int, wo: int
) -> Iterator[tuple[int, int, np.ndarray]]:
    """(i, j, the strided view of the padded input that kernel tap (i, j) sees)."""
    for i in range(k):
        for j in range(k):
            rows = slice(i, i + stride * (ho - 1) + 1, stride)
            cols = slice(j, j + stride * (wo - 1) + 1, stride)
            yield i, j, x[:, :, rows, cols]


def conv2d(
    x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride: int, pad: int, group: int
) -> np.ndarray:
    """Grouped 2-D convolution (ONNX Conv semantics, symmetric pads, no dilation).

    Dense convs are one im2col matmul; grouped and depthwise ones accumulate per kernel tap.
    """
    n, cin, h, wd = x.shape
    cout, cin_g, k, _ = w.shape
    ho, wo = (h + 2 * pad - k) // stride + 1, (wd + 2 * pad - k) // stride + 1
    taps = list(_taps(_pad(x, pad, 0.0), k, stride, ho, wo))
    if group == 1:
        cols = np.stack([t for _, _, t in taps], axis=2)  # [n, cin, k*k, ho, wo]
        y = np.matmul(w.reshape(cout, cin * k * k), cols.reshape(n, cin * k * k, ho * wo))
        y = y.reshape(n, cout, ho, wo)
    else:
        y = np.zeros((n, cout, ho, wo), np.float32)
        depthwise = cin_g == 1 and cout == cin == group
        wg = w.reshape(group, cout // group, cin_g, k, k)
        for i, j, tap in taps:
            if depthwise:
                y += w[None, :, 0, i, j, None, None] * tap
            else:
                cols = tap.reshape(n, group, cin_g, ho * wo)
                y += np.matmul(wg[None, :, :, :, i, j], cols).reshape(n, cout, ho, wo)
    if b is not None:
        y += b[None, :, None, None]
    return y


def maxpool2d(x: np.ndarray, k: int, stride: int, pad: int) -> np.ndarray:
    """MaxPool with symmetric pads (padding never wins the max)."""
    ho, wo = (x.shape[2] + 2 * pad - k) // stride + 1, (x.shape[3] + 2 * pad - k) // stride + 1
    return np.maximum.reduce([t for _, _, t in _taps(_pad(x, pad, -np.inf), k, stride, ho, wo)])


def upsample2x(x: np.ndarray, mode: str) -> np.ndarray:
    """Resize by 2 on H and W: `nearest` (asymmetric, floor) or `linear` (half_pixel)."""
    if mode == "nearest":
        return x.repeat(2, axis=2).repeat(2, axis=3)
    return _linear2x(_linear2x(x, 2), 3)


def _linear2x(x: np.ndarray, axis: int) -> np.ndarray:
    """Half-pixel linear 2x along one axis: out[2i] = .75 x[i] + .25 x[i-1], out[2i+1] with
    x[i+1], edges clamped."""
    prev = np.concatenate([np.take(x, [0], axis), np.take(x, range(x.shape[axis] - 1), axis)], axis)
    nxt = np.concatenate([np.take(x, range(1, x.shape[axis]), axis), np.take(x, [-1], axis)], axis)
    even, odd = 0.75 * x + 0.25 * prev, 0.75 * x + 0.25 * nxt
    return np.stack([even, odd], axis=axis + 1).reshape(
        *x.shape[:axis], 2 * x.shape[axis], *x.shape[axis + 1 :]
    )


def channel_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and (biased) variance of an NCHW tensor, as BN running stats."""
    axes = (0, 2, 3)
    return x.mean(axis=axes, dtype=np.float64), x.var(axis=axes, dtype=np.float64)
