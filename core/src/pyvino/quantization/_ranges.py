"""Quantization ranges chosen to minimise the mean squared quantization error (MSE).

Min-max ranges waste levels on rare extreme values; a slightly narrower range clips those few
values but makes every step finer. NNCF and POT offer the same search (POT's ``MSE`` range
estimator, NNCF's ``AggregatorType.MSE``-style weight ranges): try the min-max range scaled by
a grid of factors in ``(0, 1]`` and keep the one with the smallest ``mean((x - Q(x))^2)``.

Weights search one scale per output channel (symmetric, 255 levels); activations search one
scale for the whole tensor on a random subsample of its calibration values, through the
preset's own range rule so that the searched range is the one FakeQuantize will use.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

WEIGHT_HALF_LEVELS = 127
# Candidate fractions of the min-max range (fine near 1, where the optimum usually is).
SCALE_GRID = np.linspace(0.3, 1.0, 71)


def symmetric_weight_error(rows: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Per-row sum of squared error of 255-level symmetric quantization with ``scale`` (rows
    ``[C, K]``, scales ``[C, 1]``)."""
    step = scale / WEIGHT_HALF_LEVELS
    q = np.clip(np.rint(rows / step), -WEIGHT_HALF_LEVELS, WEIGHT_HALF_LEVELS)
    return np.square(rows - q * step).sum(axis=1)


def mse_weight_scales(weight: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """Per-channel symmetric scales (size-1 dims on the reduced axes) minimising the weight
    MSE; channels are indexed by ``axes`` (all of the tensor when ``axes`` is empty)."""
    moved = np.moveaxis(weight, axes, tuple(range(len(axes))))
    kept_shape = moved.shape[: len(axes)]
    rows = moved.reshape(int(np.prod(kept_shape, dtype=np.int64)), -1).astype(np.float32)
    top = np.abs(rows).max(axis=1, keepdims=True)
    top = np.where(top > 0, top, 1.0).astype(np.float32)
    best_error = np.full(rows.shape[0], np.inf)
    best = top.copy()
    for factor in SCALE_GRID:
        error = symmetric_weight_error(rows, top * np.float32(factor))
        better = error < best_error
        best_error = np.where(better, error, best_error)
        best[better] = top[better] * np.float32(factor)
    shape = [1] * weight.ndim
    for i, axis in enumerate(axes):
        shape[axis] = kept_shape[i]
    return best.reshape(shape).astype(np.float32)


def fake_quantize_values(x: np.ndarray, low: float, high: float, levels: int) -> np.ndarray:
    """FakeQuantize with equal input and output ranges, in numpy."""
    step = (high - low) / (levels - 1)
    return np.rint((np.clip(x, low, high) - low) / step) * step + low


def mse_activation_range(
    values: np.ndarray,
    low: float,
    high: float,
    levels: int,
    to_range: Callable[[float, float], tuple[float, float]],
) -> tuple[float, float]:
    """The FakeQuantize range ``to_range(f * low, f * high)`` with the smallest MSE on
    ``values`` over the factors ``f`` of ``SCALE_GRID`` (``[low, high]``: min-max range)."""
    best, best_error = to_range(low, high), np.inf
    if values.size == 0 or high - low <= 0:
        return best
    for factor in SCALE_GRID:
        lo, hi = to_range(factor * low, factor * high)
        error = float(np.mean(np.square(values - fake_quantize_values(values, lo, hi, levels))))
        if error < best_error:
            best, best_error = (lo, hi), error
    return best
