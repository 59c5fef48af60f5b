"""Shared helpers of the sliding-window ops (convolutions, pooling): padding and output sizes.

Sizes are computed on ``Dimension`` bounds so the same code serves static shapes, ``?`` and
intervals; every formula used here is monotonic in the input size, so mapping the interval's
bounds gives the output interval.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pyvino._attrs import AttrKind, enum
from pyvino._shape import Dimension

_INF = -1
_PAD_ENUM = enum("explicit", "same_lower", "same_upper", "valid")


def _parse_auto_pad(value: Any) -> str:
    # OpenVINO's PadType has NOTSET as an alias of EXPLICIT; older IR writes it.
    if isinstance(value, str) and value.strip().lower() == "notset":
        return "explicit"
    return _PAD_ENUM.parse(value)


AUTO_PAD = AttrKind(_PAD_ENUM.name, _parse_auto_pad, str)
ROUNDING_V1 = enum("floor", "ceil")
ROUNDING_V14 = enum("floor", "ceil", "ceil_torch")


def map_dim(dim: Dimension, fn: Callable[[int], int]) -> Dimension:
    """Apply a non-decreasing size function to a dimension's bounds (dynamic stays dynamic)."""
    if dim.is_static:
        return Dimension(max(fn(dim.min), 0))
    if dim.min == 0 and dim.max == _INF:
        return Dimension()
    lo = max(fn(dim.min), 0)
    hi = _INF if dim.max == _INF else max(fn(dim.max), lo)
    return Dimension(lo, hi)


def ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def same_padding(size: int, kernel: int, stride: int, dilation: int, mode: str) -> tuple[int, int]:
    """(begin, end) padding for auto_pad same_upper/same_lower: output size = ceil(size/stride)."""
    out = ceil_div(size, stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    small, large = total // 2, total - total // 2
    return (small, large) if mode == "same_upper" else (large, small)


def resolve_pads(
    auto_pad: str,
    sizes: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    pads_begin: Sequence[int],
    pads_end: Sequence[int],
) -> tuple[list[int], list[int]]:
    """The padding actually applied for static spatial ``sizes`` (auto_pad overrides the attrs)."""
    if auto_pad == "valid":
        return [0] * len(sizes), [0] * len(sizes)
    if auto_pad in ("same_upper", "same_lower"):
        pairs = [
            same_padding(n, k, s, d, auto_pad)
            for n, k, s, d in zip(sizes, kernel, strides, dilations, strict=True)
        ]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    return list(pads_begin), list(pads_end)


def window_out_size(
    size: int, kernel: int, stride: int, dilation: int, pb: int, pe: int, rounding: str = "floor"
) -> int:
    """Number of window positions along one axis (the pooling/convolution output size)."""
    span = size + pb + pe - ((kernel - 1) * dilation + 1)
    out = (ceil_div(span, stride) if rounding != "floor" else span // stride) + 1
    # ceil_torch (PyTorch's ceil_mode): the last window must start inside data or left padding.
    if rounding == "ceil_torch" and out > 0 and (out - 1) * stride >= size + pb:
        out -= 1
    return out


def check_lengths(op: Any, n: int, **lists: Sequence[Any]) -> None:
    """Every named attribute list must have one entry per spatial axis."""
    for name, values in lists.items():
        if len(values) != n:
            raise op.fail(
                f"attribute {name!r} has {len(values)} values, expected {n} (one per spatial axis)"
            )


def check_positive(op: Any, **lists: Sequence[int]) -> None:
    for name, values in lists.items():
        if any(v <= 0 for v in values):
            raise op.fail(f"attribute {name!r} must hold positive values, got {list(values)}")


__all__ = [
    "AUTO_PAD",
    "ROUNDING_V1",
    "ROUNDING_V14",
    "ceil_div",
    "check_lengths",
    "check_positive",
    "map_dim",
    "resolve_pads",
    "same_padding",
    "window_out_size",
]
