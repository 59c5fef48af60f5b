"""Helpers shared by the elementwise and data-movement families: broadcasting, axes, types."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pyvino import Attr, Dimension, PartialShape, Type, enum
from pyvino._errors import PyvinoError

_INF = -1  # Dimension.max of an unbounded interval

AUTO_BROADCAST = enum("none", "numpy", "pdpd")


def auto_broadcast_attr(default: str = "numpy") -> Attr:
    return Attr("auto_broadcast", AUTO_BROADCAST, default)


# ------------------------------------------------------------------------------- dimensions
def dim_upper(d: Dimension) -> float:
    return float("inf") if d.max == _INF else d.max


def make_dim(lo: float, hi: float) -> Dimension:
    """A Dimension from bounds where ``hi`` may be infinite."""
    lo = max(int(lo), 0)
    if hi == float("inf"):
        return Dimension(lo, _INF)
    hi = int(hi)
    return Dimension(lo) if lo == hi else Dimension(lo, max(hi, lo))


def add_dims(a: Dimension, b: Dimension) -> Dimension:
    return make_dim(a.min + b.min, dim_upper(a) + dim_upper(b))


def mul_dims(a: Dimension, b: Dimension) -> Dimension:
    hi = dim_upper(a) * dim_upper(b) if (a.max != 0 and b.max != 0) else 0
    return make_dim(a.min * b.min, hi)


def broadcast_dim(a: Dimension, b: Dimension) -> Dimension:
    """Numpy broadcasting of two possibly dynamic dimensions (raises if they cannot meet)."""
    if a == 1:
        return b
    if b == 1:
        return a
    if a.is_static and b.is_static:
        if a.min != b.min:
            raise PyvinoError(f"dimensions {a} and {b} cannot be broadcast together")
        return a
    if a.is_static or b.is_static:
        static, other = (a, b) if a.is_static else (b, a)
        if not (other.contains(static.min) or other.contains(1)):
            raise PyvinoError(f"dimensions {a} and {b} cannot be broadcast together")
        return static
    # Both dynamic: a side that may be 1 can take the other's value.
    a1, b1 = a.contains(1), b.contains(1)
    if not a1 and not b1:
        return a.merge(b)
    if not a1:
        return a if a.compatible(b) else _fail_dims(a, b)
    if not b1:
        return b if b.compatible(a) else _fail_dims(a, b)
    return make_dim(min(a.min, b.min), max(dim_upper(a), dim_upper(b)))


def _fail_dims(a: Dimension, b: Dimension) -> Dimension:
    raise PyvinoError(f"dimensions {a} and {b} cannot be broadcast together")


def broadcast_shapes(a: PartialShape, b: PartialShape, mode: str = "numpy") -> PartialShape:
    """Output shape of an elementwise op under ``auto_broadcast`` = none / numpy / pdpd."""
    if mode == "none":
        if not a.rank_is_static:
            return b
        if not b.rank_is_static:
            return a
        if len(a) != len(b) or not a.compatible(b):
            raise PyvinoError(f"shapes {a} and {b} must be equal when auto_broadcast is none")
        return PartialShape([x.merge(y) for x, y in zip(a, b, strict=True)])
    if mode == "pdpd":
        if not a.rank_is_static or not b.rank_is_static:
            return a
        if len(b) > len(a):
            raise PyvinoError(f"pdpd broadcast: shape {b} has a higher rank than {a}")
        start = len(a) - len(b)
        dims = list(a)
        for i, d in enumerate(b):
            target = dims[start + i]
            if d != 1 and not target.compatible(d):
                raise PyvinoError(f"pdpd broadcast: shape {b} does not fit into {a}")
            if d != 1:
                dims[start + i] = target.merge(d)
        return PartialShape(dims)
    if not a.rank_is_static or not b.rank_is_static:
        return PartialShape.dynamic()
    n = max(len(a), len(b))
    da = [Dimension(1)] * (n - len(a)) + list(a)
    db = [Dimension(1)] * (n - len(b)) + list(b)
    return PartialShape([broadcast_dim(x, y) for x, y in zip(da, db, strict=True)])


def pdpd_align(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``b`` reshaped so that numpy broadcasting reproduces pdpd's right-aligned rule (axis -1)."""
    return b.reshape((1,) * (a.ndim - b.ndim) + b.shape)


def check_broadcast_values(shapes: Sequence[tuple[int, ...]], mode: str) -> None:
    if mode == "none" and len({tuple(s) for s in shapes}) > 1:
        raise PyvinoError(f"shapes {list(shapes)} must be equal when auto_broadcast is none")


# ------------------------------------------------------------------------------- types
def merge_types(*types: Type) -> Type:
    """The common element type of inputs that must agree (``dynamic`` matches anything)."""
    known = [t for t in types if t is not Type.dynamic]
    if any(t is not known[0] for t in known):
        raise PyvinoError("input element types must match, got " + ", ".join(t.name for t in types))
    return known[0] if known else Type.dynamic


def require_integer_type(t: Type, what: str) -> None:
    if t is not Type.dynamic and not (t.is_integral and t is not Type.boolean):
        raise PyvinoError(f"{what} must have an integer element type, got {t.name}")


def compute_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype to compute in: floats narrower than f32 (f16, bf16, f8, f4) use f32 and are
    rounded once at the end; sub-byte integers use i64 and wrap when cast back."""
    t = Type.get(dtype)
    if t.is_real and t.bitwidth < 32:
        return np.dtype(np.float32)
    if t.is_integral and dtype.kind == "V":
        return np.dtype(np.int64)
    return dtype


# ------------------------------------------------------------------------------- axes
def normalize_axis(axis: int, rank: int, what: str = "axis") -> int:
    """``axis`` in ``[-rank, rank)`` made non-negative; raises naming ``what`` otherwise."""
    if not -rank <= axis < rank:
        raise PyvinoError(f"{what} {axis} is out of range [{-rank}, {rank - 1}]")
    return axis + rank if axis < 0 else axis


def normalize_axes(axes: Sequence[int], rank: int, what: str = "axes") -> list[int]:
    return [normalize_axis(int(a), rank, what) for a in axes]


def scalar_or_1d_value(value: np.ndarray | None) -> list[int] | None:
    return None if value is None else [int(v) for v in np.asarray(value).reshape(-1)]
