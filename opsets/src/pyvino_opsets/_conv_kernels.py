"""numpy kernels of the convolution family (the reference used by ``evaluate``).

Both directions loop over kernel offsets only (9 steps for a 3x3 kernel) and do one batched
matrix product per offset over strided views, so whole CNNs evaluate in seconds: there is no
Python loop over pixels or channels.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np


def compute_dtype(dtype: np.dtype) -> np.dtype:
    """Accumulation dtype: f32 for narrow floats, i64 for integers, the input's own otherwise."""
    if dtype.kind == "f" and dtype.itemsize >= 4:
        return dtype
    if dtype.kind in "iub":
        return np.dtype(np.int64)
    return np.dtype(np.float32)  # f16, bf16, f8 ...


def _window(offset: int, dilation: int, stride: int, count: int) -> slice:
    start = offset * dilation
    return slice(start, start + stride * (count - 1) + 1, stride)


def grouped_conv(
    x: np.ndarray,
    w: np.ndarray,
    strides: Sequence[int],
    dilations: Sequence[int],
    pads_begin: Sequence[int],
    pads_end: Sequence[int],
) -> np.ndarray:
    """x [N, G, Cg, *S], w [G, Og, Cg, *K] -> [N, G, Og, *O] (cross-correlation, zero padding)."""
    n, g, cg = x.shape[:3]
    og = w.shape[1]
    kernel = w.shape[3:]
    pad = [(0, 0)] * 3 + [
        (max(b, 0), max(e, 0)) for b, e in zip(pads_begin, pads_end, strict=False)
    ]
    xp = np.pad(x, pad)
    # negative pads crop the input
    crop = tuple(
        slice(max(-b, 0), xp.shape[3 + i] - max(-e, 0))
        for i, (b, e) in enumerate(zip(pads_begin, pads_end, strict=False))
    )
    xp = xp[(Ellipsis, *crop)]
    out_sp = [
        (xp.shape[3 + i] - ((k - 1) * d + 1)) // s + 1
        for i, (k, s, d) in enumerate(zip(kernel, strides, dilations, strict=False))
    ]
    size = int(np.prod(out_sp))
    out = np.zeros((n, g, og, size), dtype=x.dtype)
    if size == 0 or n == 0:
        return out.reshape(n, g, og, *out_sp)
    for offs in itertools.product(*(range(k) for k in kernel)):
        sl = tuple(
            _window(o, d, s, c)
            for o, d, s, c in zip(offs, dilations, strides, out_sp, strict=False)
        )
        cols = xp[(slice(None), slice(None), slice(None), *sl)].reshape(n, g, cg, size)
        wk = w[(slice(None), slice(None), slice(None), *offs)]  # [G, Og, Cg]
        if cg == 1:  # depthwise: an outer product is far cheaper than many 1x1 matmuls
            out += wk[None, :, :, 0, None] * cols
        else:
            out += np.matmul(wk, cols)
    return out.reshape(n, g, og, *out_sp)


def grouped_conv_backprop(
    x: np.ndarray,
    w: np.ndarray,
    strides: Sequence[int],
    dilations: Sequence[int],
    pads_begin: Sequence[int],
    out_spatial: Sequence[int],
) -> np.ndarray:
    """Transposed convolution: x [N, G, Cg, *I], w [G, Cg, Og, *K] -> [N, G, Og, *out_spatial].

    Every input pixel scatters ``x * w`` into a full-size buffer; output position ``o`` reads
    buffer position ``o + pads_begin`` (positions past the buffer, from output_padding, are 0).
    """
    n, g, cg = x.shape[:3]
    og = w.shape[2]
    kernel = w.shape[3:]
    in_sp = x.shape[3:]
    full = [
        s * (i - 1) + d * (k - 1) + 1
        for i, k, s, d in zip(in_sp, kernel, strides, dilations, strict=False)
    ]
    buf = np.zeros((n, g, og, *full), dtype=x.dtype)
    size = int(np.prod(in_sp))
    xf = x.reshape(n, g, cg, size)
    wt = np.swapaxes(w, 1, 2)  # [G, Og, Cg, *K]
    if size and n:
        for offs in itertools.product(*(range(k) for k in kernel)):
            wk = wt[(slice(None), slice(None), slice(None), *offs)]
            contrib = np.matmul(wk, xf).reshape(n, g, og, *in_sp)
            sl = tuple(
                _window(o, d, s, c)
                for o, d, s, c in zip(offs, dilations, strides, in_sp, strict=False)
            )
            buf[(slice(None), slice(None), slice(None), *sl)] += contrib
    out = np.zeros((n, g, og, *out_spatial), dtype=x.dtype)
    src, dst = [], []
    for length, size_o, pb in zip(full, out_spatial, pads_begin, strict=False):
        lo, hi = max(pb, 0), min(length, size_o + pb)
        src.append(slice(lo, max(hi, lo)))
        dst.append(slice(lo - pb, max(hi, lo) - pb))
    out[(slice(None), slice(None), slice(None), *dst)] = buf[
        (slice(None), slice(None), slice(None), *src)
    ]
    return out
