"""Joining and splitting along an axis: Concat-1, Split-1, VariadicSplit-1."""

from __future__ import annotations

import math

import numpy as np
from pyvino import INT, Attr, Dimension, Op, PartialShape, Type

from pyvino_opsets._common import (
    add_dims,
    dim_upper,
    make_dim,
    merge_types,
    normalize_axis,
    require_integer_type,
    scalar_or_1d_value,
)


def _rank_of(op: Op, i: int) -> int | None:
    s = op.input_shape(i)
    return len(s) if s.rank_is_static else None


def _count(op: Op, i: int) -> int | None:
    s = op.input_shape(i)
    return int(np.prod(s.to_shape())) if s.is_static else None


class Concat1(Op):
    """Join inputs along ``axis`` (negative counts from the end)."""

    type_name = "Concat"
    attributes = (Attr("axis", INT),)
    num_inputs = (1, None)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = merge_types(*(self.input_type(i) for i in range(len(self.inputs))))
        shapes = [self.input_shape(i) for i in range(len(self.inputs))]
        ranked = [s for s in shapes if s.rank_is_static]
        if not ranked:
            return [(t, PartialShape.dynamic())]
        rank = len(ranked[0])
        if any(len(s) != rank for s in ranked):
            raise self.fail(f"inputs must have equal ranks, got {', '.join(map(str, shapes))}")
        if rank == 0:
            raise self.fail("cannot concatenate scalars")
        axis = normalize_axis(self.attrs["axis"], rank, "attribute 'axis'")
        dims = list(ranked[0])
        dims[axis] = Dimension(0)
        for s in ranked:
            for i, d in enumerate(s):
                if i == axis:
                    dims[i] = add_dims(dims[i], d)
                elif not dims[i].compatible(d):
                    raise self.fail(
                        f"inputs differ outside axis {axis}: {', '.join(map(str, shapes))}"
                    )
                else:
                    dims[i] = dims[i].merge(d)
        if len(ranked) < len(shapes):
            dims[axis] = make_dim(dims[axis].min, math.inf)
        return [(t, PartialShape(dims))]

    def evaluate(self, *xs: np.ndarray) -> tuple[np.ndarray, ...]:
        axis = normalize_axis(self.attrs["axis"], xs[0].ndim, "attribute 'axis'")
        return (np.concatenate(xs, axis=axis),)


class Split1(Op):
    """Split input 1 along axis (input 2) into ``num_splits`` equal parts."""

    type_name = "Split"
    attributes = (Attr("num_splits", INT),)
    num_inputs = 2

    def infer(self) -> list[tuple[Type, PartialShape]]:
        n = self.attrs["num_splits"]
        if n <= 0:
            raise self.fail(f"attribute 'num_splits' must be positive, got {n}")
        require_integer_type(self.input_type(1), "axis (input 1)")
        data, t = self.input_shape(0), self.input_type(0)
        axis = scalar_or_1d_value(self.input_value(1))
        if not data.rank_is_static or axis is None:
            return [(t, PartialShape.dynamic(_rank_of(self, 0)))] * n
        if len(axis) != 1:
            raise self.fail(f"axis (input 1) must be a scalar, got {axis}")
        a = normalize_axis(axis[0], len(data), "axis (input 1)")
        d = data[a]
        if d.is_static and d.min % n:
            raise self.fail(f"dimension {a} of size {d} cannot be split into {n} equal parts")
        dims = list(data)
        dims[a] = make_dim(-(-d.min // n), dim_upper(d) if d.max == -1 else d.max // n)
        return [(t, PartialShape(dims))] * n

    def evaluate(self, x: np.ndarray, axis: np.ndarray) -> tuple[np.ndarray, ...]:
        a = normalize_axis(int(axis.reshape(-1)[0]), x.ndim, "axis (input 1)")
        return tuple(np.split(x, self.attrs["num_splits"], axis=a))


class VariadicSplit1(Op):
    """Split input 1 along axis (input 2) into parts of sizes input 3 (one may be -1)."""

    type_name = "VariadicSplit"
    num_inputs = 3

    def lengths(self, d: Dimension, lengths: list[int]) -> list[Dimension]:
        if lengths.count(-1) > 1 or any(v < -1 for v in lengths):
            raise self.fail(f"split_lengths {lengths} may hold one -1 and no other negatives")
        known = sum(v for v in lengths if v != -1)
        if -1 in lengths:
            rest = make_dim(max(d.min - known, 0), dim_upper(d) - known)
            if d.max != -1 and d.max < known:
                raise self.fail(f"split_lengths {lengths} exceed dimension size {d}")
        elif not d.compatible(known):
            raise self.fail(f"split_lengths {lengths} must sum to the dimension size {d}")
        return [rest if v == -1 else Dimension(v) for v in lengths]

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(1), "axis (input 1)")
        require_integer_type(self.input_type(2), "split_lengths (input 2)")
        n = _count(self, 2)
        if n is None:
            raise self.fail("split_lengths (input 2) must have a static shape")
        data, t = self.input_shape(0), self.input_type(0)
        axis = scalar_or_1d_value(self.input_value(1))
        lengths = scalar_or_1d_value(self.input_value(2))
        if not data.rank_is_static or axis is None:
            return [(t, PartialShape.dynamic(_rank_of(self, 0)))] * n
        a = normalize_axis(axis[0], len(data), "axis (input 1)")
        sizes = self.lengths(data[a], lengths) if lengths is not None else [Dimension()] * n
        outs = []
        for size in sizes:
            dims = list(data)
            dims[a] = size
            outs.append((t, PartialShape(dims)))
        return outs

    def evaluate(self, x: np.ndarray, axis: np.ndarray, lengths: np.ndarray) -> tuple:
        a = normalize_axis(int(axis.reshape(-1)[0]), x.ndim, "axis (input 1)")
        sizes = [d.min for d in self.lengths(Dimension(x.shape[a]), scalar_or_1d_value(lengths))]
        return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=a))


OPS = [Concat1, Split1, VariadicSplit1]
