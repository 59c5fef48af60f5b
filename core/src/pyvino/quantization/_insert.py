"""FakeQuantize parameters and insertion (as POT/NNCF's DefaultQuantization lays them out).

Activations: 256 levels, one range per tensor. ``performance`` (symmetric): ``[0, max]`` for
non-negative tensors, else ``[-m * 128/127, m]`` with ``m = max |x|`` so that 0 is a level;
``mixed`` (asymmetric): ``[min, max]`` widened to hold 0 and nudged so 0 is a level.
Weights: symmetric, 255 levels (``[-s, s]``), one ``s`` per output channel: ``max |w|``
(``weight_range="minmax"``) or the MSE-optimal scale (``"mse"``, see ``_ranges``). With
``compress_weights`` the weights are stored as i8 ``q = round(127 w / s)`` and rebuilt by a
decompression ``Convert`` and a ``Multiply(s / 127)`` before their FakeQuantize, so the
``.bin`` holds one byte per weight.
"""

from __future__ import annotations

import numpy as np

from pyvino._core_ops import Constant
from pyvino._node import Op, Output
from pyvino._types import Type
from pyvino.quantization._ranges import mse_weight_scales

ACTIVATION_LEVELS = 256
WEIGHT_LEVELS = 255
PRESETS = ("performance", "mixed")
WEIGHT_RANGES = ("minmax", "mse")
_EPS = 1e-8


def activation_range(low: float, high: float, preset: str) -> tuple[float, float]:
    """The FakeQuantize input range for a tensor observed in ``[low, high]``."""
    if preset == "performance":
        if low >= 0.0:
            return 0.0, max(high, _EPS)
        m = max(abs(low), abs(high), _EPS)
        return -m * 128.0 / 127.0, m
    lo, hi = min(low, 0.0), max(high, 0.0)
    if hi - lo < _EPS:
        hi = lo + _EPS
    step = (hi - lo) / (ACTIVATION_LEVELS - 1)
    zero_point = round(-lo / step)
    lo = -zero_point * step
    return lo, lo + step * (ACTIVATION_LEVELS - 1)


def _scalar(value: float) -> Output:
    return Constant(np.float32(value), Type.f32).output(0)


def fake_quantize(
    x: Output, low: Output, high: Output, levels: int, fq_class: type[Op], name: str
) -> Output:
    """``FakeQuantize(x, low, high, low, high, levels)`` (output range = input range)."""
    node = fq_class([x, low, high, low, high], {"levels": levels}, name)
    return node.output(0)


def quantize_activation(x: Output, low: float, high: float, fq_class: type[Op]) -> Output:
    return fake_quantize(
        x,
        _scalar(low),
        _scalar(high),
        ACTIVATION_LEVELS,
        fq_class,
        f"{x.node.friendly_name}/fq_output_{x.index}",
    )


def weight_scales(weight: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """``max |w|`` over every axis but ``axes`` (kept as size-1 dims), never zero."""
    others = tuple(i for i in range(weight.ndim) if i not in axes)
    s = np.abs(weight).max(axis=others, keepdims=True)
    return np.where(s > 0, s, 1.0).astype(np.float32)


def quantize_weight(
    weight: np.ndarray,
    axes: tuple[int, ...],
    compress: bool,
    ops: dict[str, type[Op]],
    name: str,
    weight_range: str = "minmax",
) -> Output:
    """The weights with their FakeQuantize; stored as i8 + decompression when ``compress``."""
    if weight_range == "mse":
        scale = mse_weight_scales(weight, axes)
    else:
        scale = weight_scales(weight, axes)
    half = (WEIGHT_LEVELS - 1) // 2  # 127
    if compress:
        q = np.clip(np.rint(weight / scale * half), -half, half).astype(np.int8)
        stored = Constant(q, Type.i8, f"{name}/int8")
        convert = ops["Convert"](
            [stored.output(0)], {"destination_type": Type.f32}, f"{name}/decompress"
        )
        convert.rt_info["decompression"] = {}
        step = Constant((scale / half).astype(np.float32), Type.f32, f"{name}/scale")
        w = ops["Multiply"]([convert.output(0), step.output(0)], {}, f"{name}/dequantize")
        source = w.output(0)
    else:
        source = Constant(weight.astype(np.float32), Type.f32, name).output(0)
    low = Constant(-scale, Type.f32, f"{name}/fq_low").output(0)
    high = Constant(scale, Type.f32, f"{name}/fq_high").output(0)
    return fake_quantize(
        source, low, high, WEIGHT_LEVELS, ops["FakeQuantize"], f"{name}/fq_weights"
    )
