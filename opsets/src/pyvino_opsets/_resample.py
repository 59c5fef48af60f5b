"""Per-axis resampling kernels of the Interpolate family, vectorised with numpy.

Every Interpolate mode is separable: the output is obtained by resampling one axis at a time.
An axis is resampled either by gathering (``nearest``) or by a dense ``(out_len, in_len)``
weight matrix applied with one matmul. Coordinates are computed in float32, as OpenVINO's
reference does, so that nearest-pixel rounding agrees with it at exact half-way points.
"""

from __future__ import annotations

import numpy as np

from pyvino_opsets._common import compute_dtype

F32 = np.float32


def source_coords(transform: str, out_len: int, in_len: int, scale: float) -> np.ndarray:
    """Coordinates in the input axis of each output position (``coordinate_transformation_mode``)."""
    x = np.arange(out_len, dtype=F32)
    s = F32(scale)
    if s == F32(1.0) or out_len == in_len:
        return x
    if transform == "pytorch_half_pixel":
        return (x + F32(0.5)) / s - F32(0.5) if out_len > 1 else np.zeros(out_len, F32)
    if transform == "asymmetric":
        return x / s
    if transform == "tf_half_pixel_for_nn":
        return (x + F32(0.5)) / s
    if transform == "align_corners":
        if out_len == 1:
            return np.zeros(1, F32)
        return x * F32(in_len - 1) / F32(out_len - 1)
    return (x + F32(0.5)) / s - F32(0.5)  # half_pixel


def _round_half_away(x: np.ndarray) -> np.ndarray:
    return np.where(x >= 0, np.floor(x + F32(0.5)), np.ceil(x - F32(0.5)))


def nearest_indices(coords: np.ndarray, mode: str, downsample: bool, in_len: int) -> np.ndarray:
    """Input index picked for each coordinate by ``nearest_mode``, clipped to the axis."""
    if mode == "round_prefer_ceil":
        idx = _round_half_away(coords)
    elif mode == "floor":
        idx = np.floor(coords)
    elif mode == "ceil":
        idx = np.ceil(coords)
    elif mode == "simple":
        idx = np.ceil(coords) if downsample else np.trunc(coords)
    else:  # round_prefer_floor: exact halves go down, everything else rounds half away
        half = coords == np.trunc(coords) + F32(0.5)
        idx = np.where(half, np.floor(coords), _round_half_away(coords))
    return np.clip(idx.astype(np.int64), 0, in_len - 1)


def _from_taps(idx: np.ndarray, w: np.ndarray, in_len: int) -> np.ndarray:
    """Dense weights from taps: ``idx``, ``w`` of shape (taps, out_len); repeated indices add up."""
    out_len = idx.shape[1]
    weights = np.zeros((out_len, in_len), dtype=np.float64)
    rows = np.broadcast_to(np.arange(out_len), idx.shape)
    np.add.at(weights, (rows.ravel(), idx.ravel()), w.ravel())
    return weights


def linear_onnx_taps(coords: np.ndarray, in_len: int) -> tuple[np.ndarray, np.ndarray]:
    """ONNX-style linear: clamp the coordinate into the axis, blend its two neighbours (0.5 each
    where they coincide at an edge). Indices and weights of shape (2, out_len)."""
    c = np.clip(coords, F32(0), F32(in_len - 1))
    i1 = np.minimum(c.astype(np.int64), in_len - 1)
    i2 = np.minimum(i1 + 1, in_len - 1)
    d1 = np.abs(c - i1.astype(F32))
    d2 = np.abs(c - i2.astype(F32))
    same = i1 == i2
    d1 = np.where(same, F32(0.5), d1)
    d2 = np.where(same, F32(0.5), d2)
    return np.stack([i1, i2]), np.stack([d2, d1]).astype(np.float64)


def linear_onnx_weights(coords: np.ndarray, in_len: int) -> np.ndarray:
    return _from_taps(*linear_onnx_taps(coords, in_len), in_len)


def cubic_taps(coords: np.ndarray, in_len: int, a: float) -> tuple[np.ndarray, np.ndarray]:
    """Keys cubic convolution over the 4 neighbours ``floor(c) - 1 .. floor(c) + 2`` (indices
    clamped). Indices and weights of shape (4, out_len)."""
    base = np.floor(coords)
    s = np.abs(coords - base).astype(np.float64)
    t = 1.0 - s
    coeffs = np.stack(
        [
            a * s * (s - 1.0) ** 2,  # distance 1 + s
            ((a + 2.0) * s - (a + 3.0)) * s * s + 1.0,  # distance s
            ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0,  # distance 1 - s
            a * t * (t - 1.0) ** 2,  # distance 2 - s
        ]
    )
    offsets = np.arange(-1, 3).reshape(4, 1)
    return np.clip(base.astype(np.int64) + offsets, 0, in_len - 1), coeffs


def cubic_weights(coords: np.ndarray, in_len: int, a: float) -> np.ndarray:
    return _from_taps(*cubic_taps(coords, in_len, a), in_len)


def triangle_weights(coords: np.ndarray, in_len: int, a: float) -> np.ndarray:
    """TF-style linear: triangle filter of width ``1 / a`` over in-range pixels, normalised."""
    dz = coords.astype(np.float64)[:, None] - np.arange(in_len, dtype=np.float64)[None, :]
    w = np.maximum(0.0, 1.0 - np.abs(a * dz))
    total = w.sum(axis=1, keepdims=True)
    return np.divide(w, total, out=np.zeros_like(w), where=total != 0)


def _pillow_bilinear(x: np.ndarray, a: float) -> np.ndarray:
    return np.maximum(0.0, 1.0 - np.abs(x))


def _pillow_bicubic(x: np.ndarray, a: float) -> np.ndarray:
    x = np.abs(x)
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = (((x - 5.0) * x + 8.0) * x - 4.0) * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


def pillow_weights(in_len: int, out_len: int, mode: str, a: float) -> np.ndarray:
    """Pillow's resampling filter (support grows with the downscale factor), normalised."""
    kernel, support = (
        (_pillow_bicubic, 2.0) if mode == "bicubic_pillow" else (_pillow_bilinear, 1.0)
    )
    scale = in_len / out_len
    filterscale = max(scale, 1.0)
    support *= filterscale
    center = (np.arange(out_len) + 0.5) * scale
    # Pillow truncates toward zero here; negative starts are clamped to 0 anyway.
    xmin = np.maximum(np.trunc(center - support + 0.5), 0).astype(np.int64)
    xmax = np.minimum(np.trunc(center + support + 0.5), in_len).astype(np.int64)
    j = np.arange(in_len)[None, :]
    inside = (j >= xmin[:, None]) & (j < xmax[:, None])
    w = np.where(inside, kernel((j - center[:, None] + 0.5) / filterscale, a), 0.0)
    total = w.sum(axis=1, keepdims=True)
    return np.divide(w, total, out=w.copy(), where=total != 0)


def area_weights(in_len: int, out_len: int) -> np.ndarray:
    """Area averaging: each output cell averages the input cells its span covers (by overlap)."""
    edges = np.arange(out_len + 1, dtype=np.float64) * in_len / out_len
    lo, hi = edges[:-1, None], edges[1:, None]
    j = np.arange(in_len, dtype=np.float64)[None, :]
    overlap = np.clip(np.minimum(hi, j + 1) - np.maximum(lo, j), 0.0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def apply_weights(x: np.ndarray, weights: np.ndarray, axis: int) -> np.ndarray:
    """Resample ``x`` along ``axis`` with a ``(out_len, in_len)`` weight matrix.

    Narrow filters (at most 4 non-zero taps per output) are applied as a few gathers, which is
    much faster than a dense matmul on large feature maps; wide ones use the matmul.
    """
    rows, cols = np.nonzero(weights)
    counts = np.bincount(rows, minlength=weights.shape[0])
    taps = int(counts.max()) if counts.size else 0
    if taps == 0 or taps > 4:
        moved = np.moveaxis(x, axis, -1)
        out = np.matmul(moved, weights.T.astype(x.dtype, copy=False))
        return np.moveaxis(out, -1, axis)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(len(rows)) - starts[rows]
    idx = np.zeros((taps, weights.shape[0]), np.int64)
    w = np.zeros((taps, weights.shape[0]), x.dtype)
    idx[slot, rows] = cols
    w[slot, rows] = weights[rows, cols]
    shape = [1] * x.ndim
    shape[axis] = -1
    out = np.take(x, idx[0], axis=axis) * w[0].reshape(shape)
    for k in range(1, taps):
        out += np.take(x, idx[k], axis=axis) * w[k].reshape(shape)
    return out


def gather_axis(x: np.ndarray, indices: np.ndarray, axis: int) -> np.ndarray:
    if np.array_equal(indices, np.arange(x.shape[axis])):
        return x
    return np.take(x, indices, axis=axis)


def resize(
    x: np.ndarray, axes: list[int], out_shape: list[int], scales: list[float], attrs: dict
) -> np.ndarray:
    """Interpolate-4/11 semantics on an already padded ``x``."""
    mode = attrs["mode"]
    out_dtype = x.dtype
    if mode == "nearest":
        all_scales = [1.0] * x.ndim
        for a, s in zip(axes, scales, strict=True):
            all_scales[a] = s
        for axis in range(x.ndim):
            n_in, n_out = x.shape[axis], out_shape[axis]
            coords = source_coords(
                attrs["coordinate_transformation_mode"], n_out, n_in, all_scales[axis]
            )
            down = all_scales[axis] < 1.0
            x = gather_axis(x, nearest_indices(coords, attrs["nearest_mode"], down, n_in), axis)
        return x
    integral = out_dtype.kind in "iub"
    work = x.astype(np.float64 if integral else compute_dtype(out_dtype), copy=False)
    if mode in ("bilinear_pillow", "bicubic_pillow"):
        if len(axes) != 2:
            raise ValueError(f"mode {mode} needs exactly two (H, W) axes, got {axes}")
        for axis in (axes[1], axes[0]):  # Pillow resizes horizontally first
            w = pillow_weights(x.shape[axis], out_shape[axis], mode, attrs["cube_coeff"])
            work = apply_weights(work, w, axis)
            if integral:  # Pillow rounds (half away from zero) and clips after each pass
                work = _round_clip(work, out_dtype).astype(np.float64)
        return work.astype(out_dtype)
    antialias = attrs.get("antialias", False) and any(s < 1.0 for s in scales)
    for axis, scale in zip(axes, scales, strict=True):
        n_in, n_out = x.shape[axis], out_shape[axis]
        coords = source_coords(attrs["coordinate_transformation_mode"], n_out, n_in, scale)
        if mode == "linear_onnx":
            w = linear_onnx_weights(coords, n_in)
        elif mode == "cubic":
            w = cubic_weights(coords, n_in, attrs["cube_coeff"])
        elif mode == "area":
            w = area_weights(n_in, n_out)
        else:  # linear
            w = triangle_weights(coords, n_in, scale if antialias else 1.0)
        work = apply_weights(work, w, axis)
    if integral:
        work = np.rint(work) if mode == "linear" else np.trunc(work)
    return work.astype(out_dtype)


def _round_clip(v: np.ndarray, dtype: np.dtype) -> np.ndarray:
    info = np.iinfo(dtype) if dtype.kind in "iu" else None
    r = np.where(v >= 0, np.floor(v + 0.5), np.ceil(v - 0.5))
    return np.clip(r, info.min, info.max) if info is not None else r
