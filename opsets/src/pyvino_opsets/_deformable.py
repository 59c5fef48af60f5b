"""The numpy kernel of DeformableConvolution-1/8 (OpenVINO's reference semantics, vectorised).

Kernel tap ``k = (ky, kx)`` of output pixel ``(oy, ox)`` in deformable group ``g`` reads the
input at ``(oy * sy - pb_y + ky * dy + off[2 * (g * K + k)], ox * sx - pb_x + kx * dx +
off[2 * (g * K + k) + 1])`` by bilinear interpolation, scaled by ``mask[g * K + k]``. Input
channels are split evenly into the deformable groups. A tap is skipped unless the point lies in
``(-1, size)`` per axis (``bilinear_interpolation_pad``: neighbours outside read 0) or in
``[0, size)`` (otherwise: neighbours are clamped to the map).
"""

from __future__ import annotations

import numpy as np


def _taps(size: int, out: int, stride: int, dilation: int, pad: int, kernel: int) -> np.ndarray:
    """Undeformed input coordinate of each (output position, kernel tap): ``[out, kernel]``."""
    return (np.arange(out)[:, None] * stride - pad + np.arange(kernel)[None, :] * dilation).astype(
        np.float64
    )


def _corners(
    pos: np.ndarray, size: int, use_pad: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Low/high neighbour indices, their in-map flags and the fractional distance of ``pos``."""
    low = np.floor(pos)
    if use_pad:
        high = low + 1
    else:
        low = np.maximum(low, 0)
        high = np.minimum(np.ceil(pos), size - 1)
    frac = pos - low
    low_i, high_i = low.astype(np.int64), high.astype(np.int64)
    ok_low, ok_high = (low_i >= 0) & (low_i < size), (high_i >= 0) & (high_i < size)
    return np.clip(low_i, 0, size - 1), np.clip(high_i, 0, size - 1), ok_low, ok_high, frac


def sample_columns(
    x: np.ndarray,
    offsets: np.ndarray,
    mask: np.ndarray | None,
    kernel: tuple[int, int],
    strides: list[int],
    dilations: list[int],
    pads_begin: list[int],
    out_hw: tuple[int, int],
    use_pad: bool,
) -> np.ndarray:
    """The deformed, masked input samples ``[N, C, K, Ho, Wo]`` (x, offsets, mask in f64)."""
    n, c, h, w = x.shape
    kh, kw = kernel
    ho, wo = out_hw
    k = kh * kw
    groups = offsets.shape[1] // (2 * k)
    base_y = _taps(h, ho, strides[0], dilations[0], pads_begin[0], kh)  # [Ho, kh]
    base_x = _taps(w, wo, strides[1], dilations[1], pads_begin[1], kw)  # [Wo, kw]
    base_y = np.broadcast_to(base_y.T[:, None, :, None], (kh, kw, ho, wo)).reshape(k, ho, wo)
    base_x = np.broadcast_to(base_x.T[None, :, None, :], (kh, kw, ho, wo)).reshape(k, ho, wo)
    off = offsets.reshape(n, groups, k, 2, ho, wo)
    y = base_y + off[:, :, :, 0]  # [N, G, K, Ho, Wo]
    xx = base_x + off[:, :, :, 1]
    lo, hi = (-1.0, h) if use_pad else (0.0, h)
    valid = (y > lo) & (y < hi) if use_pad else (y >= lo) & (y < hi)
    valid &= (xx > -1.0) & (xx < w) if use_pad else (xx >= 0.0) & (xx < w)
    y0, y1, oky0, oky1, fy = _corners(y, h, use_pad)
    x0, x1, okx0, okx1, fx = _corners(xx, w, use_pad)
    scale = valid.astype(np.float64)
    if mask is not None:
        scale = scale * mask.reshape(n, groups, k, ho, wo)
    per_group = c // groups
    cols = np.empty((n, c, k, ho, wo), dtype=np.float64)
    for g in range(groups):
        maps = x[:, g * per_group : (g + 1) * per_group]  # [N, Cg, H, W]
        wy, wx = (1 - fy[:, g], fy[:, g]), (1 - fx[:, g], fx[:, g])
        ys, xs = (
            ((y0[:, g], oky0[:, g]), (y1[:, g], oky1[:, g])),
            ((x0[:, g], okx0[:, g]), (x1[:, g], okx1[:, g])),
        )
        value = sum(
            (wy[a] * wx[b])[:, None] * _read(maps, ys[a][0], xs[b][0], ys[a][1] & xs[b][1])
            for a in range(2)
            for b in range(2)
        )
        keep = valid[:, g][:, None]
        cols[:, g * per_group : (g + 1) * per_group] = np.where(
            keep, value * scale[:, g][:, None], 0
        )
    return cols


def _read(maps: np.ndarray, yi: np.ndarray, xi: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """``maps[n, :, yi, xi]`` for ``[N, K, Ho, Wo]`` indices -> ``[N, Cg, K, Ho, Wo]`` (0 where not ok)."""
    batch = np.arange(maps.shape[0]).reshape(-1, 1, 1, 1)
    values = np.moveaxis(maps[batch, :, yi, xi], -1, 1)
    return values * ok[:, None]


def convolve_columns(cols: np.ndarray, filters: np.ndarray, group: int) -> np.ndarray:
    """``[N, C, K, Ho, Wo]`` samples times filters ``[O, C / group, kh, kw]`` -> ``[N, O, Ho, Wo]``."""
    n, c, k, ho, wo = cols.shape
    o = filters.shape[0]
    cg = cols.reshape(n, group, c // group, k, ho * wo)
    wg = filters.reshape(group, o // group, c // group, k)
    y = np.einsum("ngckp,gock->ngop", cg, wg, optimize=True)
    return y.reshape(n, o, ho, wo)
