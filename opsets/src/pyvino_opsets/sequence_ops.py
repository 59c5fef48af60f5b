"""Sequence producers and scans: Range-1/4, CumSum-3, OneHot-1, NonZero-3, Unique-10."""

from __future__ import annotations

import math

import numpy as np
from pyvino import BOOL, INT, TYPE, Attr, Dimension, Op, PartialShape, Type

from pyvino_opsets._common import (
    compute_dtype,
    make_dim,
    merge_types,
    normalize_axis,
    require_integer_type,
)
from pyvino_opsets.type_conversion import convert_array


def _index_type(op: Op, name: str) -> Type:
    t = op.attrs[name]
    if t not in (Type.i64, Type.i32):
        raise op.fail(f"attribute {name!r} must be i64 or i32, got {t.name}")
    return t


def _scalar(value: np.ndarray | None) -> float | None:
    return None if value is None else float(np.asarray(value, np.float64).reshape(-1)[0])


class Range1(Op):
    """``start, start+step, ...`` below ``stop``; inputs and output share one numeric type."""

    type_name = "Range"
    num_inputs = 3

    def out_type(self) -> Type:
        t = merge_types(*(self.input_type(i) for i in range(3)))
        if t is Type.boolean:
            raise self.fail("inputs must have a numeric element type")
        return t

    def length(self, start: float, stop: float, step: float) -> int:
        """max(ceil((stop - start) / step), 0); integer outputs truncate the inputs first."""
        for name, v in (("start", start), ("stop", stop), ("step", step)):
            if not math.isfinite(v):
                raise self.fail(f"'{name}' cannot be nan or infinite, got {v}")
        if self.out_type().is_integral:
            start, stop, step = math.trunc(start), math.trunc(stop), math.trunc(step)
        if step == 0:
            if type(self) is Range1:
                raise self.fail("'step' cannot be zero")
            return 0
        return max(math.ceil((stop - start) / step), 0)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        for i, name in enumerate(("start", "stop", "step")):
            s = self.input_shape(i)
            if s.rank_is_static and any(d.is_static and d.min != 1 for d in s):
                raise self.fail(f"'{name}' input must be a scalar, got shape {s}")
        values = [_scalar(self.input_value(i)) for i in range(3)]
        if any(v is None for v in values):
            return [(self.out_type(), PartialShape.dynamic(1))]
        return [(self.out_type(), PartialShape([self.length(*values)]))]

    def evaluate(self, start, stop, step) -> tuple[np.ndarray, ...]:
        t = self.out_type()
        s0, s1, st = (_scalar(v) for v in (start, stop, step))
        n = self.length(s0, s1, st)
        if t.is_integral:
            values = math.trunc(s0) + np.arange(n, dtype=np.int64) * math.trunc(st)
            return (convert_array(values, t),)
        work = compute_dtype(t.dtype)
        values = work.type(s0) + np.arange(n, dtype=work) * work.type(st)
        return (values.astype(t.dtype),)


class Range4(Range1):
    """Range-4: inputs of any numeric types, ``output_type`` chooses the result."""

    version_id = "opset4"
    attributes = (Attr("output_type", TYPE),)

    def out_type(self) -> Type:
        return self.attrs["output_type"]


class CumSum3(Op):
    """Cumulative sum along axis (input 2, default 0); ``exclusive`` and ``reverse`` flags."""

    type_name = "CumSum"
    version_id = "opset3"
    attributes = (Attr("exclusive", BOOL, False), Attr("reverse", BOOL, False))
    num_inputs = (1, 2)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        if len(self.inputs) == 2:
            require_integer_type(self.input_type(1), "axis (input 1)")
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x: np.ndarray, axis: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        a = 0 if axis is None else int(np.asarray(axis).reshape(-1)[0])
        a = normalize_axis(a, x.ndim, "axis (input 1)")
        v = x.astype(compute_dtype(x.dtype))
        if self.attrs["reverse"]:
            v = np.flip(v, a)
        out = np.cumsum(v, axis=a, dtype=v.dtype)
        if self.attrs["exclusive"]:
            out = out - v
        if self.attrs["reverse"]:
            out = np.flip(out, a)
        return (np.ascontiguousarray(out).astype(x.dtype),)


class OneHot1(Op):
    """One-hot encode indices along ``axis``: on_value where index == i, off_value elsewhere.

    Indices outside [0, depth) (negative ones too) give a row of off_value.
    """

    type_name = "OneHot"
    attributes = (Attr("axis", INT),)
    num_inputs = 4

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(0), "indices (input 0)")
        require_integer_type(self.input_type(1), "depth (input 1)")
        t = merge_types(self.input_type(2), self.input_type(3))
        indices = self.input_shape(0)
        depth = _scalar(self.input_value(1))
        if depth is not None and depth < 0:
            raise self.fail(f"depth must be non-negative, got {depth}")
        d = Dimension() if depth is None else Dimension(int(depth))
        if not indices.rank_is_static:
            return [(t, PartialShape.dynamic())]
        axis = normalize_axis(self.attrs["axis"], len(indices) + 1, "attribute 'axis'")
        dims = list(indices)
        dims.insert(axis, d)
        return [(t, PartialShape(dims))]

    def evaluate(self, indices, depth, on_value, off_value) -> tuple[np.ndarray, ...]:
        n = int(_scalar(depth))
        axis = normalize_axis(self.attrs["axis"], indices.ndim + 1, "attribute 'axis'")
        hot = np.expand_dims(indices.astype(np.int64), axis)
        shape = [1] * (indices.ndim + 1)
        shape[axis] = n
        positions = np.arange(n).reshape(shape)
        on, off = np.asarray(on_value).reshape(()), np.asarray(off_value).reshape(())
        return (np.where(hot == positions, on, off).astype(on.dtype),)


class NonZero3(Op):
    """Indices of non-zero elements, one row per input axis: shape [rank, count]."""

    type_name = "NonZero"
    version_id = "opset3"
    attributes = (Attr("output_type", TYPE, Type.i64),)
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = _index_type(self, "output_type")
        data = self.input_shape(0)
        if not data.rank_is_static:
            return [(t, PartialShape.dynamic(2))]
        rank = max(len(data), 1)
        value = self.input_value(0)
        if value is not None:
            return [(t, PartialShape([rank, int(np.count_nonzero(value))]))]
        hi = math.prod(d.max for d in data) if all(d.max != -1 for d in data) else math.inf
        return [(t, PartialShape([rank, make_dim(0, hi)]))]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        t = _index_type(self, "output_type")
        # A scalar is treated as a 1-element vector, giving shape [1, 0 or 1].
        idx = np.array(np.nonzero(np.atleast_1d(x)), dtype=t.dtype)
        return (idx.reshape(max(x.ndim, 1), -1),)


OPS = [Range1, Range4, CumSum3, OneHot1, NonZero3]
