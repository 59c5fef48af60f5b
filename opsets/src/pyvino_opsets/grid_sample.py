"""GridSample-9: sample a 4-D image ``[N, C, H, W]`` at normalised ``grid`` ``[N, H_out, W_out, 2]``
points (``(x, y)`` in ``[-1, 1]``) -> ``[N, C, H_out, W_out]``.

Follows OpenVINO's reference: a grid value ``g`` maps to ``(g + 1) * (size - 1) / 2`` with
``align_corners`` and to ``((g + 1) * size - 1) / 2`` without; ``nearest`` rounds half to even;
``bilinear`` blends the 2x2 and ``bicubic`` the 4x4 neighbours (Keys, ``A = -0.75``). Padding acts
on the neighbours' pixel *indices*: ``zeros`` reads 0, ``border`` clamps, ``reflection`` mirrors
(about the edge pixels' centres with ``align_corners``, about their outer borders without).
Coordinates are computed in the grid's precision (at least f32), values in f64, then cast to ``T``
(integer data truncates).
"""

from __future__ import annotations

import numpy as np
from pyvino import BOOL, Attr, Dimension, Op, PartialShape, Type, enum

MODES = enum("bilinear", "bicubic", "nearest")
PADDING = enum("zeros", "border", "reflection")


def _denormalize(g: np.ndarray, size: int, align: bool) -> np.ndarray:
    n = g.dtype.type(size)
    if align:
        return (g + 1) * (n - 1) / 2
    return ((g + 1) * n - 1) / 2


def _reflect(i: np.ndarray, size: int, align: bool) -> np.ndarray:
    """Mirror integer indices back into ``[0, size)``."""
    if align:
        period = 1 if size == 1 else 2 * (size - 1)
        i = np.abs(i) % period
        return np.where(i >= size, period - i, i)
    period = 2 * size
    i = np.mod(i, period)
    return np.where(i >= size, period - 1 - i, i)


class _Sampler:
    """Reads ``data[n, :, y, x]`` for index arrays ``y``, ``x`` of shape ``[N, Ho, Wo]``."""

    def __init__(self, data: np.ndarray, padding: str, align: bool) -> None:
        self.data = data
        self.padding = padding
        self.align = align
        self.batch = np.arange(data.shape[0]).reshape(-1, 1, 1)

    def __call__(self, y: np.ndarray, x: np.ndarray) -> np.ndarray:
        h, w = self.data.shape[2], self.data.shape[3]
        inside = None
        if self.padding == "zeros":
            inside = (y >= 0) & (y < h) & (x >= 0) & (x < w)
        if self.padding == "reflection":
            y, x = _reflect(y, h, self.align), _reflect(x, w, self.align)
        y, x = np.clip(y, 0, h - 1), np.clip(x, 0, w - 1)
        values = np.moveaxis(self.data[self.batch, :, y, x], -1, 1)  # [N, C, Ho, Wo]
        if inside is not None:
            values = values * inside[:, None]
        return values


def _cubic_coeffs(r: np.ndarray, a: float = -0.75) -> list[np.ndarray]:
    """Keys weights of the taps at distances ``1 + r``, ``r``, ``1 - r``, ``2 - r``."""
    return [
        ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
        ((a + 2) * r - (a + 3)) * r * r + 1,
        ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1,
        ((a * (2 - r) - 5 * a) * (2 - r) + 8 * a) * (2 - r) - 4 * a,
    ]


class GridSample9(Op):
    """GridSample-9: interpolated reads of ``data`` at the normalised points of ``grid``."""

    type_name = "GridSample"
    version_id = "opset9"
    attributes = (
        Attr("align_corners", BOOL, False),
        Attr("mode", MODES, "bilinear"),
        Attr("padding_mode", PADDING, "zeros"),
    )
    num_inputs = 2

    def infer(self) -> list[tuple[Type, PartialShape]]:
        gt = self.input_type(1)
        if gt is not Type.dynamic and not gt.is_real:
            raise self.fail(f"grid must have a floating-point element type, got {gt.name}")
        data, grid = self.input_shape(0), self.input_shape(1)
        if data.rank_is_static and len(data) != 4:
            raise self.fail(f"data must be 4-D [N, C, H, W], got shape {data}")
        if grid.rank_is_static and (len(grid) != 4 or not grid[3].compatible(2)):
            raise self.fail(f"grid must be 4-D [N, H_out, W_out, 2], got shape {grid}")
        n = data[0] if data.rank_is_static else Dimension()
        if grid.rank_is_static:
            if not n.compatible(grid[0]):
                raise self.fail(f"data {data} and grid {grid} disagree on the batch size")
            n = n.merge(grid[0])
        c = data[1] if data.rank_is_static else Dimension()
        hw = [grid[1], grid[2]] if grid.rank_is_static else [Dimension(), Dimension()]
        return [(self.input_type(0), PartialShape([n, c, *hw]))]

    def evaluate(self, data: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, ...]:
        align, mode = self.attrs["align_corners"], self.attrs["mode"]
        g = grid.astype(np.float64 if grid.dtype == np.float64 else np.float32)
        x = _denormalize(g[..., 0], data.shape[3], align)
        y = _denormalize(g[..., 1], data.shape[2], align)
        read = _Sampler(data.astype(np.float64), self.attrs["padding_mode"], align)
        if mode == "nearest":
            out = read(np.rint(y).astype(np.int64), np.rint(x).astype(np.int64))
        else:
            y0, x0 = np.floor(y), np.floor(x)
            dy, dx = (y - y0).astype(np.float64)[:, None], (x - x0).astype(np.float64)[:, None]
            yi, xi = y0.astype(np.int64), x0.astype(np.int64)
            if mode == "bilinear":
                top = (1 - dx) * read(yi, xi) + dx * read(yi, xi + 1)
                bottom = (1 - dx) * read(yi + 1, xi) + dx * read(yi + 1, xi + 1)
                out = (1 - dy) * top + dy * bottom
            else:
                cy, cx = _cubic_coeffs(dy), _cubic_coeffs(dx)
                out = sum(
                    cy[j] * sum(cx[i] * read(yi + j - 1, xi + i - 1) for i in range(4))
                    for j in range(4)
                )
        if data.dtype.kind in "iub":
            out = np.trunc(out)
        return (np.asarray(out).astype(data.dtype),)


OPS = [GridSample9]
