"""Reductions: ReduceMean/Sum/Max/Min/Prod/LogicalAnd/LogicalOr (opset1), ReduceL1/L2 (opset4).

Axes come from the second input (scalar or 1D, negative allowed). As OpenVINO specifies, an
empty axes tensor reduces nothing: the output equals the input.

OpenVINO leaves reducing an empty set undefined; pyvino returns each reduction's identity there
(sum 0, product 1, max -inf / the type's minimum, min +inf / the type's maximum).
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
from pyvino._attrs import BOOL, Attr
from pyvino._node import Op
from pyvino._shape import Dimension, PartialShape
from pyvino._types import Type


class _Reduce(Op):
    attributes = (Attr("keep_dims", BOOL, False),)
    num_inputs = 2
    _logical = False

    def _axes(self, values: np.ndarray, rank: int) -> tuple[int, ...]:
        axes = [int(a) for a in np.asarray(values).reshape(-1)]
        for a in axes:
            if not -rank <= a < max(rank, 1):
                raise self.fail(
                    f"axis {a} is out of range [{-rank}, {rank - 1}] for data of rank {rank}"
                )
        return tuple(sorted({a % rank for a in axes})) if rank else ()

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t, data, axes_shape = self.input_type(0), self.input_shape(0), self.input_shape(1)
        if self._logical and t not in (Type.boolean, Type.dynamic):
            raise self.fail(f"data type is {t.name}, expected boolean")
        at = self.input_type(1)
        if at is not Type.dynamic and not at.is_integral:
            raise self.fail(f"axes input has type {at.name}, expected an integer type")
        if axes_shape.rank_is_static and len(axes_shape) > 1:
            raise self.fail(f"axes input has shape {axes_shape}, expected a scalar or 1D tensor")
        keep = self.attrs["keep_dims"]
        if not data.rank_is_static:
            return [(t, PartialShape.dynamic())]
        value = self.input_value(1)
        if value is None:
            if keep:
                return [(t, PartialShape.dynamic(len(data)))]
            if axes_shape.rank_is_static and (len(axes_shape) == 0 or axes_shape[0].is_static):
                count = 1 if len(axes_shape) == 0 else axes_shape[0].min
                return [(t, PartialShape.dynamic(max(len(data) - count, 0)))]
            return [(t, PartialShape.dynamic())]
        axes = self._axes(value, len(data))
        if keep:
            dims = [Dimension(1) if i in axes else d for i, d in enumerate(data)]
        else:
            dims = [d for i, d in enumerate(data) if i not in axes]
        return [(t, PartialShape(dims))]

    def evaluate(self, x: np.ndarray, axes: np.ndarray) -> tuple[np.ndarray, ...]:
        ax = self._axes(axes, x.ndim)
        if not ax:
            return (x.copy(),)
        y = self.reduce(x, ax)
        if self.attrs["keep_dims"]:
            y = np.expand_dims(y, ax)
        return (np.asarray(y).astype(x.dtype, copy=False),)

    def reduce(self, x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
        raise NotImplementedError


def _acc(x: np.ndarray) -> np.ndarray:
    # narrow floats accumulate in f32; integers keep their own (wrapping) arithmetic
    return x.astype(np.float32) if x.dtype.kind == "f" and x.dtype.itemsize < 4 else x


class ReduceSum1(_Reduce):
    """ReduceSum-1: sum over ``axes``."""

    type_name = "ReduceSum"
    version_id = "opset1"

    def reduce(self, x, axes):
        return np.sum(_acc(x), axis=axes, dtype=_acc(x).dtype)


class ReduceMean1(_Reduce):
    """ReduceMean-1: mean over ``axes`` (integer data: sum / count truncated toward zero)."""

    type_name = "ReduceMean"
    version_id = "opset1"

    def reduce(self, x, axes):
        count = int(np.prod([x.shape[a] for a in axes]))
        if x.dtype.kind in "iu":
            total = np.sum(x, axis=axes, dtype=np.int64)
            return np.trunc(total / max(count, 1)).astype(np.int64)
        return np.mean(_acc(x), axis=axes)


def _empty_extreme(x: np.ndarray, axes: tuple[int, ...], lowest: bool) -> np.ndarray | None:
    """The identity of max (``lowest``) or min where ``axes`` select no element, else None:
    an infinity for floats (the largest finite value without one), the type's bound otherwise."""
    if all(x.shape[a] for a in axes):
        return None
    shape = [n for i, n in enumerate(x.shape) if i not in axes]
    t = Type.get(x.dtype)
    if t is Type.boolean:
        value: object = not lowest
    elif t.is_integral:
        info = ml_dtypes.iinfo(x.dtype)  # numpy's iinfo lacks the 4- and 2-bit types
        value = info.min if lowest else info.max
    elif np.isinf(np.asarray(np.inf).astype(x.dtype)):
        value = -np.inf if lowest else np.inf
    else:  # f8e4m3 and the like have no infinity: their largest finite values
        info = ml_dtypes.finfo(x.dtype)
        value = info.min if lowest else info.max
    return np.full(shape, value).astype(x.dtype)


class ReduceMax1(_Reduce):
    """ReduceMax-1: maximum over ``axes`` (-inf, or the type's minimum, over an empty set)."""

    type_name = "ReduceMax"
    version_id = "opset1"

    def reduce(self, x, axes):
        empty = _empty_extreme(x, axes, lowest=True)
        return np.max(x, axis=axes) if empty is None else empty


class ReduceMin1(_Reduce):
    """ReduceMin-1: minimum over ``axes`` (+inf, or the type's maximum, over an empty set)."""

    type_name = "ReduceMin"
    version_id = "opset1"

    def reduce(self, x, axes):
        empty = _empty_extreme(x, axes, lowest=False)
        return np.min(x, axis=axes) if empty is None else empty


class ReduceProd1(_Reduce):
    """ReduceProd-1: product over ``axes``."""

    type_name = "ReduceProd"
    version_id = "opset1"

    def reduce(self, x, axes):
        return np.prod(_acc(x), axis=axes, dtype=_acc(x).dtype)


class ReduceL1_4(_Reduce):  # noqa: N801 (class names end with the version; L1 is part of the type)
    """ReduceL1-4: sum of absolute values over ``axes``."""

    type_name = "ReduceL1"
    version_id = "opset4"

    def reduce(self, x, axes):
        return np.sum(np.abs(_acc(x)), axis=axes)


class ReduceL2_4(_Reduce):  # noqa: N801
    """ReduceL2-4: square root of the sum of squares over ``axes``."""

    type_name = "ReduceL2"
    version_id = "opset4"

    def reduce(self, x, axes):
        y = np.sqrt(np.sum(np.square(x.astype(np.float64)), axis=axes))
        return np.rint(y) if x.dtype.kind in "iu" else y


class ReduceLogicalAnd1(_Reduce):
    """ReduceLogicalAnd-1: logical AND over ``axes`` of boolean data."""

    type_name = "ReduceLogicalAnd"
    version_id = "opset1"
    _logical = True

    def reduce(self, x, axes):
        return np.all(x, axis=axes)


class ReduceLogicalOr1(_Reduce):
    """ReduceLogicalOr-1: logical OR over ``axes`` of boolean data."""

    type_name = "ReduceLogicalOr"
    version_id = "opset1"
    _logical = True

    def reduce(self, x, axes):
        return np.any(x, axis=axes)


OPS = [
    ReduceMean1,
    ReduceSum1,
    ReduceMax1,
    ReduceMin1,
    ReduceProd1,
    ReduceL1_4,
    ReduceL2_4,
    ReduceLogicalAnd1,
    ReduceLogicalOr1,
]

__all__ = [
    "OPS",
    "ReduceL1_4",
    "ReduceL2_4",
    "ReduceLogicalAnd1",
    "ReduceLogicalOr1",
    "ReduceMax1",
    "ReduceMean1",
    "ReduceMin1",
    "ReduceProd1",
    "ReduceSum1",
]
