"""numpy kernels of MaxPool / AvgPool: one vectorised step per kernel offset, no pixel loops."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from pyvino_opsets._conv_kernels import compute_dtype


def _lowest(dtype: np.dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _padded(x: np.ndarray, pb: Sequence[int], pe_total: Sequence[int], value) -> np.ndarray:
    pad = [(0, 0)] * (x.ndim - len(pb)) + list(zip(pb, pe_total, strict=False))
    return np.pad(x, pad, constant_values=value)


def _end_padding(sizes, kernel, strides, dilations, pb, pe, out_sp) -> list[int]:
    """End padding large enough for every window, including ceil-mode windows past pads_end."""
    return [
        max(e, (o - 1) * s + (k - 1) * d + 1 - n - b)
        for n, k, s, d, b, e, o in zip(
            sizes, kernel, strides, dilations, pb, pe, out_sp, strict=False
        )
    ]


def _offsets(kernel: Sequence[int]):
    return itertools.product(*(range(k) for k in kernel))


def _window(offs, dilations, strides, out_sp) -> tuple[slice, ...]:
    return tuple(
        slice(o * d, o * d + s * (c - 1) + 1, s)
        for o, d, s, c in zip(offs, dilations, strides, out_sp, strict=False)
    )


def max_pool(
    x: np.ndarray, kernel, strides, dilations, pb, pe, out_sp, axis: int | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Values and (when ``axis`` is given) flat indices of the maxima, over dims ``axis:``."""
    nsp = len(kernel)
    pe_total = _end_padding(x.shape[-nsp:], kernel, strides, dilations, pb, pe, out_sp)
    xp = _padded(x, pb, pe_total, _lowest(x.dtype))
    lead = (slice(None),) * (x.ndim - nsp)
    best: np.ndarray | None = None
    best_pos: np.ndarray | None = None
    for offs in _offsets(kernel):
        vals = xp[lead + _window(offs, dilations, strides, out_sp)]
        if best is None:
            best = vals.copy()
            if axis is not None:
                best_pos = np.zeros(vals.shape, dtype=np.int64)
            continue
        if axis is None:
            np.maximum(best, vals, out=best)
            continue
        take = vals > best  # strict: the first maximum in window order wins, as in OpenVINO
        best[take] = vals[take]
        best_pos[take] = np.ravel_multi_index(offs, kernel)
    if axis is None:
        return best, None
    return best, _flat_indices(x.shape, best_pos, kernel, strides, dilations, pb, out_sp, axis)


def _flat_indices(shape, pos, kernel, strides, dilations, pb, out_sp, axis) -> np.ndarray:
    nsp = len(kernel)
    rank = len(shape)
    koffs = np.unravel_index(pos, kernel)
    index = np.zeros(pos.shape, dtype=np.int64)
    for d in range(axis, rank):
        if d < rank - nsp:
            coord = np.arange(shape[d]).reshape((-1,) + (1,) * (rank - d - 1))
        else:
            i = d - (rank - nsp)
            o = np.arange(out_sp[i]).reshape((-1,) + (1,) * (rank - d - 1))
            coord = o * strides[i] - pb[i] + koffs[i] * dilations[i]
        index = index * shape[d] + coord
    return index


def avg_pool(x: np.ndarray, kernel, strides, pb, pe, out_sp, exclude_pad: bool) -> np.ndarray:
    """Average over windows; the divisor follows OpenVINO's reference (see AvgPool1)."""
    nsp = len(kernel)
    ones = [1] * nsp
    pe_total = _end_padding(x.shape[-nsp:], kernel, strides, ones, pb, pe, out_sp)
    ct = compute_dtype(x.dtype) if x.dtype.kind == "f" else np.dtype(np.float64)
    xp = _padded(x.astype(ct, copy=False), pb, pe_total, 0)
    mask = _padded(np.ones(x.shape[-nsp:], dtype=np.int64), pb, pe_total, 0)
    lead = (slice(None),) * (x.ndim - nsp)
    total = np.zeros(x.shape[:-nsp] + tuple(out_sp), dtype=ct)
    count = np.zeros(tuple(out_sp), dtype=np.int64)
    for offs in _offsets(kernel):
        win = _window(offs, ones, strides, out_sp)
        total += xp[lead + win]
        count += mask[win]
    if not exclude_pad and (any(pb) or any(pe)):
        count = np.full_like(count, int(np.prod(kernel)))
    with np.errstate(invalid="ignore", divide="ignore"):
        avg = np.where(count > 0, total / np.maximum(count, 1), 0)
    if x.dtype.kind in "iu":
        # i8/u8 round to nearest even (std::nearbyint); wider integers truncate like C++ division
        avg = np.rint(avg) if x.dtype.itemsize == 1 else np.trunc(avg)
    return avg.astype(x.dtype)
